"""Integration tests: HAWC IRF maps (crab_events_pass4) read as IRF maps and maps."""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord

from gammaray.irf import EDispKernel, EDispKernelMap, PSFKernel, RecoPSFMap
from gammaray.irf.io import load_irf
from gammaray.maps import Map, WcsGeom

CRAB = SkyCoord(83.633, 22.0145, unit="deg")
FHIT_BINS = [5, 6, 7, 8, 9]


@pytest.fixture(scope="module")
def hawc_dir(gammaray_data):
    return gammaray_data / "hawc" / "crab_events_pass4"


@pytest.fixture(scope="module")
def transits(hawc_dir):
    return Map.read(hawc_dir / "irfs" / "TransitsMap_Crab.fits.gz")


def test_transits(transits):
    assert transits.geom.is_image
    n = transits.get_by_coord({"skycoord": CRAB})
    assert 52 < n[0] < 55


@pytest.mark.parametrize("fhit", FHIT_BINS)
def test_aeff_exposure(hawc_dir, transits, fhit):
    aeff = Map.read(
        hawc_dir / "irfs" / f"EffectiveAreaMap_Crab_fHitbin{fhit}GP.fits.gz"
    )
    assert aeff.unit == u.Unit("cm2 s")
    assert aeff.geom.axes.names == ["energy_true"]
    exposure = aeff * transits.get_by_coord({"skycoord": CRAB})[0]
    value = exposure.interp_by_coord({"skycoord": CRAB, "energy_true": 10 * u.TeV})[0]
    # exposure per transit ~1e11-1e12 cm2 s at 10 TeV, times ~53 transits
    assert 1e12 < value < 1e14
    if fhit <= 7:
        assert 1e13 < value < 1e14


@pytest.mark.parametrize("fhit", [5, 9])
def test_psf_and_edisp(hawc_dir, fhit):
    psf = RecoPSFMap.read(hawc_dir / "irfs" / f"PSFMap_Crab_fHitbin{fhit}GP.fits.gz")
    assert psf.psf_map.geom.axes.names == ["rad", "energy"]
    assert psf.psf_map.unit == u.Unit("deg-2")
    assert psf.exposure_map is None
    energy = psf.energy_axis.center
    radius = psf.containment_radius(0.68, energy, position=CRAB)
    valid = np.isfinite(radius)
    assert valid.sum() >= 5
    assert np.all((radius[valid] > 0.05 * u.deg) & (radius[valid] < 1 * u.deg))
    # higher fHit bins have a narrower PSF
    geom = WcsGeom.create(
        skydir=CRAB,
        npix=50,
        binsz=0.05,
        axes=[psf.energy_axis.slice(np.nonzero(valid)[0])],
    )
    kernel = psf.get_psf_kernel(geom, position=CRAB)
    assert isinstance(kernel, PSFKernel)
    np.testing.assert_allclose(kernel.data.sum(axis=(-2, -1)), 1, rtol=1e-6)

    edisp = EDispKernelMap.read(
        hawc_dir / "irfs" / f"EDispKernelMap_Crab_fHitbin{fhit}GP.fits.gz"
    )
    assert edisp.edisp_map.geom.axes.names == ["energy", "energy_true"]
    kernel = edisp.get_edisp_kernel(position=CRAB)
    assert isinstance(kernel, EDispKernel)
    assert kernel.pdf_matrix.shape == (140, 12)
    assert np.all(kernel.pdf_matrix.sum(axis=1) <= 1 + 1e-6)
    assert kernel.pdf_matrix.sum(axis=1).max() > 0.99


def test_psf_narrower_for_high_fhit(hawc_dir):
    psf5 = RecoPSFMap.read(hawc_dir / "irfs" / "PSFMap_Crab_fHitbin5GP.fits.gz")
    psf9 = RecoPSFMap.read(hawc_dir / "irfs" / "PSFMap_Crab_fHitbin9GP.fits.gz")
    energy = 30 * u.TeV
    assert psf9.containment_radius(0.68, energy, CRAB) < psf5.containment_radius(
        0.68, energy, CRAB
    )


def test_background(hawc_dir):
    bkg = Map.read(hawc_dir / "background" / "BackgroundMap_Crab_fHitbin5GP.fits.gz")
    assert bkg.geom.axes.names == ["energy"]
    assert bkg.data.dtype == np.float32
    assert np.nanmax(bkg.data) > 0


def test_hdu_index_load(hawc_dir):
    from gammaray.data import HDUIndexTable

    table = HDUIndexTable.read(hawc_dir / "hdu-index-table-GP-Crab.fits.gz", hdu=5)
    obs_id = int(table["OBS_ID"][0])
    classes = {
        "aeff": Map,
        "bkg": Map,
        "edisp": EDispKernelMap,
        "psf": RecoPSFMap,
    }
    for hdu_type, cls in classes.items():
        location = table.hdu_location(obs_id=obs_id, hdu_type=hdu_type)
        assert isinstance(location.load(), cls)


def test_load_irf_hook(hawc_dir):
    path = hawc_dir / "irfs" / "EDispKernelMap_Crab_fHitbin6GP.fits.gz"
    edisp = load_irf(path, hdu="edisp", hdu_class="edisp_kernel_map")
    assert isinstance(edisp, EDispKernelMap)
    aeff = load_irf(
        hawc_dir / "irfs" / "EffectiveAreaMap_Crab_fHitbin6GP.fits.gz",
        hdu="aeff",
        hdu_class="map",
    )
    assert aeff.unit == u.Unit("cm2 s")


def test_peek_hawc(hawc_dir):
    psf = RecoPSFMap.read(hawc_dir / "irfs" / "PSFMap_Crab_fHitbin7GP.fits.gz")
    fig = psf.peek()
    assert len(fig.axes) >= 3
    edisp = EDispKernelMap.read(
        hawc_dir / "irfs" / "EDispKernelMap_Crab_fHitbin7GP.fits.gz"
    )
    fig = edisp.peek()
    assert len(fig.axes) >= 1
