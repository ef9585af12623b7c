import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits
from numpy.testing import assert_allclose, assert_equal

from gammaray.maps import MapAxis, WcsGeom
from gammaray.maps.coord import MapCoord
from gammaray.utils.errors import InvalidFrameError, InvalidProjectionError


@pytest.fixture
def energy_axis():
    return MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)


@pytest.fixture
def geom_car(energy_axis):
    return WcsGeom.create(npix=(10, 6), binsz=1.0, frame="galactic", axes=[energy_axis])


def test_create_basic(geom_car):
    assert geom_car.npix == (10, 6)
    assert geom_car.data_shape == (3, 6, 10)
    assert geom_car.data_shape_image == (6, 10)
    assert geom_car.data_shape_axes == (3, 1, 1)
    assert geom_car.frame == "galactic"
    assert geom_car.projection == "CAR"
    assert geom_car.ndim == 3
    assert not geom_car.is_image
    assert not geom_car.is_allsky
    assert geom_car.is_regular
    assert geom_car.has_energy_axis
    assert_allclose(geom_car.width.to_value("deg"), [10, 6])
    assert_allclose(geom_car.pixel_scales.deg, [1, 1])
    assert list(geom_car.wcs.wcs.ctype) == ["GLON-CAR", "GLAT-CAR"]
    assert_allclose(geom_car.wcs.wcs.crpix, [5.5, 3.5])


def test_create_width_skydir_variants():
    skydir = SkyCoord("0d", "5d", frame="galactic")
    geom = WcsGeom.create(
        binsz=0.1, skydir=skydir, width=[10.0, 8.0] * u.deg, frame="galactic"
    )
    assert geom.npix == (100, 80)
    assert_allclose(geom.center_skydir.b.deg, 5.0, atol=1e-10)
    # width rounded to whole pixels, binsz as Quantity and pair
    geom = WcsGeom.create(
        binsz=(0.3, 0.2) * u.deg, width=(1.0, "1 deg"), skydir=(10, 20)
    )
    assert geom.npix == (3, 5)
    assert_allclose(geom.wcs.wcs.cdelt, [-0.3, 0.2])
    assert_allclose(geom.wcs.wcs.crval, [10, 20])
    # SkyCoord transformed into the requested frame
    geom = WcsGeom.create(skydir=skydir, frame="icrs", width=1, binsz=0.1)
    assert geom.frame == "icrs"
    assert_allclose(geom.center_skydir.separation(skydir).deg, 0, atol=1e-8)


def test_create_allsky_default():
    geom = WcsGeom.create(binsz=1.0, frame="galactic")
    assert geom.npix == (360, 180)
    assert geom.is_allsky


def test_create_errors():
    with pytest.raises(InvalidProjectionError, match="XYZ"):
        WcsGeom.create(npix=10, proj="XYZ")
    with pytest.raises(InvalidFrameError, match="fk4"):
        WcsGeom.create(npix=10, frame="fk4")
    assert issubclass(InvalidProjectionError, ValueError)


@pytest.mark.parametrize(
    "proj", ["CAR", "TAN", "AIT", "MOL", "SIN", "ARC", "ZEA", "STG", "CEA"]
)
def test_projections_round_trip(proj):
    geom = WcsGeom.create(npix=(20, 16), binsz=0.5, proj=proj, skydir=(30, 40))
    assert geom.projection == proj
    pix = (np.array([0.0, 3.3, 19.0]), np.array([0.0, 7.7, 15.0]))
    lon, lat = geom.pix_to_coord(pix)
    assert lon.unit == u.deg
    x, y = geom.coord_to_pix((lon, lat))
    assert_allclose(x, pix[0], atol=1e-8)
    assert_allclose(y, pix[1], atol=1e-8)


