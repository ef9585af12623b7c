"""`DatasetsMaker`: run a chain of makers over many observations, serially or in parallel."""

import logging
import multiprocessing
import pickle
import traceback
import warnings

import numpy as np

from gammaray.maps.wcs._utils import wcs_from_state, wcs_to_state
from gammaray.utils.errors import GammarayError, GammarayWarning

from .core import Maker, _light_copy
from .map import MapDatasetMaker, _ReferenceGeoms

__all__ = ["DatasetsMaker", "ReductionError"]

log = logging.getLogger(__name__)

_BACKENDS = ("multiprocessing", "dask", "ray")
_MISSING = object()


class ReductionError(GammarayError, RuntimeError):
    """The reduction of an observation failed (the cause is chained).

    Attributes
    ----------
    obs_id : int or None
        Id of the observation that failed.
    """

    def __init__(self, message, obs_id=None):
        super().__init__(message)
        self.obs_id = obs_id

    def __reduce__(self):
        return (self.__class__, (self.args[0], self.obs_id))


class _Failure:
    """Picklable record of a failed observation (raised or skipped in the main process)."""

    def __init__(self, obs_id, exc):
        self.obs_id = obs_id
        self.type_name = type(exc).__name__
        self.message = str(exc)
        self.traceback = "".join(traceback.format_exception(exc))
        try:
            import pickle

            pickle.dumps(exc)
            self.exc = exc
        except Exception:  # unpicklable exceptions are reported as text
            self.exc = None


def _progress(iterable, total, show, desc):
    if not show:
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm is optional
        return iterable
    return tqdm(iterable, total=total, desc=desc, leave=False)


class _EmptyDatasetRecipe:
    """Geometries of an empty reference dataset, sent to workers instead of its zero maps."""

    def __init__(self, dataset):
        self.reference = _ReferenceGeoms.from_dataset(dataset)
        self.reference_time = dataset.gti.time_ref if dataset.gti is not None else None

    @classmethod
    def from_dataset(cls, dataset, check_data=True):
        """Recipe for an empty `MapDataset`/`SpectrumDataset`, or None if it holds data.

        With ``check_data=False`` the map data are not looked at (for maker
        chains whose first maker uses only the geometries of the reference).
        """
        from gammaray.datasets import MapDataset, SpectrumDataset

        if type(dataset) not in (MapDataset, SpectrumDataset):
            return None
        if dataset.models is not None or dataset.mask_fit is not None:
            return None
        if dataset.meta_table is not None or dataset.meta:
            return None
        if dataset.gti is not None and len(dataset.gti.table) > 0:
            return None
        maps = [dataset.counts, dataset.exposure, dataset.background, dataset.mask_safe]
        if dataset.psf is not None:
            maps += [dataset.psf.psf_map, dataset.psf.exposure_map]
        if dataset.edisp is not None:
            maps += [dataset.edisp.edisp_map, dataset.edisp.exposure_map]
        for m in maps if check_data else []:
            if m is not None and np.any(m.data):
                return None
        return cls(dataset)

    def build(self):
        """The empty dataset."""
        reference = self.reference
        kwargs = {"name": reference.name}
        if self.reference_time is not None:
            kwargs["reference_time"] = self.reference_time
        return reference.cls.from_geoms(**reference.geoms, **kwargs)


def _apply(makers, dataset, observation):
    for maker in makers:
        dataset = maker.run(dataset=dataset, observation=observation)
    return dataset


