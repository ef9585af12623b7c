"""Table / header I/O of map axes: GADF BANDS, EBOUNDS, ENERGIES, OGIP, DL3, SED."""

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table
from astropy.time import Time
from numpy.testing import assert_allclose, assert_array_equal

from gammaray.maps.axes import LabelMapAxis, MapAxes, MapAxis, TimeMapAxis
from gammaray.utils.errors import AxisError, MissingColumnError


def _hdu_roundtrip(hdu, tmp_path):
    path = tmp_path / "table.fits"
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(path)
    with fits.open(path) as hdulist:
        return Table.read(hdulist[1])


@pytest.fixture
def edisp_axes():
    energy = MapAxis.from_energy_bounds("10 GeV", "2 TeV", 5, unit="TeV")
    energy_true = MapAxis.from_energy_bounds(
        "10 GeV", "2 TeV", 3, unit="TeV", name="energy_true"
    )
    return MapAxes([energy, energy_true])


# --------------------------------------------------------------------- GADF BANDS
def test_bands_table_layout(edisp_axes):
    table = edisp_axes.to_table(format="gadf")
    assert table.colnames == [
        "CHANNEL",
        "ENERGY",
        "E_MIN",
        "E_MAX",
        "ENERGY_TRUE",
        "ENERGY_TRUE_MIN",
        "ENERGY_TRUE_MAX",
    ]
    assert len(table) == 15
    assert_array_equal(table["CHANNEL"], np.arange(15))
    # axis 0 varies fastest
    assert_allclose(
        table["E_MIN"][:6],
        [*edisp_axes[0].edges_min.value, edisp_axes[0].edges.value[0]],
    )
    assert_allclose(table["ENERGY_TRUE_MIN"][4:6], edisp_axes[1].edges_min.value[:2])
    assert table.meta["AXCOLS1"] == "E_MIN,E_MAX"
    assert table.meta["AXCOLS2"] == "ENERGY_TRUE_MIN,ENERGY_TRUE_MAX"
    assert table.meta["INTERP2"] == "log"
    assert table["E_MIN"].unit == u.TeV


def test_bands_roundtrip_exact_through_fits(edisp_axes, tmp_path):
    hdu = edisp_axes.to_table_hdu(format="gadf", hdu_bands="EDISP_BANDS")
    assert hdu.name == "EDISP_BANDS"
    table = _hdu_roundtrip(hdu, tmp_path)
    axes = MapAxes.from_table(table, format="gadf")
    assert axes == edisp_axes
    for a, b in zip(axes, edisp_axes):
        assert_array_equal(a.edges.value, b.edges.value)
    table2 = axes.to_table(format="gadf")
    for name in table2.colnames:
        assert_array_equal(np.asarray(table2[name]), np.asarray(table[name]))


def test_bands_center_node_axis_roundtrip(tmp_path):
    axes = MapAxes(
        [
            MapAxis.from_nodes(np.linspace(0, 1, 4), name="rad", unit="deg"),
            MapAxis.from_energy_bounds(
                "1 TeV", "10 TeV", 2, node_type="center", name="energy_true"
            ),
        ]
    )
    table = _hdu_roundtrip(axes.to_table_hdu(), tmp_path)
    assert table.meta["AXCOLS1"] == "RAD"
    assert table.meta["AXCOLS2"] == "ENERGY_TRUE"
    back = MapAxes.from_table(table)
    assert back == axes
    assert back[0].node_type == "center"
    assert_array_equal(back[1].center.value, axes[1].center.value)


def test_bands_label_and_time_axes_roundtrip(tmp_path):
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 2)
    label = LabelMapAxis(["crab", "pks 2155", "msh"], name="dataset")
    time = TimeMapAxis(
        [0, 2, 5] * u.h,
        [1, 3, 6] * u.h,
        Time("2021-03-04T05:06:07", scale="tt"),
        name="time",
    )
    axes = MapAxes([energy, label, time])
    table = _hdu_roundtrip(axes.to_table_hdu(), tmp_path)
    assert table.meta["AXCOLS2"] == "DATASET"
    assert table.meta["AXCOLS3"] == "TIME_MIN,TIME_MAX"
    assert table.meta["TIMEUNIT"] == "h"
    back = MapAxes.from_table(table)
    assert isinstance(back["dataset"], LabelMapAxis)
    assert isinstance(back["time"], TimeMapAxis)
    assert list(back["dataset"].center) == ["crab", "pks 2155", "msh"]
    assert back == axes
    assert_allclose((back["time"].time_min - time.time_min).to_value("s"), 0, atol=1e-6)


def test_bands_missing_column_raises():
    table = Table({"CHANNEL": [0], "X_MIN": [0.0]})
    table.meta["AXCOLS1"] = "X_MIN,X_MAX"
    with pytest.raises(MissingColumnError, match="X_MAX"):
        MapAxes.from_table(table)
    with pytest.raises(MissingColumnError, match="AXCOLS1"):
        MapAxes.from_table(Table({"CHANNEL": [0]}))


