"""Model collections: `DatasetModels` and `Models`, with YAML and covariance I/O."""

import collections.abc
import logging
from datetime import UTC
from pathlib import Path

import numpy as np
import yaml
from astropy import units as u
from astropy.table import Table

from gammaray.utils.errors import (
    DuplicateNameError,
    InvalidFileError,
    InvalidModelError,
    InvalidModelFileError,
)
from gammaray.utils.paths import atomic_write, check_overwrite, make_path

from ..covariance import Covariance
from ..parameter import Parameters
from .core import MODEL_REGISTRY, ModelBase
from .cube import FoVBackgroundModel, SkyModel, TemplateNPredModel, make_name

__all__ = ["DatasetModels", "Models"]

log = logging.getLogger(__name__)

_CHILD_ATTRS = (
    "spectral_model",
    "spatial_model",
    "temporal_model",
    "model1",
    "model2",
    "model",
)


def _leaf_models(model):
    """Models that own parameters in their ``_parameters_dict`` (recursively)."""
    yield model
    for attr in _CHILD_ATTRS:
        child = getattr(model, attr, None)
        if isinstance(child, ModelBase):
            yield from _leaf_models(child)


def _version():
    try:
        from importlib.metadata import version

        return version("gammaray")
    except Exception:  # package metadata missing (e.g. source checkout)
        return "unknown"


