"""OGIP PHA/ARF/RMF/BKG reading and writing of spectrum datasets."""

import shutil

import numpy as np
import pytest
from astropy.io import fits

from gammaray.datasets import (
    OGIPDatasetReader,
    OGIPDatasetWriter,
    SpectrumDataset,
    SpectrumDatasetOnOff,
)
from gammaray.utils.errors import DataNotFoundError, InvalidDataError, OverwriteError

INSTRUMENTS = {
    "fermi": ["pha_obs0.fits"],
    "hess": [f"pha_obs{o}.fits" for o in (23523, 23526, 23559, 23592)],
    "magic": ["pha_obs5029747.fits", "pha_obs5029748.fits"],
    "veritas": ["pha_obs54809.fits", "pha_obs57993.fits"],
    "fact": ["pha_stacked.fits"],
}
ALL = [(k, f) for k, files in INSTRUMENTS.items() for f in files]


@pytest.mark.parametrize(("instrument", "filename"), ALL)
def test_read_joint_crab_spectra(gammaray_data, instrument, filename):
    path = gammaray_data / "joint-crab" / "spectra" / instrument / filename
    dataset = SpectrumDatasetOnOff.read(path)
    assert isinstance(dataset, SpectrumDatasetOnOff)
    with fits.open(path) as hdulist:
        counts = hdulist["SPECTRUM"].data["COUNTS"]
        quality = hdulist["SPECTRUM"].data["QUALITY"]
        livetime = hdulist["SPECTRUM"].header["EXPOSURE"]
    assert dataset.counts.data.sum() == counts.sum()
    np.testing.assert_array_equal(dataset.mask_safe.data.ravel(), quality == 0)
    assert dataset.counts_off.data.sum() > 0
    assert np.all(dataset.alpha.data > 0) and np.all(dataset.alpha.data < 1)
    assert dataset.exposure.unit.is_equivalent("m2 s")
    assert dataset.exposure.meta["livetime"].to_value("s") == pytest.approx(livetime)
    kernel = dataset.edisp.get_edisp_kernel()
    assert kernel.pdf_matrix.shape == (
        dataset.exposure.data.size,
        dataset.counts.data.size,
    )
    assert np.isfinite(dataset.stat_sum())


def test_read_hess_values(gammaray_data):
    path = gammaray_data / "joint-crab/spectra/hess/pha_obs23523.fits"
    dataset = SpectrumDatasetOnOff.read(path)
    assert dataset.name == "23523"
    # BACKSCAL of the ON file is 1, of the BKG file 12
    assert dataset.alpha.data.ravel()[0] == pytest.approx(1 / 12)
    with fits.open(gammaray_data / "joint-crab/spectra/hess/arf_obs23523.fits") as h:
        aeff = h["SPECRESP"].data["SPECRESP"]  # cm2
    livetime = dataset.exposure.meta["livetime"].to_value("s")
    np.testing.assert_allclose(
        dataset.exposure.quantity.to_value("cm2 s").ravel(), aeff * livetime, rtol=1e-12
    )


def test_read_pks2155(gammaray_data):
    path = gammaray_data / "PKS2155-steady/pks2155-304_steady.fits.gz"
    dataset = SpectrumDatasetOnOff.read(path)
    assert dataset.name == "stacked"
    assert dataset.counts.data.sum() == 119
    assert dataset.counts_off.data.sum() == 453
    assert dataset.counts.geom.region is not None
    assert dataset.gti is not None and len(dataset.gti.table) == 6
    assert dataset.exposure.geom.axes["energy_true"].nbin == 25


def _structure(hdulist):
    out = []
    for hdu in hdulist[1:]:
        # formats without the variable-length array size: "PE(8)" -> "PE"
        cols = [(c.name, c.format.split("(")[0], c.unit) for c in hdu.columns]
        out.append((hdu.name, cols))
    return out


def test_write_structure_matches_gammapy_files(gammaray_data, tmp_path):
    src = gammaray_data / "PKS2155-steady"
    dataset = SpectrumDatasetOnOff.read(src / "pks2155-304_steady.fits.gz")
    dataset.write(tmp_path / "pks.fits.gz")
    pairs = {
        "pks.fits.gz": "pks2155-304_steady.fits.gz",
        "pks_arf.fits.gz": "pks2155-304_steady_arf.fits.gz",
        "pks_rmf.fits.gz": "pks2155-304_steady_rmf.fits.gz",
        "pks_bkg.fits.gz": "pks2155-304_steady_bkg.fits.gz",
    }
    for ours, theirs in pairs.items():
        with fits.open(tmp_path / ours) as h1, fits.open(src / theirs) as h2:
            assert _structure(h1) == _structure(h2), ours
            for hdu in ("SPECTRUM", "EBOUNDS", "SPECRESP", "REGION"):
                if hdu in h2:
                    assert set(h2[hdu].header) <= set(h1[hdu].header), (ours, hdu)
    with fits.open(tmp_path / "pks.fits.gz") as h:
        header = h["SPECTRUM"].header
        assert header["ANCRFILE"] == "pks_arf.fits.gz"
        assert header["RESPFILE"] == "pks_rmf.fits.gz"
        assert header["BACKFILE"] == "pks_bkg.fits.gz"
        assert header["HDUCLAS2"] == "TOTAL"
        assert h["SPECTRUM"].columns["QUALITY"].format == "L"
        assert h["SPECTRUM"].columns["COUNTS"].format == "J"
    with fits.open(tmp_path / "pks_bkg.fits.gz") as h:
        assert h["SPECTRUM"].header["HDUCLAS2"] == "BKG"
    # HESS file written in the older layout keeps its columns too
    hess = SpectrumDatasetOnOff.read(
        gammaray_data / "joint-crab/spectra/hess/pha_obs23523.fits"
    )
    hess.write(tmp_path / "hess.fits")
    with fits.open(tmp_path / "hess.fits") as h:
        assert {"CHANNEL", "COUNTS", "QUALITY", "BACKSCAL"} <= set(
            h["SPECTRUM"].columns.names
        )


