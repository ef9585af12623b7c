import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from regions import (
    CircleSkyRegion,
    CompoundSkyRegion,
    EllipseSkyRegion,
    PointSkyRegion,
    RectangleSkyRegion,
)

from gammaray.maps import MapAxis, RegionGeom
from gammaray.maps.region._io import region_from_table, region_to_table


@pytest.fixture
def energy_axis():
    return MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=10)


@pytest.fixture
def geom(energy_axis):
    return RegionGeom.create("galactic;circle(0, 5, 1)", axes=[energy_axis])


def test_create_from_string(geom):
    assert isinstance(geom.region, CircleSkyRegion)
    assert geom.frame == "galactic"
    assert geom.data_shape == (10, 1, 1)
    assert geom.npix == (1, 1)
    assert geom.ndim == 3
    assert not geom.is_image
    assert not geom.is_all_point_sky_regions
    assert geom.is_region
    assert_center = geom.center_skydir
    assert_allclose_deg(assert_center.l.deg, 0)
    assert_allclose_deg(assert_center.b.deg, 5)
    assert "CircleSkyRegion" in repr(geom)
    assert "energy" in repr(geom)


def assert_allclose_deg(a, b):
    np.testing.assert_allclose(np.asarray(a), b, atol=1e-10)


def test_create_icrs_and_wcs():
    geom = RegionGeom.create("icrs;circle(83.63, 22.01, 0.11)")
    assert geom.frame == "icrs"
    assert geom.is_image
    assert geom.data_shape == (1, 1)
    # default local WCS: TAN, 0.1 deg pixels, just covering the region, centred on it
    assert geom.wcs.wcs.ctype[0] == "RA---TAN"
    assert geom.wcs.pixel_shape == (4, 4)
    np.testing.assert_allclose(geom.wcs.wcs.crpix, [2.5, 2.5])
    np.testing.assert_allclose(geom.wcs.wcs.crval, [83.63, 22.01])
    np.testing.assert_allclose(geom.binsz_wcs.to_value("deg"), 0.1)
    width = geom.width.to_value("deg")
    assert np.all(width >= 0.2199) and np.all(width < 0.5)


def test_create_binsz_wcs():
    geom = RegionGeom.create("icrs;circle(83.63, 22.01, 0.11)", binsz_wcs="0.02 deg")
    np.testing.assert_allclose(geom.wcs.wcs.cdelt, [-0.02, 0.02])
    assert geom.wcs.pixel_shape == (13, 13)


@pytest.mark.parametrize(
    "text",
    [
        "galactic;circl(0, 5, 1)",
        "circle(0, 5, 1)",
        "",
        "nonsense",
        "image;circle(1,2,3)",
    ],
)
def test_unparsable_region_string(text):
    with pytest.raises(ValueError, match="region|Region"):
        RegionGeom.create(text)


def test_bad_region_type():
    with pytest.raises(TypeError, match="sky region"):
        RegionGeom.create(42)


def test_compound_from_string():
    geom = RegionGeom.create("icrs;circle(83.63, 22.01, 0.2);circle(84.63, 22.01, 0.2)")
    assert isinstance(geom.region, CompoundSkyRegion)
    inside = geom.contains(
        SkyCoord([83.63, 84.63, 84.13], [22.01, 22.01, 22.01], unit="deg")
    )
    assert inside.tolist() == [True, True, False]
    # centre between both circles
    np.testing.assert_allclose(geom.center_skydir.ra.deg, 84.13, atol=0.02)


def test_from_regions():
    regs = [
        CircleSkyRegion(SkyCoord(0, 0, unit="deg", frame="galactic"), 0.1 * u.deg),
        CircleSkyRegion(SkyCoord(1, 0, unit="deg", frame="galactic"), 0.1 * u.deg),
    ]
    geom = RegionGeom.from_regions(regs)
    assert isinstance(geom.region, CompoundSkyRegion)
    assert geom.frame == "galactic"