def _reduce_one(makers, dataset, observation, cutout_width, cutout_mode, name):
    """Reduce one observation (top-level function: importable by spawned workers)."""
    obs_id = getattr(observation, "obs_id", None)
    try:
        if isinstance(dataset, _EmptyDatasetRecipe):
            if cutout_width is None and makers and type(makers[0]) is MapDatasetMaker:
                # the first maker uses only the geometries of the reference:
                # no need to build its empty maps
                reference = dataset.reference
                if name is not None:
                    reference = reference.renamed(name)
                dataset_obs = makers[0]._run_on_geoms(reference, observation)
                return _apply(makers[1:], dataset_obs, observation)
            dataset = dataset.build()
        if cutout_width is not None:
            position = observation.get_pointing_icrs(observation.tmid)
            dataset_obs = dataset.cutout(
                position=position, width=cutout_width, mode=cutout_mode, name=name
            )
        else:
            dataset_obs = _light_copy(dataset, name=name)
        if dataset.models is not None:
            dataset_obs.models = dataset.models.copy()
        return _apply(makers, dataset_obs, observation)
    except Exception as exc:  # reported by obs id in the main process
        return _Failure(obs_id, exc)


def _reduce_task(args):
    return _reduce_one(*args)


# ----------------------------------------------------------------------------
# compact transfer of results from worker processes
# ----------------------------------------------------------------------------
#: Arrays at least this large travel out of band (`_Packed`).
_OOB_MIN_BYTES = 1 << 16
_OOB_ALIGN = 64


def _dense_order(array):
    """Axis order in which ``array`` is C-contiguous (a permutation), or None."""
    if array.flags.c_contiguous:
        return tuple(range(array.ndim))
    order = tuple(int(i) for i in np.argsort(array.strides, kind="stable")[::-1])
    if array.transpose(order).flags.c_contiguous:
        return order
    return None


def _oob_dir():
    """Directory for out-of-band result arrays: a RAM-backed one if available."""
    import os
    import tempfile

    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK):
        return shm
    return tempfile.gettempdir()


class _ResultPickler(pickle.Pickler):
    """Pickler of reduced datasets: fast exact WCS, large arrays set aside.

    A module-level class holding its state on the instance: a class defined
    inside a function is cyclic garbage, and through closures it would keep
    the result's arrays alive until the next full garbage collection.
    """

    def __init__(self, file, out_of_band):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        from astropy.wcs import WCS

        self.out_of_band = out_of_band
        self.arrays = []
        self._index = {}
        self._wcs_class = WCS

    def clear(self):
        self.arrays = []
        self._index = {}
        self.clear_memo()

    def reducer_override(self, obj):
        if type(obj) is self._wcs_class:
            state = wcs_to_state(obj)
            if state is not None:
                return wcs_from_state, (state,)
        return NotImplemented

    def persistent_id(self, obj):
        if (
            self.out_of_band
            and type(obj) is np.ndarray
            and obj.nbytes >= _OOB_MIN_BYTES
            and not obj.dtype.hasobject
            and _dense_order(obj) is not None
        ):
            key = id(obj)
            if key not in self._index:
                self._index[key] = len(self.arrays)
                self.arrays.append(obj)
            return self._index[key]
        return None


class _ResultUnpickler(pickle.Unpickler):
    """Unpickler of `_ResultPickler` streams (set-aside arrays given in order)."""

    def __init__(self, file, arrays):
        super().__init__(file)
        self._arrays = arrays

    def persistent_load(self, pid):
        return self._arrays[pid]


