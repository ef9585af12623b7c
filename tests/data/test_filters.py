import astropy.units as u
import numpy as np
import pytest
from astropy.table import Table
from astropy.time import Time

from gammaray.data import GTI, EventList, ObservationFilter
from gammaray.utils.errors import InvalidDataError

REF = Time("2000-01-01", scale="tt")


def make_events():
    table = Table(meta={"MJDREFI": 51544, "MJDREFF": 0.0, "TIMESYS": "TT"})
    table["TIME"] = np.arange(100.0) * u.s
    table["RA"] = np.full(100, 10.0) * u.deg
    table["DEC"] = np.linspace(-1, 1, 100) * u.deg
    table["ENERGY"] = np.geomspace(0.1, 100, 100) * u.TeV
    return EventList(table)


def test_filter_time_and_custom():
    events = make_events()
    time_filter = REF + [9.5, 29.5] * u.s
    obs_filter = ObservationFilter(
        time_filter=time_filter,
        event_filters=[
            {
                "type": "custom",
                "opts": {"parameter": "ENERGY", "band": [0, 100] * u.TeV},
            }
        ],
    )
    assert obs_filter.is_active
    filtered = obs_filter.filter_events(events)
    assert len(filtered) == 20
    gti = GTI.create([0] * u.s, [100] * u.s, reference_time=REF)
    assert obs_filter.filter_gti(gti).time_sum.to_value("s") == pytest.approx(20)
    assert not ObservationFilter().is_active
    assert ObservationFilter().filter_gti(gti) is gti
    copy = obs_filter.copy()
    assert copy.time_filter is not obs_filter.time_filter


def test_filter_sky_region():
    events = make_events()
    obs_filter = ObservationFilter(
        event_filters=[
            {"type": "sky_region", "opts": {"regions": "icrs; circle(10, 0, 0.5)"}}
        ]
    )
    filtered = obs_filter.filter_events(events)
    assert len(filtered) == np.sum(np.abs(np.linspace(-1, 1, 100)) <= 0.5)


def test_filter_invalid():
    with pytest.raises(InvalidDataError):
        ObservationFilter(time_filter=Time(["2020-01-01"]))
    obs_filter = ObservationFilter(event_filters=[{"type": "nope", "opts": {}}])
    with pytest.raises(InvalidDataError, match="nope"):
        obs_filter.filter_events(make_events())