def test_bands_real_file_roundtrip(gammaray_data):
    path = gammaray_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_data_Fermi-LAT.fits"
    with fits.open(path) as hdulist:
        tables = {
            name: Table.read(hdulist[name])
            for name in (
                "COUNTS_BANDS",
                "EDISP_BANDS",
                "PSF_BANDS",
                "PSF_EXPOSURE_BANDS",
            )
        }
    axes = MapAxes.from_table(tables["COUNTS_BANDS"])
    assert axes.names == ["energy"]
    assert axes[0].nbin == 5
    assert axes[0].interp == "log"
    assert_allclose(axes[0].edges.to_value("TeV")[[0, -1]], [0.01, 2.0], rtol=1e-6)
    # centres recomputed in log agree with the ENERGY column
    assert_allclose(axes[0].center.value, tables["COUNTS_BANDS"]["ENERGY"], rtol=1e-6)

    edisp = MapAxes.from_table(tables["EDISP_BANDS"])
    assert edisp.names == ["energy", "energy_true"]
    assert edisp.shape == (5, 5)

    psf = MapAxes.from_table(tables["PSF_BANDS"])
    assert psf.names == ["theta", "energy_true"]
    assert psf.shape == (300, 17)
    assert [ax.node_type for ax in psf] == ["center", "center"]
    assert psf["theta"].unit == u.rad
    assert psf["energy_true"].unit == u.GeV

    psf_exp = MapAxes.from_table(tables["PSF_EXPOSURE_BANDS"])
    assert psf_exp.shape == (1, 17)
    assert psf_exp[0].node_type == "edges"

    for name, table in tables.items():
        axes = MapAxes.from_table(table)
        out = axes.to_table()
        assert out.colnames == table.colnames, name
        for key in [k for k in table.meta if k.startswith(("AXCOLS", "INTERP"))]:
            assert out.meta[key] == table.meta[key]
        defining = {"CHANNEL"}
        for idx in range(len(axes)):
            defining |= set(table.meta[f"AXCOLS{idx + 1}"].split(","))
        for col in table.colnames:
            if col in defining:
                # the columns that define the axes round-trip exactly
                assert_array_equal(
                    np.asarray(out[col]), np.asarray(table[col]), err_msg=col
                )
            else:
                assert_allclose(
                    np.asarray(out[col]), np.asarray(table[col]), rtol=1e-6, atol=1e-12
                )
        # and reading our output gives identical axes
        assert MapAxes.from_table(out) == axes


# --------------------------------------------------------------------- EBOUNDS / ENERGIES
def test_ebounds_fermi_counts_cube(gammaray_data):
    path = gammaray_data / "fermi-3fhl-gc" / "fermi-3fhl-gc-counts-cube.fits.gz"
    table = Table.read(path, hdu="EBOUNDS")
    axes = MapAxes.from_table(table, format="fgst-ccube")
    axis = axes["energy"]
    assert axis.nbin == 11
    assert axis.unit == u.keV
    assert_allclose(axis.edges[0].to_value("GeV"), 10)
    assert_allclose(axis.edges[-1].to_value("GeV"), 500, rtol=1e-6)
    # legacy tables without AXCOLS are understood by the gadf reader too
    assert MapAxes.from_table(table, format="gadf")["energy"] == axis
    out = axes.to_table(format="fgst-ccube")
    assert out.colnames == ["CHANNEL", "E_MIN", "E_MAX"]
    assert_array_equal(out["CHANNEL"], table["CHANNEL"])
    assert_array_equal(np.asarray(out["E_MIN"]), np.asarray(table["E_MIN"]))
    assert_array_equal(np.asarray(out["E_MAX"]), np.asarray(table["E_MAX"]))
    hdu = axes.to_table_hdu(format="fgst-ccube")
    assert hdu.name == "EBOUNDS"


def test_energies_fermi_template(gammaray_data):
    path = gammaray_data / "fermi_3fhl" / "fermi_3fhl_exposure_cube_hpx.fits.gz"
    table = Table.read(path, hdu="ENERGIES")
    axis = MapAxes.from_table(table, format="fgst-template")[0]
    assert axis.name == "energy_true"
    assert axis.node_type == "center"
    assert axis.nbin == 18
    assert axis.unit == u.MeV
    assert_allclose(axis.center[0].value, 10000)
    out = MapAxes([axis]).to_table(format="fgst-template")
    assert_array_equal(np.asarray(out["ENERGY"]), np.asarray(table["Energy"]))
    assert MapAxes([axis]).to_table_hdu(format="fgst-template").name == "ENERGIES"


def test_energies_gadf_written(gammaray_data):
    path = gammaray_data / "fermi-3fhl-gc" / "gll_iem_v06_gc.fits.gz"
    table = Table.read(path, hdu="ENERGIES")
    axis = MapAxes.from_table(table)[0]
    assert axis.name == "energy"
    assert axis.node_type == "center"
    assert axis.interp == "log"
    assert axis.nbin == 30
    assert_array_equal(axis.center.value, np.asarray(table["ENERGY"], dtype=float))
    out = MapAxes([axis]).to_table()
    assert out.meta["AXCOLS1"] == "ENERGY"
    assert_array_equal(np.asarray(out["ENERGY"]), np.asarray(table["ENERGY"]))


