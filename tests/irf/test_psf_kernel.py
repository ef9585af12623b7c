"""Tests of gammaray/irf/psf/kernel.py."""

import astropy.units as u
import numpy as np
import pytest

from gammaray.irf import PSFKernel
from gammaray.maps import MapAxis, WcsGeom


@pytest.fixture
def geom():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2, name="energy_true")
    return WcsGeom.create(npix=40, binsz=0.02, axes=[axis])


def test_from_gauss(geom):
    sigma = 0.1 * u.deg
    kernel = PSFKernel.from_gauss(geom, sigma)
    nx, ny = kernel.psf_kernel_map.geom.npix
    assert nx % 2 == 1 and ny % 2 == 1
    np.testing.assert_allclose(kernel.data.sum(axis=(-2, -1)), 1)
    # symmetric and peaked at the centre
    image = kernel.data[0]
    assert np.unravel_index(np.argmax(image), image.shape) == (ny // 2, nx // 2)
    np.testing.assert_allclose(image, image[::-1, ::-1], rtol=1e-10)
    expected = 0.1 * np.sqrt(-2 * np.log(1 - 0.68))
    radius = kernel.containment_radius(0.68)
    assert np.all(np.abs(radius.to_value("deg") - expected) < 0.02)
    # default radius: 99% containment radius
    max_radius = 0.1 * np.sqrt(-2 * np.log(0.01))
    assert (
        abs(kernel.psf_kernel_map.geom.width[0].to_value("deg") / 2 - max_radius) < 0.02
    )


def test_to_image_and_slice(geom):
    kernel = PSFKernel.from_gauss(geom, 0.05 * u.deg)
    image = kernel.to_image()
    assert image.psf_kernel_map.geom.axes["energy_true"].nbin == 1
    np.testing.assert_allclose(image.data.sum(), 1)
    sliced = kernel.slice_by_idx({"energy_true": 1})
    assert sliced.data.ndim == 2


class _FakeGauss:
    """Minimal spatial model (duck type) for from_spatial_model."""

    def __init__(self, sigma):
        from astropy.coordinates import SkyCoord

        self.position = SkyCoord(0, 0, unit="deg")
        self.sigma = sigma
        self.evaluation_radius = 5 * sigma

    def evaluate_geom(self, geom):
        sep = geom.separation(self.position)
        s = self.sigma
        return np.exp(-0.5 * (sep / s).to_value("") ** 2) / (2 * np.pi * s**2)


def test_from_spatial_model(geom):
    kernel = PSFKernel.from_spatial_model(_FakeGauss(0.1 * u.deg), geom)
    np.testing.assert_allclose(kernel.data.sum(axis=(-2, -1)), 1)
    ref = PSFKernel.from_gauss(geom, 0.1 * u.deg, max_radius=0.5 * u.deg)
    np.testing.assert_allclose(kernel.data, ref.data, atol=2e-4)


def test_write_read(geom, tmp_path):
    kernel = PSFKernel.from_gauss(geom, 0.05 * u.deg)
    kernel.write(tmp_path / "kernel.fits")
    back = PSFKernel.read(tmp_path / "kernel.fits")
    assert np.array_equal(back.data, kernel.data)


def test_plots(geom):
    kernel = PSFKernel.from_gauss(geom, 0.05 * u.deg)
    fig = kernel.peek()
    assert len(fig.axes) >= 3
    ax = kernel.plot_kernel(energy=3 * u.TeV, add_cbar=True)
    assert ax.get_xlabel().startswith("Offset")
