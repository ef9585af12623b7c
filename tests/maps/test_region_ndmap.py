import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.table import Table

from gammaray.maps import Map, MapAxis, RegionGeom, RegionNDMap, WcsGeom
from gammaray.utils.errors import GeometryMismatchError, MissingHDUError, OverwriteError


@pytest.fixture
def energy_axis():
    return MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=10)


@pytest.fixture
def region_map(energy_axis):
    m = RegionNDMap.create(
        "icrs;circle(83.63, 22.01, 0.5)", axes=[energy_axis], unit="cm-2 s-1"
    )
    m.data = np.arange(10, dtype="float32").reshape((10, 1, 1)) + 1
    return m


def test_api_example_geometry(energy_axis):
    m = Map.create(
        region="galactic;circle(0, 5, 1)", map_type="region", axes=[energy_axis]
    )
    assert isinstance(m, RegionNDMap)
    assert m.data.shape == (10, 1, 1)
    assert m.geom.data_shape == (10, 1, 1)
    assert m.data.dtype == np.float32
    assert "RegionNDMap" in str(m)


def test_api_example_script(api_examples_dir, capsys):
    import runpy

    result = runpy.run_path(str(api_examples_dir / "maps.py"))
    m_region = result["m_region"]
    assert isinstance(m_region, RegionNDMap)
    assert m_region.data.shape == (10, 1, 1)
    assert "RegionNDMap" in capsys.readouterr().out


def test_create(energy_axis):
    m = RegionNDMap.create(
        "icrs;circle(83.63, 22.01, 0.5)", axes=[energy_axis], dtype="int32", unit="ct"
    )
    assert m.data.dtype == np.int32
    assert m.unit == u.ct
    m = RegionNDMap.create(None, axes=[energy_axis], data=np.ones(10))
    assert m.geom.region is None
    assert m.data.shape == (10, 1, 1)
    geom = RegionGeom.create("icrs;circle(83.63, 22.01, 0.5)")
    m = RegionNDMap.create(geom, axes=[energy_axis])
    assert m.geom.data_shape == (10, 1, 1)
    assert isinstance(Map.from_geom(geom), RegionNDMap)
    with pytest.raises(TypeError, match="RegionGeom"):
        RegionNDMap(geom=WcsGeom.create(npix=3, binsz=1))


def test_get_fill_set_by_coord(energy_axis):
    m = RegionNDMap.create("icrs;circle(83.63, 22.01, 0.5)", axes=[energy_axis])
    m.fill_by_coord({"energy": [1.3, 1.4, 9, 20] * u.TeV})
    assert m.data[:, 0, 0].tolist() == [0, 2, 0, 0, 0, 0, 0, 0, 0, 1]
    coords = {
        "skycoord": SkyCoord([83.63, 90.0], [22.01, 22.01], unit="deg"),
        "energy": [1.5, 1.5] * u.TeV,
    }
    m.fill_by_coord(coords, weights=np.array([2.0, 5.0]))
    assert m.data[1, 0, 0] == 4
    assert m.data.sum() == 5
    vals = m.get_by_coord({"energy": [1.5, 9] * u.TeV})
    assert vals.tolist() == [4, 1]
    outside = m.get_by_coord(coords)
    assert outside[0] == 4 and np.isnan(outside[1])
    m.set_by_coord({"energy": [3] * u.TeV}, [7])
    assert m.data[4, 0, 0] == 7
    assert m.get_by_idx((0, 0, 4)) == 7


def test_interp_by_coord(energy_axis):
    m = RegionNDMap.create("icrs;circle(83.63, 22.01, 0.5)", axes=[energy_axis])
    energy = energy_axis.center
    m.quantity = (energy.to_value("TeV") ** -2).reshape((10, 1, 1)) * u.Unit("")
    e = np.sqrt(energy[3] * energy[4])
    value = m.interp_by_coord({"energy": e}, values_scale="log")
    np.testing.assert_allclose(value, e.to_value("TeV") ** -2, rtol=1e-6)
    # at the nodes any scale reproduces the data
    value = m.interp_by_coord({"energy": energy[5]})
    np.testing.assert_allclose(value, m.data[5, 0, 0], rtol=1e-6)
    nearest = m.interp_by_coord({"energy": energy[5] * 1.01}, method="nearest")
    np.testing.assert_allclose(nearest, m.data[5, 0, 0])