def test_region_none(energy_axis):
    geom = RegionGeom(region=None, axes=[energy_axis])
    assert geom.region is None
    assert geom.wcs is None
    assert geom.data_shape == (10, 1, 1)
    assert geom.frame == "icrs"
    assert np.isnan(geom.center_skydir.ra.deg)
    pix = geom.coord_to_pix({"energy": [1.5, 3] * u.TeV})
    assert np.all(pix[0] == 0)
    with pytest.raises(ValueError, match="needs a region"):
        geom.solid_angle()
    with pytest.raises(ValueError, match="needs a region"):
        geom.contains(SkyCoord(0, 0, unit="deg"))


def test_solid_angle_circle(geom):
    expected = 2 * np.pi * (1 - np.cos(np.deg2rad(1)))
    omega = geom.solid_angle()
    assert omega.unit == u.sr
    np.testing.assert_allclose(omega.value, expected, rtol=1e-12)


def test_solid_angle_other_shapes():
    center = SkyCoord(10, 20, unit="deg")
    ellipse = RegionGeom(EllipseSkyRegion(center, width=1 * u.deg, height=0.5 * u.deg))
    expected = np.pi * 0.5 * 0.25 * u.deg**2
    np.testing.assert_allclose(
        ellipse.solid_angle().to_value("deg2"), expected.value, rtol=1e-3
    )
    rect = RegionGeom(RectangleSkyRegion(center, width=1 * u.deg, height=0.5 * u.deg))
    np.testing.assert_allclose(rect.solid_angle().to_value("deg2"), 0.5, rtol=1e-3)
    point = RegionGeom(PointSkyRegion(center))
    assert point.solid_angle().value == 0
    annulus = RegionGeom.create("icrs;annulus(10, 20, 0.5, 1)")
    exact = 2 * np.pi * (np.cos(np.deg2rad(0.5)) - np.cos(np.deg2rad(1)))
    np.testing.assert_allclose(annulus.solid_angle().value, exact, rtol=1e-12)


def test_solid_angle_compound():
    geom = RegionGeom.create("icrs;circle(83.63, 22.01, 0.2);circle(84.63, 22.01, 0.2)")
    exact = 2 * 2 * np.pi * (1 - np.cos(np.deg2rad(0.2)))
    # disjoint components: sum of exact solid angles
    np.testing.assert_allclose(geom.solid_angle().value, exact, rtol=1e-12)


def test_bin_volume(geom, energy_axis):
    volume = geom.bin_volume()
    assert volume.shape == (10, 1, 1)
    expected = geom.solid_angle() * energy_axis.bin_width
    np.testing.assert_allclose(
        volume[:, 0, 0].to_value("sr TeV"), expected.to_value("sr TeV")
    )


def test_contains(geom):
    coords = SkyCoord(
        [0, 0, 0.5, 0, 180], [5, 6.5, 5.5, 5.99, 5], unit="deg", frame="galactic"
    )
    assert geom.contains(coords).tolist() == [True, False, True, True, False]
    # other frame is transformed
    icrs = coords.icrs
    assert geom.contains(icrs).tolist() == [True, False, True, True, False]
    # 2D input keeps its shape
    assert geom.contains(coords.reshape((5, 1))).shape == (5, 1)
    # dict / tuple input
    assert geom.contains(
        {"lon": [0, 0] * u.deg, "lat": [5, 7] * u.deg, "energy": 1 * u.TeV}
    ).tolist() == [
        True,
        False,
    ]


def test_contains_point_region():
    geom = RegionGeom.create("icrs;point(83.63, 22.01)")
    assert geom.is_all_point_sky_regions
    result = geom.contains(SkyCoord([83.63, 83.9], [22.01, 22.01], unit="deg"))
    assert result.tolist() == [True, False]


def test_separation(geom):
    sep = geom.separation(SkyCoord(0, 7, unit="deg", frame="galactic"))
    np.testing.assert_allclose(sep.deg, 2)


def test_get_coord(geom, energy_axis):
    coords = geom.get_coord()
    assert coords["energy"].shape == (10, 1, 1)
    assert coords.lon.shape == (10, 1, 1)
    np.testing.assert_allclose(coords["energy"][:, 0, 0], energy_axis.center)
    np.testing.assert_allclose(coords.lat.to_value("deg"), 5)
    sparse = geom.get_coord(sparse=True)
    assert sparse.lon.shape == (1, 1, 1)
    icrs = geom.get_coord(frame="icrs")
    assert icrs.frame == "icrs"
    edges = geom.get_coord(mode="edges", axis_name="energy")
    assert edges["energy"].shape == (11, 1, 1)