def test_car_pixel_centres_analytic():
    geom = WcsGeom.create(npix=(4, 2), binsz=1.0, frame="galactic")
    coords = geom.get_coord()
    # lon decreases with x (CDELT1 < 0); centre between pixels 1 and 2
    assert_allclose(coords.lon.value[0], [1.5, 0.5, 359.5, 358.5])
    assert_allclose(coords.lat.value[:, 0], [-0.5, 0.5])
    x, y = geom.coord_to_pix((np.array([0.0, 1.5]), np.array([0.0, -0.5])))
    assert_allclose(x, [1.5, 0.0])
    assert_allclose(y, [0.5, 0.0])


def test_tan_reverse_transform():
    geom = WcsGeom.create(npix=(101, 101), binsz=0.1, proj="TAN", skydir=(0, 0))
    # gnomonic: x offset for lon l on the equator is tan(l) (in rad) / cdelt
    lon = np.array([1.0, -2.0])
    x, y = geom.coord_to_pix((lon, np.zeros(2)))
    expected = 50 - np.rad2deg(np.tan(np.deg2rad(lon))) / 0.1
    assert_allclose(x, expected)
    assert_allclose(y, 50)
    lon_back, lat_back = geom.pix_to_coord((expected, np.array([50.0, 50.0])))
    assert_allclose(lon_back.to_value("deg"), lon % 360)
    assert_allclose(lat_back.to_value("deg"), 0, atol=1e-12)


def test_coord_to_pix_round_trip_with_axes(geom_car):
    coords = geom_car.get_coord()
    pix = geom_car.coord_to_pix(coords)
    idx = geom_car.get_idx()
    for p, i in zip(pix, idx):
        assert_allclose(p, i, atol=1e-9)
    back = geom_car.pix_to_coord(pix)
    assert_allclose(back[0].value, coords.lon.value)
    assert_allclose(back[2].to_value("TeV"), coords["energy"].to_value("TeV"))


def test_coord_to_pix_frame_conversion():
    geom = WcsGeom.create(npix=(50, 50), binsz=0.1, skydir=(83.63, 22.01), frame="icrs")
    sky = SkyCoord(83.63, 22.01, unit="deg").galactic
    coord = MapCoord.create((sky.l.deg, sky.b.deg), frame="galactic")
    x, y = geom.coord_to_pix(coord)
    assert_allclose([x[0], y[0]], [24.5, 24.5], atol=1e-8)
    x2, y2 = geom.coord_to_pix(sky)
    assert_allclose([x2[0], y2[0]], [24.5, 24.5], atol=1e-8)


def test_coord_to_idx_contains(geom_car):
    lon = np.array([0.2, 20.0, 0.2, 0.2])
    lat = np.array([0.2, 0.2, 0.2, 0.2])
    energy = [3, 3, 20, 3] * u.TeV
    idx = geom_car.coord_to_idx((lon, lat, energy))
    assert_equal(idx[0], [4, -1, 4, 4])
    assert_equal(idx[2], [1, 1, -1, 1])
    assert_equal(geom_car.contains((lon, lat, energy)), [True, False, False, True])
    idx_clip = geom_car.coord_to_idx((lon, lat, energy), clip=True)
    assert_equal(idx_clip[0], [4, 0, 4, 4])
    # dict matched by name, energy in another unit
    c = {"lon": lon, "lat": lat, "energy": energy.to("GeV")}
    assert_equal(geom_car.contains(c), [True, False, False, True])


def test_pix_to_idx_edges_and_nan():
    geom = WcsGeom.create(npix=(3, 2), binsz=1.0)
    x = np.array([-0.5, -0.51, 2.49, 2.5, np.nan])
    y = np.zeros(5)
    idx = geom.pix_to_idx((x, y))
    assert_equal(idx[0], [0, -1, 2, -1, -1])
    assert_equal(geom.contains_pix((x, y)), [True, False, True, False, False])
    idx = geom.pix_to_idx((x, y), clip=True)
    assert_equal(idx[0], [0, 0, 2, 2, -1])
    # scalar pixel coordinates give 0-d index arrays
    idx = geom.pix_to_idx((1.6, 0.4))
    assert_equal([int(i) for i in idx], [2, 0])
    assert int(geom.pix_to_idx((-3.0, 0.4))[0]) == -1
    assert int(geom.pix_to_idx((-3.0, 0.4), clip=True)[0]) == 0


