import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.table import Table
from astropy.time import Time

from gammaray.data import (
    GTI,
    DataStore,
    EventList,
    FixedPointingInfo,
    Observation,
    Observations,
    observatory_locations,
)
from gammaray.utils.errors import (
    InvalidDataError,
    ObservationNotFoundError,
    OverwriteError,
)

PKS_FLARE_RUNS = list(range(33787, 33802))


@pytest.fixture(scope="module")
def data_store(gammaray_data):
    return DataStore.from_dir(gammaray_data / "hess-dl3-dr1")


class FakeIRF:
    """Stand-in for an IRF: only what Observation.write needs."""

    def __init__(self, name):
        self.name = name
        self.meta = {}

    def to_table_hdu(self, format="gadf"):
        hdu = fits.table_to_hdu(Table({"X": [1.0, 2.0]}))
        hdu.name = self.name
        return hdu


def test_lazy_loading(data_store):
    obs = data_store.obs(23523)
    holders = obs._hdus
    assert not any(h.loaded for h in holders.values() if h.source is not None)
    events = obs.events
    assert holders["events"].loaded
    assert not holders["aeff"].loaded
    # cached: the second access does not re-read
    assert obs._hdus["events"].value is obs._hdus["events"].get()
    assert len(events) == 7613
    assert obs.available_hdus == ["events", "gti", "aeff", "edisp", "psf", "bkg"]


def test_times_and_meta(data_store):
    obs = data_store.obs(23523)
    assert obs.tstart.tt.isot == "2004-12-04T22:08:10.184"
    assert obs.observation_time_duration.to_value("s") == pytest.approx(1687)
    assert (obs.tmid - obs.tstart).to_value("s") == pytest.approx(843.5)
    assert obs.observation_dead_time_fraction == pytest.approx(1 - 0.937603298574686)
    assert obs.target_radec.dec.deg == pytest.approx(22.0144, abs=1e-4)
    assert obs.muoneff == pytest.approx(0.907, abs=1e-3)
    altaz = obs.get_pointing_altaz(obs.tmid)
    assert 40 < altaz.alt.deg < 44
    assert obs.observatory_earth_location.lat.deg == pytest.approx(-23.27, abs=0.01)
    assert obs.pointing.legacy_altaz.az.deg == pytest.approx(22.48, abs=0.01)
    text = str(obs)
    assert "23523" in text and "6.2%" in text


def test_select_time_and_live_time(data_store):
    obs = data_store.obs(23523)
    interval = obs.tstart + [100, 700] * u.s
    sub = obs.select_time(interval)
    assert sub.gti.time_sum.to_value("s") == pytest.approx(600)
    assert sub.tstart == interval[0]
    assert sub.tstop == interval[1]
    live = 600 * 0.937603298574686
    assert sub.observation_live_time_duration.to_value("s") == pytest.approx(live)
    met = sub.events.table["TIME"]
    assert np.all((sub.events.time >= interval[0]) & (sub.events.time < interval[1]))
    assert len(sub.events) < len(obs.events)
    # nested selection intersects
    sub2 = sub.select_time(obs.tstart + [500, 900] * u.s)
    assert sub2.gti.time_sum.to_value("s") == pytest.approx(200)
    assert len(met) > 0
    # the parent observation is not affected
    assert len(obs.events) == 7613


def test_pks2155_flare_time_bins(data_store):
    observations = data_store.get_observations(PKS_FLARE_RUNS)
    assert len(observations) == 15
    t_start = observations[0].tstart
    t_stop = observations[-1].tstop
    n_bins = int(np.ceil((t_stop - t_start).to_value("s") / 600))
    edges = t_start + np.arange(n_bins + 1) * 600 * u.s
    intervals = [Time([a, b]) for a, b in zip(edges[:-1], edges[1:])]
    split = observations.select_time(intervals)
    assert len(split) > len(observations)
    total_events = sum(len(obs.events) for obs in observations)
    assert sum(len(obs.events) for obs in split) == total_events
    total_gti = sum(obs.gti.time_sum for obs in observations)
    assert sum(obs.gti.time_sum for obs in split).to_value("s") == pytest.approx(
        total_gti.to_value("s"), rel=1e-9
    )
    # each GTI lies within its bin; bins fully covered by a run are tiled exactly
    for obs in split:
        tmin, tmax = obs.obs_filter.time_filter
        assert obs.tstart >= tmin and obs.tstop <= tmax
        parent = observations[str(obs.obs_id)]
        if parent.tstart <= tmin and parent.tstop >= tmax:
            assert obs.tstart == tmin and obs.tstop == tmax
            assert obs.gti.time_sum.to_value("s") == pytest.approx(600)
    # per bin, the split GTIs tile the overlap of the bin with the runs' GTIs
    for tmin, tmax in intervals:
        in_bin = [o for o in split if o.obs_filter.time_filter[0] == tmin]
        got = sum(o.gti.time_sum.to_value("s") for o in in_bin)
        expected = 0.0
        for parent in observations:
            start = np.maximum(parent.gti.time_start.mjd, tmin.mjd)
            stop = np.minimum(parent.gti.time_stop.mjd, tmax.mjd)
            expected += np.clip(stop - start, 0, None).sum() * 86400
        assert got == pytest.approx(expected, abs=1e-3)
        for a, b in zip(in_bin[:-1], in_bin[1:], strict=False):
            assert a.tstop <= b.tstart  # no overlaps between pieces


