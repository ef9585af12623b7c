"""Tests of the IRFMap base class (gammaray/irf/core_map.py)."""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits

from gammaray.irf import EDispKernelMap, IRFMap, PSFMap
from gammaray.maps import MapAxis, WcsGeom
from gammaray.utils.errors import AxisError, MissingHDUError


@pytest.fixture
def energy_axis_true():
    return MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3, name="energy_true")


@pytest.fixture
def psf_map(energy_axis_true):
    geom = WcsGeom.create(npix=(4, 4), binsz=1.0, skydir=(10, 20), frame="icrs")
    return PSFMap.from_gauss(energy_axis_true, sigma=[0.1, 0.2, 0.3] * u.deg, geom=geom)


def test_required_axes_error(energy_axis_true):
    from gammaray.maps import Map

    m = Map.create(npix=3, binsz=1, axes=[energy_axis_true])
    with pytest.raises(AxisError, match="rad"):
        PSFMap(m)


def test_is_irfmap(psf_map):
    assert isinstance(psf_map, IRFMap)
    assert psf_map.psf_map.geom.axes.names == ["rad", "energy_true"]
    assert psf_map.exposure_map.geom.axes["rad"].nbin == 1
    assert not psf_map.has_single_spatial_bin
    assert "PSFMap" in repr(psf_map)


def test_stack_weighted_mean(energy_axis_true):
    geom = WcsGeom.create(npix=(3, 2), binsz=1.0)
    psf1 = PSFMap.from_gauss(energy_axis_true, sigma=0.1 * u.deg, geom=geom)
    psf2 = PSFMap.from_gauss(energy_axis_true, sigma=0.2 * u.deg, geom=geom)
    psf1.exposure_map.data[...] = 1.0
    psf2.exposure_map.data[...] = 3.0
    expected = (psf1.psf_map.data * 1 + psf2.psf_map.data * 3) / 4
    psf1.stack(psf2)
    np.testing.assert_allclose(psf1.psf_map.data, expected, rtol=1e-12)
    np.testing.assert_allclose(psf1.exposure_map.data, 4.0)


def test_stack_cutout_and_mask(energy_axis_true):
    energy_axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    geom = WcsGeom.create(npix=(5, 5), binsz=1.0)
    big = EDispKernelMap.from_diagonal_response(
        energy_axis, energy_axis_true, geom=geom
    )
    small = big.cutout(SkyCoord(0, 0, unit="deg"), width=3 * u.deg)
    small.exposure_map.data *= 3
    small.edisp_map.data *= 0.5
    big.stack(small)
    center = big.edisp_map.data[..., 2, 2]
    corner = big.edisp_map.data[..., 0, 0]
    d = EDispKernelMap.from_diagonal_response(energy_axis, energy_axis_true).edisp_map
    diag = d.data[..., 0, 0]
    np.testing.assert_allclose(center, diag * (1 + 3 * 0.5) / 4)
    np.testing.assert_allclose(corner, diag)
    assert big.exposure_map.data[0, 0, 2, 2] == 4
    assert big.exposure_map.data[0, 0, 0, 0] == 1


def test_stack_requires_exposure(psf_map):
    other = psf_map.copy()
    other.exposure_map = None
    with pytest.raises(ValueError, match="exposure"):
        psf_map.stack(other)


def test_write_read_roundtrip_bitwise(psf_map, tmp_path):
    psf_map.exposure_map.data = (
        np.arange(psf_map.exposure_map.data.size).reshape(
            psf_map.exposure_map.data.shape
        )
        * 1.5
    )
    path = tmp_path / "psf.fits"
    psf_map.write(path)
    with fits.open(path) as hdulist:
        names = [h.name for h in hdulist]
    assert names == [
        "PRIMARY",
        "PSF",
        "PSF_BANDS",
        "PSF_EXPOSURE",
        "PSF_EXPOSURE_BANDS",
    ]
    back = PSFMap.read(path)
    assert back.psf_map.geom == psf_map.psf_map.geom
    assert back.psf_map.unit == psf_map.psf_map.unit
    assert np.array_equal(back.psf_map.data, psf_map.psf_map.data)
    assert back.psf_map.data.dtype == psf_map.psf_map.data.dtype
    assert np.array_equal(back.exposure_map.data, psf_map.exposure_map.data)
    assert back.exposure_map.unit == psf_map.exposure_map.unit
    with pytest.raises(FileExistsError):
        psf_map.write(path)
    psf_map.write(path, overwrite=True)


def test_read_missing_hdu(psf_map, tmp_path):
    path = tmp_path / "psf.fits"
    psf_map.write(path)
    with pytest.raises(MissingHDUError, match="EDISP"):
        EDispKernelMap.read(path)


def test_cutout_slice_downsample(psf_map):
    cut = psf_map.cutout(SkyCoord(10, 20, unit="deg"), width=2 * u.deg)
    assert cut.psf_map.geom.data_shape[-2:] == (2, 2)
    assert cut.exposure_map.geom.data_shape[-2:] == (2, 2)
    sliced = psf_map.slice_by_idx({"energy_true": slice(0, 2)})
    assert sliced.psf_map.geom.axes["energy_true"].nbin == 2
    assert sliced.exposure_map.geom.axes["energy_true"].nbin == 2
    down = psf_map.downsample(2)
    assert down.psf_map.geom.data_shape[-2:] == (2, 2)
    # averaging keeps the (spatially constant) PSF values
    np.testing.assert_allclose(
        down.psf_map.data[..., 0, 0], psf_map.psf_map.data[..., 0, 0]
    )
    np.testing.assert_allclose(down.exposure_map.data, 1.0)


def test_to_region_nd_map(psf_map):
    region_psf = psf_map.to_region_nd_map(SkyCoord(10, 20, unit="deg"))
    assert region_psf.has_single_spatial_bin
    r1 = region_psf.containment_radius(0.68, 1 * u.TeV)
    r2 = psf_map.containment_radius(0.68, 1 * u.TeV)
    assert u.isclose(r1, r2, rtol=1e-6)


def test_copy_independent(psf_map):
    other = psf_map.copy()
    other.psf_map.data *= 0
    assert psf_map.psf_map.data.max() > 0


def test_fermi_roundtrip_bitwise(gammaray_data, tmp_path):
    path = gammaray_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_data_Fermi-LAT.fits"
    for cls, hdu in [(PSFMap, "PSF"), (EDispKernelMap, "EDISP")]:
        irf = cls.read(path)
        out = tmp_path / f"{hdu}.fits"
        irf.write(out)
        back = cls.read(out)
        assert np.array_equal(back._irf_map.data, irf._irf_map.data)
        assert back._irf_map.data.dtype == irf._irf_map.data.dtype
        assert np.array_equal(back.exposure_map.data, irf.exposure_map.data)
        assert back.exposure_map.data.dtype == irf.exposure_map.data.dtype
        assert back.exposure_map.unit == irf.exposure_map.unit
        with fits.open(out) as hdulist:
            names = [h.name for h in hdulist]
        assert names[1:] == [
            hdu,
            f"{hdu}_BANDS",
            f"{hdu}_EXPOSURE",
            f"{hdu}_EXPOSURE_BANDS",
        ]
