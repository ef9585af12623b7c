"""Tests of gammaray.makers.background.phase (PhaseBackgroundMaker)."""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.table import Table
from numpy.testing import assert_allclose
from regions import CircleSkyRegion

from gammaray.data import GTI, EventList, FixedPointingInfo, Observation
from gammaray.datasets import (
    MapDataset,
    MapDatasetOnOff,
    SpectrumDataset,
    SpectrumDatasetOnOff,
)
from gammaray.makers.background.phase import PhaseBackgroundMaker
from gammaray.maps import MapAxis, RegionGeom, WcsGeom

POINTING = SkyCoord(83.63, 22.51, unit="deg")
SOURCE = SkyCoord(83.63, 22.01, unit="deg")
ENERGY_AXIS = MapAxis.from_energy_edges([1, 3, 10] * u.TeV, name="energy")


@pytest.fixture(scope="module")
def observation():
    """1000 events at the source (phases 0.0005 ... 0.9995), 2 energies; 100 far away."""
    n = 1000
    phase = (np.arange(n) + 0.5) / n
    energy = np.where(np.arange(n) % 2 == 0, 2.0, 5.0)
    ra = np.full(n, SOURCE.ra.deg)
    dec = np.full(n, SOURCE.dec.deg)
    # 100 events far from the source (outside the ON region), all phases
    far = SkyCoord(83.63, 23.0, unit="deg")
    phase = np.concatenate([phase, np.linspace(0.005, 0.995, 100)])
    energy = np.concatenate([energy, np.full(100, 2.0)])
    ra = np.concatenate([ra, np.full(100, far.ra.deg)])
    dec = np.concatenate([dec, np.full(100, far.dec.deg)])
    table = Table(
        {
            "EVENT_ID": np.arange(len(ra)),
            "TIME": np.linspace(0, 100, len(ra)) * u.s,
            "RA": ra * u.deg,
            "DEC": dec * u.deg,
            "ENERGY": energy * u.TeV,
            "PHASE": phase,
        }
    )
    table.meta.update({"RA_PNT": POINTING.ra.deg, "DEC_PNT": POINTING.dec.deg})
    return Observation(
        obs_id=7,
        events=EventList(table),
        gti=GTI.create(start=[0] * u.s, stop=[100] * u.s),
        pointing=FixedPointingInfo(fixed_icrs=POINTING),
        meta={"LIVETIME": 100.0, "DEADC": 1.0},
    )


def spectrum_dataset():
    geom = RegionGeom.create(CircleSkyRegion(SOURCE, 0.1 * u.deg), axes=[ENERGY_AXIS])
    return SpectrumDataset.create(geom=geom, name="pulsar")


def test_phase_intervals_normalised():
    maker = PhaseBackgroundMaker(
        on_phase=(0.9, 0.1), off_phase=[(0.3, 0.5), (0.6, 0.7)]
    )
    assert maker.on_phase == [(0.9, 1.0), (0.0, 0.1)]
    assert maker.off_phase == [(0.3, 0.5), (0.6, 0.7)]
    with pytest.raises(ValueError, match="within"):
        PhaseBackgroundMaker(on_phase=(0.2, 1.3), off_phase=(0.4, 0.5))


def test_phase_spectrum_dataset(observation):
    maker = PhaseBackgroundMaker(
        on_phase=(0.95, 0.05), off_phase=[(0.3, 0.5), (0.6, 0.7)]
    )
    dataset = spectrum_dataset()
    onoff = maker.run(dataset, observation)
    assert isinstance(onoff, SpectrumDatasetOnOff)
    # ON: phases in [0.95, 1) U [0, 0.05): 100 source events, half per energy bin
    assert_allclose(onoff.counts.data.ravel(), [50, 50])
    # OFF: 300 source events
    assert_allclose(onoff.counts_off.data.ravel(), [150, 150])
    assert_allclose(onoff.acceptance.data.ravel(), 0.1)
    assert_allclose(onoff.acceptance_off.data.ravel(), 0.3)
    assert_allclose(onoff.alpha.data.ravel(), 1 / 3)
    # the input dataset is unchanged
    assert dataset.counts.data.sum() == 0
    assert onoff.name == "pulsar"


def test_phase_map_dataset(observation):
    geom = WcsGeom.create(
        skydir=POINTING, binsz=0.02, width=2, frame="icrs", axes=[ENERGY_AXIS]
    )
    dataset = MapDataset.create(geom=geom, name="pulsar-map")
    maker = PhaseBackgroundMaker(on_phase=[(0.0, 0.2)], off_phase=[(0.5, 0.9)])
    onoff = maker.run(dataset, observation)
    assert isinstance(onoff, MapDatasetOnOff)
    assert not isinstance(onoff, SpectrumDatasetOnOff)
    # ON includes the far events too: 200 source + 20 far
    assert_allclose(onoff.counts.data.sum(), 220)
    assert_allclose(onoff.counts_off.data.sum(), 400 + 40)
    idx = geom.coord_to_idx({"skycoord": SOURCE, "energy": 2 * u.TeV})
    assert onoff.counts.data[idx[::-1]] == 100
    assert_allclose(onoff.alpha.data, 0.5)


def test_phase_missing_column(observation):
    maker = PhaseBackgroundMaker(
        on_phase=(0, 0.1), off_phase=(0.5, 0.6), phase_column_name="PULSE"
    )
    with pytest.raises(KeyError, match="PULSE"):
        maker.run(spectrum_dataset(), observation)


def test_phase_point_like_rad_max(observation):
    from regions import PointSkyRegion

    from gammaray.irf import RadMax2D

    offset_axis = MapAxis.from_edges([0, 2.5] * u.deg, name="offset")
    energy_axis = MapAxis.from_energy_edges([0.5, 20] * u.TeV, name="energy")
    rad_max = RadMax2D(axes=[energy_axis, offset_axis], data=[[0.1]], unit="deg")
    point_obs = Observation(
        obs_id=8,
        events=observation.events,
        gti=observation.gti,
        pointing=observation.pointing,
        rad_max=rad_max,
        meta={"LIVETIME": 100.0, "DEADC": 1.0},
    )
    geom = RegionGeom.create(PointSkyRegion(SOURCE), axes=[ENERGY_AXIS])
    dataset = SpectrumDataset.create(geom=geom, name="point")
    maker = PhaseBackgroundMaker(on_phase=(0.0, 0.1), off_phase=(0.4, 0.8))
    onoff = maker.run(dataset, point_obs)
    # only the source events are within RAD_MAX of the point
    assert_allclose(onoff.counts.data.ravel(), [50, 50])
    assert_allclose(onoff.counts_off.data.ravel(), [200, 200])
    with pytest.raises(ValueError, match="RAD_MAX"):
        maker.run(dataset, observation)
