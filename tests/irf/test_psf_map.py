"""Tests of gammaray/irf/psf/map.py (PSFMap, RecoPSFMap)."""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord

from gammaray.irf import PSFKernel, PSFMap, RecoPSFMap
from gammaray.maps import MapAxis, MapCoord, WcsGeom
from gammaray.utils.errors import AxisError

SIGMAS = [0.05, 0.1, 0.15] * u.deg


def r68(sigma):
    return sigma * np.sqrt(-2 * np.log(1 - 0.68))


@pytest.fixture
def energy_axis_true():
    return MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3, name="energy_true")


@pytest.fixture
def gauss_psf(energy_axis_true):
    return PSFMap.from_gauss(energy_axis_true, sigma=SIGMAS)


def test_from_gauss_containment(gauss_psf, energy_axis_true):
    energy = energy_axis_true.center
    radius = gauss_psf.containment_radius(0.68, energy)
    np.testing.assert_allclose(radius.to_value("deg"), r68(SIGMAS).value, rtol=5e-3)
    # analytic containment of a Gaussian within sigma: 1 - exp(-1/2)
    c = gauss_psf.containment(SIGMAS, energy)
    np.testing.assert_allclose(c.value, 1 - np.exp(-0.5), rtol=5e-3)
    # broadcasting: fractions x energies
    radii = gauss_psf.containment_radius([[0.5], [0.9]], energy)
    assert radii.shape == (2, 3)
    assert np.all(radii[1] > radii[0])


def test_psf_kernel_gauss(gauss_psf, energy_axis_true):
    geom = WcsGeom.create(npix=100, binsz=0.01, axes=[energy_axis_true])
    kernel = gauss_psf.get_psf_kernel(geom)
    assert isinstance(kernel, PSFKernel)
    nx, ny = kernel.psf_kernel_map.geom.npix
    assert nx % 2 == 1 and ny % 2 == 1
    np.testing.assert_allclose(kernel.data.sum(axis=(-2, -1)), 1, rtol=1e-10)
    radius = kernel.containment_radius(0.68)
    binsz = 0.01
    assert np.all(np.abs(radius.to_value("deg") - r68(SIGMAS).value) < binsz)
    # the kernel matches the analytic Gaussian kernel
    ref = PSFKernel.from_gauss(
        geom.slice_by_idx({"energy_true": slice(1, 2)}),
        0.1 * u.deg,
        max_radius=kernel.psf_kernel_map.geom.width[0] / 2,
    )
    np.testing.assert_allclose(kernel.data[1], ref.data[0], atol=2e-4)


def test_psf_kernel_max_radius(gauss_psf, energy_axis_true):
    geom = WcsGeom.create(npix=100, binsz=0.02, axes=[energy_axis_true])
    kernel = gauss_psf.get_psf_kernel(geom, max_radius=0.1 * u.deg)
    assert tuple(kernel.psf_kernel_map.geom.npix) == (11, 11)
    with pytest.raises(AxisError):
        gauss_psf.get_psf_kernel(geom.to_image())


def test_containment_radius_map(energy_axis_true):
    geom = WcsGeom.create(npix=(3, 2), binsz=1.0)
    psf = PSFMap.from_gauss(energy_axis_true, sigma=SIGMAS, geom=geom)
    psf.psf_map.data[..., 0, 0] = PSFMap.from_gauss(
        energy_axis_true, sigma=2 * SIGMAS
    ).psf_map.data[..., 0, 0]
    energy = energy_axis_true.center[1]
    m = psf.containment_radius_map(energy)
    assert m.unit == u.deg
    assert m.geom.data_shape == (2, 3)
    np.testing.assert_allclose(m.data[1, 1], r68(0.1 * u.deg).value, rtol=5e-3)
    np.testing.assert_allclose(m.data[0, 0], r68(0.2 * u.deg).value, rtol=5e-3)
    cube = psf.containment_radius_map(energy_axis_true.center, fraction=0.68)
    np.testing.assert_allclose(cube.data[:, 1, 1], r68(SIGMAS).value, rtol=5e-3)


def test_energy_interpolation(gauss_psf, energy_axis_true):
    # outside the axis range values are clipped to the first / last bin
    r_low = gauss_psf.containment_radius(0.68, 0.1 * u.TeV)
    assert u.isclose(r_low, r68(0.05 * u.deg), rtol=5e-3)
    lo, hi = energy_axis_true.center[:2]
    r_mid = gauss_psf.containment_radius(0.68, np.sqrt(lo * hi))
    assert r68(0.05 * u.deg) < r_mid < r68(0.1 * u.deg)


