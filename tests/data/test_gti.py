import astropy.units as u
import numpy as np
import pytest
from astropy.time import Time

from gammaray.data import GTI
from gammaray.utils.errors import InvalidDataError, OverwriteError

REF = Time("2000-01-01", scale="tt")


def make_gti(start, stop):
    return GTI.create(np.array(start) * u.s, np.array(stop) * u.s, reference_time=REF)


def interval(a, b):
    return REF + [a, b] * u.s


def test_create_properties():
    gti = make_gti([0, 10, 20], [5, 15, 30])
    assert len(gti) == 3
    assert gti.time_ref == REF
    assert isinstance(gti.time_start, Time)
    assert np.allclose(gti.met_start.to_value("s"), [0, 10, 20])
    assert np.allclose(gti.met_stop.to_value("s"), [5, 15, 30])
    assert np.allclose(gti.time_delta.to_value("s"), [5, 5, 10])
    assert gti.time_sum == 20 * u.s
    assert len(gti.time_intervals) == 3
    assert np.isclose(
        (gti.time_intervals[2][1] - gti.time_intervals[2][0]).to_value("s"), 10
    )
    assert "Number of GTIs: 3" in str(gti)
    assert "n_intervals=3" in repr(gti)


def test_create_from_time_and_intervals():
    start = Time(["2020-01-01T00:00:00", "2020-01-02T00:00:00"], scale="utc")
    stop = start + 1 * u.h
    gti = GTI.create(start, stop)
    assert gti.time_sum.to_value("h") == pytest.approx(2)
    gti2 = GTI.from_time_intervals([Time([a, b]) for a, b in zip(start, stop)])
    assert np.allclose(gti2.met_start.value, gti.met_start.value)
    with pytest.raises(InvalidDataError):
        GTI.create([0, 1] * u.s, [1] * u.s)
    with pytest.raises(InvalidDataError):
        GTI.create([0] * u.m, [1] * u.m)


def test_union():
    gti = make_gti([20, 0, 3, 10, 15], [30, 5, 8, 15, 16])
    union = gti.union()
    assert np.allclose(union.met_start.value, [0, 10, 20])
    assert np.allclose(union.met_stop.value, [8, 16, 30])
    # touching intervals kept apart with merge_equal=False
    union2 = gti.union(merge_equal=False)
    assert np.allclose(union2.met_start.value, [0, 10, 15, 20])
    with pytest.raises(InvalidDataError, match="overlap"):
        gti.union(overlap_ok=False)
    # no overlap: fine
    assert len(make_gti([0, 2], [1, 3]).union(overlap_ok=False)) == 2


def test_select_time():
    gti = make_gti([0, 10, 20], [5, 15, 30])
    selected = gti.select_time(interval(3, 22))
    assert np.allclose(selected.met_start.value, [3, 10, 20])
    assert np.allclose(selected.met_stop.value, [5, 15, 22])
    assert selected.time_sum.to_value("s") == pytest.approx(9)
    # exact Time boundaries are kept
    assert selected.time_start[0] == interval(3, 22)[0]
    assert len(gti.select_time(interval(40, 50))) == 0
    assert "Number of GTIs: 0" in str(gti.select_time(interval(40, 50)))


def test_delete_interval():
    gti = make_gti([0, 10, 20], [5, 15, 30])
    result = gti.delete_interval(interval(3, 12))
    assert np.allclose(result.met_start.value, [0, 12, 20])
    assert np.allclose(result.met_stop.value, [3, 15, 30])
    # interval inside one GTI splits it
    result = gti.delete_interval(interval(22, 25))
    assert np.allclose(result.met_start.value, [0, 10, 20, 25])
    assert np.allclose(result.met_stop.value, [5, 15, 22, 30])
    assert result.time_sum.to_value("s") == pytest.approx(17)


def test_stack_and_from_stack():
    gti1 = make_gti([0], [5])
    gti2 = make_gti([10], [20])
    stacked = GTI.from_stack([gti1, gti2])
    assert len(stacked) == 2
    assert len(gti1) == 1
    gti1.stack(gti2)
    assert len(gti1) == 2
    assert gti1.time_sum == 15 * u.s


def test_write_read_round_trip(tmp_path):
    gti = make_gti([0.1, 10.123456789], [5.5, 15.987654321])
    path = tmp_path / "gti.fits"
    gti.write(path)
    with pytest.raises(OverwriteError):
        gti.write(path)
    gti2 = GTI.read(path)
    assert np.array_equal(gti2.met_start.value, gti.met_start.value)
    assert np.array_equal(gti2.met_stop.value, gti.met_stop.value)
    assert gti2.time_ref.scale == "tt"
    table = gti.to_table()
    assert table["START"].unit == u.s
    assert table.meta["MJDREFI"] == 51544


def test_read_hess_bitwise(gammaray_data, tmp_path):
    from astropy.io import fits

    path = gammaray_data / "hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz"
    gti = GTI.read(path)
    assert gti.time_sum == 1687 * u.s
    assert gti.time_start[0].tt.isot == "2004-12-04T22:08:10.184"
    gti.write(tmp_path / "g.fits")
    original = fits.getdata(path, "GTI")
    written = fits.getdata(tmp_path / "g.fits", "GTI")
    assert np.array_equal(original["START"], written["START"])
    assert np.array_equal(original["STOP"], written["STOP"])


def test_read_hawc_many_intervals(gammaray_data):
    path = (
        gammaray_data
        / "hawc/crab_events_pass4/events/EventList_Crab_fHitbin5GP.fits.gz"
    )
    gti = GTI.read(path)
    assert len(gti) == 39250
    assert gti.time_ref.scale == "tai"
    union = gti.union()
    assert len(union) < len(gti)
    assert union.time_sum <= gti.time_sum


def test_init_from_met_table_and_errors():
    from astropy.table import Table

    from gammaray.utils.errors import MissingColumnError

    table = Table({"START": [0.0, 10.0] * u.s, "STOP": [5.0, 20.0] * u.s})
    gti = GTI(table, reference_time=REF)
    assert gti.time_sum.to_value("s") == pytest.approx(15)
    with pytest.raises(MissingColumnError):
        GTI(Table({"START": [0.0] * u.s}))
    empty = gti.select_time(interval(100, 200))
    assert len(empty.union()) == 0


def test_create_from_time_deltas_and_mixed_units():
    from astropy.time import TimeDelta

    gti = GTI.create(
        TimeDelta([1, 5], format="sec"),
        TimeDelta([3, 9], format="sec"),
        reference_time="2010-01-01",
    )
    np.testing.assert_allclose(gti.time_sum.to_value("s"), 6)
    assert gti.time_start[0].iso == "2010-01-01 00:00:01.000"
    # start in seconds, stop in minutes: converted together
    gti = GTI.create([60, 300] * u.s, [2, 6] * u.min)
    np.testing.assert_allclose(gti.time_delta.to_value("s"), [60, 60])
    # the reference time string is parsed once but every GTI owns its copy
    a = GTI.create([0] * u.s, [1] * u.s, reference_time="2011-01-01")
    b = GTI.create([0] * u.s, [1] * u.s, reference_time="2011-01-01")
    assert a.time_ref is not b.time_ref
    assert a.time_ref == b.time_ref
