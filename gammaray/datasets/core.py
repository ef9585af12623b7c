"""Base class of datasets and the `Datasets` collection (one joint likelihood)."""

import collections.abc
import copy
import logging

import numpy as np
from astropy import units as u
from astropy.table import Table, vstack

from gammaray.utils.errors import (
    DuplicateNameError,
    GeometryMismatchError,
    InvalidModelError,
)

from .utils import make_dataset_name

__all__ = ["Dataset", "Datasets", "DATASET_REGISTRY", "UnknownDatasetError"]

log = logging.getLogger(__name__)


class UnknownDatasetError(InvalidModelError, KeyError):
    """A model refers (via ``datasets_names``) to datasets that do not exist."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


class _DatasetRegistry(dict):
    """Dataset classes by tag (the ``type:`` entry of ``datasets.yaml``)."""

    def register(self, cls):
        tags = cls.tag if isinstance(cls.tag, list | tuple) else [cls.tag]
        for tag in tags:
            self[tag] = cls
        return cls

    def get_cls(self, tag):
        try:
            return self[tag]
        except KeyError:
            raise InvalidModelError(
                f"Unknown dataset type {tag!r}; known types: {sorted(self)}."
            ) from None


#: Registry of dataset classes by tag (filled by subclasses defining ``tag``).
DATASET_REGISTRY = _DatasetRegistry()


class Dataset:
    """Base class of datasets: data, IRFs, models and a fit statistic.

    Subclasses define ``tag`` (registered in `DATASET_REGISTRY`),
    ``stat_type``, ``stat_array()`` and ``_counts_statistic``.
    """

    tag = None
    stat_type = None
    _stat_type_names = {"cash": "cash", "wstat": "wstat", "chi2": "chi2"}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "tag" in vars(cls) and cls.tag:
            DATASET_REGISTRY.register(cls)

    @property
    def name(self):
        """Dataset name (str)."""
        return self._name

    @property
    def type(self):
        """Dataset type: the class tag (str)."""
        return self.tag

    @property
    def mask(self):
        """Combined fit and safe mask (`~gammaray.maps.Map` or None)."""
        mask_safe, mask_fit = self.mask_safe, self.mask_fit
        if mask_safe is not None and mask_fit is not None:
            return mask_safe.copy(data=mask_safe.data & mask_fit.data)
        if mask_fit is not None:
            return mask_fit
        return mask_safe

    def stat_array(self):
        """Statistic per bin (`~numpy.ndarray`)."""
        raise NotImplementedError(
            f"{type(self).__name__} does not define stat_array()."
        )

    def _stat_sum_likelihood(self):
        stat = self.stat_array()
        mask = self.mask
        if mask is not None:
            stat = stat[mask.data]
        return float(np.sum(stat, dtype=float))

    def stat_sum(self):
        """Total statistic of the dataset, including the priors of its parameters (float)."""
        total = self._stat_sum_likelihood()
        pars = self._model_parameters_list()
        if any(p.prior is not None for p in pars):
            total += _prior_stat_sum(self.models.parameters)
        return total

    def _model_parameters_list(self):
        """Parameter objects of the models (list, cached per models assignment)."""
        models = getattr(self, "models", None)
        if models is None:
            return []
        cache = getattr(self, "_parameters_list", None)
        if cache is None or cache[0] is not models:
            cache = (models, list(models.parameters))
            self._parameters_list = cache
        return cache[1]

    def copy(self, name=None):
        """Deep copy with a new name (a unique one if None)."""
        new = copy.deepcopy(self)
        new._name = make_dataset_name(name)
        if getattr(new, "_models", None) is not None:
            new.models = None
        return new

    @staticmethod
    def _compute_residuals(data, model, method="diff"):
        with np.errstate(invalid="ignore", divide="ignore"):
            if method == "diff":
                return data - model
            if method == "diff/model":
                return (data - model) / model
            if method == "diff/sqrt(model)":
                return (data - model) / np.sqrt(model)
        raise ValueError(
            f"Invalid residuals method {method!r}; choose 'diff', 'diff/model' or "
            "'diff/sqrt(model)'."
        )


def _prior_stat_sum(parameters):
    """Prior contribution, computed only when a parameter carries a prior."""
    if not any(p.prior is not None for p in parameters):
        return 0.0
    return float(parameters.prior_stat_sum())


class Datasets(collections.abc.MutableSequence):
    """A list of datasets with unique names; their statistics add (joint likelihood).

    Parameters
    ----------
    datasets : `Dataset`, list of `Dataset` or `Datasets`, optional
        Datasets.
    """

    def __init__(self, datasets=None):
        if datasets is None:
            datasets = []
        if isinstance(datasets, Datasets):
            datasets = list(datasets._datasets)
        elif isinstance(datasets, Dataset):
            datasets = [datasets]
        elif not isinstance(datasets, list | tuple):
            raise TypeError(f"Invalid type {type(datasets).__name__} for Datasets.")
        self._datasets = []
        for dataset in datasets:
            self.append(dataset)

    # ------------------------------------------------------------------
    # list protocol
    # ------------------------------------------------------------------
    def _check_new(self, dataset, ignore=None):
        if not isinstance(dataset, Dataset):
            raise TypeError(
                f"Datasets holds Dataset objects, got {type(dataset).__name__}."
            )
        names = [d.name for i, d in enumerate(self._datasets) if i != ignore]
        if dataset.name in names:
            raise DuplicateNameError(
                f"Dataset names must be unique; {dataset.name!r} is already in "
                f"{names}. Use dataset.copy(name=...) to rename it."
            )

    def index(self, key):
        """Position of a dataset given by name, index or object (int)."""
        if isinstance(key, str):
            names = self.names
            if key not in names:
                raise KeyError(f"No dataset named {key!r}; available: {names}.")
            return names.index(key)
        if isinstance(key, int | np.integer):
            return int(key)
        if isinstance(key, Dataset):
            return self._datasets.index(key)
        raise TypeError(f"Invalid dataset key {key!r}.")

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self.__class__(self._datasets[key])
        if isinstance(key, list | tuple | np.ndarray):
            key = np.asarray(key)
            if key.dtype == bool:
                return self.__class__([d for d, k in zip(self._datasets, key) if k])
            return self.__class__([self[k] for k in key.tolist()])
        return self._datasets[self.index(key)]

    def __setitem__(self, key, dataset):
        idx = self.index(key)
        self._check_new(dataset, ignore=idx)
        self._datasets[idx] = dataset

    def __delitem__(self, key):
        del self._datasets[self.index(key)]

    def __len__(self):
        return len(self._datasets)

    def insert(self, idx, dataset):
        """Insert a dataset at position ``idx``."""
        self._check_new(dataset)
        self._datasets.insert(idx, dataset)

    # ------------------------------------------------------------------
    @property
    def names(self):
        """Dataset names (list of str)."""
        return [d.name for d in self._datasets]

    @property
    def models(self):
        """Unique models of all datasets (`~gammaray.modeling.models.DatasetModels`)."""
        from gammaray.modeling.models import DatasetModels

        models = {}
        for dataset in self._datasets:
            if dataset.models is not None:
                for model in dataset.models:
                    models.setdefault(id(model), model)
        return DatasetModels(list(models.values()))

    @models.setter
    def models(self, models):
        from gammaray.modeling.models import DatasetModels

        if models is not None:
            models = DatasetModels(models)
            names = set(self.names)
            for model in models:
                wanted = getattr(model, "datasets_names", None)
                if wanted is None:
                    continue
                if not set(wanted) & names:
                    raise UnknownDatasetError(
                        f"Model {model.name!r} refers to dataset(s) {list(wanted)}, but "
                        f"the datasets are named {self.names}. Fix its "
                        "'datasets_names' (or the dataset names)."
                    )
                unknown = sorted(set(wanted) - names)
                if unknown:
                    log.warning(
                        "Model %r refers to unknown dataset(s) %s.", model.name, unknown
                    )
        for dataset in self._datasets:
            dataset.models = models

    @property
    def parameters(self):
        """Unique parameters of all models (`~gammaray.modeling.Parameters`)."""
        return self.models.parameters.unique_parameters

    def stat_sum(self):
        """Total statistic: sum over datasets plus the priors counted once (float)."""
        total = 0.0
        for dataset in self._datasets:
            total += dataset._stat_sum_likelihood()
        has_prior = False
        for dataset in self._datasets:
            if any(p.prior is not None for p in dataset._model_parameters_list()):
                has_prior = True
                break
        if has_prior:
            from gammaray.modeling import Parameters

            models = [d.models for d in self._datasets if d.models is not None]
            pars = Parameters.from_stack([m.parameters for m in models])
            total += _prior_stat_sum(pars.unique_parameters)
        return total

    # ------------------------------------------------------------------
    @property
    def is_all_same_type(self):
        """Whether all datasets are of the same type (bool)."""
        return len({type(d) for d in self._datasets}) <= 1

    @property
    def is_all_same_shape(self):
        """Whether all datasets have the same data shape (bool)."""
        return len({tuple(d.data_shape) for d in self._datasets}) <= 1

    @property
    def is_all_same_energy_shape(self):
        """Whether all datasets have the same number of energy bins (bool)."""
        return len({tuple(d.data_shape)[0] for d in self._datasets}) <= 1

    @property
    def energy_axes_are_aligned(self):
        """Whether the energy bin edges of all datasets coincide with those of the first (bool)."""
        axes = [d._geom.axes["energy"] for d in self._datasets]
        if not axes:
            return True
        ref = axes[0].edges
        for axis in axes[1:]:
            if axis.edges.shape != ref.shape or not np.allclose(
                axis.edges.to_value(ref.unit), ref.value, rtol=1e-6
            ):
                return False
        return True

    @property
    def contributes_to_stat(self):
        """Whether each dataset has unmasked bins (`~numpy.ndarray` of bool)."""
        out = []
        for dataset in self._datasets:
            mask = dataset.mask
            out.append(True if mask is None else bool(np.any(mask.data)))
        return np.array(out, dtype=bool)

    @property
    def gti(self):
        """Combined GTIs of the datasets (`~gammaray.data.GTI` or None)."""
        gtis = [d.gti for d in self._datasets if getattr(d, "gti", None) is not None]
        if not gtis:
            return None
        gti = gtis[0].copy()
        for other in gtis[1:]:
            gti = gti.stack(other)
        return gti

    @property
    def meta_table(self):
        """Stacked meta tables of the datasets (`~astropy.table.Table` or None)."""
        tables = [d.meta_table for d in self._datasets if d.meta_table is not None]
        if not tables:
            return None
        return vstack(tables, metadata_conflicts="silent")

    def stack_reduce(self, name=None, nan_to_num=True):
        """Stack all datasets into one (of the type of the first).

        Parameters
        ----------
        name : str, optional
            Name of the stacked dataset.
        nan_to_num : bool
            Replace NaN values by zero in the stacked data.

        Returns
        -------
        dataset : `Dataset`
            Stacked dataset.
        """
        if not self.is_all_same_type:
            raise GeometryMismatchError(
                "stack_reduce needs datasets of one type; got "
                f"{sorted({type(d).__name__ for d in self._datasets})}."
            )
        if len(self) == 0:
            raise ValueError("Cannot stack an empty Datasets object.")
        first = self._datasets[0]
        stacked = (
            first.__class__.from_geoms(**first.geoms, name=name)
            if hasattr(first, "geoms")
            else first.copy(name=name)
        )
        for dataset in self._datasets:
            stacked.stack(dataset, nan_to_num=nan_to_num)
        return stacked

    def info_table(self, cumulative=False):
        """Table of `info_dict` per dataset (cumulative: of the stacks of the first n).

        Parameters
        ----------
        cumulative : bool
            Stack the datasets successively.

        Returns
        -------
        table : `~astropy.table.Table`
            One row per dataset.
        """
        if not cumulative:
            rows = [d.info_dict() for d in self._datasets]
        else:
            rows = []
            stacked = None
            for dataset in self._datasets:
                if stacked is None:
                    stacked = (
                        dataset.to_masked(name="stacked")
                        if hasattr(dataset, "to_masked")
                        else dataset.copy(name="stacked")
                    )
                else:
                    stacked.stack(dataset)
                rows.append(stacked.info_dict())
        return _rows_to_table(rows)

    def select_time(self, time_min, time_max, atol="1e-6 s"):
        """Datasets whose GTIs lie within ``[time_min, time_max]`` (within ``atol``).

        Parameters
        ----------
        time_min, time_max : `~astropy.time.Time`
            Time interval.
        atol : `~astropy.units.Quantity`
            Tolerance.

        Returns
        -------
        datasets : `Datasets`
            Selected datasets.
        """
        atol = u.Quantity(atol)
        selected = []
        for dataset in self._datasets:
            gti = dataset.gti
            if gti is None or len(gti.table) == 0:
                continue
            start, stop = gti.time_start.min(), gti.time_stop.max()
            if (start >= time_min - atol) and (stop <= time_max + atol):
                selected.append(dataset)
        return self.__class__(selected)

    def slice_by_energy(self, energy_min=None, energy_max=None):
        """Slice every dataset by reconstructed energy (names kept)."""
        out = []
        for dataset in self._datasets:
            try:
                sliced = dataset.slice_by_energy(
                    energy_min=energy_min, energy_max=energy_max, name=dataset.name
                )
            except ValueError as exc:
                log.info("Dataset %s skipped in slice_by_energy: %s", dataset.name, exc)
                continue
            out.append(sliced)
        return self.__class__(out)

    def copy(self):
        """Deep copy (`Datasets`)."""
        return copy.deepcopy(self)

    # ------------------------------------------------------------------
    @classmethod
    def read(
        cls, filename, filename_models=None, lazy=True, cache=True, checksum=False
    ):
        """Read datasets (YAML index + one FITS file per dataset) and, optionally, models.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            ``datasets.yaml`` file; relative file names in it are resolved next to it.
        filename_models : str or `~pathlib.Path`, optional
            Models YAML file.
        lazy : bool
            Lazy loading (accepted for compatibility; data are read at once).
        cache : bool
            Cache the data (accepted for compatibility).
        checksum : bool
            Verify the FITS checksums.

        Returns
        -------
        datasets : `Datasets`
            Datasets.
        """
        from .io import read_datasets

        return read_datasets(
            cls, filename, filename_models, lazy=lazy, cache=cache, checksum=checksum
        )

    def write(
        self,
        filename,
        filename_models=None,
        overwrite=False,
        write_covariance=True,
        checksum=False,
    ):
        """Write the datasets (YAML index + one FITS file per dataset) and models.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            ``datasets.yaml`` file; FITS files ``<stem>_data_<name>.fits`` next to it.
        filename_models : str or `~pathlib.Path`, optional
            Models YAML file.
        overwrite : bool
            Replace existing files.
        write_covariance : bool
            Write the model covariance next to the models file.
        checksum : bool
            Add FITS checksums.
        """
        from .io import write_datasets

        write_datasets(
            self,
            filename,
            filename_models,
            overwrite=overwrite,
            write_covariance=write_covariance,
            checksum=checksum,
        )

    def __str__(self):
        lines = ["Datasets", "--------", ""]
        for idx, dataset in enumerate(self._datasets):
            lines.append(f"Dataset {idx}: ")
            lines.append("")
            lines.append(f"  Type       : {dataset.tag}")
            lines.append(f"  Name       : {dataset.name}")
            try:
                instrument = dataset.meta_table["TELESCOP"][0]
            except (TypeError, KeyError, IndexError):
                instrument = ""
            lines.append(f"  Instrument : {instrument}")
            models = dataset.models.names if dataset.models is not None else []
            lines.append(f"  Models     : {models}")
            lines.append("")
        return "\n".join(lines)

    def __repr__(self):
        return f"{type(self).__name__}(names={self.names})"


def _rows_to_table(rows):
    if not rows:
        return Table()
    names = list(rows[0].keys())
    columns = {}
    for name in names:
        values = [row.get(name) for row in rows]
        if all(isinstance(v, u.Quantity) for v in values):
            columns[name] = u.Quantity(values)
        else:
            columns[name] = values
    return Table(columns)
