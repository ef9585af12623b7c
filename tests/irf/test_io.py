import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits

from gammaray.irf import (
    PSF3D,
    Background3D,
    EffectiveAreaTable2D,
    EnergyDependentMultiGaussPSF,
    EnergyDispersion2D,
    RadMax2D,
    load_irf,
    load_irf_dict_from_file,
)
from gammaray.irf.io import IRF_REGISTRY, get_irf_class
from gammaray.maps import MapAxis
from gammaray.utils.errors import FormatWarning, InvalidFileError, MissingIRFError

CTA_1DC = "cta-1dc/caldb/data/cta/1dc/bcf/South_z20_50h/irf_file.fits"
PROD5 = [
    "cta-caldb/Prod5-North-20deg-AverageAz-4LSTs09MSTs.180000s-v0.1.fits.gz",
    "cta-caldb/Prod5-South-20deg-AverageAz-14MSTs37SSTs.180000s-v0.1.fits.gz",
]


def test_registry_covers_all_hdu_classes():
    expected = {
        "aeff_2d", "edisp_2d", "psf_table", "psf_3gauss", "psf_king",
        "bkg_2d", "bkg_3d", "rad_max_2d",
    }  # fmt: skip
    assert set(IRF_REGISTRY) == expected
    for key in expected:
        assert get_irf_class(key).tag == key


def test_hess_dict(hess_irfs):
    assert set(hess_irfs) == {"aeff", "edisp", "psf", "bkg"}
    assert isinstance(hess_irfs["aeff"], EffectiveAreaTable2D)
    assert isinstance(hess_irfs["edisp"], EnergyDispersion2D)
    assert isinstance(hess_irfs["psf"], PSF3D)
    assert isinstance(hess_irfs["bkg"], Background3D)


def test_load_irf_by_hdu_and_class(gammaray_data):
    path = gammaray_data / "hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz"
    assert isinstance(load_irf(path, hdu="PSF"), PSF3D)
    assert isinstance(load_irf(path, hdu="BKG", hdu_class="bkg_3d"), Background3D)
    with pytest.raises(MissingIRFError, match="'RAD_MAX'.*023523"):
        load_irf(path, hdu="RAD_MAX")
    with pytest.raises(InvalidFileError, match="foo_1d"):
        load_irf(path, hdu="AEFF", hdu_class="foo_1d")


@pytest.mark.parametrize("obs_id", [33787, 33801])
def test_pks2155_runs(gammaray_data, obs_id):
    path = gammaray_data / f"hess-dl3-dr1/data/hess_dl3_dr1_obs_id_{obs_id:06d}.fits.gz"
    irfs = load_irf_dict_from_file(path)
    assert set(irfs) == {"aeff", "edisp", "psf", "bkg"}
    radius = irfs["psf"].containment_radius(
        0.68, energy_true=1 * u.TeV, offset=0.5 * u.deg
    )
    assert 0.03 < radius.to_value("deg") < 0.2
    rate = irfs["bkg"].evaluate(
        energy=1 * u.TeV, fov_lon=0.2 * u.deg, fov_lat=0 * u.deg
    )
    assert 1e-4 < rate.to_value("s-1 MeV-1 sr-1") < 1


def test_cta_1dc_with_format_warnings(gammaray_data):
    path = gammaray_data / CTA_1DC
    with pytest.warns(FormatWarning) as record:
        irfs = load_irf_dict_from_file(path)
    messages = [str(r.message) for r in record]
    assert all(str(path) in m for m in messages)
    text = " ".join(messages)
    for fragment in ("'2D'", "'3GAUSS'", "'3D'", "BGD", "ETRUE"):
        assert fragment in text
    assert set(irfs) == {"aeff", "edisp", "psf", "bkg"}
    psf = irfs["psf"]
    assert isinstance(psf, EnergyDependentMultiGaussPSF)
    radius = psf.containment_radius(0.68, energy_true=1 * u.TeV, offset=0.5 * u.deg)
    assert 0.01 < radius.to_value("deg") < 0.2
    assert psf.containment(
        radius, energy_true=1 * u.TeV, offset=0.5 * u.deg
    ) == pytest.approx(0.68, abs=2e-3)
    aeff = irfs["aeff"].evaluate(energy_true=1 * u.TeV, offset=0.5 * u.deg)
    assert 1e5 < aeff.to_value("m2") < 1e7
    rate = irfs["bkg"].evaluate(energy=1 * u.TeV, fov_lon=0 * u.deg, fov_lat=0 * u.deg)
    assert 1e-6 < rate.to_value("s-1 MeV-1 sr-1") < 1
    assert irfs["edisp"].axes["energy_true"].nbin == 500


@pytest.mark.parametrize("filename", PROD5)
def test_prod5(gammaray_data, filename):
    with pytest.warns(FormatWarning, match="probabilities per migra bin"):
        irfs = load_irf_dict_from_file(gammaray_data / filename)
    assert set(irfs) == {"aeff", "edisp", "psf", "bkg"}
    assert isinstance(irfs["psf"], EnergyDependentMultiGaussPSF)
    assert irfs["bkg"].data.shape == (21, 60, 60)
    aeff = irfs["aeff"].evaluate(energy_true=1 * u.TeV, offset=0.5 * u.deg)
    assert 1e5 < aeff.to_value("m2") < 1e7
    edisp = irfs["edisp"]
    # these files store probabilities per migra bin (sum 1), not densities:
    # the reader converts them, so the density integrates to one
    integral = (edisp.data * edisp.axes["migra"].bin_width.value[:, None]).sum(axis=1)
    assert np.nanmax(integral) == pytest.approx(1, rel=1e-3)
    kernel = edisp.to_edisp_kernel(offset=0.5 * u.deg)
    sums = kernel.pdf_matrix.sum(axis=1)
    assert np.all(sums <= 1 + 1e-5)
    assert np.max(sums) == pytest.approx(1, abs=1e-3)


