"""Tests of gammaray.products.flux_points (FluxPoints) on real and synthetic tables."""

import numpy as np
import pytest
from astropy import units as u
from astropy.io import fits
from astropy.table import Table
from numpy.testing import assert_allclose

from gammaray.estimators import FluxPoints
from gammaray.maps import MapAxis, RegionNDMap
from gammaray.modeling.models import PowerLawSpectralModel, SpectralModel
from gammaray.products import MissingQuantityError, UnknownSEDTypeError
from gammaray.utils.errors import MissingColumnError, OverwriteError

CRAB = "estimators/crab_hess_fp/crab_hess_fp.fits"
LC = "estimators/pks2155_hess_lc/pks2155_hess_lc.fits"
LC3 = "estimators/pks2155_hess_lc/pks2155_hess_lc_3bins.fits"
HAWC = "hawc/crab_flux/HAWC19_flux_points.fits"


def _raw(path):
    with fits.open(path) as hdulist:
        return Table.read(
            hdulist["FLUXPOINTS"] if "FLUXPOINTS" in hdulist else hdulist[1]
        )


def _values(column):
    data = column.data
    if isinstance(data, np.ma.MaskedArray):
        data = data.filled(np.nan if data.dtype.kind == "f" else False)
    return np.asarray(data, dtype=float)


def _assert_tables_equal(expected, actual, rtol=1e-9, columns=None):
    for name in columns or expected.colnames:
        assert name in actual.colnames, name
        assert_allclose(
            _values(actual[name]), _values(expected[name]), rtol=rtol, err_msg=name
        )
        unit_e = expected[name].unit or u.dimensionless_unscaled
        unit_a = actual[name].unit or u.dimensionless_unscaled
        assert u.Unit(unit_e) == u.Unit(unit_a), name


@pytest.fixture(scope="session")
def crab_fp(gammaray_data):
    return FluxPoints.read(gammaray_data / CRAB)


@pytest.fixture(scope="session")
def lc3(gammaray_data):
    return FluxPoints.read(gammaray_data / LC3, format="lightcurve")


def _pl():
    return PowerLawSpectralModel(
        index=2.5, amplitude="1e-11 cm-2 s-1 TeV-1", reference="1 TeV"
    )


def _synthetic(
    norm=(1.0, 2.0, 0.5), sed_type="likelihood", with_profiles=False, n_sigma=None
):
    """Flux points with 3 log bins 1-100 TeV and a power-law reference."""
    axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=len(norm))
    model = _pl()
    ref = model.reference_fluxes(axis)
    table = Table()
    table["e_ref"] = ref["e_ref"]
    table["e_min"] = ref["e_min"]
    table["e_max"] = ref["e_max"]
    norm = np.asarray(norm, dtype=float)
    if sed_type == "likelihood":
        table["ref_dnde"] = ref["ref_dnde"]
        table["norm"] = norm
        table["norm_err"] = 0.1 * norm
    else:
        table[sed_type] = norm * ref[f"ref_{sed_type}"]
    if with_profiles:
        values = np.geomspace(0.2, 5, 11)
        sigma = 0.2 * norm
        table["norm_scan"] = np.tile(values, (len(norm), 1))
        table["stat_scan"] = ((values[None, :] - norm[:, None]) / sigma[:, None]) ** 2
        table["stat"] = np.zeros(len(norm))
        table["stat_null"] = (norm / sigma) ** 2
    return table, model


# ---- real data ---------------------------------------------------------------------------
def test_read_crab_likelihood(crab_fp, gammaray_data):
    raw = _raw(gammaray_data / CRAB)
    assert crab_fp.sed_type_init == "likelihood"
    assert crab_fp.n_sigma_ul == 3.0
    assert crab_fp.energy_axis.nbin == 5
    assert crab_fp.has_stat_profiles and crab_fp.has_ul and crab_fp.has_any_ts
    assert crab_fp.stat_scan.geom.axes["norm"].nbin == 11
    # the template reference reproduces the reference columns of the file
    assert_allclose(crab_fp.dnde_ref.ravel().value, _values(raw["ref_dnde"]), rtol=1e-9)
    assert_allclose(
        crab_fp.flux_ref.ravel().to_value("cm-2 s-1"),
        _values(raw["ref_flux"]),
        rtol=1e-6,
    )
    dnde = crab_fp.dnde.quantity.ravel()
    expected = _values(raw["norm"]) * _values(raw["ref_dnde"])
    assert_allclose(dnde.to_value("cm-2 s-1 TeV-1"), expected, rtol=1e-12)
    assert np.isnan(dnde[0])  # failed fit in the first bin
    assert crab_fp.gti is not None and len(crab_fp.gti) == 1