def test_get_idx(geom):
    idx = geom.get_idx()
    assert len(idx) == 3
    assert idx[2].shape == (10, 1, 1)
    assert idx[2][:, 0, 0].tolist() == list(range(10))
    assert np.all(idx[0] == 0)


def test_coord_pix_conversion(geom, energy_axis):
    coords = {
        "skycoord": SkyCoord([0, 0], [5, 8], unit="deg", frame="galactic"),
        "energy": [1.2, 5] * u.TeV,
    }
    pix = geom.coord_to_pix(coords)
    assert pix[0][0] == 0 and np.isnan(pix[0][1])
    np.testing.assert_allclose(pix[2], energy_axis.coord_to_pix([1.2, 5] * u.TeV))
    idx = geom.coord_to_idx(coords)
    assert idx[0].tolist() == [0, -1]
    assert idx[2].tolist() == [0, 6]
    # axis-only coordinates are taken at the region centre
    pix = geom.coord_to_pix({"energy": [2] * u.TeV})
    assert pix[0][0] == 0
    pix = geom.coord_to_pix(([2] * u.TeV,))
    assert pix[1][0] == 0
    back = geom.pix_to_coord(
        (np.array([0.0, 2.0]), np.array([0.0, 0.0]), np.array([0.0, 9.0]))
    )
    np.testing.assert_allclose(back[1][0].to_value("deg"), 5)
    assert np.isnan(back[0][1])
    np.testing.assert_allclose(back[2], energy_axis.center[[0, 9]])
    assert geom.pix_to_idx(
        (np.array([0.3, -0.8]), np.array([0.0, 0.0]), np.array([3.2, 12.0]))
    )[2].tolist() == [3, -1]
    assert geom.contains_pix(
        (np.array([0.0, 1.0]), np.array([0.0, 0.0]), np.array([1.0, 1.0]))
    ).tolist() == [
        True,
        False,
    ]


def test_center_coord_and_pix(geom):
    assert geom.center_pix == (0.0, 0.0, 4.5)
    lon, lat, energy = geom.center_coord
    np.testing.assert_allclose(lat.to_value("deg"), 5)
    assert energy.unit.is_equivalent("TeV")


def test_axis_operations(geom, energy_axis):
    assert geom.to_image().data_shape == (1, 1)
    assert geom.to_image().to_cube([energy_axis]) == geom
    assert geom.squash("energy").data_shape == (1, 1, 1)
    assert geom.drop("energy").is_image
    assert geom.downsample(2, axis_name="energy").data_shape == (5, 1, 1)
    assert geom.upsample(2, axis_name="energy").data_shape == (20, 1, 1)
    new_axis = MapAxis.from_energy_edges(energy_axis.edges[::2])
    assert geom.resample_axis(new_axis).data_shape == (5, 1, 1)
    assert geom.replace_axis(new_axis).axes["energy"].nbin == 5
    assert geom.slice_by_idx({"energy": slice(2, 5)}).data_shape == (3, 1, 1)
    assert geom.pad(1, axis_name="energy").data_shape == (12, 1, 1)
    assert geom.as_energy_true().axes.names == ["energy_true"]
    assert geom.downsample(2) == geom
    with pytest.raises(ValueError, match="cannot be padded spatially"):
        geom.pad(1)
    with pytest.raises(ValueError, match="cannot be cropped"):
        geom.crop(1)


def test_equality_and_copy(geom, energy_axis):
    other = RegionGeom.create("galactic;circle(0, 5, 1)", axes=[energy_axis])
    assert geom == other
    assert geom.is_allclose(other)
    shifted = RegionGeom.create("galactic;circle(0, 5.5, 1)", axes=[energy_axis])
    assert geom != shifted
    bigger = RegionGeom.create("galactic;circle(0, 5, 1.1)", axes=[energy_axis])
    assert geom != bigger
    assert geom != geom.to_image()
    copy = geom.copy()
    assert copy == geom and copy is not geom


