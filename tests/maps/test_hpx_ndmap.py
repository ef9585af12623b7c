"""Tests of gammaray.maps.hpx.ndmap (HpxNDMap): filling, interpolation,
reprojection, re-gridding and FITS I/O."""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits
from numpy.testing import assert_allclose, assert_array_equal
from regions import CircleSkyRegion

from gammaray.maps import HpxGeom, HpxNDMap, Map, MapAxis, WcsGeom
from gammaray.utils.errors import OverwriteError

FILE_3FHL = "fermi_3fhl/fermi_3fhl_exposure_cube_hpx.fits.gz"


@pytest.fixture(scope="module")
def exposure_3fhl():
    return Map.read(f"$GAMMARAY_DATA/{FILE_3FHL}")


@pytest.fixture
def energy_axis():
    return MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)


def smooth_function(lon, lat):
    lon, lat = np.radians(lon), np.radians(lat)
    return 2 + np.cos(lat) * np.cos(lon) + 0.5 * np.sin(lat)


def test_create_and_fill(energy_axis):
    m = Map.create(
        nside=16, map_type="hpx", axes=[energy_axis], frame="galactic", unit=""
    )
    assert isinstance(m, HpxNDMap)
    assert m.data.shape == (3, 12 * 16**2)
    lon = np.array([0.0, 0.1, 120.0, 250.0])
    lat = np.array([0.0, 0.1, -30.0, 60.0])
    energy = [1.5, 1.5, 5.0, 20.0] * u.TeV
    m.fill_by_coord((lon, lat, energy))
    # the last event is outside the energy axis
    assert m.data.sum() == 3
    vals = m.get_by_coord((lon, lat, energy))
    assert_allclose(vals[:3], [2, 2, 1])
    assert np.isnan(vals[3])
    m.fill_by_coord(
        {
            "skycoord": SkyCoord(lon, lat, unit="deg", frame="galactic"),
            "energy": energy,
        },
        weights=np.full(4, 2.0),
    )
    assert m.data.sum() == 9
    m.set_by_coord((lon[:1], lat[:1], energy[:1]), [7])
    assert m.get_by_coord((lon[:1], lat[:1], energy[:1]))[0] == 7


def test_fill_partial_sky(energy_axis):
    m = HpxNDMap.create(
        nside=64, skydir=(0, 0), width=10, frame="galactic", axes=[energy_axis]
    )
    m.fill_by_coord(
        (np.array([0.0, 1.0, 90.0]), np.array([0.0, 1.0, 0.0]), [2, 2, 2] * u.TeV)
    )
    assert m.data.sum() == 2
    assert (
        m.get_by_coord((np.array([90.0]), np.array([0.0]), [2] * u.TeV), fill_value=-1)[
            0
        ]
        == -1
    )


def test_interp_smooth_function(energy_axis):
    m = HpxNDMap.create(nside=128, nest=False, axes=[energy_axis], frame="galactic")
    coords = m.geom.get_coord()
    energy = coords["energy"].to_value("TeV")
    m.data = smooth_function(coords.lon.value, coords.lat.value) * np.log(energy)
    rng = np.random.default_rng(0)
    lon = rng.uniform(0, 360, 200)
    lat = rng.uniform(-80, 80, 200)
    e = np.exp(rng.uniform(np.log(1.5), np.log(6), 200)) * u.TeV
    vals = m.interp_by_coord((lon, lat, e))
    # energy axis is log-interpolated: the value is linear in log(E)
    expected = smooth_function(lon, lat) * np.log(e.to_value("TeV"))
    assert_allclose(vals, expected, rtol=2e-3, atol=2e-3)
    # nearest
    near = m.interp_by_coord((lon, lat, e), method="nearest")
    assert_allclose(near, m.get_by_coord((lon, lat, e)))
    # fill value outside the energy axis
    out = m.interp_by_coord((lon[:2], lat[:2], [0.5, 50] * u.TeV), fill_value=-5)
    assert_array_equal(out, [-5, -5])
    # interp_by_pix at pixel centres returns the data
    idx = m.geom.get_idx()
    assert_allclose(m.interp_by_pix(idx), m.data, rtol=1e-6)
    with pytest.raises(ValueError, match="method"):
        m.interp_by_coord((lon, lat, e), method="cubic")