def test_crab_to_table_reproduces_file(crab_fp, gammaray_data):
    raw = _raw(gammaray_data / CRAB)
    table = crab_fp.to_table()
    _assert_tables_equal(raw, table, rtol=1e-9)
    assert table.meta["SED_TYPE"] == "likelihood"
    assert table.meta["UL_CONF"] == raw.meta["UL_CONF"]
    assert table["npred_excess"].dtype.itemsize == 4  # float32 kept


def test_crab_with_models_yaml_reference(gammaray_data):
    from gammaray.modeling.models import Models

    model = Models.read(gammaray_data / "estimators/crab_hess_fp/models.yaml")[0]
    fp = FluxPoints.read(gammaray_data / CRAB, reference_model=model)
    spectral = fp.reference_spectral_model
    assert spectral.index.value == 2.5
    assert_allclose(fp.dnde_ref.ravel(), spectral(fp.energy_ref), rtol=1e-12)
    assert_allclose(
        fp.flux_ref.ravel(), spectral.integral(fp.energy_min, fp.energy_max), rtol=1e-12
    )


@pytest.mark.parametrize("suffix", [".fits", ".ecsv"])
def test_crab_round_trip(crab_fp, tmp_path, suffix):
    path = tmp_path / f"fp{suffix}"
    crab_fp.write(path)
    fp = FluxPoints.read(path)
    t1, t2 = crab_fp.to_table(), fp.to_table()
    assert t1.colnames == t2.colnames
    _assert_tables_equal(t1, t2, rtol=1e-12 if suffix == ".fits" else 1e-9)
    assert (
        t2.meta["SED_TYPE"] == "likelihood" and t2.meta["UL_CONF"] == t1.meta["UL_CONF"]
    )
    with pytest.raises(OverwriteError):
        crab_fp.write(path)
    crab_fp.write(path, overwrite=True)


def test_crab_written_structure_matches(crab_fp, gammaray_data, tmp_path):
    path = tmp_path / "fp.fits"
    crab_fp.write(path)
    with fits.open(gammaray_data / CRAB) as ref, fits.open(path) as new:
        assert [h.name for h in new] == [h.name for h in ref]
        ref_cols = {c.name: c for c in ref["FLUXPOINTS"].columns}
        new_cols = {c.name: c for c in new["FLUXPOINTS"].columns}
        assert set(new_cols) == set(ref_cols)
        for name, col in ref_cols.items():
            assert (col.unit or "") == (new_cols[name].unit or ""), name
            assert col.format == new_cols[name].format, name
        for key in ("SED_TYPE", "UL_CONF", "EXTNAME"):
            assert new["FLUXPOINTS"].header[key] == ref["FLUXPOINTS"].header[key]
        for key in ("MJDREFI", "MJDREFF", "TIMESYS"):
            assert (
                str(new["GTI"].header[key]).lower()
                == str(ref["GTI"].header[key]).lower()
            )


def test_read_lightcurve_3bins(lc3, gammaray_data):
    assert lc3.geom.axes.names == ["energy", "time"]
    assert lc3.geom.axes["time"].nbin == 34
    assert lc3.energy_axis.nbin == 3
    assert lc3.npred.geom.axes["dataset"].nbin == 44
    raw = _raw(gammaray_data / LC3)
    assert_allclose(
        lc3.geom.axes["time"].time_min.mjd, _values(raw["time_min"]), rtol=1e-12
    )
    _assert_tables_equal(raw, lc3.to_table(), rtol=1e-9)
    assert lc3.to_table().colnames == raw.colnames


def test_lightcurve_round_trip_and_structure(lc3, gammaray_data, tmp_path):
    path = tmp_path / "lc.fits"
    lc3.write(path)
    back = FluxPoints.read(path)
    assert back.geom.axes.names == ["energy", "time"]
    _assert_tables_equal(lc3.to_table(), back.to_table(), rtol=1e-12)
    with fits.open(gammaray_data / LC3) as ref, fits.open(path) as new:
        href, hnew = ref["FLUXPOINTS"].header, new["FLUXPOINTS"].header
        for key in ("MJDREFI", "MJDREFF", "TIMESYS", "TIMEUNIT", "EXTNAME"):
            assert hnew[key] == href[key], key
        for c_ref, c_new in zip(ref["FLUXPOINTS"].columns, new["FLUXPOINTS"].columns):
            assert c_ref.name == c_new.name
            assert (c_ref.unit or "") == (c_new.unit or ""), c_ref.name
            assert c_ref.dim == c_new.dim, c_ref.name
        assert len(new["GTI"].data) == 44