def test_arithmetic_and_units(region_map):
    total = region_map + region_map
    assert isinstance(total, RegionNDMap)
    np.testing.assert_allclose(total.data, 2 * region_map.data)
    scaled = region_map * (2 * u.s)
    assert scaled.unit == u.Unit("cm-2")
    mask = region_map > 5 * region_map.unit
    assert mask.is_mask and mask.data.sum() == 5


def test_reductions(region_map, energy_axis):
    summed = region_map.sum_over_axes()
    assert summed.data.shape == (1, 1, 1)
    assert summed.data.sum() == 55
    reduced = region_map.reduce("energy")
    assert reduced.geom.is_image and reduced.data.sum() == 55
    new_axis = MapAxis.from_energy_edges(energy_axis.edges[::2])
    resampled = region_map.resample_axis(new_axis)
    assert resampled.data[:, 0, 0].tolist() == [3, 7, 11, 15, 19]
    planes = list(region_map.iter_by_axis("energy"))
    assert len(planes) == 10
    assert region_map.to_region_nd_map() is region_map
    assert (
        region_map.cutout(SkyCoord(0, 0, unit="deg"), 1 * u.deg).geom == region_map.geom
    )
    down = region_map.downsample(2, axis_name="energy")
    assert down.data.shape == (5, 1, 1)
    padded = region_map.pad(1, axis_name="energy")
    assert padded.data.shape == (12, 1, 1) and padded.data[0, 0, 0] == 0


def test_stack(region_map):
    other = region_map.copy()
    other.data[3] = np.nan
    target = region_map.copy()
    target.stack(other)
    assert target.data[0, 0, 0] == 2
    assert target.data[3, 0, 0] == region_map.data[3, 0, 0]
    weights = RegionNDMap.from_geom(region_map.geom, dtype=bool)
    weights.data[:2] = True
    target = region_map.copy()
    target.stack(region_map, weights=weights)
    assert target.data[:, 0, 0].tolist()[:3] == [2, 4, 3]
    # different region, same axes: allowed
    moved = RegionNDMap.create(
        "icrs;circle(84, 22, 0.5)", axes=region_map.geom.axes, unit=region_map.unit
    )
    target.stack(moved)
    bad = RegionNDMap.create("icrs;circle(84, 22, 0.5)")
    with pytest.raises(GeometryMismatchError):
        target.stack(bad)


def test_arithmetic_across_regions(region_map):
    # as in Gammapy (alpha * counts_off): same axes, other region -> allowed,
    # the result lives on the first operand's geometry
    off = RegionNDMap.create(
        "icrs;circle(84, 22, 0.5)", axes=region_map.geom.axes, unit=""
    )
    off.data += 2
    result = region_map * off
    assert result.geom is region_map.geom
    np.testing.assert_allclose(result.data, 2 * region_map.data)
    image = RegionNDMap.create("icrs;circle(84, 22, 0.5)")
    image.data += 3
    np.testing.assert_allclose((region_map * image).data, 3 * region_map.data)
    other_axis = RegionNDMap.create(
        "icrs;circle(84, 22, 0.5)",
        axes=[MapAxis.from_energy_bounds("1 GeV", "10 GeV", nbin=10)],
    )
    with pytest.raises(GeometryMismatchError):
        region_map + other_axis


def test_gadf_round_trip(region_map, tmp_path):
    path = tmp_path / "map.fits"
    region_map.write(path)
    with fits.open(path) as hdulist:
        names = [h.name for h in hdulist]
        assert names == ["PRIMARY", "SPECTRUM", "SPECTRUM_BANDS", "SPECTRUM_REGION"]
        assert hdulist["SPECTRUM"].columns.names == ["CHANNEL", "DATA"]
    back = RegionNDMap.read(path)
    assert back.geom == region_map.geom
    assert back.unit == region_map.unit
    assert back.data.dtype == region_map.data.dtype
    assert back.data.tobytes() == region_map.data.tobytes()
    generic = Map.read(path)
    assert isinstance(generic, RegionNDMap) and generic.geom == region_map.geom
    with pytest.raises(OverwriteError):
        region_map.write(path)
    region_map.write(path, overwrite=True, hdu="COUNTS")
    back = RegionNDMap.read(path, hdu="COUNTS")
    assert back.geom == region_map.geom