class _Packed:
    """A reduced dataset as sent from a worker process to the main process.

    Two costs dominate sending a dataset between processes: astropy pickles a
    WCS as FITS header text that must be parsed again (and rounds the
    parameters), and the ~10 MB of map data are copied several times through
    the pipe and the (nested) unpicklers. Plain celestial WCS objects are sent
    as their binary parameters instead, and large arrays are written once to a
    file in ``/dev/shm`` (RAM) which the main process maps into memory and
    deletes: the arrays it gets are writable views of that mapping, with no
    further copy. Without such a directory, or if writing fails (e.g. a full
    ``/dev/shm``), the arrays are pickled in band.
    """

    def __init__(self, data, path=None, layout=()):
        self.data = data
        self.path = path
        self.layout = layout

    @classmethod
    def pack(cls, dataset):
        import io

        buffer = io.BytesIO()
        pickler = _ResultPickler(buffer, out_of_band=True)
        pickler.dump(dataset)
        arrays = pickler.arrays
        # the pickler must not outlive this call holding the result's arrays
        pickler.clear()
        packed = None
        if arrays:
            packed = cls._write_arrays(buffer.getvalue(), arrays)
        del arrays
        if packed is None:
            # in band (no arrays, or no usable directory)
            buffer = io.BytesIO()
            _ResultPickler(buffer, out_of_band=False).dump(dataset)
            packed = cls(buffer.getvalue())
        return packed

    @classmethod
    def _write_arrays(cls, data, arrays):
        import os
        import tempfile

        path = None
        try:
            fd, path = tempfile.mkstemp(prefix="gammaray-reduce-", dir=_oob_dir())
            layout = []
            offset = 0
            with os.fdopen(fd, "wb") as f:
                for array in arrays:
                    pad = -offset % _OOB_ALIGN
                    if pad:
                        f.write(b"\0" * pad)
                        offset += pad
                    order = _dense_order(array)
                    dense = array.transpose(order)
                    layout.append((offset, array.dtype.str, dense.shape, order))
                    f.write(memoryview(dense).cast("B"))
                    offset += array.nbytes
            return cls(data, path=path, layout=tuple(layout))
        except Exception:  # e.g. a full /dev/shm: the arrays go in band
            if path is not None:
                cls._remove(path)
            return None

    @staticmethod
    def _remove(path):
        import contextlib
        import os

        with contextlib.suppress(OSError):
            os.unlink(path)

    def discard(self):
        """Delete the out-of-band file of a result that will not be unpacked."""
        if self.path is not None:
            self._remove(self.path)
            self.path = None

    def unpack(self):
        """The dataset (out-of-band arrays mapped from their file, which is deleted).

        The pickle stream is the one this run's own worker process produced,
        received through the pool's pipe exactly as the pool receives any
        result; the out-of-band file holds raw array bytes only, read with
        ``np.frombuffer`` (never unpickled).
        """
        import io

        arrays = [] if self.path is None else self._map_arrays()
        return _ResultUnpickler(io.BytesIO(self.data), arrays).load()

    def _map_arrays(self):
        import mmap
        import os

        path, self.path = self.path, None
        fd = os.open(path, os.O_RDWR)
        try:
            os.unlink(path)
            size = os.fstat(fd).st_size
            mapped = mmap.mmap(fd, size) if size else None
        finally:
            os.close(fd)
        arrays = []
        for offset, dtype, shape, order in self.layout:
            dtype = np.dtype(dtype)
            count = int(np.prod(shape, dtype=np.int64))
            array = np.frombuffer(mapped, dtype=dtype, count=count, offset=offset)
            # back to the memory layout (strides) the array had in the worker
            arrays.append(array.reshape(shape).transpose(np.argsort(order)))
        return arrays


def _reduce_task_packed(args):
    result = _reduce_one(*args)
    if isinstance(result, _Failure):
        return result
    if getattr(result, "_background_cache", None) is not None:
        # a cache of the scaled background, rebuilt on demand: not worth sending
        result._background_cache = None
    try:
        return _Packed.pack(result)
    except Exception:  # fall back to plain pickling
        return result


#: glibc ``mallopt`` parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def _init_worker():
    """Set up a reduction worker process: keep freed memory for the next observation.

    Every observation allocates the same large arrays (~10 MB of maps plus
    temporaries). By default glibc gives freed memory back to the system (heap
    trimming, ``munmap`` of large blocks), so each observation faults its
    pages in again: ~3000 page faults and 10-15 ms per observation here. A
    worker exists only to reduce observations, so it keeps its freed memory
    (its resident size stays at the peak of one reduction, ~140 MB for a
    4 x 3 deg, 0.02 deg dataset). Only the pool's worker processes are
    changed, never the user's process; without glibc this does nothing.
    """
    import ctypes

    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not Linux with glibc
        return
    mallopt(_M_TRIM_THRESHOLD, 1 << 30)
    mallopt(_M_MMAP_THRESHOLD, 32 << 20)


