"""Tests of `DatasetsMaker`: serial, multiprocessing and Dask give the same datasets."""

import subprocess
import sys
import textwrap

import astropy.units as u
import numpy as np
import pytest

from gammaray.datasets import MapDataset
from gammaray.makers import (
    DatasetsMaker,
    FoVBackgroundMaker,
    MapDatasetMaker,
    SafeMaskMaker,
)
from gammaray.makers.reduce import ReductionError
from gammaray.maps import MapAxis, WcsGeom
from gammaray.utils.errors import GammarayWarning, MissingIRFError

PKS_OBS_IDS = list(range(33787, 33802))
AXIS = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)


def _makers():
    return [
        MapDatasetMaker(),
        SafeMaskMaker(methods=["offset-max", "aeff-default"], offset_max="2 deg"),
        FoVBackgroundMaker(method="scale"),
    ]


@pytest.fixture(scope="module")
def crab_reference():
    geom = WcsGeom.create(
        skydir=(83.633, 22.014), width=(2, 1.5), binsz=0.04, axes=[AXIS]
    )
    return MapDataset.create(geom, name="crab")


@pytest.fixture(scope="module")
def pks_observations(hess_data_store):
    return hess_data_store.get_observations(PKS_OBS_IDS)


@pytest.fixture(scope="module")
def pks_references(pks_observations):
    refs = []
    for obs in pks_observations:
        pointing = obs.get_pointing_icrs(obs.tmid)
        geom = WcsGeom.create(skydir=pointing, width=1.0, binsz=0.05, axes=[AXIS])
        refs.append(MapDataset.create(geom, name=f"ref-{obs.obs_id}"))
    return refs


@pytest.fixture(scope="module")
def serial_results(crab_reference, crab_observations, pks_references, pks_observations):
    stacked = DatasetsMaker(_makers(), show_progress=False).run(
        crab_reference, crab_observations
    )
    per_obs = DatasetsMaker(_makers(), stack_datasets=False, show_progress=False).run(
        crab_reference, crab_observations
    )
    pks = DatasetsMaker(_makers(), stack_datasets=False, show_progress=False).run(
        None, pks_observations, datasets=pks_references
    )
    return stacked, per_obs, pks


def _assert_same(a, b):
    assert a.name == b.name
    for attr in ("counts", "exposure", "background", "mask_safe"):
        x, y = getattr(a, attr).data, getattr(b, attr).data
        assert x.dtype == y.dtype
        np.testing.assert_allclose(x, y, rtol=1e-10, atol=0)
    np.testing.assert_allclose(a.psf.psf_map.data, b.psf.psf_map.data, rtol=1e-10)
    np.testing.assert_allclose(
        a.edisp.edisp_map.data, b.edisp.edisp_map.data, rtol=1e-10
    )
    np.testing.assert_allclose(
        a.npred_background().data, b.npred_background().data, rtol=1e-10
    )
    assert list(a.meta_table["OBS_ID"]) == list(b.meta_table["OBS_ID"])


def test_serial_results(serial_results, crab_observations):
    stacked, per_obs, pks = serial_results
    assert len(stacked) == 1
    assert list(stacked[0].meta_table["OBS_ID"]) == [23523, 23526, 23559, 23592]
    assert per_obs.names == ["23523", "23526", "23559", "23592"]
    # stacked counts = sum of the per-observation counts in their safe masks
    total = sum((d.counts.data * d.mask_safe.data).sum() for d in per_obs)
    assert stacked[0].counts.data.sum() == total
    # stacked background = sum of the scaled (npred) backgrounds in the safe masks
    bkg = sum((d.npred_background().data * d.mask_safe.data).sum() for d in per_obs)
    assert stacked[0].background.data.sum() == pytest.approx(bkg, rel=1e-10)
    assert pks.names == [str(i) for i in PKS_OBS_IDS]
    assert all(d.counts.data.sum() > 0 for d in pks)