def test_normalize(gauss_psf, energy_axis_true):
    gauss_psf.psf_map.data *= 3
    gauss_psf.normalize()
    c = gauss_psf.containment(0.66 * u.deg, energy_axis_true.center)
    np.testing.assert_allclose(c.value, 1, rtol=1e-10)


def test_to_image(energy_axis_true):
    psf = PSFMap.from_gauss(energy_axis_true, sigma=0.1 * u.deg)
    image = psf.to_image()
    assert image.psf_map.geom.axes["energy_true"].nbin == 1
    np.testing.assert_allclose(
        image.psf_map.data[:, :, 0, 0], psf.psf_map.data[:1, :, 0, 0]
    )
    assert image.exposure_map.geom.axes["energy_true"].nbin == 1


def test_sample_coord(gauss_psf):
    n = 20000
    position = SkyCoord(np.full(n, 10.0), np.full(n, 20.0), unit="deg")
    energy = gauss_psf.energy_axis.center[1]
    coords = MapCoord.create(
        {"skycoord": position, "energy_true": np.full(n, 1.0) * energy}
    )
    sampled = gauss_psf.sample_coord(coords, random_state=1)
    sep = sampled.skycoord.separation(position[0]).deg
    # radial sigma estimate of a 2D Gaussian (sigma = 0.1 deg): sqrt(<r^2> / 2)
    assert abs(np.sqrt(np.mean(sep**2) / 2) - 0.1) < 0.002
    assert u.allclose(sampled["energy_true"], energy)


def test_from_geom():
    rad = MapAxis.from_bounds(0, 1, nbin=10, name="rad", unit="deg")
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
    geom = WcsGeom.create(npix=3, binsz=1, axes=[rad, energy])
    psf = PSFMap.from_geom(geom)
    assert psf.psf_map.unit == u.Unit("sr-1")
    assert psf.exposure_map.geom.axes["rad"].nbin == 1
    with pytest.raises(AxisError):
        PSFMap.from_geom(WcsGeom.create(npix=3, binsz=1, axes=[energy]))


def test_fermi_psf(gammaray_data):
    path = gammaray_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_data_Fermi-LAT.fits"
    psf = PSFMap.read(path, format="gadf")
    assert psf.psf_map.geom.axes.names == ["rad", "energy_true"]
    assert psf.psf_map.geom.axes["rad"].nbin == 300
    assert psf.exposure_map is not None
    assert psf.exposure_map.unit == u.Unit("cm2 s")
    radius = psf.containment_radius(0.68, 10 * u.GeV)
    assert 0.1 * u.deg < radius < 0.3 * u.deg
    # the PSF narrows with energy
    r = psf.containment_radius(0.68, [10, 100, 1000] * u.GeV)
    assert np.all(np.diff(r) < 0)
    assert psf.containment(3 * u.deg, 10 * u.GeV) > 0.95
    geom = WcsGeom.create(
        npix=50,
        binsz=0.05,
        axes=[
            MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=3, name="energy_true")
        ],
    )
    kernel = psf.get_psf_kernel(geom, max_radius=1 * u.deg)
    np.testing.assert_allclose(kernel.data.sum(axis=(-2, -1)), 1, rtol=1e-6)


def test_reco_psf_map():
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy")
    psf = RecoPSFMap.from_gauss(energy, sigma=0.2 * u.deg)
    assert psf.psf_map.geom.axes.names == ["rad", "energy"]
    r = psf.containment_radius(0.68, energy=2 * u.TeV)
    assert u.isclose(r, r68(0.2 * u.deg), rtol=5e-3)
    geom = WcsGeom.create(npix=20, binsz=0.05, axes=[energy])
    kernel = psf.get_psf_kernel(geom)
    assert kernel.psf_kernel_map.geom.axes.names == ["energy"]


def test_peek_and_plots(gauss_psf):
    fig = gauss_psf.peek()
    assert len(fig.axes) >= 4
    ax = gauss_psf.plot_psf_vs_rad()
    assert ax.get_yscale() == "log"


def test_fermi_gtpsf(gammaray_data):
    path = gammaray_data / "fermi_3fhl" / "fermi_3fhl_psf_gc.fits.gz"
    psf = PSFMap.read(path, format="gtpsf")
    assert psf.has_single_spatial_bin
    assert psf.psf_map.geom.axes["rad"].nbin == 300
    assert psf.exposure_map.unit == u.Unit("cm2 s")
    r = psf.containment_radius(0.68, [10, 100] * u.GeV)
    # same PSF as the one stored in the 3FHL Crab dataset
    other = PSFMap.read(
        gammaray_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_data_Fermi-LAT.fits"
    )
    assert u.allclose(r, other.containment_radius(0.68, [10, 100] * u.GeV), rtol=1e-3)
    assert 0.1 * u.deg < r[0] < 0.3 * u.deg
