"""Tests of `DatasetsMaker` internals: result transfer and lazily given references."""

import os

import numpy as np
import pytest

from gammaray.datasets import MapDataset
from gammaray.makers import DatasetsMaker, MapDatasetMaker
from gammaray.makers import reduce as reduce_module
from gammaray.makers.reduce import _Packed
from gammaray.maps import MapAxis, WcsGeom

AXIS = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)


@pytest.fixture()
def filled_dataset():
    geom = WcsGeom.create(skydir=(83.6, 22.0), width=(4, 3), binsz=0.02, axes=[AXIS])
    dataset = MapDataset.create(geom, name="filled")
    rng = np.random.default_rng(0)
    dataset.counts.data = rng.poisson(3.0, geom.data_shape).astype("float32")
    # an energy-fastest layout, as the makers produce
    dataset.exposure.data = rng.random(dataset.exposure.geom.data_shape[::-1]).T
    assert not dataset.exposure.data.flags.c_contiguous
    dataset.background.data = rng.random(geom.data_shape)
    return dataset


def _check_same(a, b):
    for name in ("counts", "exposure", "background", "mask_safe"):
        x, y = getattr(a, name).data, getattr(b, name).data
        assert x.dtype == y.dtype
        assert x.strides == y.strides
        np.testing.assert_array_equal(x, y)
        assert y.flags.writeable
    assert a.counts.geom == b.counts.geom
    assert a.name == b.name


def test_packed_round_trip_out_of_band(filled_dataset):
    packed = _Packed.pack(filled_dataset)
    assert packed.path is not None
    assert len(packed.data) < 1_000_000  # the map data travel out of band
    path = packed.path
    result = packed.unpack()
    assert not os.path.exists(path)
    _check_same(filled_dataset, result)
    result.counts.data[0, 0, 0] += 1  # writable, and not shared
    assert result.counts.data[0, 0, 0] != filled_dataset.counts.data[0, 0, 0]


def test_packed_in_band_without_directory(filled_dataset, monkeypatch, tmp_path):
    monkeypatch.setattr(reduce_module, "_oob_dir", lambda: str(tmp_path / "missing"))
    packed = _Packed.pack(filled_dataset)
    assert packed.path is None
    _check_same(filled_dataset, packed.unpack())


def test_packed_discard(filled_dataset):
    packed = _Packed.pack(filled_dataset)
    path = packed.path
    assert os.path.exists(path)
    packed.discard()
    assert not os.path.exists(path)
    assert packed.path is None


def test_references_from_a_generator(crab_observations):
    """A generator of references gives the same datasets as a list; counts are checked."""
    observations = list(crab_observations)[:2]

    def make_refs():
        for obs in observations:
            geom = WcsGeom.create(
                skydir=obs.get_pointing_icrs(obs.tmid),
                width=1.0,
                binsz=0.05,
                axes=[AXIS],
            )
            yield MapDataset.create(geom, name=f"ref-{obs.obs_id}")

    maker = DatasetsMaker(
        [MapDatasetMaker(selection=["counts", "exposure"])],
        stack_datasets=False,
        show_progress=False,
    )
    lazy = maker.run(None, observations, datasets=make_refs())
    eager = maker.run(None, observations, datasets=list(make_refs()))
    assert [d.name for d in lazy] == [d.name for d in eager]
    for a, b in zip(lazy, eager, strict=True):
        np.testing.assert_array_equal(a.counts.data, b.counts.data)
        np.testing.assert_array_equal(a.exposure.data, b.exposure.data)
    with pytest.raises(ValueError, match="reference datasets"):
        maker.run(None, observations, datasets=iter(list(make_refs())[:1]))
    with pytest.raises(ValueError, match="more reference datasets"):
        refs = list(make_refs())
        maker.run(None, observations, datasets=iter(refs + refs[:1]))


def test_parallel_failure_leaves_no_files(crab_observations):
    """Results not unpacked when a run stops at a failure are deleted."""
    from gammaray.makers.reduce import ReductionError, _oob_dir

    observations = list(crab_observations)[:3]
    observations[0] = observations[0].copy(bkg=None)
    geom = WcsGeom.create(skydir=(83.6, 22.0), width=1.0, binsz=0.02, axes=[AXIS])
    ref = MapDataset.create(geom, name="ref")

    def leftovers():
        return {f for f in os.listdir(_oob_dir()) if f.startswith("gammaray-reduce-")}

    before = leftovers()
    maker = DatasetsMaker(
        [MapDatasetMaker()], stack_datasets=False, n_jobs=2, show_progress=False
    )
    with pytest.raises(ReductionError, match=str(observations[0].obs_id)):
        maker.run(ref, observations)
    assert leftovers() <= before


