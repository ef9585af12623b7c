import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.time import Time

from gammaray.data import ObservationTable
from gammaray.utils.errors import InvalidDataError


@pytest.fixture(scope="module")
def obs_table(gammaray_data):
    return ObservationTable.read(gammaray_data / "hess-dl3-dr1/obs-index.fits.gz")


def test_read_properties(obs_table):
    assert len(obs_table) == 105
    assert obs_table.pointing_radec.shape == (105,)
    assert obs_table.pointing_galactic.frame.name == "galactic"
    row = obs_table.select_obs_id(23523)
    assert len(row) == 1
    assert row.pointing_radec[0].ra.deg == pytest.approx(83.633, abs=1e-3)
    assert row.time_start[0].tt.isot == "2004-12-04T22:08:10.184"
    assert (row.time_stop[0] - row.time_start[0]).to_value("s") == pytest.approx(1687)
    assert "105 observations" in obs_table.summary()


def test_select_obs_id_order(obs_table):
    selected = obs_table.select_obs_id([23592, 23523, 999])
    assert list(selected["OBS_ID"]) == [23592, 23523]


def test_select_observations(obs_table):
    crab = obs_table.select_observations(
        {
            "type": "sky_circle",
            "frame": "icrs",
            "lon": 83.633 * u.deg,
            "lat": 22.014 * u.deg,
            "radius": 3 * u.deg,
        }
    )
    sep = obs_table.pointing_radec.separation(crab.pointing_radec[0])
    assert len(crab) == 4
    assert np.all(crab["OBJECT"] == "Crab Nebula")
    assert sep.min() == 0 * u.deg
    # border enlarges the circle (around RX J1713.7-3946)
    selection = {
        "type": "sky_circle",
        "frame": "galactic",
        "lon": 347.3 * u.deg,
        "lat": -0.5 * u.deg,
        "radius": 0.5 * u.deg,
    }
    small = obs_table.select_observations(selection)
    large = obs_table.select_observations(dict(selection, border=1.5 * u.deg))
    center = SkyCoord(347.3, -0.5, unit="deg", frame="galactic")
    sep = obs_table.pointing_galactic.separation(center)
    assert len(small) == np.sum(sep < 0.5 * u.deg)
    assert len(large) == np.sum(sep < 2 * u.deg)
    assert len(large) > len(small)

    time_range = Time(["2004-12-01", "2004-12-31"], scale="tt")
    box = obs_table.select_observations({"type": "time_box", "time_range": time_range})
    assert len(box) > 0
    assert np.all(box.time_start >= time_range[0])
    assert np.all(box.time_stop <= time_range[1])
    # a range that cuts run 23523 in the middle: only partial overlap selects it
    row = obs_table.select_obs_id(23523)
    middle = row.time_start[0] + 600 * u.s
    cut = Time([middle, middle + 3600 * u.s])
    inside = obs_table.select_observations({"type": "time_box", "time_range": cut})
    assert 23523 not in inside["OBS_ID"]
    overlap = obs_table.select_observations(
        {"type": "time_box", "time_range": cut, "partial_overlap": True}
    )
    assert 23523 in overlap["OBS_ID"]
    assert len(overlap) > len(inside)

    par = obs_table.select_observations(
        [
            {"type": "par_box", "variable": "ZEN_PNT", "value_range": [0, 30] * u.deg},
            {"type": "all"},
        ]
    )
    assert np.all(par["ZEN_PNT"] < 30)
    inverted = obs_table.select_observations(
        {
            "type": "par_box",
            "variable": "ZEN_PNT",
            "value_range": [0, 30] * u.deg,
            "inverted": True,
        }
    )
    assert len(par) + len(inverted) == 105
    with pytest.raises(InvalidDataError):
        obs_table.select_observations({"type": "nope"})