def test_observations_container(data_store):
    observations = data_store.get_observations([23523, 23526, 23559])
    assert observations.ids == ["23523", "23526", "23559"]
    assert observations["23526"].obs_id == 23526
    assert observations[1].obs_id == 23526
    assert isinstance(observations[:2], Observations)
    assert len(observations[[0, 2]]) == 2
    with pytest.raises(ObservationNotFoundError):
        observations["1"]
    groups = observations.group_by_label(["a", "b", "a"])
    assert groups["group_a"].ids == ["23523", "23559"]
    with pytest.raises(InvalidDataError):
        observations.group_by_label(["a"])
    stacked = Observations.from_stack([observations, observations[:1]])
    assert len(stacked) == 4
    del stacked[0]
    assert len(stacked) == 3
    stacked.append(observations[0])
    assert stacked.ids[-1] == "23523"
    with pytest.raises(TypeError):
        stacked.append(1)
    no_irfs = Observations(
        [obs.copy(aeff=None, edisp=None, psf=None, bkg=None) for obs in observations]
    )
    copies = list(no_irfs.in_memory_generator())
    assert len(copies) == 3
    assert all(h.loaded for h in copies[0]._hdus.values())
    # the originals stay unloaded (memory is freed with each copy)
    assert not no_irfs[0]._hdus["events"].loaded
    assert len(copies[0].events) == 7613
    assert "Number of observations: 3" in str(observations)


def test_copy(data_store):
    obs = data_store.obs(23523)
    events = obs.events.select_energy([1, 10] * u.TeV)
    new = obs.copy(events=events, obs_id=1)
    assert new.obs_id == 1
    assert len(new.events) == len(events)
    assert len(obs.events) == 7613
    with pytest.raises(TypeError):
        obs.copy(nope=1)


def test_create_and_write(tmp_path):
    pointing = SkyCoord(83.63, 22.01, unit="deg")
    location = observatory_locations["cta_south"]
    obs = Observation.create(
        pointing,
        location=location,
        obs_id=7,
        livetime=30 * u.min,
        deadtime_fraction=0.1,
        irfs={"aeff": FakeIRF("EFFECTIVE AREA")},
    )
    assert obs.observation_live_time_duration.to_value("min") == pytest.approx(30)
    assert obs.gti.time_sum.to_value("min") == pytest.approx(30 / 0.9)
    assert obs.observation_dead_time_fraction == pytest.approx(0.1)
    assert obs.pointing.fixed_icrs.ra.deg == pytest.approx(83.63)
    assert obs.available_irfs == ["aeff"]
    assert obs.get_pointing_altaz(obs.tmid).alt.deg < 90
    with pytest.raises(InvalidDataError):
        Observation.create(pointing, irfs={"nope": 1}, livetime=1 * u.h)
    with pytest.raises(InvalidDataError):
        Observation.create(pointing)

    # add events and write everything into one DL3 file
    table = Table(meta=dict(obs.meta))
    table["TIME"] = [1.0, 2.0] * u.s
    table["RA"] = [83.6, 83.7] * u.deg
    table["DEC"] = [22.0, 22.1] * u.deg
    table["ENERGY"] = [1.0, 2.0] * u.TeV
    obs = obs.copy(events=EventList(table))
    path = tmp_path / "obs.fits"
    obs.write(path)
    with fits.open(path) as hdulist:
        assert [h.name for h in hdulist] == [
            "PRIMARY",
            "EVENTS",
            "GTI",
            "EFFECTIVE AREA",
        ]
    obs.write(tmp_path / "noirf.fits", include_irfs=False)
    with fits.open(tmp_path / "noirf.fits") as hdulist:
        assert len(hdulist) == 3

    # read back: events, GTI and pointing (IRF kinds are found by EXTNAME)
    read = Observation.read(path)
    assert len(read.events) == 2
    assert read.gti.time_sum.to_value("min") == pytest.approx(30 / 0.9)
    assert read.pointing.fixed_icrs.dec.deg == pytest.approx(22.01)
    assert read.available_irfs == ["aeff"]


def test_write_real_observation(data_store, tmp_path):
    obs = data_store.obs(23523)
    obs.write(tmp_path / "run.fits", include_irfs=False)
    events = EventList.read(tmp_path / "run.fits")
    assert np.array_equal(events.table["TIME"], obs.events.table["TIME"])
    gti = GTI.read(tmp_path / "run.fits")
    assert np.array_equal(gti.met_start.value, obs.gti.met_start.value)