@pytest.mark.parametrize("fmt", ["ogip", "ogip-sherpa"])
def test_round_trip(gammaray_data, tmp_path, fmt):
    path = gammaray_data / "PKS2155-steady/pks2155-304_steady.fits.gz"
    dataset = SpectrumDatasetOnOff.read(path)
    dataset.mask_fit = dataset.mask_safe.copy()
    dataset.write(tmp_path / "out.fits", format=fmt)
    new = SpectrumDatasetOnOff.read(tmp_path / "out.fits")
    for attr in ("counts", "counts_off", "acceptance", "acceptance_off", "mask_safe"):
        a, b = getattr(dataset, attr), getattr(new, attr)
        assert a.data.dtype == b.data.dtype, attr
        np.testing.assert_array_equal(a.data, b.data, err_msg=attr)
    np.testing.assert_allclose(
        dataset.exposure.quantity.to_value("m2 s"),
        new.exposure.quantity.to_value("m2 s"),
        rtol=1e-6,
    )
    # the float32 matrix of the file is written back as float32: exact
    np.testing.assert_array_equal(
        dataset.edisp.get_edisp_kernel().data, new.edisp.get_edisp_kernel().data
    )
    assert new.name == dataset.name
    assert new.stat_sum() == pytest.approx(dataset.stat_sum(), rel=1e-6)


def test_write_refuses_overwrite(gammaray_data, tmp_path):
    dataset = SpectrumDatasetOnOff.read(
        gammaray_data / "joint-crab/spectra/hess/pha_obs23523.fits"
    )
    dataset.write(tmp_path / "a.fits")
    (tmp_path / "b_bkg.fits").write_text("x")
    with pytest.raises(OverwriteError):
        dataset.write(tmp_path / "a.fits")
    # refuses before writing anything if one of the four files exists
    with pytest.raises(OverwriteError, match="b_bkg.fits"):
        dataset.write(tmp_path / "b.fits")
    assert not (tmp_path / "b.fits").exists()
    dataset.write(tmp_path / "a.fits", overwrite=True)


def _copy_hess(gammaray_data, tmp_path):
    src = gammaray_data / "joint-crab/spectra/hess"
    for kind in ("pha", "arf", "rmf", "bkg"):
        shutil.copy(src / f"{kind}_obs23523.fits", tmp_path / f"{kind}_obs23523.fits")
    return tmp_path / "pha_obs23523.fits"


@pytest.mark.parametrize("value", [-3, "nan"])
def test_invalid_counts(gammaray_data, tmp_path, value):
    path = _copy_hess(gammaray_data, tmp_path)
    with fits.open(path) as hdulist:
        if value == "nan":
            cols = hdulist["SPECTRUM"].columns
            new_cols = []
            for col in cols:
                if col.name == "COUNTS":
                    data = hdulist["SPECTRUM"].data["COUNTS"].astype(float)
                    data[5] = np.nan
                    col = fits.Column("COUNTS", "D", array=data)
                new_cols.append(col)
            hdulist["SPECTRUM"] = fits.BinTableHDU.from_columns(
                new_cols, header=hdulist["SPECTRUM"].header
            )
        else:
            hdulist["SPECTRUM"].data["COUNTS"][5] = value
        hdulist.writeto(tmp_path / "bad.fits")
    with pytest.raises(InvalidDataError, match="bad.fits"):
        SpectrumDatasetOnOff.read(tmp_path / "bad.fits")


@pytest.mark.parametrize("kind", ["arf", "rmf", "bkg"])
def test_missing_response_file(gammaray_data, tmp_path, kind):
    path = _copy_hess(gammaray_data, tmp_path)
    (tmp_path / f"{kind}_obs23523.fits").unlink()
    with pytest.raises(DataNotFoundError, match=f"{kind}_obs23523.fits"):
        SpectrumDatasetOnOff.read(path)


def test_without_bkg_gives_spectrum_dataset(gammaray_data, tmp_path):
    path = _copy_hess(gammaray_data, tmp_path)
    with fits.open(path, mode="update") as hdulist:
        del hdulist["SPECTRUM"].header["BACKFILE"]
    dataset = OGIPDatasetReader(path).read()
    assert type(dataset) is SpectrumDataset
    assert dataset.counts.data.sum() == 189


def test_writer_filenames():
    names = OGIPDatasetWriter.get_filenames("obs1.fits.gz")
    assert names == {
        "ancrfile": "obs1_arf.fits.gz",
        "respfile": "obs1_rmf.fits.gz",
        "backfile": "obs1_bkg.fits.gz",
    }
    with pytest.raises(ValueError, match="format"):
        OGIPDatasetWriter("x.fits", format="gadf")