def test_get_coord_sparse_and_frame(geom_car):
    coords = geom_car.get_coord(sparse=True)
    assert coords.lon.shape == (1, 6, 10)
    assert coords["energy"].shape == (3, 1, 1)
    full = geom_car.get_coord()
    assert full.lon.shape == (3, 6, 10)
    assert full.shape == geom_car.data_shape
    icrs = geom_car.get_coord(frame="icrs", sparse=True)
    assert icrs.frame == "icrs"
    sky = SkyCoord(coords.lon[0, 0, 0], coords.lat[0, 0, 0], frame="galactic").icrs
    assert_allclose(icrs.lon.value[0, 0, 0], sky.ra.deg)
    edges = geom_car.get_coord(mode="edges", axis_name="energy", sparse=True)
    assert edges["energy"].shape == (4, 1, 1)
    with pytest.raises(ValueError):
        geom_car.get_coord(mode="edges")


def test_get_idx_get_pix(geom_car):
    idx = geom_car.get_idx()
    assert len(idx) == 3
    assert idx[0].shape == geom_car.data_shape
    assert idx[0].max() == 9 and idx[1].max() == 5 and idx[2].max() == 2
    plane = geom_car.get_idx(idx=(1,))
    assert plane[0].shape == (6, 10)
    assert np.all(plane[2] == 1)
    pix = geom_car.get_pix()
    assert pix[0].dtype == float
    assert len(geom_car.get_idx(flat=True)[0]) == 180


def test_solid_angle_allsky_car():
    geom = WcsGeom.create(binsz=0.5, frame="galactic")
    omega = geom.solid_angle()
    assert omega.unit == u.sr
    assert omega.shape == (360, 720)
    assert_allclose(omega.sum().value, 4 * np.pi, rtol=1e-6)
    # pixel at the equator: dlon * (sin b2 - sin b1)
    expected = np.deg2rad(0.5) * (np.sin(np.deg2rad(0.5)) - 0)
    assert_allclose(omega[180, 0].value, expected, rtol=1e-10)


def test_solid_angle_tan_and_oblique_car():
    geom = WcsGeom.create(npix=(50, 50), binsz=0.02, proj="TAN", skydir=(83.6, 22.0))
    omega = geom.solid_angle()
    assert_allclose(omega.value.mean(), np.deg2rad(0.02) ** 2, rtol=1e-3)
    # exact total for a TAN image: spherical rectangle through the 4 outer corners
    big = WcsGeom.create(npix=(4, 4), binsz=20, proj="TAN")
    fine = big.upsample(10)
    assert_allclose(fine.solid_angle().sum(), big.solid_angle().sum(), rtol=1e-12)
    car = WcsGeom.create(npix=(40, 30), binsz=0.5, skydir=(10, 60))
    omega = car.solid_angle()
    assert np.all(np.isfinite(omega))
    assert_allclose(
        omega.sum().value,
        np.deg2rad(0.5) ** 2
        * np.sum(np.cos(np.deg2rad(np.arange(30) * 0.5 - 7.25)))
        * 40,
        rtol=1e-4,
    )


def test_solid_angle_ait_allsky_nan_outside():
    geom = WcsGeom.create(binsz=1.0, proj="AIT", frame="galactic")
    omega = geom.solid_angle()
    assert np.isnan(omega[0, 0])
    assert_allclose(np.nansum(omega.value), 4 * np.pi, rtol=2e-2)


def test_bin_volume(geom_car, energy_axis):
    volume = geom_car.bin_volume()
    assert volume.shape == geom_car.data_shape
    expected = geom_car.solid_angle()[0, 0] * energy_axis.bin_width[1]
    assert_allclose(volume[1, 0, 0].to_value("sr TeV"), expected.to_value("sr TeV"))