def test_multiprocessing_equals_serial(
    serial_results, crab_reference, crab_observations, pks_references, pks_observations
):
    stacked, per_obs, pks = serial_results
    kwargs = dict(n_jobs=2, parallel_backend="multiprocessing", show_progress=False)
    mp_stacked = DatasetsMaker(_makers(), **kwargs).run(
        crab_reference, crab_observations
    )
    _assert_same(stacked[0], mp_stacked[0])
    mp_pks = DatasetsMaker(_makers(), stack_datasets=False, **kwargs).run(
        None, pks_observations, datasets=pks_references
    )
    assert mp_pks.names == pks.names
    for a, b in zip(pks, mp_pks, strict=True):
        _assert_same(a, b)


def test_dask_equals_serial(
    serial_results, crab_reference, crab_observations, pks_references, pks_observations
):
    from dask.distributed import Client, LocalCluster

    stacked, per_obs, pks = serial_results
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        kwargs = dict(
            n_jobs=2, parallel_backend="dask", client=client, show_progress=False
        )
        dask_per_obs = DatasetsMaker(_makers(), stack_datasets=False, **kwargs).run(
            crab_reference, crab_observations
        )
        dask_stacked = DatasetsMaker(_makers(), **kwargs).run(
            crab_reference, crab_observations
        )
        dask_pks = DatasetsMaker(_makers(), stack_datasets=False, **kwargs).run(
            None, pks_observations, datasets=pks_references
        )
    assert dask_per_obs.names == per_obs.names
    for a, b in zip(per_obs, dask_per_obs, strict=True):
        _assert_same(a, b)
    _assert_same(stacked[0], dask_stacked[0])
    assert dask_pks.names == pks.names
    for a, b in zip(pks, dask_pks, strict=True):
        _assert_same(a, b)


def test_dask_own_local_cluster(serial_results, crab_reference, crab_observations):
    # without a client, a local cluster of n_jobs worker processes is made
    # for the run (and closed after it)
    _, per_obs, _ = serial_results
    maker = DatasetsMaker(
        _makers(),
        stack_datasets=False,
        n_jobs=2,
        parallel_backend="dask",
        show_progress=False,
    )
    results = maker.run(crab_reference, crab_observations[:2])
    assert results.names == per_obs.names[:2]
    for a, b in zip(per_obs[:2], results, strict=True):
        _assert_same(a, b)


def test_failed_observation(crab_reference, crab_observations):
    observations = [crab_observations[0], crab_observations[1].copy(bkg=None)]
    maker = DatasetsMaker(_makers(), stack_datasets=False, show_progress=False)
    with pytest.raises(ReductionError, match="23526") as info:
        maker.run(crab_reference, observations)
    assert info.value.obs_id == 23526
    assert isinstance(info.value.__cause__, MissingIRFError)
    skipping = DatasetsMaker(
        _makers(), stack_datasets=False, skip_failed=True, show_progress=False
    )
    with pytest.warns(GammarayWarning, match="Observation 23526 was skipped"):
        result = skipping.run(crab_reference, observations)
    assert result.names == ["23523"]


def test_backend_errors(crab_reference, crab_observations):
    maker = DatasetsMaker(
        _makers(), n_jobs=2, parallel_backend="ray", show_progress=False
    )
    with pytest.raises(ImportError, match="dask"):
        maker.run(crab_reference, crab_observations[:1])
    with pytest.raises(ValueError, match="parallel_backend"):
        DatasetsMaker(_makers(), parallel_backend="threads")
    with pytest.raises(ValueError, match="one per observation"):
        DatasetsMaker(_makers(), stack_datasets=False).run(
            crab_reference, crab_observations, datasets=[crab_reference]
        )