def test_interp_values_scale():
    m = HpxNDMap.create(nside=32)
    m.data += 4.0
    vals = m.interp_by_coord((np.array([10.0]), np.array([20.0])), values_scale="log")
    assert_allclose(vals, 4.0)
    vals = m.interp_by_coord((np.array([10.0]), np.array([20.0])), values_scale="sqrt")
    assert_allclose(vals, 4.0)


def test_to_wcs_constant_map(energy_axis):
    m = HpxNDMap.create(nside=16, axes=[energy_axis], frame="galactic")
    m.data += 3.0
    wcs_map = m.to_wcs(normalize=False)
    assert wcs_map.geom.data_shape == (3, 90, 180)
    finite = np.isfinite(wcs_map.data)
    # pixels outside the AIT ellipse (324 x 162 deg in the 360 x 180 deg frame,
    # i.e. a fraction pi / 4 * 0.81) are NaN, all others equal the constant
    assert 0.62 < finite.mean() < 0.65
    assert_allclose(wcs_map.data[finite], 3.0)
    # normalize=True splits each HEALPix value between its WCS pixels
    wcs_norm = m.to_wcs(normalize=True, fill_nan=False)
    assert np.all(wcs_norm.data >= 0)
    hit = np.unique(
        m.geom.to_image().coord_to_idx(wcs_norm.geom.to_image().get_coord())[0][
            finite[0]
        ]
    )
    assert_allclose(wcs_norm.data[0].sum(), 3.0 * hit.size, rtol=1e-6)
    summed = m.to_wcs(sum_bands=True, normalize=False)
    assert summed.geom.is_image
    assert_allclose(np.nanmax(summed.data), 9.0)


def test_read_3fhl_exposure(exposure_3fhl):
    m = exposure_3fhl
    assert isinstance(m, HpxNDMap)
    assert m.unit == u.Unit("cm2 s")
    geom = m.geom
    assert geom.nside == 64
    assert not geom.nest
    assert geom.is_allsky
    assert geom.frame == "icrs"
    axis = geom.axes["energy_true"]
    assert axis.nbin == 18
    assert axis.node_type == "center"
    assert_allclose(axis.center[[0, -1]].to_value("MeV"), [1e4, 2e6])
    assert m.data.shape == (18, 49152)
    assert m.data.dtype == np.float64
    with fits.open(m_path()) as hdulist:
        assert_array_equal(m.data[4], hdulist["HPXEXPOSURES"].data["ENERGY5"])
    assert 1e10 < np.mean(m.data) < 1e12


def m_path():
    from gammaray.utils.paths import make_path

    return make_path(f"$GAMMARAY_DATA/{FILE_3FHL}")


def test_3fhl_round_trip(exposure_3fhl, tmp_path):
    path = tmp_path / "exposure.fits"
    exposure_3fhl.write(path)
    with pytest.raises(OverwriteError):
        exposure_3fhl.write(path)
    back = Map.read(path)
    assert back.geom == exposure_3fhl.geom
    assert back.unit == exposure_3fhl.unit
    assert back.data.dtype == exposure_3fhl.data.dtype
    assert_array_equal(back.data, exposure_3fhl.data)
    with fits.open(path) as hdulist:
        header = hdulist["SKYMAP"].header
        assert header["PIXTYPE"] == "HEALPIX"
        assert header["INDXSCHM"] == "IMPLICIT"
        assert header["ORDERING"] == "RING"
        assert header["BANDSHDU"] == "SKYMAP_BANDS"
        assert "CHANNEL18" in hdulist["SKYMAP"].columns.names
    # Fermi-LAT exposure-cube convention
    path2 = tmp_path / "bexpcube.fits"
    exposure_3fhl.write(path2, format="fgst-bexpcube")
    with fits.open(path2) as hdulist:
        assert "HPXEXPOSURES" in hdulist and "ENERGIES" in hdulist
    back2 = Map.read(path2)
    assert_array_equal(back2.data, exposure_3fhl.data)
    assert back2.geom.axes["energy_true"].is_allclose(
        exposure_3fhl.geom.axes["energy_true"]
    )