def test_separation():
    geom = WcsGeom.create(npix=(5, 5), binsz=1.0, skydir=(0, 0), frame="galactic")
    sep = geom.separation(SkyCoord(0, 0, unit="deg", frame="galactic"))
    assert sep.shape == (5, 5)
    assert_allclose(sep[2, 2].deg, 0, atol=1e-10)
    assert_allclose(sep[2, 0].deg, 2.0)
    sep_icrs = geom.separation(SkyCoord(0, 0, unit="deg", frame="galactic").icrs)
    assert_allclose(sep_icrs.deg, sep.deg, atol=1e-8)


def test_pad_crop_up_downsample(geom_car):
    padded = geom_car.pad(2)
    assert padded.npix == (14, 10)
    assert_allclose(
        padded.center_skydir.separation(geom_car.center_skydir).deg, 0, atol=1e-10
    )
    cropped = padded.crop(2)
    assert cropped == geom_car
    up = geom_car.upsample(2)
    assert up.npix == (20, 12)
    assert_allclose(up.pixel_scales.deg, [0.5, 0.5])
    down = up.downsample(2)
    assert down == geom_car
    # pixel edges are conserved: first upsampled pixel sits in the first pixel
    lon, lat = up.to_image().pix_to_coord((np.array([0.0]), np.array([0.0])))
    x, y = geom_car.to_image().coord_to_pix((lon, lat))
    assert_allclose([x[0], y[0]], [-0.25, -0.25])
    with pytest.raises(ValueError, match="divisible"):
        geom_car.downsample(3)
    # padding with an angle
    assert geom_car.pad(1.5 * u.deg).npix == (14, 10)
    # non-spatial axes
    assert geom_car.downsample(3, axis_name="energy").axes["energy"].nbin == 1
    assert geom_car.upsample(2, axis_name="energy").axes["energy"].nbin == 6
    assert geom_car.pad(1, axis_name="energy").axes["energy"].nbin == 5


def test_cutout_and_slices():
    geom = WcsGeom.create(npix=(100, 80), binsz=0.1, skydir=(83.63, 22.01))
    position = SkyCoord(83.63, 22.01, unit="deg")
    cut = geom.cutout(position, width=2 * u.deg)
    assert cut.npix == (20, 20)
    assert geom.is_aligned(cut)
    slices = geom.cutout_slices(cut)
    assert slices["parent-slices"] == (slice(30, 50), slice(40, 60))
    assert slices["cutout-slices"] == (slice(0, 20), slice(0, 20))
    odd = geom.cutout(position, width=(2.0, 1.0), odd_npix=True)
    assert odd.npix == (21, 11)
    # cutout on the edge: trimmed vs partial
    lon, lat = geom.pix_to_coord((np.array([0.2]), np.array([0.2])))
    edge = SkyCoord(lon[0], lat[0])
    trim = geom.cutout(edge, width=1.0)
    assert trim.npix == (6, 6)
    partial = geom.cutout(edge, width=1.0, mode="partial")
    assert partial.npix == (10, 10)
    s = geom.cutout_slices(partial)
    assert s["parent-slices"] == (slice(0, 6), slice(0, 6))
    assert s["cutout-slices"] == (slice(4, 10), slice(4, 10))


def test_to_odd_even_binsz():
    geom = WcsGeom.create(npix=(10, 8), binsz=0.1, skydir=(10, 10))
    odd = geom.to_odd_npix()
    assert odd.npix == (11, 11)
    assert_allclose(odd.center_skydir.separation(geom.center_skydir).deg, 0, atol=1e-8)
    assert geom.to_odd_npix(max_radius=0.2 * u.deg).npix == (5, 5)
    assert geom.to_even_npix().npix == (10, 10)
    coarse = geom.to_binsz(0.2)
    assert coarse.npix == (5, 4)
    assert_allclose(coarse.width.value, geom.width.value)


