import astropy.units as u
import numpy as np
import pytest
from astropy.time import Time, TimeDelta

from gammaray.utils.errors import FormatWarning
from gammaray.utils.time import (
    absolute_time,
    time_ref_from_dict,
    time_ref_to_dict,
    time_relative_to_ref,
)

HESS_META = {"MJDREFI": 51910, "MJDREFF": 0.000742870370370241, "TIMESYS": "TT"}


def test_time_ref_from_dict():
    time = time_ref_from_dict(HESS_META)
    assert time.scale == "tt"
    assert time.format == "mjd"
    assert time.jd1 + time.jd2 == pytest.approx(51910.000742870370370241 + 2400000.5)
    utc = time_ref_from_dict({"MJDREFI": 52706, "MJDREFF": 0.0, "TIMESYS": "utc"})
    assert utc.scale == "utc"
    assert utc.mjd == 52706


def test_time_ref_from_dict_unknown_scale_warns():
    with pytest.warns(FormatWarning, match="TIMESYS"):
        time = time_ref_from_dict({"MJDREFI": 1, "MJDREFF": 0, "TIMESYS": "local"})
    assert time.scale == "tt"


def test_time_ref_round_trip():
    meta = time_ref_to_dict(time_ref_from_dict(HESS_META))
    assert meta["MJDREFI"] == 51910
    assert meta["MJDREFF"] == pytest.approx(0.000742870370370241, abs=1e-15)
    assert meta["TIMESYS"] == "TT"
    default = time_ref_to_dict()
    assert default["MJDREFI"] == 51910


def test_absolute_and_relative_time():
    met = np.array([0.0, 123890826.0, 123892513.0])
    time = absolute_time(met, HESS_META)
    assert isinstance(time, Time)
    # H.E.S.S. run 23523 starts 2004-12-04 22:08:10.184 TT
    assert time[1].tt.isot == "2004-12-04T22:08:10.184"
    delta = time_relative_to_ref(time, HESS_META)
    assert isinstance(delta, TimeDelta)
    assert np.allclose(delta.to_value("s"), met, rtol=0, atol=1e-6)
    # quantities and TimeDelta work too
    t2 = absolute_time(1 * u.d, HESS_META)
    assert (t2 - time[0]).to_value("s") == pytest.approx(86400)
    t3 = absolute_time(TimeDelta(10, format="sec"), HESS_META)
    assert (t3 - time[0]).to_value("s") == pytest.approx(10)