def test_lightcurve_single_energy_bin(gammaray_data):
    fp = FluxPoints.read(gammaray_data / LC, format="lightcurve")
    raw = _raw(gammaray_data / LC)
    # one energy bin: a power law through ref_dnde that reproduces ref_flux
    assert fp.energy_axis.nbin == 1
    _assert_tables_equal(raw, fp.to_table(), rtol=1e-9)
    flux = fp.flux.quantity[:, 0, 0, 0]
    expected = _values(raw["norm"])[:, 0] * _values(raw["ref_flux"])[:, 0]
    assert_allclose(flux.to_value("cm-2 s-1"), expected, rtol=1e-9)


def test_read_hawc_dnde(gammaray_data, tmp_path):
    fp = FluxPoints.read(gammaray_data / HAWC, sed_type="dnde")
    raw = _raw(gammaray_data / HAWC)
    assert fp.sed_type_init == "dnde"
    # default reference: power law of index 2
    assert fp.reference_spectral_model.index.value == 2
    assert_allclose(
        fp.dnde.quantity.ravel().to_value("cm-2 s-1 TeV-1"),
        _values(raw["dnde"]),
        rtol=1e-12,
    )
    assert fp.is_ul.data.ravel().tolist() == raw["is_ul"].tolist()
    assert fp.has_ul and fp.is_ul.data.ravel()[-1]
    table = fp.to_table(sed_type="dnde")
    assert table.meta["SED_TYPE"] == "dnde"
    _assert_tables_equal(raw, table, rtol=1e-12)
    # e2dnde = e_ref**2 dnde
    t_e2 = fp.to_table(sed_type="e2dnde")
    expected = (raw["e_ref"].quantity ** 2 * raw["dnde"].quantity).to_value(
        "TeV cm-2 s-1"
    )
    assert_allclose(
        t_e2["e2dnde"].quantity.to_value("TeV cm-2 s-1"), expected, rtol=1e-12
    )
    path = tmp_path / "hawc.fits"
    fp.write(path, sed_type="dnde")
    back = FluxPoints.read(path)
    _assert_tables_equal(table, back.to_table(sed_type="dnde"), rtol=1e-12)
    with fits.open(path) as hdulist:
        assert hdulist["FLUXPOINTS"].header["SED_TYPE"] == "dnde"
        assert set(hdulist["FLUXPOINTS"].columns.names) == set(raw.colnames)


# ---- synthetic: analytic conversions ---------------------------------------------------------
def test_conversions_are_analytic():
    table, model = _synthetic()
    fp = FluxPoints.from_table(table, reference_model=model)
    norm = np.array([1.0, 2.0, 0.5])
    e_min, e_max = fp.energy_min, fp.energy_max
    e_ref = np.sqrt(e_min * e_max)
    amp, idx = 1e-11, 2.5
    dnde = norm * amp * e_ref.to_value("TeV") ** -idx
    flux = (
        norm
        * amp
        / (1 - idx)
        * (e_max.to_value("TeV") ** (1 - idx) - e_min.to_value("TeV") ** (1 - idx))
    )
    eflux = (
        norm
        * amp
        / (2 - idx)
        * (e_max.to_value("TeV") ** (2 - idx) - e_min.to_value("TeV") ** (2 - idx))
    )
    assert_allclose(fp.energy_ref, e_ref, rtol=1e-12)
    assert_allclose(
        fp.dnde.quantity.ravel().to_value("cm-2 s-1 TeV-1"), dnde, rtol=1e-12
    )
    assert_allclose(
        fp.e2dnde.quantity.ravel().to_value("TeV cm-2 s-1"),
        dnde * e_ref.to_value("TeV") ** 2,
        rtol=1e-12,
    )
    assert_allclose(fp.flux.quantity.ravel().to_value("cm-2 s-1"), flux, rtol=1e-10)
    assert_allclose(
        fp.eflux.quantity.ravel().to_value("TeV cm-2 s-1"), eflux, rtol=1e-10
    )
    assert_allclose(
        fp.flux_err.quantity.ravel().to_value("cm-2 s-1"), 0.1 * flux, rtol=1e-10
    )