def test_image_cube_axes_ops(geom_car, energy_axis):
    image = geom_car.to_image()
    assert image.is_image and image.data_shape == (6, 10)
    cube = image.to_cube([energy_axis])
    assert cube == geom_car
    assert geom_car.squash("energy").data_shape == (1, 6, 10)
    assert geom_car.drop("energy").is_image
    true = geom_car.as_energy_true()
    assert true.axes.names == ["energy_true"]
    renamed = geom_car.rename_axes("energy", "energy_true")
    assert renamed.axes.names == ["energy_true"]
    sliced = geom_car.slice_by_idx({"energy": slice(0, 2)})
    assert sliced.data_shape == (2, 6, 10)
    new_axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=6)
    assert geom_car.replace_axis(new_axis).data_shape == (6, 6, 10)
    fine = geom_car.replace_axis(new_axis)
    resampled = fine.resample_axis(MapAxis.from_energy_edges([1.0, 2.2, 10.0] * u.TeV))
    assert resampled.axes["energy"].nbin == 2
    assert_allclose(
        resampled.axes["energy"].edges.to_value("TeV"),
        fine.axes["energy"].edges[[0, 2, 6]].to_value("TeV"),
    )


def test_copy_eq_allclose_aligned(geom_car):
    copy = geom_car.copy()
    assert copy == geom_car
    assert copy is not geom_car
    assert copy.wcs is not geom_car.wcs
    other = geom_car.copy(npix=(11, 6))
    assert other != geom_car
    shifted = WcsGeom.create(
        npix=(10, 6), binsz=1.0, frame="galactic", skydir=(1e-3, 0), axes=geom_car.axes
    )
    assert not geom_car.is_allclose(shifted)
    assert geom_car.is_allclose(shifted, atol=1e-2)
    assert geom_car != "geom"
    assert geom_car.is_aligned(geom_car.pad(3))
    assert not geom_car.is_aligned(geom_car.upsample(2))
    assert hash(geom_car) != hash(copy)


def test_repr(geom_car):
    text = repr(geom_car)
    for word in [
        "WcsGeom",
        "CAR",
        "galactic",
        "energy",
        "width",
        "pixel size",
        "center",
    ]:
        assert word in text


def test_footprint():
    geom = WcsGeom.create(npix=(10, 10), binsz=1.0, skydir=(0, 0), frame="galactic")
    fp = geom.footprint
    assert fp.shape == (4,)
    assert_allclose(np.abs(fp.b.deg), 5)
    region = geom.footprint_rectangle_sky_region
    assert_allclose(region.width.to_value("deg"), 10)


def test_data_nbytes(geom_car):
    assert_allclose(geom_car.data_nbytes().to_value("byte"), 180 * 4)
    assert_allclose(geom_car.data_nbytes(dtype="float64").to_value("byte"), 180 * 8)


def test_header_round_trip(geom_car):
    header = geom_car.to_header()
    assert header["WCSSHAPE"] == "(10,6,3)"
    assert header["CTYPE1"] == "GLON-CAR"
    geom = WcsGeom.from_header(header, hdu_bands=geom_car.to_bands_hdu())
    assert geom == geom_car
    assert_equal(geom.wcs.wcs.crval, geom_car.wcs.wcs.crval)
    assert_equal(geom.wcs.wcs.crpix, geom_car.wcs.wcs.crpix)
    assert_equal(geom.wcs.wcs.cdelt, geom_car.wcs.wcs.cdelt)


def test_header_round_trip_through_file(tmp_path):
    geom = WcsGeom.create(
        npix=(7, 5), binsz=0.0123, proj="TAN", skydir=(83.633, 22.0145)
    )
    hdu = fits.PrimaryHDU(
        data=np.zeros(geom.data_shape, dtype="float32"), header=geom.to_header()
    )
    path = tmp_path / "img.fits"
    hdu.writeto(path)
    with fits.open(path) as hdulist:
        read = WcsGeom.from_hdulist(hdulist)
    assert read == geom
    assert_equal(read.wcs.wcs.crval, geom.wcs.wcs.crval)
    assert_equal(read.wcs.wcs.cdelt, geom.wcs.wcs.cdelt)