def test_union():
    a = RegionGeom.create("icrs;circle(83.63, 22.01, 0.2)")
    b = RegionGeom.create("icrs;circle(84.63, 22.01, 0.2)")
    union = a.union(b)
    assert isinstance(union.region, CompoundSkyRegion)
    inside = union.contains(SkyCoord([83.63, 84.63], [22.01, 22.01], unit="deg"))
    assert inside.all()


def test_get_wcs_coord_and_weights(geom, energy_axis):
    coords, weights = geom.get_wcs_coord_and_weights()
    pixel_area = (0.1 * u.deg) ** 2
    ratio = geom.solid_angle() / pixel_area.to("sr")
    np.testing.assert_allclose(weights.sum(), ratio.to_value(""), rtol=2e-3)
    assert np.all((weights > 0) & (weights <= 1))
    assert coords.lon.shape == weights.shape
    assert coords["energy"].shape == (10, 1)
    assert np.all(geom.contains(coords.skycoord[weights == 1]))


def test_get_wcs_coord_and_weights_point():
    geom = RegionGeom.create("icrs;point(83.63, 22.01)")
    coords, weights = geom.get_wcs_coord_and_weights()
    assert weights.tolist() == [1.0]
    np.testing.assert_allclose(coords.lon.to_value("deg"), 83.63)


def test_to_wcs_geom(geom):
    wcs_geom = geom.to_wcs_geom()
    assert wcs_geom.axes.names == ["energy"]
    assert wcs_geom.data_shape[0] == 10
    ny, nx = wcs_geom.data_shape[-2:]
    assert nx >= 20 and ny >= 20
    assert wcs_geom.center_skydir.separation(geom.center_skydir).deg < 0.1
    bigger = geom.to_wcs_geom(width_min=4 * u.deg)
    assert bigger.data_shape[-1] >= 40


def test_region_table_layout(geom):
    table = region_to_table(geom.region, geom.wcs)
    assert table.colnames[:5] == ["SHAPE", "X", "Y", "R", "ROTANG"]
    assert table["SHAPE"][0].strip() == "circle"
    assert table.meta["CTYPE1"] == "GLON-TAN"
    assert table.meta["WCSSHAPE"] == "(22,22)"
    region, wcs = region_from_table(table)
    assert isinstance(region, CircleSkyRegion)
    np.testing.assert_allclose(region.radius.to_value("deg"), 1, rtol=1e-6)
    assert region.center.separation(geom.center_skydir).deg < 1e-8
    assert wcs.pixel_shape == (22, 22)


def test_region_table_reads_real_file(gammaray_data):
    path = gammaray_data / "PKS2155-steady" / "pks2155-304_steady.fits.gz"
    with fits.open(path) as hdulist:
        region, wcs = region_from_table(hdulist["REGION"])
        original = hdulist["REGION"].data
        header = hdulist["REGION"].header
    assert isinstance(region, CircleSkyRegion)
    np.testing.assert_allclose(region.center.icrs.ra.deg, 329.72, atol=1e-6)
    np.testing.assert_allclose(region.center.icrs.dec.deg, -30.22, atol=1e-6)
    np.testing.assert_allclose(region.radius.to_value("deg"), 0.11, rtol=1e-5)
    geom = RegionGeom(region, wcs=wcs)
    table = geom._to_region_table()
    # written the same way as in the real file
    np.testing.assert_allclose(np.asarray(table["X"])[0], original["X"][0], atol=1e-6)
    np.testing.assert_allclose(np.asarray(table["R"])[0], original["R"][0], rtol=1e-6)
    for key in ("CTYPE1", "CTYPE2", "CRPIX1", "CDELT1", "CRVAL1", "CRVAL2", "WCSSHAPE"):
        assert table.meta[key] == header[key]


def test_default_wcs_reproduces_real_file(gammaray_data):
    path = gammaray_data / "PKS2155-steady" / "pks2155-304_steady.fits.gz"
    with fits.open(path) as hdulist:
        header = hdulist["REGION"].header
    geom = RegionGeom.create("icrs;circle(329.72, -30.22, 0.11)")
    table = geom._to_region_table()
    for key in (
        "CTYPE1",
        "CRPIX1",
        "CRPIX2",
        "CDELT1",
        "CDELT2",
        "WCSSHAPE",
        "RADESYS",
    ):
        assert table.meta[key] == header[key]