def test_drift_observation_pointing():
    pointing = FixedPointingInfo(
        fixed_altaz=SkyCoord(alt=90 * u.deg, az=0 * u.deg, frame="altaz"),
        location=observatory_locations["hawc"],
    )
    obs = Observation.create(
        pointing, obs_id=1, livetime=1 * u.h, location=observatory_locations["hawc"]
    )
    icrs = obs.get_pointing_icrs(obs.tmid)
    assert icrs.dec.deg == pytest.approx(observatory_locations["hawc"].lat.deg, abs=0.5)


def _titles(fig):
    return [ax.get_title() for ax in fig.axes if ax.get_visible() and ax.get_title()]


def test_peek(data_store):
    fig = data_store.obs(23523).peek()
    assert _titles(fig) == [
        "Events: energy",
        "Events: offset$^2$",
        "Effective area",
        "Energy dispersion: bias",
        "Point spread function",
        "Background rate",
    ]
    # IRF panels hold data: aeff curves in m2 of order 1e5 at ~1 TeV
    ax_aeff = next(ax for ax in fig.axes if ax.get_title() == "Effective area")
    assert max(np.nanmax(line.get_ydata()) for line in ax_aeff.lines) > 1e4
    ax_psf = next(ax for ax in fig.axes if ax.get_title() == "Point spread function")
    assert len(ax_psf.lines) >= 2


def test_peek_point_like_and_hawc(gammaray_data):
    from gammaray.data import HDUIndexTable, ObservationTable

    magic = DataStore.from_dir(gammaray_data / "magic/rad_max/data")
    obs = magic.get_observations(magic.obs_ids[:1].tolist(), required_irf="point-like")[
        0
    ]
    titles = _titles(obs.peek())
    assert "Rad max" in titles and "Effective area" in titles
    assert "Point spread function" not in titles

    base = gammaray_data / "hawc/crab_events_pass4"
    hawc = DataStore(
        hdu_table=HDUIndexTable.read(base / "hdu-index-table-GP-Crab.fits.gz", hdu=9),
        obs_table=ObservationTable.read(base / "obs-index-table-GP-Crab.fits.gz"),
    )
    obs = hawc.get_observations(required_irf="all-optional")[0]
    fig = obs.peek()
    # drift scan: no offset panel; IRFs are maps drawn at the map centre
    assert _titles(fig) == [
        "Events: energy",
        "Effective area",
        "Energy dispersion: bias",
        "Point spread function",
        "Background rate",
    ]
    ax_aeff = next(ax for ax in fig.axes if ax.get_title() == "Effective area")
    assert "Exposure" in ax_aeff.get_ylabel()


def test_create_write_read_round_trip_with_irfs(data_store, tmp_path):
    source = data_store.obs(23523)
    irfs = {name: getattr(source, name) for name in ("aeff", "edisp", "psf", "bkg")}
    obs = Observation.create(
        SkyCoord(83.63, 22.01, unit="deg"),
        obs_id=5,
        livetime=20 * u.min,
        deadtime_fraction=0.1,
        irfs=irfs,
        location=observatory_locations["hess"],
    )
    path = tmp_path / "sim.fits"
    obs.write(path, format="gadf", include_irfs=True)
    with pytest.raises(OverwriteError):
        obs.write(path)
    read = Observation.read(path)
    assert read.obs_id == 5
    assert read.available_irfs == ["aeff", "edisp", "psf", "bkg"]
    for name, irf in irfs.items():
        other = getattr(read, name)
        assert type(other) is type(irf)
        assert other.data.dtype == irf.data.dtype
        assert np.array_equal(other.data, irf.data)  # bitwise
        assert other.unit == irf.unit
        for a, b in zip(other.axes, irf.axes, strict=True):
            assert a.name == b.name and np.array_equal(a.edges, b.edges)
    # observation metadata survives without an events HDU
    assert read.pointing.fixed_icrs.ra.deg == pytest.approx(83.63)
    assert read.observation_live_time_duration.to_value("min") == pytest.approx(20)
    assert read.observation_dead_time_fraction == pytest.approx(0.1)
    assert read.gti.time_sum.to_value("min") == pytest.approx(20 / 0.9)
    assert read.tstart == obs.tstart
    location = read.observatory_earth_location
    assert location.lat.deg == pytest.approx(observatory_locations["hess"].lat.deg)


def test_pickle_round_trip(data_store):
    import pickle

    obs = data_store.obs(23523)
    restored = pickle.loads(pickle.dumps(obs))
    assert restored.obs_id == 23523
    assert len(restored.events) == 7613
    sub = obs.select_time(obs.tstart + [0, 100] * u.s)
    restored = pickle.loads(pickle.dumps(sub))
    assert restored.gti.time_sum.to_value("s") == pytest.approx(100)


def test_gti_from_events_header(gammaray_data):
    path = gammaray_data / "hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz"
    obs = Observation(obs_id=23523, events=EventList.read(path))
    assert obs.gti.time_sum.to_value("s") == pytest.approx(1687)
    assert obs.meta["OBS_ID"] == 23523
    assert obs.pointing.fixed_icrs.ra.deg == pytest.approx(83.633, abs=1e-3)
    assert obs.available_hdus == ["events"]
    assert obs.aeff is None and obs.rad_max is None