class _CrashingMaker:
    """Ends its worker process on one observation, as a crash or the OOM killer would."""

    tag = "CrashingMaker"

    def __init__(self, obs_id):
        self.obs_id = obs_id

    def run(self, dataset, observation):
        if observation.obs_id == self.obs_id:
            os._exit(3)
        return dataset


def test_worker_death_is_reported_by_obs_id(crab_observations):
    """A worker that dies fails its observation only; a new worker goes on."""
    from gammaray.makers.reduce import ReductionError
    from gammaray.utils.errors import GammarayWarning

    observations = list(crab_observations)
    crash_id = observations[1].obs_id
    geom = WcsGeom.create(skydir=(83.6, 22.0), width=1.0, binsz=0.04, axes=[AXIS])
    ref = MapDataset.create(geom, name="ref")
    makers = [MapDatasetMaker(), _CrashingMaker(crash_id)]
    maker = DatasetsMaker(makers, stack_datasets=False, n_jobs=2, show_progress=False)
    with pytest.raises(ReductionError, match=f"{crash_id}.*exit code 3"):
        maker.run(ref, observations)

    maker.skip_failed = True
    with pytest.warns(GammarayWarning, match=str(crash_id)):
        datasets = maker.run(ref, observations)
    expected = [str(obs.obs_id) for obs in observations if obs.obs_id != crash_id]
    assert datasets.names == expected
    serial = DatasetsMaker(makers[:1], stack_datasets=False, show_progress=False)
    for dataset, obs in zip(
        datasets, [o for o in observations if o.obs_id != crash_id]
    ):
        np.testing.assert_array_equal(
            dataset.counts.data, serial.run(ref, [obs])[0].counts.data
        )


def test_pool_stopped_early_leaves_no_files(crab_observations):
    """Closing the result stream early discards finished and in-flight results."""
    from gammaray.makers.reduce import _oob_dir

    def leftovers():
        return {f for f in os.listdir(_oob_dir()) if f.startswith("gammaray-reduce-")}

    before = leftovers()
    geom = WcsGeom.create(skydir=(83.6, 22.0), width=(4, 3), binsz=0.02, axes=[AXIS])
    ref = MapDataset.create(geom, name="ref")
    maker = DatasetsMaker(
        [MapDatasetMaker()], stack_datasets=False, n_jobs=2, show_progress=False
    )
    observations = list(crab_observations)
    results = maker._run_multiprocessing(maker._tasks(ref, observations, None))
    first = next(results)
    assert first.counts.data.sum() > 0
    results.close()
    assert leftovers() <= before


def _double(task):
    return 2 * task


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_pool_is_not_stopped_by_a_forked_child():
    """A process forked later (e.g. a worker of another pool) inherits the pool
    object; cleaning it up there must not stop this process's workers."""
    import multiprocessing

    from gammaray.makers._pool import WorkerPool

    with WorkerPool(1, multiprocessing.get_context("fork"), _double) as pool:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            pool.close()
            os._exit(0)
        os.waitpid(pid, 0)
        assert list(pool.imap(iter([1, 2, 3]), window=2)) == [2, 4, 6]


def test_unpicklable_observation_is_reported_by_obs_id(crab_observations):
    """An observation that cannot be sent to a worker fails alone, by obs id."""
    from gammaray.makers.reduce import ReductionError

    observations = list(crab_observations)[:3]
    bad = observations[1].copy()
    bad.unpicklable = lambda: None  # lambdas cannot be pickled
    observations[1] = bad
    geom = WcsGeom.create(skydir=(83.6, 22.0), width=1.0, binsz=0.04, axes=[AXIS])
    ref = MapDataset.create(geom, name="ref")
    maker = DatasetsMaker(
        [MapDatasetMaker()], stack_datasets=False, n_jobs=2, show_progress=False
    )
    with pytest.raises(ReductionError, match=f"{bad.obs_id}.*could not be sent"):
        maker.run(ref, observations)
    maker.skip_failed = True
    with pytest.warns(UserWarning, match=str(bad.obs_id)):
        datasets = maker.run(ref, observations)
    assert datasets.names == [str(observations[0].obs_id), str(observations[2].obs_id)]