class DatasetModels(collections.abc.Sequence):
    """Immutable sequence of models with unique names.

    Parameters
    ----------
    models : `SkyModel`, list of models or `DatasetModels`, optional
        Models.
    covariance_data : `~numpy.ndarray`, optional
        Covariance matrix of all (unique) parameters.
    """

    def __init__(self, models=None, covariance_data=None):
        if models is None:
            models = []
        if isinstance(models, DatasetModels):
            if covariance_data is None:
                covariance_data = models.covariance.data
            models = list(models._models)
        elif isinstance(models, ModelBase):
            models = [models]
        models = list(models)
        self._check_names(models)
        self._models = models
        self._covariance = Covariance(self.parameters.unique_parameters)
        if covariance_data is not None:
            self.covariance = covariance_data

    @staticmethod
    def _check_names(models):
        names = [m.name for m in models]
        seen = set()
        dup = sorted({n for n in names if n in seen or seen.add(n)})
        if dup:
            raise DuplicateNameError(
                f"Model names must be unique; duplicated: {dup}. Rename with "
                "model.copy(name=...) or give name= when creating the model."
            )

    # ---- sequence ------------------------------------------------------------
    def __len__(self):
        return len(self._models)

    def __iter__(self):
        return iter(self._models)

    def index(self, key):
        """Position of a model given by name, index or object."""
        if isinstance(key, int | np.integer):
            return int(key)
        if isinstance(key, str):
            names = self.names
            if key not in names:
                raise KeyError(f"No model named {key!r}; available: {names}.")
            return names.index(key)
        if isinstance(key, ModelBase):
            for idx, model in enumerate(self._models):
                if model is key:
                    return idx
            return self.index(key.name)
        raise TypeError(f"Invalid model key {key!r}: use a name, an index or a model.")

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self.__class__(self._models[key])
        if isinstance(key, list | tuple | np.ndarray):
            if len(key) and isinstance(key[0], bool | np.bool_):
                return self.__class__([m for m, k in zip(self._models, key) if k])
            return self.__class__([self._models[self.index(k)] for k in key])
        return self._models[self.index(key)]

    def __contains__(self, key):
        if isinstance(key, str):
            return key in self.names
        return any(m is key for m in self._models)

    @property
    def names(self):
        """Model names (list of str)."""
        return [m.name for m in self._models]

    def __add__(self, other):
        if isinstance(other, ModelBase):
            other = [other]
        return Models([*self._models, *other])

    # ---- parameters and covariance ------------------------------------------
    @property
    def parameters(self):
        """Parameters of all models (`~gammaray.modeling.Parameters`)."""
        return Parameters.from_stack([m.parameters for m in self._models])

    @property
    def parameters_unique_names(self):
        """``"<model>.<type>.<parameter>"`` for every unique parameter."""
        names, seen = [], set()
        for model in self._models:
            for par in model.parameters:
                if id(par) in seen:
                    continue
                seen.add(id(par))
                names.append(f"{model.name}.{par.type}.{par.name}")
        return names

    @property
    def covariance(self):
        """Covariance of the unique parameters (`~gammaray.modeling.Covariance`)."""
        parameters = self.parameters.unique_parameters
        if self._covariance.parameters != parameters:
            covar = (
                Covariance.from_stack([m.covariance for m in self._models])
                if self._models
                else Covariance(parameters)
            )
            full = Covariance(parameters, np.zeros((len(parameters), len(parameters))))
            full.set_subcovariance(covar)
            self._covariance = full
        else:
            for model in self._models:
                self._covariance.set_subcovariance(model.covariance)
        return self._covariance

    @covariance.setter
    def covariance(self, covariance):
        current = self.covariance
        if isinstance(covariance, Covariance):
            current.set_subcovariance(covariance)
        else:
            current.data = covariance
        for model in self._models:
            model.covariance = current.get_subcovariance(
                model.parameters.unique_parameters
            )

    def read_covariance(self, path, filename="_covariance.dat", **kwargs):
        """Read a covariance file (Gammapy layout) into the models.

        Rows are matched to parameters by their ``<model>.<type>.<name>``
        labels (falling back to the file order if the labels do not match).

        Parameters
        ----------
        path : str or `~pathlib.Path`
            Directory.
        filename : str
            File name.
        """
        path = make_path(path) / filename
        kwargs.setdefault("format", "ascii.fixed_width")
        kwargs.setdefault("delimiter", "|")
        try:
            table = Table.read(path, **kwargs)
        except Exception as exc:
            raise InvalidFileError(
                f"Cannot read covariance file {path}: {exc}"
            ) from exc
        columns = [name for name in table.colnames if name != "Parameters"]
        data = np.array([np.asarray(table[c], dtype=float) for c in columns]).T
        parameters = self.parameters.unique_parameters
        names = self.parameters_unique_names
        n = len(parameters)
        if data.shape != (n, n):
            raise InvalidFileError(
                f"Covariance file {path} has a {data.shape} matrix but the models have "
                f"{n} parameters; the file does not belong to these models."
            )
        labels = (
            [str(x).strip() for x in table["Parameters"]]
            if "Parameters" in table.colnames
            else []
        )
        if sorted(labels) == sorted(names) and labels != names:
            idx = np.array([labels.index(name) for name in names])
            data = data[np.ix_(idx, idx)]
        errors = [p.error for p in parameters]
        self.covariance = Covariance(parameters, data)
        for par, error in zip(parameters, errors):
            # keep the exact error of the YAML when it agrees with the diagonal
            if np.isclose(par.error, error, rtol=1e-12, atol=0):
                par.error = error

    def _covariance_table(self):
        table = self.covariance.to_table()
        table["Parameters"] = self.parameters_unique_names
        return table

    def write_covariance(self, filename, overwrite=False, **kwargs):
        """Write the covariance as an ASCII fixed-width table (Gammapy layout)."""
        path = make_path(filename)
        kwargs.setdefault("format", "ascii.fixed_width")
        kwargs.setdefault("delimiter", "|")
        with atomic_write(path, overwrite=overwrite) as tmp:
            self._covariance_table().write(tmp, overwrite=True, **kwargs)

    # ---- freezing, bounds, tables --------------------------------------------
    @property
    def frozen(self):
        """Frozen status of all models (list of bool)."""
        return [m.frozen for m in self._models]

    def freeze(self, model_type=None):
        """Freeze all models (or their components of ``model_type``)."""
        for model in self._models:
            if model_type is None:
                model.freeze()
            else:
                model.freeze(model_type)

    def unfreeze(self, model_type=None):
        """Restore the default frozen status of all models (or of ``model_type`` components)."""
        for model in self._models:
            if model_type is None:
                model.unfreeze()
            else:
                model.unfreeze(model_type)

    def selection_mask(
        self,
        name_substring=None,
        tag=None,
        model_type=None,
        frozen=None,
        datasets_names=None,
    ):
        """Boolean mask of the models matching all criteria (see `select`)."""
        mask = np.ones(len(self), dtype=bool)
        if isinstance(datasets_names, str):
            datasets_names = [datasets_names]
        if isinstance(tag, str):
            tag = [tag]
        for idx, model in enumerate(self._models):
            if name_substring is not None and name_substring not in model.name:
                mask[idx] = False
            if tag is not None:
                tags = []
                for t in ("spectral", "spatial", "temporal"):
                    comp = getattr(model, f"{t}_model", None)
                    if comp is not None:
                        tags += list(comp.tag)
                tags += list(model.tag)
                if not any(t in tags for t in tag):
                    mask[idx] = False
            if (
                model_type is not None
                and getattr(model, f"{model_type}_model", None) is None
            ):
                mask[idx] = False
            if frozen is not None and bool(model.frozen) != bool(frozen):
                mask[idx] = False
            if (
                datasets_names is not None
                and model.datasets_names is not None
                and not set(datasets_names) & set(model.datasets_names)
            ):
                mask[idx] = False
        return mask

    def select(
        self,
        name_substring=None,
        tag=None,
        model_type=None,
        frozen=None,
        datasets_names=None,
    ):
        """Select models.

        Parameters
        ----------
        name_substring : str, optional
            Part of the name.
        tag : str or list of str, optional
            Tag of the model or one of its components (e.g. ``"PointSpatialModel"``).
        model_type : {"spectral", "spatial", "temporal"}, optional
            Models having a component of this type.
        frozen : bool, optional
            Frozen status.
        datasets_names : str or list of str, optional
            Models that apply to these datasets (models without
            ``datasets_names`` apply to all).

        Returns
        -------
        models : `DatasetModels`
            Selected models (same objects).
        """
        mask = self.selection_mask(
            name_substring, tag, model_type, frozen, datasets_names
        )
        return self.__class__([m for m, k in zip(self._models, mask) if k])

    def select_mask(self, mask, margin="0 deg", use_evaluation_region=True):
        """Models contributing to the True pixels of a mask (see `SkyModel.contributes`)."""
        return self.__class__(
            [m for m in self._models if m.contributes(mask=mask, margin=margin)]
        )

    def select_region(self, regions, wcs=None):
        """Models whose position lies inside any of the sky regions.

        Parameters
        ----------
        regions : `~regions.SkyRegion` or list
            Regions.
        wcs : `~astropy.wcs.WCS`, optional
            WCS used for the containment test (default: a local WCS per region).
        """
        from gammaray.maps import RegionGeom

        if not isinstance(regions, list | tuple):
            regions = [regions]
        selected = []
        for model in self._models:
            pos = getattr(model, "position", None)
            if pos is None:
                continue
            for region in regions:
                geom = (
                    RegionGeom(region, wcs=wcs)
                    if wcs is not None
                    else RegionGeom(region)
                )
                if np.any(geom.contains(pos)):
                    selected.append(model)
                    break
        return self.__class__(selected)

    def to_parameters_table(self):
        """Table of all parameters with a ``model`` column (`~astropy.table.Table`)."""
        rows = []
        for model in self._models:
            table = model.parameters.to_table()
            table.add_column([model.name] * len(table), name="model", index=0)
            rows.append(table)
        if not rows:
            return Table(names=["model", "type", "name", "value", "unit"])
        from astropy.table import vstack

        return vstack(rows, metadata_conflicts="silent")

    def update_parameters_from_table(self, t):
        """Set values, errors, bounds and frozen flags from a `to_parameters_table` table."""
        parameters = self.parameters
        if len(t) != len(parameters):
            raise InvalidModelError(
                f"Table has {len(t)} rows but the models have {len(parameters)} parameters."
            )
        for row, par in zip(t, parameters):
            if row["name"] != par.name:
                raise InvalidModelError(
                    f"Parameter name mismatch: table {row['name']!r} vs model {par.name!r}."
                )
            for key in ("min", "max", "error"):
                if key in t.colnames:
                    setattr(par, key, float(row[key]))
            par.value = float(row["value"])
            if "frozen" in t.colnames:
                par.frozen = bool(row["frozen"])

    def set_parameters_bounds(
        self, tag, model_type, parameters_names=None, min=None, max=None, value=None
    ):
        """Set bounds (and value) of parameters of the models with a given tag.

        Parameters
        ----------
        tag : str or list of str
            Tag of the models (or their components) to modify.
        model_type : {"spectral", "spatial", "temporal"}
            Component type.
        parameters_names : str or list of str, optional
            Parameters (default: all of the component).
        min, max, value : float, optional
            New bounds and value.
        """
        if isinstance(parameters_names, str):
            parameters_names = [parameters_names]
        for model in self.select(tag=tag, model_type=model_type):
            comp = getattr(model, f"{model_type}_model")
            for par in comp.parameters:
                if parameters_names is not None and par.name not in parameters_names:
                    continue
                if min is not None:
                    par.min = min
                if max is not None:
                    par.max = max
                if value is not None:
                    par.value = value

    # ---- templates -----------------------------------------------------------
    def to_template_sky_model(self, geom, spectral_model=None, name=None):
        """Sum of the sky models as a template `SkyModel`.

        Parameters
        ----------
        geom : `~gammaray.maps.WcsGeom`
            Geometry with an ``energy_true`` axis.
        spectral_model : `SpectralModel`, optional
            Norm model (default `PowerLawNormSpectralModel` with tilt frozen).
        name : str, optional
            Name.

        Returns
        -------
        model : `SkyModel`
            Model with a `TemplateSpatialModel` (``cm-2 s-1 TeV-1 sr-1``).
        """
        from gammaray.maps import Map

        from .spatial_template import TemplateSpatialModel
        from .spectral import PowerLawNormSpectralModel

        unit = u.Unit("cm-2 s-1 TeV-1 sr-1")
        data = np.zeros(geom.data_shape)
        for model in self._models:
            if isinstance(model, SkyModel) and model.spatial_model is not None:
                data += model.evaluate_geom(geom).to_value(unit)
        m = Map.from_geom(geom, data=data, unit=unit, dtype=float)
        spatial = TemplateSpatialModel(m, normalize=False)
        if spectral_model is None:
            spectral_model = PowerLawNormSpectralModel()
            spectral_model.tilt.frozen = True
        return SkyModel(spectral_model, spatial, name=name)

    def to_template_spectral_model(self, geom, mask=None):
        """Sum of the models' flux inside a mask as a `TemplateSpectralModel`.

        Parameters
        ----------
        geom : `~gammaray.maps.WcsGeom`
            Geometry with an ``energy_true`` axis.
        mask : `~gammaray.maps.Map` or `~numpy.ndarray`, optional
            Spatial mask (default: the whole geometry).

        Returns
        -------
        model : `TemplateSpectralModel`
            ``dN/dE`` at the energy bin centres.
        """
        from .spectral_template import TemplateSpectralModel

        axis = geom.axes["energy_true"]
        energy = axis.center
        dnde = u.Quantity(np.zeros(len(energy)), "cm-2 s-1 TeV-1")
        if mask is None:
            mask = np.ones(geom.to_image().data_shape, dtype=bool)
        mask = np.asarray(getattr(mask, "data", mask), dtype=bool)
        for model in self._models:
            if not isinstance(model, SkyModel):
                continue
            spectrum = model.spectral_model(energy)
            if model.spatial_model is None:
                dnde += spectrum
                continue
            spatial = np.asarray(model.spatial_model.integrate_geom(geom).data)
            weights = np.broadcast_to(
                spatial * mask, (len(energy),) + spatial.shape[-2:]
            )
            dnde += spectrum * weights.sum(axis=(-1, -2))
        return TemplateSpectralModel(energy=energy, values=dnde)

    # ---- serialisation -------------------------------------------------------
    def _set_link_labels(self):
        counts = {}
        for model in self._models:
            for par in model.parameters.unique_parameters:
                counts.setdefault(id(par), [par, 0])[1] += 1
        for par, count in counts.values():
            if count > 1 and par._link_label_io is None:
                par._link_label_io = f"{par.name}@{make_name()}"

    def to_dict(self, full_output=False, overwrite_templates=False):
        """Models as a dict ``{"components": [...]}`` (Gammapy YAML layout)."""
        self._set_link_labels()
        components = []
        for model in self._models:
            components.append(model.to_dict(full_output=full_output))
            if overwrite_templates:
                self._write_templates(model)
        return {"components": components}

    @staticmethod
    def _write_templates(model):
        for leaf in _leaf_models(model):
            has_data = hasattr(leaf, "map") or hasattr(leaf, "table")
            if getattr(leaf, "filename", None) and hasattr(leaf, "write") and has_data:
                leaf.write(overwrite=True)
        if isinstance(model, TemplateNPredModel) and model.filename:
            model.write(overwrite=True)

    @classmethod
    def from_dict(cls, data, path=""):
        """Create from a dict (``components``, optional ``covariance`` file name).

        Parameters
        ----------
        data : dict
            Model dict.
        path : str or `~pathlib.Path`
            Directory of the covariance file.
        """
        if not isinstance(data, dict) or "components" not in data:
            raise InvalidModelFileError(
                "A model file must be a mapping with a 'components' list."
            )
        models = []
        base = (SkyModel, FoVBackgroundModel, TemplateNPredModel)
        for component in data["components"] or []:
            component = _resolve_filenames(component, path)
            tag = component.get("type", "SkyModel")
            model_cls = MODEL_REGISTRY.kinds["sky"].get(tag)
            if model_cls is None and tag not in MODEL_REGISTRY.tags():
                MODEL_REGISTRY.kinds["sky"].get_cls(tag)  # raises UnknownModelTagError
            if model_cls is None or not issubclass(model_cls, base):
                raise InvalidModelFileError(
                    f"Component {component.get('name')!r} has type {tag!r}, which is not "
                    "a sky model; use SkyModel, FoVBackgroundModel or TemplateNPredModel."
                )
            models.append(model_cls.from_dict(component))
        models = cls(models)
        models._link_parameters()
        errors = np.array([p.error for p in models.parameters.unique_parameters])
        models.covariance = np.diag(errors**2)
        if data.get("covariance"):
            filename = data["covariance"]
            full = make_path(path) / filename
            if full.exists():
                models.read_covariance(make_path(path), filename)
            else:
                log.warning("Covariance file %s not found; covariance not read.", full)
        return models

    def _link_parameters(self):
        labels = {}
        for model in self._models:
            for leaf in _leaf_models(model):
                pars = getattr(leaf, "_parameters_dict", {})
                for name, par in list(pars.items()):
                    label = par._link_label_io
                    if label is None:
                        continue
                    if label in labels:
                        pars[name] = labels[label]
                    else:
                        labels[label] = par
        self._covariance = Covariance(self.parameters.unique_parameters)

    def to_yaml(self, full_output=False, overwrite_templates=False):
        """Models as a YAML string."""
        data = self.to_dict(
            full_output=full_output, overwrite_templates=overwrite_templates
        )
        return yaml.dump(
            data, sort_keys=False, indent=4, width=80, default_flow_style=False
        )

    @classmethod
    def from_yaml(cls, yaml_str, path=""):
        """Create from a YAML string (read with ``yaml.safe_load``)."""
        try:
            data = yaml.safe_load(yaml_str)
        except yaml.YAMLError as exc:
            raise InvalidModelFileError(f"Invalid YAML: {exc}") from exc
        return cls.from_dict(data, path=path)

    @classmethod
    def read(cls, filename, checksum=False):
        """Read a model YAML file (and its covariance file if it names one).

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            YAML file.
        checksum : bool
            Verify the ``checksum`` entry if present.
        """
        path = make_path(filename)
        text = path.read_text()
        if checksum:
            _verify_checksum(text, path)
        return cls.from_yaml(text, path=path.parent)

    def write(
        self,
        path,
        overwrite=False,
        full_output=False,
        overwrite_templates=False,
        write_covariance=True,
        checksum=False,
    ):
        """Write the models to a YAML file (and ``<stem>_covariance.dat``).

        Parameters
        ----------
        path : str or `~pathlib.Path`
            Output file.
        overwrite : bool
            Overwrite existing files.
        full_output : bool
            Write all parameter attributes.
        overwrite_templates : bool
            Also write the template maps of template models.
        write_covariance : bool
            Write the covariance file.
        checksum : bool
            Add a ``checksum`` entry (SHA-256 of the YAML text).
        """
        path = make_path(path)
        check_overwrite(path, overwrite)
        data = self.to_dict(
            full_output=full_output, overwrite_templates=overwrite_templates
        )
        if write_covariance and len(self.parameters):
            cov_name = f"{path.stem}_covariance.dat"
            self.write_covariance(path.parent / cov_name, overwrite=overwrite)
            data["covariance"] = cov_name
        from datetime import datetime

        data["metadata"] = {
            "creator": f"gammaray {_version()}",
            "date": datetime.now(UTC).replace(tzinfo=None).isoformat(),
            "origin": None,
        }
        text = yaml.dump(
            data, sort_keys=False, indent=4, width=80, default_flow_style=False
        )
        if checksum:
            text += f"checksum: {_checksum(text)}\n"
        with atomic_write(path, overwrite=overwrite, mode="w") as tmp:
            Path(tmp).write_text(text)

    # ---- misc ----------------------------------------------------------------
    def copy(self, copy_data=True):
        """Deep copy (the models keep their names)."""
        import copy as _copy

        return self.__class__(_copy.deepcopy(self._models))

    @property
    def positions(self):
        """Positions of the models with one (`~astropy.coordinates.SkyCoord`)."""
        from astropy.coordinates import SkyCoord

        positions = [
            m.position for m in self._models if getattr(m, "position", None) is not None
        ]
        return SkyCoord(positions) if positions else None

    def __str__(self):
        lines = [f"{type(self).__name__}", ""]
        for idx, model in enumerate(self._models):
            lines.append(f"Component {idx}: {model}")
        return "\n".join(lines)

    def __repr__(self):
        return f"{type(self).__name__}({self.names})"