def test_read_fermi_ccube(gammaray_data):
    path = gammaray_data / "fermi-3fhl-gc/fermi-3fhl-gc-counts-cube.fits.gz"
    with fits.open(path) as hdulist:
        geom = WcsGeom.from_hdulist(hdulist)
        header = hdulist[0].header
    assert geom.data_shape == (11, 200, 400)
    assert geom.frame == "galactic"
    assert geom.axes.names == ["energy"]
    assert_allclose(
        geom.axes["energy"].edges[[0, -1]].to_value("GeV"), [10, 500], rtol=1e-6
    )
    new = geom.to_header()
    for key in [
        "CRVAL1",
        "CRVAL2",
        "CDELT1",
        "CDELT2",
        "CRPIX1",
        "CRPIX2",
        "CTYPE1",
        "CTYPE2",
    ]:
        assert new[key] == header[key]
    again = WcsGeom.from_header(
        new, hdu_bands=geom.to_bands_hdu(format="fgst-ccube"), format="fgst-ccube"
    )
    assert again == geom


def test_read_exclusion_mask(gammaray_data):
    path = gammaray_data / "joint-crab/exclusion/exclusion_mask_crab.fits.gz"
    with fits.open(path) as hdulist:
        geom = WcsGeom.from_hdulist(hdulist)
        header = hdulist[0].header
    assert geom.projection == "TAN"
    assert geom.frame == "icrs"
    assert geom.npix == (250, 250)
    assert_allclose(geom.center_skydir.ra.deg, 83.633)
    new = geom.to_header()
    for key in [
        "CRVAL1",
        "CRVAL2",
        "CDELT1",
        "CDELT2",
        "CRPIX1",
        "CRPIX2",
        "CTYPE1",
        "CTYPE2",
    ]:
        assert new[key] == header[key]


@pytest.mark.parametrize("hdu", ["COUNTS", "EXPOSURE", "EDISP", "PSF"])
def test_read_gammapy_dataset_file(gammaray_data, hdu):
    path = gammaray_data / "fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits"
    with fits.open(path) as hdulist:
        geom = WcsGeom.from_hdulist(hdulist, hdu=hdu)
        data_shape = hdulist[hdu].data.shape
        header = hdulist[hdu].header
        bands = hdulist[hdu + "_BANDS"]
        bands_data = bands.data
        new_bands = geom.to_bands_hdu()
    assert geom.data_shape == data_shape
    new = geom.to_header()
    for key in [
        "CRVAL1",
        "CRVAL2",
        "CDELT1",
        "CDELT2",
        "CRPIX1",
        "CRPIX2",
        "CTYPE1",
        "CTYPE2",
        "WCSSHAPE",
    ]:
        assert new[key] == header[key]
    for key in header:
        if key.startswith(("AXCOLS", "INTERP")):
            assert new[key] == header[key]
    assert len(new_bands.data) == len(bands_data)


def test_read_hawc_irf(gammaray_data):
    paths = sorted((gammaray_data / "hawc/crab_events_pass4/irfs").glob("*.fits*"))
    assert paths
    with fits.open(paths[0]) as hdulist:
        hdu = next(h for h in hdulist if h.is_image and h.data is not None)
        geom = WcsGeom.from_hdulist(hdulist, hdu=hdu.name)
        assert geom.data_shape == hdu.data.shape
        assert geom.frame == "icrs"


def test_region_mask_circle():
    from regions import CircleSkyRegion

    geom = WcsGeom.create(
        npix=(100, 100), binsz=0.02, skydir=(83.63, 22.01), proj="TAN"
    )
    region = CircleSkyRegion(SkyCoord(83.63, 22.01, unit="deg"), radius=0.5 * u.deg)
    mask = geom.region_mask(region)
    assert mask.data.dtype == bool
    assert mask.geom == geom
    n_expected = np.pi * 0.5**2 / 0.02**2
    assert abs(mask.data.sum() - n_expected) / n_expected < 0.01
    outside = geom.region_mask([region], inside=False)
    assert outside.data.sum() == 100 * 100 - mask.data.sum()
    ds9 = geom.region_mask("icrs;circle(83.63, 22.01, 0.5)")
    assert_equal(ds9.data, mask.data)