@pytest.mark.parametrize("sed_type", ["dnde", "e2dnde", "flux", "eflux"])
def test_physical_sed_types_convert_to_norm(sed_type, tmp_path):
    table, model = _synthetic(sed_type=sed_type)
    table.meta["SED_TYPE"] = sed_type
    fp = FluxPoints.from_table(table, reference_model=model)
    assert fp.sed_type_init == sed_type
    assert_allclose(fp.norm.data.ravel(), [1.0, 2.0, 0.5], rtol=1e-10)
    out = fp.to_table()
    assert_allclose(
        out[sed_type].quantity.to_value(table[sed_type].unit),
        table[sed_type],
        rtol=1e-10,
    )
    fp.write(tmp_path / "x.ecsv")
    back = FluxPoints.read(tmp_path / "x.ecsv", reference_model=model)
    assert back.sed_type_init == sed_type
    assert_allclose(back.norm.data.ravel(), [1.0, 2.0, 0.5], rtol=1e-10)


def test_sed_type_guessed_from_columns():
    table, model = _synthetic(sed_type="flux")
    fp = FluxPoints.from_table(table, reference_model=model)
    assert fp.sed_type_init == "flux"


def test_bad_input_errors():
    table, model = _synthetic(sed_type="dnde")
    no_energy = table.copy()
    no_energy.remove_columns(["e_ref", "e_min", "e_max"])
    with pytest.raises(MissingColumnError, match="e_ref"):
        FluxPoints.from_table(no_energy, sed_type="dnde", reference_model=model)
    with pytest.raises(UnknownSEDTypeError, match="Unknown SED type 'norm'"):
        FluxPoints.from_table(table, sed_type="norm", reference_model=model)
    bad_header = table.copy()
    bad_header.meta["SED_TYPE"] = "counts"
    with pytest.raises(UnknownSEDTypeError, match="counts"):
        FluxPoints.from_table(bad_header)
    with pytest.raises(MissingColumnError, match="flux"):
        FluxPoints.from_table(table, sed_type="flux", reference_model=model)
    unknown = Table({"a": [1.0], "b": [2.0]})
    with pytest.raises(MissingColumnError, match="Pass sed_type"):
        FluxPoints.from_table(unknown)
    wrong_unit = table.copy()
    wrong_unit["e_ref"].unit = "s"
    with pytest.raises(ValueError, match="not an energy"):
        FluxPoints.from_table(wrong_unit, reference_model=model)
    fp = FluxPoints.from_table(table, reference_model=model)
    with pytest.raises(MissingQuantityError, match="norm_ul"):
        _ = fp.dnde_ul
    with pytest.raises(UnknownSEDTypeError):
        fp.to_table(sed_type="foo")


def test_missing_file_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        FluxPoints.read(tmp_path / "nothing.fits")


# ---- upper limits, profiles, resampling --------------------------------------------------------
def test_upper_limits_and_threshold():
    table, model = _synthetic(norm=(1.0, 0.1, 0.5))
    table["norm_ul"] = [2.0, 0.5, 1.0]
    table["ts"] = [25.0, 1.0, 9.0]
    fp = FluxPoints.from_table(table, reference_model=model)
    assert fp.is_ul.data.ravel().tolist() == [False, True, False]
    assert_allclose(fp.sqrt_ts.data.ravel(), [5, 1, 3])
    fp.sqrt_ts_threshold_ul = 4
    assert fp.is_ul.data.ravel().tolist() == [False, True, True]
    out = fp.to_table(sed_type="flux")
    assert out["is_ul"].tolist() == [False, True, True]
    assert_allclose(out["flux_ul"].quantity, fp.flux_ul.quantity.ravel())


def test_recompute_ul_parabolic_profiles():
    table, model = _synthetic(with_profiles=True)
    fp = FluxPoints.from_table(table, reference_model=model)
    norm = np.array([1.0, 2.0, 0.5])
    sigma = 0.2 * norm
    new = fp.recompute_ul(n_sigma_ul=2)
    # sqrt(stat) is linear in norm for a parabola: exact interpolation
    assert_allclose(new.norm_ul.data.ravel(), norm + 2 * sigma, rtol=1e-10)
    assert new.n_sigma_ul == 2
    assert "norm_ul" not in fp.available_quantities


def test_recompute_ul_real_data(crab_fp):
    new = crab_fp.recompute_ul(n_sigma_ul=3)
    ul_file = crab_fp.norm_ul.data.ravel()
    ul_new = new.norm_ul.data.ravel()
    good = np.isfinite(ul_file)
    assert good.sum() == 4
    assert_allclose(ul_new[good], ul_file[good], rtol=0.05)