def _resolve_filenames(component, path):
    """Make relative template file names relative to the model file's folder."""
    if not path:
        return component
    base = make_path(path)

    def resolve(entry):
        filename = entry.get("filename")
        if filename and not make_path(filename).is_absolute():
            candidate = base / make_path(filename)
            if candidate.exists():
                entry = {**entry, "filename": str(candidate)}
        return entry

    component = resolve(dict(component))
    for key in ("spatial", "temporal", "spectral"):
        if isinstance(component.get(key), dict):
            component[key] = resolve(component[key])
    return component


def _checksum(text):
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def _verify_checksum(text, path):
    import warnings

    from gammaray.utils.errors import FormatWarning

    lines = text.splitlines(keepends=True)
    body = [ln for ln in lines if not ln.startswith("checksum:")]
    found = [ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("checksum:")]
    if not found:
        warnings.warn(f"{path}: no checksum entry to verify.", FormatWarning)
        return
    if _checksum("".join(body)) != found[0]:
        warnings.warn(
            f"{path}: checksum mismatch; the file was modified after it was written.",
            FormatWarning,
        )


class Models(DatasetModels, collections.abc.MutableSequence):
    """Mutable collection of models with unique names.

    Parameters
    ----------
    models : `SkyModel`, list of models or `DatasetModels`, optional
        Models.
    covariance_data : `~numpy.ndarray`, optional
        Covariance matrix of all (unique) parameters.
    """

    def __delitem__(self, key):
        del self._models[self.index(key)]

    def __setitem__(self, key, model):
        idx = self.index(key) if not isinstance(key, str) or key in self.names else None
        models = list(self._models)
        if idx is None:
            models.append(model)
        else:
            models[idx] = model
        self._check_names(models)
        self._models = models

    def insert(self, idx, model):
        """Insert a model (its name must be new)."""
        models = list(self._models)
        models.insert(idx, model)
        self._check_names(models)
        self._models = models

    def append(self, model):
        """Append a model (its name must be new)."""
        self.insert(len(self._models), model)

    def extend(self, models):
        """Append several models."""
        for model in models:
            self.append(model)

    def remove(self, model):
        """Remove a model (by name or object)."""
        del self[self.index(model)]