# --------------------------------------------------------------------- OGIP
def test_ogip_ebounds_roundtrip(tmp_path):
    axis = MapAxis.from_energy_bounds("0.1 TeV", "100 TeV", 6)
    hdu = axis.to_table_hdu(format="ogip")
    assert hdu.name == "EBOUNDS"
    assert hdu.header["HDUCLAS2"] == "EBOUNDS"
    table = _hdu_roundtrip(hdu, tmp_path)
    assert_array_equal(table["CHANNEL"], np.arange(6))
    back = MapAxis.from_table(table, format="ogip")
    assert back == axis
    assert_array_equal(back.edges.value, axis.edges.value)


def test_ogip_arf_roundtrip(tmp_path):
    axis = MapAxis.from_energy_bounds("0.1 TeV", "100 TeV", 4, name="energy_true")
    hdu = axis.to_table_hdu(format="ogip-arf")
    assert hdu.name == "SPECRESP"
    table = _hdu_roundtrip(hdu, tmp_path)
    assert table.colnames == ["ENERG_LO", "ENERG_HI"]
    assert MapAxis.from_table(table, format="ogip-arf") == axis
    sherpa = axis.to_table(format="ogip-arf-sherpa")
    assert sherpa["ENERG_LO"].unit == u.keV


def test_ogip_real_files(gammaray_data):
    folder = gammaray_data / "joint-crab" / "spectra" / "hess"
    ebounds = Table.read(folder / "pha_obs23523.fits", hdu="EBOUNDS")
    axis = MapAxis.from_table(ebounds, format="ogip")
    assert axis.name == "energy"
    assert axis.nbin == 80
    assert_allclose(axis.edges[0].to_value("TeV"), 0.01)
    arf = Table.read(folder / "arf_obs23523.fits", hdu="SPECRESP")
    axis_true = MapAxis.from_table(arf, format="ogip-arf")
    assert axis_true.name == "energy_true"
    assert axis_true.nbin == 80
    out = axis.to_table(format="ogip")
    assert_array_equal(np.asarray(out["E_MIN"]), np.asarray(ebounds["E_MIN"]))


def test_ogip_requires_energy_axis():
    with pytest.raises(AxisError, match="energy"):
        MapAxis.from_bounds(0, 1, 2, name="offset").to_table(format="ogip")
    with pytest.raises(MissingColumnError):
        MapAxis.from_table(Table({"X": [1.0]}), format="ogip")


# --------------------------------------------------------------------- DL3 / SED
def test_gadf_dl3_roundtrip():
    energy = MapAxis.from_energy_bounds("0.1 TeV", "100 TeV", 3, name="energy_true")
    offset = MapAxis.from_bounds(0, 2.5, 5, name="offset", unit="deg")
    migra = MapAxis.from_nodes([0.2, 1, 5], name="migra")
    table = MapAxes([energy, offset, migra]).to_table(format="gadf-dl3")
    assert table["ENERG_LO"].shape == (1, 3)
    assert table["THETA_HI"].shape == (1, 5)
    back = MapAxes.from_table(table, format="gadf-dl3")
    assert back["energy_true"] == energy
    assert back["offset"] == offset
    assert back["migra"] == migra
    assert back["migra"].node_type == "center"
    with pytest.raises(AxisError, match="DL3"):
        MapAxis.from_bounds(0, 1, 2, name="foo").to_table(format="gadf-dl3")


def test_gadf_dl3_real_aeff(gammaray_data):
    path = (
        gammaray_data / "hess-dl3-dr1" / "data" / "hess_dl3_dr1_obs_id_023523.fits.gz"
    )
    table = Table.read(path, hdu="AEFF")
    axes = MapAxes.from_table(table, format="gadf-dl3")
    assert axes.names == ["offset", "energy_true"]
    assert axes["energy_true"].interp == "log"
    assert axes["offset"].unit == u.deg


def test_gadf_sed_roundtrip():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 3)
    table = axis.to_table(format="gadf-sed")
    assert table.colnames == ["e_ref", "e_min", "e_max"]
    assert MapAxes.from_table(table, format="gadf-sed")[0] == axis


def test_gadf_sed_real_flux_points(gammaray_data):
    path = gammaray_data / "estimators" / "crab_hess_fp" / "crab_hess_fp.fits"
    table = Table.read(path, hdu="FLUXPOINTS")
    axis = MapAxis.from_table(table, format="gadf-sed")
    assert axis.nbin == len(table)
    assert_array_equal(axis.edges_min.value, np.asarray(table["e_min"]))


def test_unknown_formats_raise():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 3)
    with pytest.raises(AxisError, match="format"):
        axis.to_table(format="foo")
    with pytest.raises(AxisError, match="format"):
        MapAxes([axis]).to_table(format="foo")
    with pytest.raises(AxisError, match="format"):
        MapAxes.from_table(Table(), format="foo")


def test_axis_to_header_gadf():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 3, node_type="center")
    header = axis.to_header(idx=2)
    assert header["AXCOLS2"] == "ENERGY"
    assert header["INTERP2"] == "log"