def test_region_mask_cube_and_weights(geom_car):
    from regions import CircleSkyRegion

    region = CircleSkyRegion(
        SkyCoord(0, 0, unit="deg", frame="galactic"), radius=1.2 * u.deg
    )
    mask = geom_car.region_mask(region)
    assert mask.data.shape == geom_car.data_shape
    assert np.all(mask.data[0] == mask.data[2])
    weights = geom_car.region_weights(region, oversampling_factor=20)
    assert weights.data.shape == geom_car.data_shape
    assert np.all((weights.data >= 0) & (weights.data <= 1))
    assert_allclose(weights.data[0].sum(), np.pi * 1.2**2, rtol=0.02)


def test_energy_mask(geom_car):
    mask = geom_car.energy_mask(energy_min=2 * u.TeV, energy_max=10 * u.TeV)
    assert mask.data.shape == geom_car.data_shape
    assert_equal(mask.data[:, 0, 0], [False, True, True])
    mask = geom_car.energy_mask(energy_min=1.9 * u.TeV, round_to_edge=True)
    assert_equal(mask.data[:, 0, 0], [False, True, True])


def test_lonlat_to_pix_chunked_and_threaded(monkeypatch):
    import gammaray.maps.wcs.geom as wcs_geom_module

    monkeypatch.setattr(wcs_geom_module, "_CHUNK", 1000)
    monkeypatch.setattr(wcs_geom_module, "_THREAD_MIN_SIZE", 5000)
    geom = WcsGeom.create(npix=(40, 30), binsz=0.2, skydir=(83.63, 22.01))
    rng = np.random.default_rng(0)
    lon = rng.uniform(79, 88, 12345).reshape(5, 2469)
    lat = rng.uniform(18, 26, 12345).reshape(5, 2469)
    x, y = geom.coord_to_pix((lon, lat))
    assert x.shape == (5, 2469)
    x_ref, y_ref = geom.wcs.wcs_world2pix(lon, lat, 0)
    assert_equal(x, x_ref)
    assert_equal(y, y_ref)


@pytest.mark.parametrize(
    ("proj", "frame"), [("CAR", "icrs"), ("TAN", "galactic"), ("AIT", "galactic")]
)
def test_pickle_round_trip_is_exact(proj, frame):
    import pickle

    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    geom = WcsGeom.create(
        skydir=(83.63, 22.01),
        width=(4, 3),
        binsz=0.02,
        proj=proj,
        frame=frame,
        axes=[axis],
    )
    geom.get_coord()  # fills the cache, which is not pickled
    data = pickle.dumps(geom)
    assert b"CTYPE1" not in data  # binary WCS parameters, not header text
    copy = pickle.loads(data)
    assert copy == geom
    assert copy.wcs.to_header() == geom.wcs.to_header()
    assert copy.wcs.pixel_shape == geom.wcs.pixel_shape
    coord, coord_copy = geom.get_coord(), copy.get_coord()
    assert np.array_equal(coord.lon, coord_copy.lon)
    assert np.array_equal(coord.lat, coord_copy.lat)


def test_pickle_keeps_distorted_wcs():
    import pickle

    from astropy.wcs import Sip

    geom = WcsGeom.create(skydir=(0, 0), width=1, binsz=0.1, frame="galactic")
    wcs = geom.wcs.deepcopy()
    wcs.wcs.ctype = ["GLON-CAR-SIP", "GLAT-CAR-SIP"]
    a = np.zeros((3, 3))
    a[2, 0] = 1e-5
    wcs.sip = Sip(a, np.zeros((3, 3)), None, None, wcs.wcs.crpix)
    distorted = WcsGeom(wcs, npix=geom.npix)
    copy = pickle.loads(pickle.dumps(distorted))
    assert copy.wcs.sip is not None
    assert np.allclose(copy.wcs.sip.a, a)
