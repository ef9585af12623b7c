"""Integration tests on the Fermi-LAT 3FHL Crab dataset written by Gammapy."""

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table

from gammaray.datasets import Datasets, MapDataset
from gammaray.modeling import Fit


@pytest.fixture(scope="module")
def fermi_datasets(fermi_paths):
    return Datasets.read(fermi_paths["datasets"], filename_models=fermi_paths["models"])


def test_read_with_models(fermi_datasets):
    dataset = fermi_datasets["Fermi-LAT"]
    assert set(dataset.models.names) == {"Crab Nebula", "Fermi-LAT-bkg"}
    assert dataset.background_model is not None
    assert type(dataset.psf).__name__ == "PSFMap"
    assert type(dataset.edisp).__name__ == "EDispKernelMap"
    assert dataset.mask_safe.data.dtype == bool
    # predicted counts close to the observed ones at the shipped parameters
    npred = dataset.npred().data[dataset.mask.data].sum()
    counts = dataset.counts.data[dataset.mask.data].sum()
    assert npred == pytest.approx(counts, rel=0.02)


def _crab_3fhl(gammaray_data):
    """The Crab row of the 3FHL catalogue (log-parabola at its pivot energy)."""
    path = gammaray_data / "catalogs/fermi/gll_psch_v13.fit.gz"
    table = Table.read(path, hdu="LAT_Point_Source_Catalog")
    idx = np.flatnonzero(
        [str(name).strip() == "Crab Nebula" for name in table["ASSOC1"]]
    )
    assert len(idx) == 1
    return table[idx[0]]


def test_fit_converges_from_shipped_start(fermi_paths, gammaray_data):
    datasets = Datasets.read(
        fermi_paths["datasets"], filename_models=fermi_paths["models"]
    )
    stat0 = datasets.stat_sum()
    result = Fit().run(datasets)
    assert result.success
    assert result.total_stat < stat0
    norm = datasets.models["Fermi-LAT-bkg"].spectral_model.norm
    assert 1.0 < norm.value < 1.6 and 0 < norm.error < 0.2
    # physically sensible: the fitted log-parabola agrees with the 3FHL
    # catalogue's at its pivot energy (same convention, natural log; the
    # catalogue's beta is negative too: the spectrum hardens above ~10 GeV)
    crab = _crab_3fhl(gammaray_data)
    model = datasets.models["Crab Nebula"].spectral_model
    pivot = crab["Pivot_Energy"] * u.GeV
    dnde = model(pivot).to_value("cm-2 s-1 GeV-1")
    assert dnde == pytest.approx(crab["Flux_Density"], rel=3 * 0.02)
    log_e = np.log((pivot / model.reference.quantity).to_value(""))
    slope = model.alpha.value + 2 * model.beta.value * log_e
    assert abs(slope - crab["Spectral_Index"]) < 3 * crab["Unc_Spectral_Index"]
    sigma_beta = np.hypot(model.beta.error, crab["Unc_beta"])
    assert abs(model.beta.value - crab["beta"]) < 3 * sigma_beta


def test_round_trip_reproduces_maps(tmp_path, fermi_paths):
    dataset = MapDataset.read(fermi_paths["data"], name="Fermi-LAT")
    path = tmp_path / "fermi.fits"
    dataset.write(path)
    new = MapDataset.read(path, name="Fermi-LAT")
    for attr in ("counts", "exposure", "background", "mask_safe"):
        a, b = getattr(dataset, attr), getattr(new, attr)
        assert np.array_equal(a.data, b.data), attr
        assert a.data.dtype == b.data.dtype and a.unit == b.unit
    assert np.array_equal(dataset.psf.psf_map.data, new.psf.psf_map.data)
    assert np.array_equal(dataset.psf.exposure_map.data, new.psf.exposure_map.data)
    assert np.array_equal(dataset.edisp.edisp_map.data, new.edisp.edisp_map.data)
    assert np.array_equal(dataset.edisp.exposure_map.data, new.edisp.exposure_map.data)


#: equivalent WCS time-reference keywords (astropy.wcs writes one form or the other)
_WCS_TIME_KEYS = {"DATEREF", "MJDREF", "MJDREFI", "MJDREFF"}


def _structure(hdulist):
    out = []
    for hdu in hdulist:
        header = hdu.header
        keys = {k for k in header if k not in ("CHECKSUM", "DATASUM", "COMMENT")}
        if "WCSAXES" in header:
            keys = (keys - _WCS_TIME_KEYS) | (
                {"MJDREF*"} if keys & _WCS_TIME_KEYS else set()
            )
        keys = sorted(keys)
        columns = None
        if isinstance(hdu, fits.BinTableHDU):
            # this file predates Gammapy's rename of the PSF axis "theta" -> "rad"
            # (formats included: float32 BANDS columns as in the Gammapy file)
            columns = [
                (c.name.replace("THETA", "RAD"), c.format, c.unit) for c in hdu.columns
            ]
        shape = None if hdu.data is None else hdu.data.shape
        units = header.get("BUNIT")
        out.append((hdu.name, type(hdu).__name__, keys, columns, shape, units))
    return out


def test_written_file_has_gammapy_structure(tmp_path, fermi_paths):
    dataset = MapDataset.read(fermi_paths["data"])
    path = tmp_path / "fermi.fits"
    dataset.write(path)
    with fits.open(fermi_paths["data"]) as ref, fits.open(path) as new:
        ref_structure, new_structure = _structure(ref), _structure(new)
        assert [s[0] for s in new_structure] == [s[0] for s in ref_structure]
        for r, n in zip(ref_structure, new_structure):
            if r[0] == "GTI":
                # the GTI writer adds the GADF class keywords (HDUCLASS, ...)
                assert set(r[2]) <= set(n[2])
                assert (r[:2], r[3:]) == (n[:2], n[3:])
            else:
                assert n == r, r[0]