def test_resample_axis_sums_profiles():
    table, model = _synthetic(norm=(1.0, 1.2, 0.8, 1.0), with_profiles=True)
    fp = FluxPoints.from_table(table, reference_model=model)
    axis_new = MapAxis.from_energy_edges(fp.energy_axis.edges[::2])
    new = fp.resample_axis(axis_new)
    assert new.energy_axis.nbin == 2
    norm = np.array([1.0, 1.2, 0.8, 1.0]).reshape(2, 2)
    w = 1 / (0.2 * norm) ** 2
    expected = (w * norm).sum(axis=1) / w.sum(axis=1)
    sigma = 1 / np.sqrt(w.sum(axis=1))
    assert_allclose(new.norm.data.ravel(), expected, atol=3e-3)
    assert_allclose(new.norm_err.data.ravel(), sigma, atol=3e-3)
    assert_allclose(new.stat_scan.data.sum(), fp.stat_scan.data.sum(), rtol=1e-12)
    assert np.all(new.ts.data > 0)


def test_slicing_and_iteration(lc3):
    sub = lc3.slice_by_idx({"time": slice(0, 5)})
    assert sub.geom.axes["time"].nbin == 5
    assert_allclose(sub.norm.data, lc3.norm.data[:5])
    high = lc3.slice_by_energy(energy_min="1 TeV")
    assert high.energy_axis.nbin == 2
    items = list(lc3.slice_by_idx({"time": slice(0, 3)}).iter_by_axis("time"))
    assert len(items) == 3 and items[1].geom.axes["time"].nbin == 1
    assert_allclose(items[1].norm.data, lc3.norm.data[1:2])
    duration = items[1].geom.axes["time"].time_delta.to_value("s")
    assert_allclose(items[1].gti.time_sum.to_value("s"), duration, rtol=1e-6)


def test_str(crab_fp):
    text = str(crab_fp)
    assert "FluxPoints" in text and "likelihood" in text and "norm_scan" in text
    assert "FluxPoints(" in repr(crab_fp)


# ---- plots ------------------------------------------------------------------------------------
def test_plot_sed_with_upper_limits(gammaray_data):
    import matplotlib.pyplot as plt

    fp = FluxPoints.read(gammaray_data / HAWC, sed_type="dnde")
    fig, ax = plt.subplots()
    fp.plot(ax=ax, sed_type="e2dnde", label="HAWC")
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "erg" in ax.get_ylabel()
    assert len(ax.containers) == 1
    fp.plot(ax=ax, energy_power=2)
    assert len(ax.containers) == 2


def test_plot_lightcurve_and_profiles(lc3, crab_fp):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    lc3.plot(ax=ax, sed_type="flux")
    assert len(ax.containers) == 3  # one series per energy bin
    assert "Time" in ax.get_xlabel()
    fig, ax = plt.subplots()
    lc3.plot(ax=ax, time_format="mjd")
    assert "MJD" in ax.get_xlabel()
    fig, ax = plt.subplots()
    crab_fp.plot_ts_profiles(ax=ax, sed_type="e2dnde")
    assert len(ax.collections) >= 4
    assert len(fig.axes) == 2  # colour bar


def test_reference_model_is_sky_model(crab_fp):
    assert isinstance(crab_fp.reference_spectral_model, SpectralModel)
    assert hasattr(crab_fp.reference_model, "spectral_model")


def test_region_map_from_dict():
    table, model = _synthetic()
    fp = FluxPoints.from_table(table, reference_model=model)
    assert isinstance(fp.norm, RegionNDMap)


def test_model_and_flux_points_plot_in_the_same_units(gammaray_data):
    import matplotlib.pyplot as plt

    from gammaray.modeling.models import PowerLawSpectralModel

    fp = FluxPoints.read(
        gammaray_data / "hawc/crab_flux/HAWC19_flux_points.fits", sed_type="dnde"
    )
    model = PowerLawSpectralModel(
        amplitude="2.3e-13 cm-2 s-1 TeV-1", reference="7 TeV", index=2.8
    )
    fig, ax = plt.subplots()
    # energy bounds in GeV must still draw in the flux points' TeV axis
    model.plot([1e3, 1e5] * u.GeV, ax=ax, sed_type="e2dnde")
    fp.plot(ax=ax, sed_type="e2dnde")
    line = ax.lines[0]
    np.testing.assert_allclose(line.get_xdata()[[0, -1]], [1, 100])
    expected = (7 * u.TeV) ** 2 * 2.3e-13 * u.Unit("cm-2 s-1 TeV-1")
    y7 = np.interp(np.log(7), np.log(line.get_xdata()), line.get_ydata())
    assert y7 == pytest.approx(expected.to_value("erg cm-2 s-1"), rel=1e-3)
    assert "erg" in ax.get_ylabel() and "TeV" in ax.get_xlabel()