def test_3fhl_reproject_matches_healpy(exposure_3fhl):
    import healpy as hp

    geom = WcsGeom.create(
        skydir=SkyCoord(0, 0, unit="deg", frame="galactic"),
        width=(4, 2),
        binsz=0.1,
        frame="galactic",
        proj="CAR",
    )
    out = exposure_3fhl.reproject_to_geom(geom)
    assert out.geom.data_shape == (18, 20, 40)
    assert out.unit == exposure_3fhl.unit
    icrs = geom.to_image().get_coord().skycoord.icrs
    for i in (0, 9, 17):
        expected = hp.get_interp_val(
            exposure_3fhl.data[i], icrs.ra.deg, icrs.dec.deg, nest=False, lonlat=True
        )
        assert_allclose(out.data[i], expected, rtol=1e-10)


def test_wcs_hpx_wcs_round_trip():
    wcs_geom = WcsGeom.create(
        skydir=SkyCoord(30, 10, unit="deg", frame="galactic"),
        width=(20, 10),
        binsz=0.25,
        frame="galactic",
        proj="CAR",
    )
    coords = wcs_geom.get_coord()
    wcs_map = Map.from_geom(
        wcs_geom, data=smooth_function(coords.lon.value, coords.lat.value)
    )
    hpx_geom = HpxGeom.create(nside=256, skydir=(30, 10), width=8, frame="galactic")
    hpx_map = wcs_map.reproject_to_geom(hpx_geom)
    assert isinstance(hpx_map, HpxNDMap)
    hc = hpx_geom.get_coord()
    assert_allclose(
        hpx_map.data, smooth_function(hc.lon.value, hc.lat.value), rtol=5e-3
    )
    small = WcsGeom.create(
        skydir=SkyCoord(30, 10, unit="deg", frame="galactic"),
        width=4,
        binsz=0.2,
        frame="galactic",
        proj="CAR",
    )
    back = hpx_map.reproject_to_geom(small)
    sc = small.get_coord()
    assert_allclose(back.data, smooth_function(sc.lon.value, sc.lat.value), rtol=5e-3)
    # coarse target: sub-pixel averaging, counts preserved
    coarse = WcsGeom.create(
        skydir=SkyCoord(30, 10, unit="deg", frame="galactic"),
        width=4,
        binsz=1.0,
        frame="galactic",
        proj="CAR",
    )
    ones = hpx_map.copy(data=np.ones(hpx_map.data.shape))
    counts = ones.reproject_to_geom(coarse, preserve_counts=True)
    expected = coarse.solid_angle().to_value("sr") / (4 * np.pi / hpx_geom.npix_max)
    assert_allclose(counts.data, expected, rtol=1e-6)


def test_nest_ring_equivalence(energy_axis):
    nest = HpxNDMap.create(nside=32, nest=True, axes=[energy_axis])
    coords = nest.geom.get_coord()
    nest.data = (
        smooth_function(coords.lon.value, coords.lat.value) * coords["energy"].value
    )
    ring = nest.to_swapped()
    assert not ring.geom.nest
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(0, 360, 100), rng.uniform(-90, 90, 100)
    e = np.full(100, 2.0) * u.TeV
    assert_allclose(nest.get_by_coord((lon, lat, e)), ring.get_by_coord((lon, lat, e)))
    assert_allclose(
        nest.interp_by_coord((lon, lat, e)),
        ring.interp_by_coord((lon, lat, e)),
        rtol=1e-6,
    )
    assert_array_equal(ring.to_swapped().data, nest.data)
    part = nest.cutout(SkyCoord(20, 30, unit="deg"), 20 * u.deg)
    part_ring = part.to_swapped()
    assert_allclose(
        part.get_by_coord((lon, lat, e)), part_ring.get_by_coord((lon, lat, e))
    )