def test_hdulist_round_trip_ogip(geom):
    geom_ogip = RegionGeom.create(
        "icrs;circle(83.63, 22.01, 0.11)",
        axes=[MapAxis.from_energy_bounds("0.1 TeV", "100 TeV", nbin=12)],
    )
    hdulist = geom_ogip.to_hdulist(format="ogip")
    assert [h.name for h in hdulist] == ["PRIMARY", "EBOUNDS", "REGION"]
    assert hdulist["EBOUNDS"].columns.names == ["CHANNEL", "E_MIN", "E_MAX"]
    back = RegionGeom.from_hdulist(hdulist, format="ogip")
    assert back == geom_ogip
    assert back.wcs.pixel_shape == geom_ogip.wcs.pixel_shape


def test_hdulist_round_trip_gadf(geom):
    hdulist = geom.to_hdulist(
        format="gadf", hdu_bands="SPECTRUM_BANDS", hdu_region="SPECTRUM_REGION"
    )
    names = [h.name for h in hdulist]
    assert names == ["PRIMARY", "SPECTRUM_BANDS", "SPECTRUM_REGION"]
    back = RegionGeom.from_hdulist(hdulist, format="gadf", hdu="SPECTRUM")
    assert back == geom
    assert back.frame == "galactic"


def test_hdulist_compound_region_round_trip():
    geom = RegionGeom.create(
        "galactic;circle(0, 0, 0.2);box(1, 0, 0.4, 0.2, 30);ellipse(0.5, 0.5, 0.2, 0.1, 10)"
    )
    hdulist = geom.to_hdulist(format="ogip")
    assert len(hdulist["REGION"].data) == 3
    back = RegionGeom.from_hdulist(hdulist, format="ogip")
    assert back == geom
    points = SkyCoord([0, 1, 0.5, 3], [0, 0, 0.5, 3], unit="deg", frame="galactic")
    assert (
        back.contains(points).tolist()
        == geom.contains(points).tolist()
        == [True, True, True, False]
    )


def test_plot_region(geom):
    import matplotlib.pyplot as plt

    ax = geom.plot_region(edgecolor="red")
    assert len(ax.patches) + len(ax.artists) >= 1
    plt.close("all")
    point = RegionGeom.create("icrs;point(83.63, 22.01)")
    ax = point.plot_region(kwargs_point={"marker": "x"})
    assert len(ax.lines) == 1


def test_contains_wcs_pix(geom):
    nx, ny = geom.wcs.pixel_shape
    cx, cy = (nx - 1) / 2, (ny - 1) / 2
    result = geom.contains_wcs_pix((np.array([cx, 0.0]), np.array([cy, 0.0])))
    assert result.tolist() == [True, False]


def test_solid_angle_overlapping_compound():
    # two overlapping circles: area of the union from the lens formula
    geom = RegionGeom.create("icrs;circle(10, 0, 0.2);circle(10.2, 0, 0.2)")
    r, d = 0.2, 0.2
    lens = 2 * r**2 * np.arccos(d / (2 * r)) - d / 2 * np.sqrt(4 * r**2 - d**2)
    union = (2 * np.pi * r**2 - lens) * u.deg**2
    np.testing.assert_allclose(
        geom.solid_angle().to_value("deg2"), union.value, rtol=5e-3
    )


def test_energy_mask(geom):
    mask = geom.energy_mask(energy_min=1.99 * u.TeV, energy_max=5.02 * u.TeV)
    assert mask.geom == geom
    assert mask.data.dtype == bool
    assert mask.data[:, 0, 0].tolist() == [False] * 3 + [True] * 4 + [False] * 3


def test_coord_to_pix_missing_axis(geom):
    from gammaray.utils.errors import AxisError

    with pytest.raises(AxisError, match="energy"):
        geom.coord_to_pix({"skycoord": SkyCoord(0, 5, unit="deg", frame="galactic")})
    # positional coordinates (lon, lat, energy)
    pix = geom.coord_to_pix((0 * u.deg, 5 * u.deg, 3 * u.TeV))
    assert pix[0] == 0 and pix[2] > 4