def test_magic_point_like(gammaray_data):
    path = (
        gammaray_data
        / "magic/rad_max/data/20131004_05029748_DL3_CrabNebula-W0.40+215.fits"
    )
    irfs = load_irf_dict_from_file(path)
    assert set(irfs) == {"aeff", "edisp", "rad_max"}
    assert irfs["aeff"].is_pointlike and irfs["edisp"].is_pointlike
    assert isinstance(irfs["rad_max"], RadMax2D)
    assert irfs["rad_max"].data.shape == (20, 1)


def test_veritas_rad_max_keyword(gammaray_data):
    path = gammaray_data / "veritas/crab-point-like-ED/64080.fits.gz"
    with pytest.warns(FormatWarning, match="RAD_MAX.*header keyword"):
        irfs = load_irf_dict_from_file(path)
    assert set(irfs) == {"aeff", "edisp", "rad_max"}
    value = irfs["rad_max"].evaluate(energy=1 * u.TeV, offset=0.5 * u.deg)
    assert value.to_value("deg") == pytest.approx(0.0894427191)


def test_joint_crab_magic(gammaray_data):
    path = gammaray_data / "joint-crab/dl3/magic/run_05029748_DL3.fits"
    with pytest.warns(FormatWarning, match="RAD_MAX"):
        irfs = load_irf_dict_from_file(path)
    assert irfs["aeff"].is_pointlike
    assert irfs["rad_max"].quantity[0, 0].to_value("deg") == pytest.approx(0.1414213)
    aeff = irfs["aeff"].evaluate(energy_true=1 * u.TeV, offset=0.4 * u.deg)
    assert 1e3 < aeff.to_value("m2") < 1e6


def _aeff_hdu():
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 2, name="energy_true")
    offset = MapAxis.from_edges([0, 1] * u.deg, name="offset")
    aeff = EffectiveAreaTable2D(axes=[energy, offset], data=np.ones((2, 1)), unit="m2")
    return aeff.to_table_hdu()


def test_unknown_hduclas4(tmp_path):
    hdu = _aeff_hdu()
    hdu.header["HDUCLAS4"] = "AEFF_9D"
    path = tmp_path / "bad.fits"
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(path)
    with pytest.raises(InvalidFileError, match="AEFF_9D") as excinfo:
        load_irf(path, hdu="EFFECTIVE AREA")
    assert str(path) in str(excinfo.value)
    assert "EFFECTIVE AREA" in str(excinfo.value)
    with pytest.raises(InvalidFileError, match="AEFF_9D"):
        load_irf_dict_from_file(path)


def test_missing_hdu_names_file_and_hdu(tmp_path):
    path = tmp_path / "aeff.fits"
    fits.HDUList([fits.PrimaryHDU(), _aeff_hdu()]).writeto(path)
    with pytest.raises(MissingIRFError) as excinfo:
        load_irf(path, hdu="POINT SPREAD FUNCTION")
    assert str(path) in str(excinfo.value)
    assert "POINT SPREAD FUNCTION" in str(excinfo.value)
    assert isinstance(excinfo.value, KeyError)


def test_hdu_index_class_overridden_by_header(tmp_path):
    path = tmp_path / "aeff.fits"
    fits.HDUList([fits.PrimaryHDU(), _aeff_hdu()]).writeto(path)
    # a known HDUCLAS4 in the header wins over a wrong index entry
    irf = load_irf(path, hdu="EFFECTIVE AREA", hdu_class="bkg_2d")
    assert isinstance(irf, EffectiveAreaTable2D)


def test_classify_irf_hdu_shared_with_data_store():
    from gammaray.data.hdu_index_table import _classify_hdu
    from gammaray.irf.io import classify_irf_hdu

    base = {"HDUCLAS1": "RESPONSE", "HDUCLAS2": "BKG"}
    assert classify_irf_hdu(dict(base, HDUCLAS4="BKG_3D")) == ("bkg", "bkg_3d", None)
    assert classify_irf_hdu(dict(base, HDUCLAS4="3D")) == ("bkg", "bkg_3d", "legacy")
    assert classify_irf_hdu(base) == ("bkg", "bkg_3d", "missing")
    assert classify_irf_hdu(dict(base, HDUCLAS4="BKG_9D")) == ("bkg", None, None)
    psf = {"EXTNAME": "POINT SPREAD FUNCTION", "HDUCLAS4": "3GAUSS"}
    assert classify_irf_hdu(psf) == ("psf", "psf_3gauss", "legacy")
    assert classify_irf_hdu({"EXTNAME": "EVENTS"}) is None
    # the DL3 file scanner uses the same classification
    assert _classify_hdu(psf) == ("psf", "psf_3gauss", "legacy")
    assert _classify_hdu(dict(base, HDUCLAS4="BKG_9D"))[:2] == ("bkg", "bkg_9d")
    assert _classify_hdu({"HDUCLAS1": "EVENTS"})[:2] == ("events", "events")