def test_gadf_round_trip_dtypes_and_two_axes(tmp_path):
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    other = MapAxis.from_edges([0, 1, 2], name="rad", unit="deg")
    for dtype in ("int16", "float64", "bool"):
        m = RegionNDMap.create(
            "galactic;circle(1, 2, 0.3)", axes=[energy, other], dtype=dtype
        )
        rng = np.random.default_rng(0)
        m.data = (rng.uniform(0, 10, m.data.shape)).astype(dtype)
        path = tmp_path / f"m_{dtype}.fits"
        m.write(path)
        back = RegionNDMap.read(path)
        assert back.data.shape == (2, 3, 1, 1)
        assert back.data.dtype == np.dtype(dtype)
        assert np.array_equal(back.data, m.data)
        assert back.geom == m.geom


def test_region_less_round_trip(energy_axis, tmp_path):
    m = RegionNDMap.create(None, axes=[energy_axis], data=np.arange(10.0))
    m.write(tmp_path / "x.fits")
    back = RegionNDMap.read(tmp_path / "x.fits")
    assert back.geom.region is None
    assert np.array_equal(back.data, m.data)


@pytest.mark.parametrize(
    ("name", "nbin", "e_min"),
    [
        ("joint-crab/spectra/hess/pha_obs23523.fits", 80, 0.01 * u.TeV),
        ("PKS2155-steady/pks2155-304_steady.fits.gz", 10, 0.2 * u.TeV),
    ],
)
def test_read_ogip_pha(gammaray_data, name, nbin, e_min):
    path = gammaray_data / name
    m = RegionNDMap.read(path, format="ogip")
    with fits.open(path) as hdulist:
        counts = hdulist["SPECTRUM"].data["COUNTS"]
        ebounds = Table.read(hdulist["EBOUNDS"])
    axis = m.geom.axes["energy"]
    assert axis.nbin == nbin
    np.testing.assert_allclose(axis.edges[0].to_value("TeV"), e_min.value, rtol=1e-9)
    np.testing.assert_allclose(
        axis.edges[1:].to_value("keV"), ebounds["E_MAX"].quantity.to_value("keV")
    )
    assert axis.interp == "log"
    assert m.data.sum() == counts.sum()
    assert m.data.dtype.kind == "i"
    assert m.meta["HDUCLAS2"] == "TOTAL"
    assert "EXPOSURE" in m.meta
    # generic reader finds the OGIP layout by itself
    generic = Map.read(path)
    assert isinstance(generic, RegionNDMap)
    assert generic.data.sum() == counts.sum()


def test_read_ogip_region(gammaray_data):
    m = RegionNDMap.read(
        gammaray_data / "PKS2155-steady/pks2155-304_steady.fits.gz", format="ogip"
    )
    center = m.geom.center_skydir.icrs
    np.testing.assert_allclose(
        [center.ra.deg, center.dec.deg], [329.72, -30.22], atol=1e-6
    )
    np.testing.assert_allclose(m.geom.region.radius.to_value("deg"), 0.11, rtol=1e-5)
    np.testing.assert_allclose(
        m.geom.solid_angle().value,
        2 * np.pi * (1 - np.cos(np.deg2rad(0.11))),
        rtol=1e-5,
    )
    pha = RegionNDMap.read(
        gammaray_data / "joint-crab/spectra/hess/pha_obs23523.fits", format="ogip"
    )
    assert pha.geom.region is None


