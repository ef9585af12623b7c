import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose

from gammaray.maps.coord import MapCoord


def test_create_from_tuple():
    coord = MapCoord.create(
        ([0.0, 1.0], [2.0, 3.0], [1.0, 2.0] * u.TeV), axis_names=["energy"]
    )
    assert coord.axis_names == ["lon", "lat", "energy"]
    assert coord.lon.unit == u.deg
    assert_allclose(coord.lat.value, [2.0, 3.0])
    assert coord["energy"].unit == u.TeV
    assert coord[2] is coord["energy"]
    assert coord.shape == (2,)
    assert coord.size == 2
    assert coord.ndim == 3
    assert not coord.match_by_name


def test_create_default_axis_names():
    coord = MapCoord.create((1.0, 2.0, 3.0, 4.0))
    assert coord.axis_names == ["lon", "lat", "axis0", "axis1"]


def test_create_from_quantity_lonlat():
    coord = MapCoord.create((np.pi * u.rad, 0.5 * u.rad))
    assert_allclose(coord.lon.to_value("deg"), 180.0)
    assert_allclose(coord.lat.value, np.rad2deg(0.5))
    assert coord.frame is None


def test_create_from_skycoord_and_dict():
    sky = SkyCoord([10.0, 20.0], [30.0, 40.0], unit="deg", frame="icrs")
    coord = MapCoord.create(sky)
    assert coord.frame == "icrs"
    assert_allclose(coord.lon.value, [10, 20])

    coord = MapCoord.create({"skycoord": sky, "energy": [1, 2] * u.TeV})
    assert coord.match_by_name
    assert coord.axis_names == ["lon", "lat", "energy"]

    coord = MapCoord.create((sky, [1, 2] * u.TeV), axis_names=["energy"])
    assert_allclose(coord["energy"].value, [1, 2])

    coord = MapCoord.create({"lon": 1.0, "lat": 2.0}, frame="galactic")
    assert coord.frame == "galactic"
    assert coord.lon.shape == (1,)


def test_create_skycoord_transformed_to_frame():
    sky = SkyCoord(0.0, 0.0, unit="deg", frame="galactic")
    coord = MapCoord.create(sky, frame="icrs")
    assert coord.frame == "icrs"
    assert_allclose(coord.lon.value, sky.icrs.ra.deg)
    assert_allclose(coord.lat.value, sky.icrs.dec.deg)


def test_create_errors():
    with pytest.raises(ValueError, match="lon"):
        MapCoord({"x": [1]})
    with pytest.raises(TypeError):
        MapCoord.create(5.0)
    with pytest.raises(ValueError):
        MapCoord.create({"energy": [1]})


def test_create_from_mapcoord_sets_frame():
    coord = MapCoord.create((1.0, 2.0))
    assert MapCoord.create(coord) is coord
    assert MapCoord.create(coord, frame="icrs").frame == "icrs"


def test_to_frame_round_trip():
    lon = np.array([0.0, 45.0, 266.4])
    lat = np.array([0.0, -30.0, -28.9])
    coord = MapCoord.create(
        (lon, lat, [1, 2, 3] * u.TeV), frame="icrs", axis_names=["energy"]
    )
    gal = coord.to_frame("galactic")
    assert gal.frame == "galactic"
    sky = SkyCoord(lon, lat, unit="deg", frame="icrs").galactic
    assert_allclose(gal.lon.value, sky.l.deg)
    assert_allclose(gal.lat.value, sky.b.deg)
    assert gal["energy"] is coord["energy"]
    back = gal.to_frame("icrs")
    assert_allclose(back.lon.value, lon, atol=1e-9)
    assert_allclose(back.lat.value, lat, atol=1e-9)
    # same frame -> copy
    same = coord.to_frame("icrs")
    assert same is not coord
    assert_allclose(same.lon.value, lon)


def test_skycoord_needs_frame():
    coord = MapCoord.create((1.0, 2.0))
    with pytest.raises(ValueError, match="frame"):
        _ = coord.skycoord
    sky = MapCoord.create((1.0, 2.0), frame="galactic").skycoord
    assert sky.frame.name == "galactic"
    assert_allclose(sky.l.deg, 1.0)


def test_apply_mask_broadcast_flat():
    coord = MapCoord.create(
        (np.array([[0.0, 1.0, np.nan]]), np.array([[0.0], [1.0]]), 3.0),
        axis_names=["x"],
    )
    assert coord.shape == (2, 3)
    bc = coord.broadcasted
    assert bc.lon.shape == (2, 3)
    assert bc["x"].shape == (2, 3)
    flat = coord.flat
    assert flat.lon.shape == (4,)
    assert np.all(np.isfinite(flat.lon))
    masked = coord.apply_mask(np.array([[True, False, False], [False, True, False]]))
    assert_allclose(masked.lon.value, [0.0, 1.0])
    assert_allclose(masked.lat.value, [0.0, 1.0])


def test_copy_setitem_repr_theta_phi():
    coord = MapCoord.create(
        (10.0, 0.0, 1.0 * u.TeV), frame="icrs", axis_names=["energy"]
    )
    copy = coord.copy()
    copy["lon"] = 20.0
    assert_allclose(coord.lon.value, 10.0)
    assert_allclose(copy.lon.value, 20.0)
    assert_allclose(coord.theta.to_value("rad"), np.pi / 2)
    assert_allclose(coord.phi.to_value("deg"), 10.0)
    text = repr(coord)
    assert "MapCoord" in text and "energy" in text and "icrs" in text
    assert list(coord.keys()) == ["lon", "lat", "energy"]
    assert "energy" in coord
    assert len(coord) == 3
