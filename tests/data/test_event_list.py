import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import Angle, SkyCoord
from astropy.table import Table
from astropy.time import Time
from regions import CircleSkyRegion, RectangleSkyRegion

from gammaray.data import GTI, EventList
from gammaray.utils.errors import InvalidDataError, MissingColumnError, MissingHDUError

HESS_FILE = "hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz"


def make_events(n=2000, seed=0):
    rng = np.random.default_rng(seed)
    meta = {
        "MJDREFI": 51910,
        "MJDREFF": 0.000742870370370241,
        "TIMESYS": "TT",
        "TIMEUNIT": "s",
        "TSTART": 100.0,
        "TSTOP": 1100.0,
        "LIVETIME": 900.0,
        "DEADC": 0.9,
        "RA_PNT": 83.6,
        "DEC_PNT": 22.0,
        "GEOLON": 16.5,
        "GEOLAT": -23.27,
        "ALTITUDE": 1835.0,
    }
    table = Table(meta=meta)
    table["EVENT_ID"] = np.arange(n, dtype=np.int64)
    table["TIME"] = np.sort(rng.uniform(100, 1100, n)) * u.s
    table["RA"] = rng.uniform(81.6, 85.6, n).astype(np.float32) * u.deg
    table["DEC"] = rng.uniform(20.0, 24.0, n).astype(np.float32) * u.deg
    table["ENERGY"] = (10 ** rng.uniform(-1, 2, n)).astype(np.float32) * u.TeV
    return EventList(table)


@pytest.fixture(scope="module")
def hess_events(gammaray_data):
    return EventList.read(gammaray_data / HESS_FILE)


def test_read_hess(hess_events):
    events = hess_events
    assert len(events) == 7613
    assert (
        events.table["RA"].dtype.kind == "f" and events.table["RA"].dtype.itemsize == 4
    )
    assert events.energy.unit == u.TeV
    assert events.radec.frame.name == "icrs"
    assert events.galactic.frame.name == "galactic"
    assert events.pointing_radec.ra.deg == pytest.approx(83.633, abs=1e-3)
    assert events.pointing_radec.dec.deg == pytest.approx(21.514, abs=1e-3)
    assert events.is_pointed_observation
    assert events.observation_live_time_duration.to_value("s") == pytest.approx(
        1581.7, abs=0.1
    )
    assert events.observation_time_duration == 1687 * u.s
    assert events.observation_dead_time_fraction == pytest.approx(1 - 0.937603298574686)
    assert events.observation_time_start.tt.isot == "2004-12-04T22:08:10.184"
    assert events.observation_time_stop > events.observation_time_start
    time = events.time
    assert isinstance(time, Time)
    assert np.all(time >= events.observation_time_start)
    # (the last events of this run lie a fraction of a second after TSTOP)
    assert np.all(time <= events.observation_time_stop + 1 * u.s)
    assert events.observatory_earth_location.lat.deg == pytest.approx(
        -23.2718, abs=1e-3
    )
    # most events within the field of view (some far outliers exist)
    assert np.median(events.offset.deg) < 2
    assert np.percentile(events.offset.deg, 90) < 3
    assert np.median(events.offset_from_median.deg) < 2
    assert "7613" in str(events)
    assert "n_events=7613" in repr(events)


def test_read_missing_hdu(gammaray_data):
    with pytest.raises(MissingHDUError, match="available HDUs"):
        EventList.read(gammaray_data / HESS_FILE, hdu="NOPE")


def test_write_read_round_trip(hess_events, tmp_path):
    path = tmp_path / "events.fits"
    gti = GTI.create([0] * u.s, [10] * u.s)
    hess_events.write(path, gti=gti)
    events = EventList.read(path)
    for name in hess_events.table.colnames:
        assert np.array_equal(events.table[name], hess_events.table[name])
        assert events.table[name].dtype == hess_events.table[name].dtype
    assert events.table.meta["OBS_ID"] == 23523
    assert len(GTI.read(path)) == 1


def test_select_energy_time_offset_parameter():
    events = make_events()
    energy = events.energy
    selected = events.select_energy([1, 10] * u.TeV)
    expected = np.sum((energy >= 1 * u.TeV) & (energy < 10 * u.TeV))
    assert len(selected) == expected
    assert selected.table.meta["RA_PNT"] == 83.6

    tmin = events.time_ref + 300 * u.s
    selected = events.select_time(Time([tmin, tmin + 200 * u.s]))
    met = events.table["TIME"]
    assert len(selected) == np.sum((met >= 300) & (met < 500))

    selected = events.select_offset(Angle([0.5, 1.5], "deg"))
    offset = events.offset.deg
    assert len(selected) == np.sum((offset >= 0.5) & (offset < 1.5))

    selected = events.select_parameter("ENERGY", [0.5, 2] * u.TeV)
    assert len(selected) == np.sum((energy >= 0.5 * u.TeV) & (energy < 2 * u.TeV))
    selected = events.select_parameter("EVENT_ID", (10, 20))
    assert list(selected.table["EVENT_ID"]) == list(range(10, 20))
    with pytest.raises(MissingColumnError):
        events.select_parameter("NOPE", (0, 1))


