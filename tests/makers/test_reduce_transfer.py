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