@pytest.mark.parametrize("nest", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
def test_partial_sky_file_round_trip(tmp_path, nest, dtype):
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    rad = MapAxis.from_edges([0, 0.1, 0.2, 0.5], unit="deg", name="rad")
    m = HpxNDMap.create(
        nside=64,
        nest=nest,
        skydir=SkyCoord(10, -5, unit="deg", frame="galactic"),
        width=6 * u.deg,
        frame="galactic",
        axes=[energy, rad],
        dtype=dtype,
        unit="cm-2",
    )
    rng = np.random.default_rng(5)
    m.data = (rng.uniform(0, 100, m.data.shape)).astype(dtype)
    path = tmp_path / "partial.fits"
    m.write(path, hdu="COUNTS")
    with fits.open(path) as hdulist:
        header = hdulist["COUNTS"].header
        assert header["INDXSCHM"] == "EXPLICIT"
        assert header["HPX_REG"] == m.geom.region
        assert header["ORDERING"] == ("NESTED" if nest else "RING")
        assert header["COORDSYS"] == "GAL"
        assert_array_equal(hdulist["COUNTS"].data["PIX"], m.geom.ipix)
        assert len(hdulist["COUNTS"].columns) == 1 + 6
    back = Map.read(path)
    assert back.geom == m.geom
    assert back.geom.axes.names == ["energy", "rad"]
    assert back.data.dtype == np.dtype(dtype)
    assert_array_equal(back.data, m.data)
    assert back.unit == u.Unit("cm-2")


def test_explicit_pixel_file_round_trip(tmp_path):
    m = HpxNDMap(HpxGeom(16, nest=True, region=[3, 40, 41, 2000]), data=np.arange(4.0))
    path = tmp_path / "explicit.fits"
    m.write(path)
    back = Map.read(path)
    assert back.geom.region == "explicit"
    assert_array_equal(back.geom.ipix, [3, 40, 41, 2000])
    assert_array_equal(back.data, m.data)
    # rows in another order and a PARTIAL index scheme are read correctly
    with fits.open(path) as hdulist:
        table = hdulist["SKYMAP"]
        order = np.array([3, 1, 0, 2])
        cols = [
            fits.Column("PIX", "K", array=table.data["PIX"][order]),
            fits.Column("CHANNEL1", "D", array=table.data["CHANNEL1"][order]),
        ]
        header = table.header.copy()
        header["INDXSCHM"] = "PARTIAL"
        hdu = fits.BinTableHDU.from_columns(cols, header=header, name="SKYMAP")
    shuffled = HpxNDMap.from_hdulist(fits.HDUList([fits.PrimaryHDU(), hdu]))
    assert_array_equal(shuffled.data, m.data)


def test_ud_grade(energy_axis):
    m = HpxNDMap.create(nside=16, nest=False, axes=[energy_axis])
    rng = np.random.default_rng(2)
    m.data = rng.uniform(0, 1, m.data.shape)
    down = m.to_ud_graded(4, preserve_counts=True)
    assert down.geom.nside == 4
    assert_allclose(down.data.sum(axis=-1), m.data.sum(axis=-1))
    mean = m.to_ud_graded(4)
    assert_allclose(mean.data, down.data / 16)
    up = m.to_ud_graded(32)
    assert_allclose(up.data.mean(axis=-1), m.data.mean(axis=-1))
    assert_allclose(up.to_ud_graded(16).data, m.data)
    assert m.upsample(2, preserve_counts=True).data.sum() == pytest.approx(m.data.sum())
    assert m.downsample(2).geom.nside == 8
    part = m.cutout(SkyCoord(0, 0, unit="deg"), 40 * u.deg)
    part_down = part.to_ud_graded(8, preserve_counts=True)
    assert_allclose(part_down.data.sum(), part.data.sum())


def test_smooth():
    m = HpxNDMap.create(nside=32, nest=True, frame="galactic")
    m.data += 2.0
    smoothed = m.smooth(2 * u.deg)
    assert_allclose(smoothed.data, 2.0, rtol=5e-3)
    point = HpxNDMap.create(nside=32, nest=True, frame="galactic")
    point.fill_by_coord((np.array([0.0]), np.array([0.0])))
    sm = point.smooth("3 deg")
    assert_allclose(sm.data.sum(), 1.0, rtol=1e-2)
    assert sm.data.max() < 0.2
    # the spread is consistent with a 3 deg sigma
    sep = point.geom.separation(SkyCoord(0, 0, unit="deg", frame="galactic")).deg
    near = sep < 15
    sigma_est = np.sqrt(
        np.sum(sm.data[near] * sep[near] ** 2) / np.sum(sm.data[near]) / 2
    )
    assert 2.7 < sigma_est < 3.3
    with pytest.raises(ValueError, match="gauss"):
        m.smooth(1 * u.deg, kernel="box")
    with pytest.raises(NotImplementedError, match="smooth"):
        m.convolve(None)


def test_sum_cutout_region(energy_axis):
    m = HpxNDMap.create(nside=64, axes=[energy_axis], frame="galactic")
    m.data += np.arange(3.0)[:, None] + 1
    summed = m.sum_over_axes(keepdims=False)
    assert summed.geom.is_image
    assert_allclose(summed.data, 6.0)
    center = SkyCoord(10, 10, unit="deg", frame="galactic")
    cut = m.cutout(center, 10 * u.deg)
    assert (
        cut.geom.npix
        == HpxGeom.create(nside=64, skydir=(10, 10), width=10, frame="galactic").npix
    )
    assert_allclose(cut.data[:, 0], [1, 2, 3])
    region = CircleSkyRegion(center, 2 * u.deg)
    spec = m.to_region_nd_map(region)
    npix = m.geom.region_mask([region]).data[0].sum()
    assert_allclose(np.ravel(spec.data), np.array([1, 2, 3]) * npix)
    lin = m.to_region_nd_map(region, method="linear")
    assert_allclose(np.ravel(lin.data), [1, 2, 3])
    padded = cut.pad(1)
    assert padded.geom.npix > cut.geom.npix
    assert padded.data.sum() == cut.data.sum()
    assert cut.crop(1).geom.npix < cut.geom.npix


def test_interp_to_geom_and_hpx_target():
    m = HpxNDMap.create(nside=64, frame="galactic")
    coords = m.geom.get_coord()
    m.data = smooth_function(coords.lon.value, coords.lat.value)
    target = HpxGeom.create(
        nside=32, nest=False, skydir=(0, 0), width=20, frame="galactic"
    )
    out = m.reproject_to_geom(target)
    tc = target.get_coord()
    assert_allclose(out.data, smooth_function(tc.lon.value, tc.lat.value), rtol=2e-2)
    interp = m.interp_to_geom(target, method="linear")
    assert_allclose(interp.data, smooth_function(tc.lon.value, tc.lat.value), rtol=2e-3)


def test_plot():
    m = HpxNDMap.create(nside=8, frame="galactic")
    m.data = np.arange(m.data.size, dtype=float)
    ax = m.plot()
    assert len(ax.images) == 1
    ax2 = m.plot(method="poly")
    assert len(ax2.collections) >= 1
    mask = m.copy(data=m.data > 300)
    ax3 = mask.plot_mask()
    assert ax3 is not None
    with pytest.raises(ValueError, match="method"):
        m.plot(method="contour")


def test_repr_and_errors():
    m = HpxNDMap.create(nside=4)
    assert "HpxNDMap" in repr(m)
    with pytest.raises(ValueError, match="map_type"):
        HpxNDMap.create(nside=4, map_type="wcs")
    with pytest.raises(Exception, match="HpxGeom"):
        HpxNDMap(WcsGeom.create(npix=4))