def test_read_ogip_columns(gammaray_data):
    path = gammaray_data / "PKS2155-steady/pks2155-304_steady.fits.gz"
    quality = RegionNDMap.read(path, format="ogip", ogip_column="QUALITY")
    with fits.open(path) as hdulist:
        raw = hdulist["SPECTRUM"].data["QUALITY"]
        backscal = hdulist["SPECTRUM"].data["BACKSCAL"]
    assert quality.is_mask
    assert quality.data[:, 0, 0].tolist() == (~raw.astype(bool)).tolist()
    back = RegionNDMap.read(path, format="ogip", ogip_column="BACKSCAL")
    np.testing.assert_array_equal(back.data[:, 0, 0], backscal)
    # AREASCAL is a keyword in this file, a column in the joint-crab files
    area = RegionNDMap.read(path, format="ogip", ogip_column="AREASCAL")
    assert np.all(area.data == 1)
    bkg = RegionNDMap.read(
        gammaray_data / "joint-crab/spectra/hess/bkg_obs23523.fits",
        format="ogip",
        ogip_column="BACKSCAL",
    )
    assert np.all(bkg.data == 12)
    with pytest.raises(KeyError, match="NOPE"):
        RegionNDMap.read(path, format="ogip", ogip_column="NOPE")


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("joint-crab/spectra/hess/arf_obs23523.fits", "cm2"),
        ("PKS2155-steady/pks2155-304_steady_arf.fits.gz", "m2"),
    ],
)
def test_read_ogip_arf(gammaray_data, name, unit):
    path = gammaray_data / name
    arf = RegionNDMap.read(path, format="ogip-arf")
    with fits.open(path) as hdulist:
        table = Table.read(hdulist["SPECRESP"])
    axis = arf.geom.axes["energy_true"]
    assert axis.nbin == len(table)
    np.testing.assert_allclose(
        axis.edges[:-1].to_value("TeV"), table["ENERG_LO"].quantity.to_value("TeV")
    )
    np.testing.assert_allclose(
        axis.edges[-1].to_value("TeV"), table["ENERG_HI"].quantity[-1].to_value("TeV")
    )
    assert arf.unit == u.Unit(unit)
    np.testing.assert_array_equal(arf.data[:, 0, 0], table["SPECRESP"].data)
    generic = Map.read(path)
    assert generic.geom.axes.names == ["energy_true"]


def test_ogip_pha_round_trip(gammaray_data, tmp_path):
    path = gammaray_data / "PKS2155-steady/pks2155-304_steady.fits.gz"
    m = RegionNDMap.read(path, format="ogip")
    out = tmp_path / "pha.fits"
    m.write(out, format="ogip")
    with fits.open(out) as hdulist:
        assert [h.name for h in hdulist] == ["PRIMARY", "SPECTRUM", "EBOUNDS", "REGION"]
        header = hdulist["SPECTRUM"].header
        assert header["HDUCLASS"] == "OGIP"
        assert header["EXPOSURE"] == m.meta["EXPOSURE"]
        assert header["BACKFILE"] == "pks2155-304_steady_bkg.fits.gz"
        assert hdulist["SPECTRUM"].columns["COUNTS"].format == "J"
        assert hdulist["EBOUNDS"].header["HDUCLAS2"] == "EBOUNDS"
    back = RegionNDMap.read(out, format="ogip")
    assert back.geom == m.geom
    assert back.data.dtype == m.data.dtype
    assert back.data.tobytes() == m.data.tobytes()
    assert back.geom.region == m.geom.region or back.geom.is_allclose(m.geom)


def test_ogip_arf_round_trip(gammaray_data, tmp_path):
    arf = RegionNDMap.read(
        gammaray_data / "joint-crab/spectra/hess/arf_obs23523.fits", format="ogip-arf"
    )
    out = tmp_path / "arf.fits"
    arf.write(out, format="ogip-arf")
    with fits.open(out) as hdulist:
        assert hdulist["SPECRESP"].columns.names == ["ENERG_LO", "ENERG_HI", "SPECRESP"]
    back = RegionNDMap.read(out, format="ogip-arf")
    assert back.geom.axes == arf.geom.axes
    assert back.data.tobytes() == arf.data.tobytes()
    sherpa = tmp_path / "arf_sherpa.fits"
    (arf * 1).to_unit("m2").write(sherpa, format="ogip-arf-sherpa")
    with fits.open(sherpa) as hdulist:
        assert hdulist["SPECRESP"].columns["SPECRESP"].unit == "cm2"
        assert hdulist["SPECRESP"].columns["ENERG_LO"].unit == "keV"