def _preload_reduction_modules():
    """Import the lazily loaded modules a reduction uses, before workers are forked.

    Forked workers share the parent's imported modules; modules first needed
    inside a task (IRF classes read from DL3 files, axis I/O) would otherwise be
    imported again by every worker.
    """
    import importlib

    import gammaray.irf as irf

    for name in irf.__all__:
        getattr(irf, name)
    importlib.import_module("gammaray.maps._axis_io")


class DatasetsMaker(Maker):
    """Run a chain of makers on every observation and collect or stack the datasets.

    Parameters
    ----------
    makers : list of `Maker`
        Makers applied in order to each observation; the first is usually a
        `MapDatasetMaker` or `SpectrumDatasetMaker`.
    stack_datasets : bool
        Stack all datasets into one (True) or return one per observation.
    n_jobs : int, optional
        Number of parallel workers (default 1: serial).
    cutout_mode : {"trim", "partial", "strict"}
        Mode of the cutout around each pointing (see `cutout_width`).
    cutout_width : `~astropy.units.Quantity`, optional
        If given, each observation is reduced on a cutout of this width around
        its pointing, then stacked (or returned) on that cutout.
    parallel_backend : {"multiprocessing", "dask", "ray"}, optional
        Parallel backend when ``n_jobs > 1`` (default multiprocessing).
        ``"dask"`` submits to ``client`` or to a local cluster of ``n_jobs``
        worker processes created for the run.
    skip_failed : bool
        Skip observations whose reduction fails (with a warning naming the
        obs id) instead of raising `ReductionError`.
    client : `dask.distributed.Client`, optional
        Dask client for ``parallel_backend="dask"``.
    show_progress : bool
        Show a progress bar (tqdm) over the observations.
    """

    tag = "DatasetsMaker"

    def __init__(
        self,
        makers,
        stack_datasets=True,
        n_jobs=None,
        cutout_mode="trim",
        cutout_width=None,
        parallel_backend=None,
        skip_failed=False,
        client=None,
        show_progress=True,
    ):
        makers = list(makers)
        for maker in makers:
            if not hasattr(maker, "run"):
                raise TypeError(f"{maker!r} is not a maker (it has no run method).")
        self.makers = makers
        self.stack_datasets = stack_datasets
        self.n_jobs = 1 if n_jobs is None else int(n_jobs)
        if self.n_jobs < 1:
            raise ValueError(f"n_jobs must be >= 1, got {n_jobs}.")
        self.cutout_mode = cutout_mode
        self.cutout_width = cutout_width
        if parallel_backend is not None and parallel_backend not in _BACKENDS:
            raise ValueError(
                f"Unknown parallel_backend {parallel_backend!r}; use one of {_BACKENDS}."
            )
        self.parallel_backend = parallel_backend
        self.skip_failed = skip_failed
        self.client = client
        self.show_progress = show_progress

    @property
    def _backend(self):
        if self.parallel_backend is not None:
            return self.parallel_backend
        return "multiprocessing" if self.n_jobs > 1 else None

    # ------------------------------------------------------------------ one obs
    def make_dataset(self, dataset, observation):
        """Reduce one observation with the maker chain.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Reference dataset.
        observation : `~gammaray.data.Observation`
            Observation.

        Returns
        -------
        dataset : `~gammaray.datasets.MapDataset`
            Reduced dataset.
        """
        result = _reduce_one(
            self.makers,
            dataset,
            observation,
            self.cutout_width,
            self.cutout_mode,
            self._name(dataset, observation),
        )
        if isinstance(result, _Failure):
            self._raise(result)
        return result

    def _name(self, dataset, observation):
        if self.stack_datasets:
            return None
        obs_id = getattr(observation, "obs_id", None)
        return str(obs_id) if obs_id is not None else None

    @staticmethod
    def _raise(failure):
        message = (
            f"The reduction of observation {failure.obs_id} failed: "
            f"{failure.type_name}: {failure.message}"
        )
        error = ReductionError(message, obs_id=failure.obs_id)
        if failure.exc is not None:
            raise error from failure.exc
        raise error

    # ------------------------------------------------------------------ backends
    def _tasks(self, dataset, observations, datasets):
        if datasets is None:
            refs = (dataset for _ in observations)
        else:
            refs = iter(datasets)
        for n_obs, obs in enumerate(observations):
            ref = next(refs, _MISSING)
            if ref is _MISSING:
                raise ValueError(
                    f"Got {n_obs} reference datasets for {len(observations)} "
                    "observations; give one per observation."
                )
            yield (
                self.makers,
                ref,
                obs,
                self.cutout_width,
                self.cutout_mode,
                self._name(ref, obs),
            )
        if datasets is not None and next(refs, _MISSING) is not _MISSING:
            raise ValueError(
                f"Got more reference datasets than the {len(observations)} "
                "observations; give one per observation."
            )

    def _run_serial(self, tasks):
        for task in tasks:
            yield _reduce_task(task)

    @staticmethod
    def _compact(tasks):
        """Replace empty reference datasets by their recipe (cheap to send to workers).

        When the first maker is a `MapDatasetMaker`, which uses only the
        geometries (and name, models, meta) of the reference, its data need
        not be checked.
        """
        last_ref = last_recipe = None
        for makers, ref, obs, width, mode, name in tasks:
            if ref is not last_ref:
                last_ref = ref
                check = not (makers and type(makers[0]) is MapDatasetMaker)
                recipe = _EmptyDatasetRecipe.from_dataset(ref, check_data=check)
                last_recipe = recipe or ref
            yield makers, last_recipe, obs, width, mode, name

    def _run_multiprocessing(self, tasks):
        import collections

        from ._pool import WorkerPool

        context = multiprocessing.get_context()
        if context.get_start_method() == "fork":
            _preload_reduction_modules()
        obs_ids = collections.deque()

        def compact_tasks():
            for task in self._compact(tasks):
                obs_ids.append(getattr(task[2], "obs_id", None))
                yield task

        def discard(result):
            if isinstance(result, _Packed):
                result.discard()

        # a bounded window of tasks: the workers start at once while the
        # remaining tasks (and lazily given reference datasets) are made, and
        # finished results do not pile up
        window = 4 * self.n_jobs
        with WorkerPool(
            self.n_jobs, context, _reduce_task_packed, initializer=_init_worker
        ) as pool:
            for result in pool.imap(compact_tasks(), window, discard=discard):
                obs_id = obs_ids.popleft()
                if isinstance(result, _Packed):
                    result = result.unpack()
                elif isinstance(result, Exception):  # the worker died or could
                    result = _Failure(obs_id, result)  # not send the result
                yield result

    def _run_dask(self, tasks):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:
            raise ImportError(
                "parallel_backend='dask' needs dask.distributed: pip install 'dask[distributed]'."
            ) from exc
        client = self.client
        own = None
        if client is None:
            cluster = LocalCluster(
                n_workers=self.n_jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            client = Client(cluster)
            own = (client, cluster)
            # the cluster is ours: its workers keep freed memory like pool workers
            client.run(_init_worker)
        try:
            tasks = list(self._compact(tasks))
            # large inputs (observations, reference datasets, makers with masks)
            # are scattered to the workers instead of being embedded in the graph
            makers = client.scatter([tasks[0][0]], hash=False)[0] if tasks else None
            refs = {}
            futures = []
            for _, ref, obs, width, mode, name in tasks:
                key = id(ref)
                if key not in refs:
                    refs[key] = client.scatter([ref], hash=False)[0]
                obs_future = client.scatter([obs], hash=False)[0]
                futures.append(
                    client.submit(
                        _reduce_one,
                        makers,
                        refs[key],
                        obs_future,
                        width,
                        mode,
                        name,
                        pure=False,
                    )
                )
            # collect in submission order (= observation order)
            for future in futures:
                yield future.result()
                future.release()
        finally:
            if own is not None:
                own[0].close()
                own[1].close()

    @staticmethod
    def _run_ray(tasks):
        try:
            import ray  # noqa: F401
        except ImportError as exc:
            raise ImportError(
                "parallel_backend='ray' needs ray, which is not installed "
                "(pip install ray); or use parallel_backend='dask' (dask.distributed) "
                "or 'multiprocessing'."
            ) from exc
        raise NotImplementedError(
            "The ray backend is not implemented; use parallel_backend='dask' or "
            "'multiprocessing'."
        )

    # ------------------------------------------------------------------ run
    def run(self, dataset, observations, datasets=None):
        """Reduce the observations.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Reference dataset (geometry of the results).
        observations : `~gammaray.data.Observations`
            Observations.
        datasets : `~gammaray.datasets.Datasets`, list or iterable, optional
            One reference dataset per observation (each observation on its own
            geometry); then ``dataset`` is ignored. An iterator (e.g. a
            generator) is consumed lazily: each reference is made when its
            observation is reached, so that with ``n_jobs > 1`` the workers
            start while the next references are made, and the references are
            not all held in memory.

        Returns
        -------
        datasets : `~gammaray.datasets.Datasets`
            The stacked dataset, or one dataset per observation in the order of
            ``observations``.
        """
        from gammaray.datasets import Datasets

        observations = list(observations)
        if datasets is not None:
            if hasattr(datasets, "__len__") and len(datasets) != len(observations):
                raise ValueError(
                    f"Got {len(datasets)} reference datasets for {len(observations)} "
                    "observations; give one per observation."
                )
            if self.stack_datasets:
                raise ValueError(
                    "Datasets on different geometries cannot be stacked; use "
                    "stack_datasets=False with one reference dataset per observation."
                )
        backend = self._backend
        tasks = self._tasks(dataset, observations, datasets)
        if backend is None or self.n_jobs == 1 and self.parallel_backend is None:
            results = self._run_serial(tasks)
        elif backend == "multiprocessing":
            results = self._run_multiprocessing(tasks)
        elif backend == "dask":
            results = self._run_dask(tasks)
        else:
            results = self._run_ray(tasks)

        stacked = None
        collected = []
        desc = "Reducing observations"
        try:
            for result in _progress(
                results, len(observations), self.show_progress, desc
            ):
                if isinstance(result, _Failure):
                    if not self.skip_failed:
                        self._raise(result)
                    warnings.warn(
                        f"Observation {result.obs_id} was skipped: its reduction failed "
                        f"with {result.type_name}: {result.message}",
                        GammarayWarning,
                        stacklevel=2,
                    )
                    continue
                if self.stack_datasets:
                    result = _bake_background(result)
                    if stacked is None:
                        stacked = _empty_like(dataset, result)
                    stacked.stack(result)
                else:
                    collected.append(result)
        finally:
            # stop a parallel run at once when it ends early (an error): its
            # workers and unsent results are cleaned up now, not at garbage
            # collection
            close = getattr(results, "close", None)
            if close is not None:
                close()
        if self.stack_datasets:
            if stacked is None:
                raise ReductionError(
                    "No observation could be reduced; nothing to stack."
                )
            return Datasets([stacked])
        return Datasets(collected)


def _bake_background(dataset):
    """Apply the dataset's FoV background model to its background map (before stacking)."""
    bkg_model = getattr(dataset, "background_model", None)
    if bkg_model is None or dataset.background is None:
        return dataset
    dataset.background = dataset.npred_background()
    models = [m for m in dataset.models if m is not bkg_model]
    from gammaray.modeling.models import Models

    dataset.models = Models(models) if models else None
    return dataset


def _empty_like(reference, first):
    """Dataset to stack onto: a copy of the reference (empty by construction), no models."""
    stacked = reference.copy(name=reference.name)
    stacked.models = None
    return stacked