def test_cutout(crab_observations):
    geom = WcsGeom.create(skydir=(83.633, 22.014), width=4, binsz=0.05, axes=[AXIS])
    ref = MapDataset.create(geom)
    maker = DatasetsMaker(
        [MapDatasetMaker(selection=["counts"])],
        stack_datasets=False,
        cutout_width=1 * u.deg,
    )
    assert maker.show_progress  # the progress bar is on by default
    result = maker.run(ref, crab_observations[:2])
    for ds, obs in zip(result, crab_observations[:2], strict=True):
        assert ds.counts.geom.data_shape == (3, 20, 20)
        center = ds.counts.geom.center_skydir
        assert center.separation(obs.get_pointing_icrs(obs.tmid)).deg < 0.05


def test_reference_models_carry_over(crab_reference, crab_observations):
    from gammaray.modeling.models import (
        PointSpatialModel,
        PowerLawSpectralModel,
        SkyModel,
    )

    source = SkyModel(
        spectral_model=PowerLawSpectralModel(),
        spatial_model=PointSpatialModel(lon_0="83.633 deg", lat_0="22.014 deg"),
        name="crab",
    )
    ref = crab_reference.copy(name="crab-ref")
    ref.models = [source]
    result = DatasetsMaker(_makers(), stack_datasets=False, show_progress=False).run(
        ref, crab_observations[:2]
    )
    for ds in result:
        assert ds.models.names == ["crab", f"{ds.name}-bkg"]
        assert ds.npred_signal().data.sum() > 0


def test_multiprocessing_spawn(
    monkeypatch, crab_reference, crab_observations, serial_results
):
    """Workers started with 'spawn' (no fork) give the same datasets."""
    import multiprocessing

    from gammaray.makers import reduce as reduce_module

    get_context = multiprocessing.get_context
    monkeypatch.setattr(
        reduce_module.multiprocessing,
        "get_context",
        lambda method=None: get_context("spawn"),
    )
    _, per_obs, _ = serial_results
    result = DatasetsMaker(
        _makers(), stack_datasets=False, n_jobs=2, show_progress=False
    ).run(crab_reference, crab_observations[:2])
    assert result.names == per_obs.names[:2]
    for a, b in zip(per_obs[:2], result, strict=True):
        _assert_same(a, b)


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="glibc malloc tuning is Linux-only"
)
def test_worker_keeps_freed_memory():
    # a worker reuses the memory of one observation for the next one instead of
    # faulting it in again (checked in a fresh process, as a pool worker is)
    code = textwrap.dedent(
        """
        import resource
        import numpy as np
        from gammaray.makers.reduce import _init_worker

        _init_worker()
        faults = []
        for _ in range(3):
            before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            # the large maps of one reduced observation (~10 MB)
            exposure = np.ones((20, 150, 200))
            background = np.ones((6, 150, 200))
            psf = np.ones((20, 66, 336))
            del exposure, background, psf
            faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
        print(faults[0], faults[-1])
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    first, last = int(out[0]), int(out[1])
    assert first > 1000  # ~10 MB of fresh pages the first time
    assert last < first / 10  # then the freed memory is reused


def test_packed_result_releases_arrays(hess_data_store):
    # packing a worker result must not keep its arrays alive (reference cycles
    # through a local pickler class kept ~10 MB per observation until a full GC)
    import gc
    import weakref

    from gammaray.makers.reduce import _Packed

    geom = WcsGeom.create(skydir=(83.633, 22.014), width=2, binsz=0.02, axes=[AXIS])
    reference = MapDataset.create(geom, name="crab")
    dataset = MapDatasetMaker().run(reference, hess_data_store.obs(23523))
    total = dataset.exposure.data.sum()
    gc.disable()
    try:
        data = dataset.exposure.data
        assert data.nbytes >= 1 << 16  # large enough to travel out of band
        ref = weakref.ref(data if data.base is None else data.base)
        del data
        packed = _Packed.pack(dataset)
        assert packed.path is not None
        del dataset
        assert ref() is None
        restored = packed.unpack()
        assert restored.exposure.data.sum() == total
    finally:
        gc.enable()