def test_ogip_errors(region_map, tmp_path):
    with pytest.raises(ValueError, match="single 'energy_true' axis"):
        region_map.to_table(format="ogip-arf")
    with pytest.raises(ValueError, match="Unsupported format"):
        region_map.to_table(format="nope")
    hdulist = fits.HDUList(
        [
            fits.PrimaryHDU(),
            fits.BinTableHDU(Table({"CHANNEL": [0], "COUNTS": [1]}), name="SPECTRUM"),
        ]
    )
    with pytest.raises(MissingHDUError, match="EBOUNDS"):
        RegionNDMap.from_hdulist(hdulist, format="ogip")


def test_from_wcs_map(energy_axis):
    geom = WcsGeom.create(
        skydir=(0, 0), binsz=0.02, width=2, frame="galactic", axes=[energy_axis]
    )
    wcs_map = Map.from_geom(
        geom, data=np.ones(geom.data_shape, dtype="float32"), unit="ct"
    )
    region = "galactic;circle(0, 0, 0.5)"
    reduced = RegionNDMap.from_wcs_map(wcs_map, region)
    assert reduced.data.shape == (10, 1, 1)
    assert reduced.unit == u.ct
    # number of pixel centres in the circle ~ area / pixel area
    expected = np.pi * 0.5**2 / 0.02**2
    np.testing.assert_allclose(reduced.data[0, 0, 0], expected, rtol=0.01)
    mean = RegionNDMap.from_wcs_map(wcs_map, region, func=np.nanmean)
    np.testing.assert_allclose(mean.data, 1)
    weights = Map.from_geom(geom, data=np.zeros(geom.data_shape, dtype=bool))
    weights.data[:5] = True
    masked = RegionNDMap.from_wcs_map(wcs_map, region, weights=weights)
    assert masked.data[5:].sum() == 0 and masked.data[0, 0, 0] == reduced.data[0, 0, 0]
    # the region geometry keeps the map pixel grid
    coords, w = reduced.geom.get_wcs_coord_and_weights()
    np.testing.assert_allclose(w.sum(), expected, rtol=2e-3)
    point = RegionNDMap.from_wcs_map(
        wcs_map, "galactic;point(0.1, 0.1)", method="linear"
    )
    np.testing.assert_allclose(point.data, 1)
    assert point.geom.is_all_point_sky_regions


def test_plot(region_map):
    import matplotlib.pyplot as plt

    ax = region_map.plot()
    assert ax.get_xscale() == "log"
    assert "TeV" in ax.get_xlabel()
    assert len(ax.containers) == 1
    plt.close("all")
    ax = region_map.plot(yerr=0.1 * region_map.data)
    assert len(ax.containers) == 1
    plt.close("all")
    ax = region_map.plot_hist()
    assert len(ax.patches) == 1
    plt.close("all")
    mask = region_map > 3 * region_map.unit
    ax = mask.plot_mask()
    assert len(ax.patches) == 1
    plt.close("all")
    ax = region_map.plot_region()
    assert ax is not None


def test_plot_two_axes_needs_axis_name():
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    other = MapAxis.from_edges([0, 1, 2], name="rad", unit="deg")
    m = RegionNDMap.create(
        "icrs;circle(0, 0, 1)", axes=[energy, other], data=np.ones((2, 3))
    )
    with pytest.raises(ValueError, match="axis_name"):
        m.plot()
    ax = m.plot(axis_name="energy")
    assert len(ax.containers) == 2


def _sed_table():
    table = Table()
    table["e_ref"] = [1.0, 2, 4] * u.TeV
    table["e_min"] = [0.7, 1.4, 2.8] * u.TeV
    table["e_max"] = [1.4, 2.8, 5.6] * u.TeV
    table["dnde"] = [1e-11, 2e-12, 3e-13] * u.Unit("cm-2 s-1 TeV-1")
    table["norm_scan"] = [[0.5, 1, 2]] * 3
    table["stat_scan"] = [[1.0, 0, 1], [2, 0, 2], [3, 0, 3]]
    return table