def test_select_region_circle_brute_force():
    events = make_events(5000, seed=1)
    center = SkyCoord(83.0, 22.5, unit="deg")
    region = CircleSkyRegion(center, 0.7 * u.deg)
    selected = events.select_region(region)
    # brute force: spherical law of cosines, per event
    ra, dec = (
        np.radians(events.table["RA"].astype(float)),
        np.radians(events.table["DEC"].astype(float)),
    )
    ra0, dec0 = np.radians(83.0), np.radians(22.5)
    cos_d = np.sin(dec) * np.sin(dec0) + np.cos(dec) * np.cos(dec0) * np.cos(ra - ra0)
    expected = np.sum(np.degrees(np.arccos(np.clip(cos_d, -1, 1))) <= 0.7)
    assert len(selected) == expected > 100
    # ds9 string and union of regions
    ds9 = "icrs; circle(83.0, 22.5, 0.7)"
    assert len(events.select_region(ds9)) == expected
    region2 = CircleSkyRegion(SkyCoord(84.5, 21.0, unit="deg"), 0.3 * u.deg)
    both = events.select_region([region, region2])
    assert len(both) == expected + len(events.select_region(region2))


def test_select_region_rectangle():
    events = make_events(5000, seed=2)
    region = RectangleSkyRegion(SkyCoord(83.6, 22.0, unit="deg"), 1 * u.deg, 1 * u.deg)
    selected = events.select_region(region)
    # small box near dec 22: roughly |dRA cos(dec)| < 0.5, |dDec| < 0.5
    dra = (events.table["RA"] - 83.6) * np.cos(np.radians(22.0))
    ddec = events.table["DEC"] - 22.0
    inner = np.sum((np.abs(dra) < 0.49) & (np.abs(ddec) < 0.49))
    outer = np.sum((np.abs(dra) < 0.51) & (np.abs(ddec) < 0.51))
    assert inner <= len(selected) <= outer


def test_select_row_subset_and_mask():
    events = make_events(100)
    assert len(events.select_row_subset(slice(0, 10))) == 10
    mask = np.zeros(100, dtype=bool)
    mask[::4] = True
    assert len(events.select_mask(mask)) == 25
    with pytest.raises(InvalidDataError):
        events.select_mask(np.ones(3, dtype=bool))


def test_stack():
    events1 = make_events(100)
    events2 = make_events(50, seed=3)
    stacked = EventList.from_stack([events1, events2])
    assert len(stacked) == 150
    assert stacked.table.meta["RA_PNT"] == 83.6
    events1.stack(events2)
    assert len(events1) == 150


def test_not_pointed():
    events = make_events(10)
    del events.table.meta["RA_PNT"]
    assert not events.is_pointed_observation
    with pytest.raises(InvalidDataError, match="RA_PNT"):
        _ = events.pointing_radec


def test_plots():
    import matplotlib.pyplot as plt

    events = make_events(500)
    for method in [
        events.plot_energy,
        events.plot_time,
        events.plot_offset2_distribution,
        events.plot_energy_offset,
    ]:
        fig, ax = plt.subplots()
        assert method(ax=ax) is ax
        plt.close(fig)
    ax = events.plot_image()
    assert len(ax.images) == 1
    plt.close("all")
    fig = events.peek()
    assert len(fig.axes) >= 5
    fig = events.peek(allsky=True)
    assert len(fig.axes) >= 5


def test_hess_peek(hess_events):
    fig = hess_events.peek()
    assert len(fig.axes) >= 5


class _Geom:
    """Minimal stand-in for a map geometry (frame + non-spatial axes)."""

    def __init__(self, frame, axes):
        self.frame = frame
        self.axes = axes


def test_map_coord():
    from gammaray.maps.axes import MapAxes, MapAxis

    events = make_events(50)
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 3)
    coord = events.map_coord(_Geom("galactic", MapAxes([axis])))
    assert coord.frame == "galactic"
    assert np.allclose(coord.lon.to_value("deg"), events.galactic.l.deg)
    assert np.allclose(coord["energy"].to_value("TeV"), events.energy.to_value("TeV"))
    bad = MapAxis.from_bounds(0, 1, 2, name="nope")
    with pytest.raises(MissingColumnError, match="nope"):
        events.map_coord(_Geom("icrs", MapAxes([bad])))


def test_select_mask_map():
    events = make_events(200)

    class _MaskMap:
        geom = _Geom("icrs", [])

        def get_by_coord(self, coord):
            return coord.lat.to_value("deg") > 22

    selected = events.select_mask(_MaskMap())
    assert len(selected) == np.sum(events.table["DEC"] > 22)


def test_select_region_pixel_region():
    from astropy.wcs import WCS
    from regions import CirclePixelRegion, PixCoord

    events = make_events(3000, seed=4)
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.crval = [83.6, 22.0]
    wcs.wcs.crpix = [0, 0]
    wcs.wcs.cdelt = [-0.01, 0.01]
    region = CirclePixelRegion(PixCoord(0, 0), radius=50)
    selected = events.select_region(region, wcs=wcs)
    x, y = wcs.world_to_pixel(events.radec)
    assert len(selected) == np.sum(np.hypot(x, y) < 50)
    with pytest.raises(InvalidDataError, match="wcs"):
        events.select_region(region)


def test_select_rad_max():
    events = make_events(3000, seed=5)

    class _RadMax:
        def evaluate(self, method, energy, offset):
            # 0.5 deg below 1 TeV, 0.2 deg above
            assert method == "nearest"
            return np.where(energy < 1 * u.TeV, 0.5, 0.2) * u.deg

    position = SkyCoord(83.0, 22.5, unit="deg")
    selected = events.select_rad_max(_RadMax(), position=position)
    sep = events.radec.separation(position).deg
    low = events.energy < 1 * u.TeV
    expected = np.sum(low & (sep <= 0.5)) + np.sum(~low & (sep <= 0.2))
    assert len(selected) == expected > 0
    assert len(events.select_rad_max(_RadMax())) > 0