def test_from_table_gadf_sed():
    table = _sed_table()
    dnde = RegionNDMap.from_table(table, format="gadf-sed", colname="dnde")
    assert dnde.geom.region is None
    assert dnde.geom.axes.names == ["energy"]
    assert dnde.unit == u.Unit("cm-2 s-1 TeV-1")
    np.testing.assert_allclose(dnde.data[:, 0, 0], [1e-11, 2e-12, 3e-13])
    scan = RegionNDMap.from_table(table, format="gadf-sed", colname="stat_scan")
    assert scan.geom.axes.names == ["energy", "norm"]
    assert scan.data.shape == (3, 3, 1, 1)
    assert scan.data[:, 1, 0, 0].tolist() == [2, 0, 2]
    with pytest.raises(KeyError, match="colname"):
        RegionNDMap.from_table(table, format="gadf-sed", colname="flux")
    with pytest.raises(ValueError, match="Unsupported format"):
        RegionNDMap.from_table(table, format="ogip", colname="dnde")


def test_ogip_sherpa_round_trip(tmp_path):
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=4)
    m = RegionNDMap.create(
        "icrs;circle(83.63, 22.01, 0.5)", axes=[axis], data=[1, 2, 3, 4], dtype="int32"
    )
    path = tmp_path / "sherpa.fits"
    m.write(path, format="ogip-sherpa")
    with fits.open(path) as hdulist:
        assert hdulist["EBOUNDS"].columns["E_MIN"].unit == "keV"
    back = RegionNDMap.read(path, format="ogip-sherpa")
    assert back.geom == m.geom
    assert back.data.dtype == np.int32
    assert back.data[:, 0, 0].tolist() == [1, 2, 3, 4]


def test_from_wcs_map_hpx(energy_axis):
    from gammaray.maps import HpxGeom

    geom = HpxGeom.create(nside=256, frame="galactic", axes=[energy_axis])
    hpx_map = Map.from_geom(geom, data=np.ones(geom.data_shape, dtype="float32"))
    reduced = RegionNDMap.from_wcs_map(hpx_map, "galactic;circle(0, 0, 3)")
    pixel_area = 4 * np.pi / (12 * 256**2)
    expected = 2 * np.pi * (1 - np.cos(np.deg2rad(3))) / pixel_area
    np.testing.assert_allclose(reduced.data[0, 0, 0], expected, rtol=0.02)
    assert reduced.data.shape == (10, 1, 1)


def test_read_gammapy_written_pha(gammaray_data):
    path = gammaray_data / "datasets/simulations/simulated_spectrum_dataset_PL.fits"
    counts = RegionNDMap.read(path, format="ogip")
    with fits.open(path) as hdulist:
        raw = hdulist["SPECTRUM"].data
        assert counts.data.sum() == raw["COUNTS"].sum()
    assert counts.geom.axes["energy"].nbin == 20
    np.testing.assert_allclose(
        counts.geom.region.radius.to_value("deg"), 0.1, rtol=1e-5
    )
    backscal = RegionNDMap.read(path, format="ogip", ogip_column="BACKSCAL")
    assert backscal.data.dtype == np.int64
    mask = RegionNDMap.read(path, format="ogip", ogip_column="QUALITY")
    assert mask.data.all()


def test_from_table_lightcurve():
    table = Table()
    table["time_min"] = [55000.0, 55001, 55002]
    table["time_max"] = [55001.0, 55002, 55003]
    table["e_ref"] = [[1.0, 3]] * 3 * u.TeV
    table["e_min"] = [[0.5, 2]] * 3 * u.TeV
    table["e_max"] = [[2.0, 5]] * 3 * u.TeV
    table["flux"] = [[1.0, 2], [3, 4], [5, 6]] * u.Unit("cm-2 s-1")
    table.meta.update({"TIMESYS": "utc", "MJDREFI": 0, "MJDREFF": 0.0, "TIMEUNIT": "d"})
    m = RegionNDMap.from_table(table, format="lightcurve", colname="flux")
    assert m.geom.axes.names == ["energy", "time"]
    assert m.data.shape == (3, 2, 1, 1)
    assert m.data[:, :, 0, 0].tolist() == [[1, 2], [3, 4], [5, 6]]
