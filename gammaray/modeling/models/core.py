"""Model base class, model registry and dict (YAML) serialisation.

Every model class declares its parameters as class attributes::

    class PowerLawSpectralModel(SpectralModel):
        tag = ["PowerLawSpectralModel", "pl"]
        index = Parameter("index", 2.0)
        amplitude = Parameter("amplitude", "1e-12 cm-2 s-1 TeV-1", is_norm=True)

Each instance gets its own copies of these defaults. Classes that define a
``tag`` are registered in `MODEL_REGISTRY` under every tag, in the
registry of their kind (spectral, spatial, temporal, prior, sky).
"""

import copy
import logging

import numpy as np
from astropy import units as u

from gammaray.utils.errors import (
    InvalidModelError,
    InvalidModelFileError,
    UnitMismatchError,
    UnknownModelTagError,
)

from ..covariance import Covariance
from ..parameter import Parameter, Parameters

__all__ = ["ModelBase", "Registry", "ModelRegistry", "MODEL_REGISTRY"]

log = logging.getLogger(__name__)


class Registry(dict):
    """Registry of model classes of one kind, keyed by tag.

    ``registry.get_cls(tag)`` returns the class; unknown tags raise
    `~gammaray.utils.errors.UnknownModelTagError`.
    """

    def register(self, cls):
        """Register ``cls`` under every entry of ``cls.tag``; returns ``cls``."""
        for tag in _tags(cls):
            self[tag] = cls
        return cls

    def get_cls(self, tag, base=None):
        """Class registered under ``tag``.

        Parameters
        ----------
        tag : str
            Model tag (e.g. ``"PowerLawSpectralModel"`` or ``"pl"``).
        base : type, optional
            Required base class (e.g. ``SpectralModel``).
        """
        try:
            cls = self[tag]
        except KeyError:
            raise UnknownModelTagError(
                f"Unknown model tag {tag!r}. Registered tags: {sorted(self.tags(base))}."
            ) from None
        _check_base(tag, cls, base)
        return cls

    def tags(self, base=None):
        """All tags, optionally only those of subclasses of ``base``."""
        return [t for t, c in self.items() if base is None or issubclass(c, base)]

    def __str__(self):
        lines = ["Registry", "--------"]
        classes = {}
        for tag, cls in self.items():
            classes.setdefault(cls, []).append(tag)
        for cls, tags in classes.items():
            lines.append(f"{cls.__name__:45s} (type: {cls.type}) tags: {tags}")
        return "\n".join(lines)


def _tags(cls):
    return [cls.tag] if isinstance(cls.tag, str) else list(cls.tag)


def _check_base(tag, cls, base):
    if base is not None and not issubclass(cls, base):
        raise UnknownModelTagError(
            f"Model tag {tag!r} names a {cls.type} model ({cls.__name__}), "
            f"expected a subclass of {base.__name__}."
        )


#: Model ``type`` -> registry kind (sky-like models share one kind).
_KIND_OF_TYPE = {"fov-bkg": "sky", "template-npred": "sky"}


def _kind(cls):
    return _KIND_OF_TYPE.get(cls.type, cls.type or "other")


class ModelRegistry(Registry):
    """Registry of all model classes, with one `Registry` per model kind.

    As in Gammapy, short aliases are unique only within a kind: ``"gauss"`` is
    both `~gammaray.modeling.models.GaussianSpatialModel` and
    `~gammaray.modeling.models.GaussianTemporalModel`. The per-kind registries
    (``registry.kinds["spectral"]``, exported as ``SPECTRAL_MODEL_REGISTRY``
    etc.) resolve every tag. This flat mapping holds every tag that is unique
    across kinds; ``get_cls`` with a ``base`` class looks the tag up in that
    base's kind, and without one refuses an ambiguous alias with a message
    naming its candidates.
    """

    def __init__(self):
        super().__init__()
        self.kinds = {
            kind: Registry()
            for kind in ("spectral", "spatial", "temporal", "prior", "sky")
        }
        self._shared = {}

    def register(self, cls):
        """Register ``cls`` in its kind and in the flat mapping; returns ``cls``."""
        self.kinds.setdefault(_kind(cls), Registry()).register(cls)
        for tag in _tags(cls):
            if tag in self._shared:
                self._shared[tag][_kind(cls)] = cls
                continue
            other = self.get(tag)
            if other is None or _kind(other) == _kind(cls):
                self[tag] = cls
            else:
                del self[tag]
                self._shared[tag] = {_kind(other): other, _kind(cls): cls}
        return cls

    def get_cls(self, tag, base=None):
        """Class registered under ``tag``, in the kind of ``base`` if given.

        Parameters
        ----------
        tag : str
            Model tag (e.g. ``"PowerLawSpectralModel"``, ``"pl"``, ``"gauss"``).
        base : type, optional
            Required base class (e.g. ``SpectralModel``); its ``type`` selects
            the per-kind registry, so shared aliases resolve.
        """
        kind = _kind(base) if base is not None and base.type is not None else None
        if kind in self.kinds:
            registry = self.kinds[kind]
            if tag not in registry and tag in self:
                _check_base(tag, self[tag], base)
            return registry.get_cls(tag, base=base)
        if tag in self._shared:
            candidates = ", ".join(
                f"{c.__name__} ({k})" for k, c in self._shared[tag].items()
            )
            raise UnknownModelTagError(
                f"Model tag {tag!r} is shared by several model kinds: {candidates}. "
                f"Use the full class name or the registry of the kind, e.g. "
                f"SPATIAL_MODEL_REGISTRY.get_cls({tag!r})."
            )
        return super().get_cls(tag, base=base)

    def tags(self, base=None):
        """All tags (shared aliases included), optionally of subclasses of ``base``."""
        tags = [t for reg in self.kinds.values() for t in reg.tags(base)]
        return list(dict.fromkeys(tags))

    def __str__(self):
        lines = []
        for kind, reg in self.kinds.items():
            lines += [f"{kind} models:", str(reg).split("\n", 2)[-1], ""]
        return "\n".join(lines).rstrip()


#: Registry of all model classes, with per-kind registries in ``.kinds``.
MODEL_REGISTRY = ModelRegistry()


class _ParameterDescriptor:
    """Attribute access to a model's parameter (``model.index``)."""

    def __init__(self, name):
        self.name = name

    def __get__(self, obj, owner):
        if obj is None:
            return owner._default_parameters_dict[self.name]
        return obj._parameters_dict[self.name]

    def __set__(self, obj, value):
        if isinstance(value, Parameter):
            if value.name != self.name:
                raise InvalidModelError(
                    f"Cannot set parameter {self.name!r} to a Parameter named "
                    f"{value.name!r}."
                )
            obj._parameters_dict[self.name] = value
            return
        _set_parameter_value(obj._parameters_dict[self.name], value)


def _set_parameter_value(par, value):
    if isinstance(value, u.Quantity | str):
        par.quantity = value
    else:
        par.value = value


def _equal(a, b):
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


class ModelBase:
    """Base class of all models.

    Parameters
    ----------
    **kwargs : float, str, `~astropy.units.Quantity` or `~gammaray.modeling.Parameter`
        Parameter values by name. Numbers are in the default unit of the
        parameter; strings (``"1e-12 TeV-1 cm-2 s-1"``) and Quantities set the
        unit too (it must have the same physical type); a `Parameter` object
        is used as is (which links it between models).
    """

    #: Tags under which the class is registered (first is written to files).
    tag = None
    #: Model type ("spectral", "spatial", "temporal", "prior", ...).
    type = None
    _default_parameters_dict = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        pars = {}
        for base in reversed(cls.__bases__):
            pars.update(getattr(base, "_default_parameters_dict", {}))
        for key, value in list(vars(cls).items()):
            if isinstance(value, Parameter):
                if key != value.name:
                    raise InvalidModelError(
                        f"Parameter attribute {key!r} of {cls.__name__} has name "
                        f"{value.name!r}; they must agree."
                    )
                pars.pop(key, None)
                pars[key] = value
                setattr(cls, key, _ParameterDescriptor(key))
        cls._default_parameters_dict = pars
        if "tag" in vars(cls) and cls.tag:
            MODEL_REGISTRY.register(cls)

    def __init__(self, **kwargs):
        self._parameters_dict = {}
        for name, default in self._default_parameters_dict.items():
            if name in kwargs:
                value = kwargs.pop(name)
                if isinstance(value, Parameter):
                    if value.name != name:
                        raise InvalidModelError(
                            f"Parameter given for {name!r} is named {value.name!r}."
                        )
                    par = value
                else:
                    par = default.copy()
                    _set_parameter_value(par, value)
            else:
                par = default.copy()
            if self.type is not None:
                par.type = self.type
            self._parameters_dict[name] = par
        if kwargs:
            raise InvalidModelError(
                f"{type(self).__name__} got unknown arguments {sorted(kwargs)}; "
                f"its parameters are {list(self._default_parameters_dict)}."
            )
        self._covariance = Covariance(self.parameters)

    def __getattr__(self, name):
        # parameters created per instance (piecewise norms, template axes)
        pars = self.__dict__.get("_parameters_dict", {})
        if name in pars:
            return pars[name]
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}"
        )

    # ---- parameters ----------------------------------------------------------
    @property
    def parameters(self):
        """Parameters of the model (`~gammaray.modeling.Parameters`)."""
        return Parameters(list(self._parameters_dict.values()))

    @classmethod
    def default_parameters(cls):
        """Copies of the class default parameters (`~gammaray.modeling.Parameters`)."""
        return Parameters([p.copy() for p in cls._default_parameters_dict.values()])

    @classmethod
    def from_parameters(cls, parameters, **kwargs):
        """Create a model using the given parameter objects (matched by name)."""
        pars = {p.name: p for p in parameters}
        return cls(**pars, **kwargs)

    @property
    def frozen(self):
        """True if all parameters are frozen."""
        return bool(np.all(self.parameters.frozen))

    def freeze(self):
        """Freeze all parameters."""
        self.parameters.freeze_all()

    def unfreeze(self):
        """Restore the default frozen status of every parameter.

        Parameters that are frozen by default (e.g. the reference energy)
        stay frozen.
        """
        defaults = self._all_default_frozen()
        for par in self.parameters:
            par.frozen = defaults.get(id(par), False)

    def _all_default_frozen(self):
        return {
            id(par): self._default_parameters_dict[name].frozen
            for name, par in self._parameters_dict.items()
        }

    # ---- covariance ----------------------------------------------------------
    @property
    def covariance(self):
        """Covariance of the model parameters (`~gammaray.modeling.Covariance`)."""
        parameters = self.parameters
        if self._covariance.parameters != parameters:
            covar = Covariance(parameters)
            covar.set_subcovariance(self._covariance)
            self._covariance = covar
        return self._covariance

    @covariance.setter
    def covariance(self, covariance):
        current = self.covariance
        if isinstance(covariance, Covariance):
            current.set_subcovariance(covariance)
        else:
            current.data = covariance
        diag = np.clip(np.diag(current.data), 0, None)
        for par, var in zip(current.parameters, diag):
            par.error = np.sqrt(var)

    # ---- serialisation -------------------------------------------------------
    def _defaults_by_name(self):
        return {name: p.to_dict() for name, p in self._default_parameters_dict.items()}

    def _parameters_to_dict(self, full_output=False):
        params = self.parameters.to_dict()
        if full_output:
            return params
        defaults = self._defaults_by_name()
        compact = []
        for par in params:
            default = defaults.get(par["name"], {})
            item = {}
            for key, value in par.items():
                if key in ("name", "value"):
                    item[key] = value
                elif key == "unit":
                    if value != "":
                        item[key] = value
                elif key in ("link", "prior") or not (
                    key in default and _equal(default[key], value)
                ):
                    item[key] = value
            compact.append(item)
        return compact

    def to_dict(self, full_output=False):
        """Model as a dict in the Gammapy YAML layout.

        Parameters
        ----------
        full_output : bool
            Write every parameter attribute; by default attributes equal to
            the class defaults are left out (as Gammapy does).

        Returns
        -------
        data : dict
            ``{type: {"type": tag, "parameters": [...]}}``.
        """
        data = {
            "type": self.tag[0],
            "parameters": self._parameters_to_dict(full_output=full_output),
        }
        return {self.type: data}

    @classmethod
    def _unwrap_dict(cls, data):
        data = dict(data)
        if cls.type is not None and isinstance(data.get(cls.type), dict):
            return dict(data[cls.type])
        if "type" not in data and len(data) == 1:
            value = next(iter(data.values()))
            if isinstance(value, dict):
                return dict(value)
        return data

    @classmethod
    def from_dict(cls, data, **kwargs):
        """Create a model from a dict in the Gammapy YAML layout.

        The class is looked up in `MODEL_REGISTRY` from ``data["type"]``; it
        must be a subclass of the class this is called on.

        Parameters
        ----------
        data : dict
            Model dict (``{"type": ..., "parameters": [...]}``, optionally
            wrapped as ``{model_type: {...}}``).
        **kwargs : dict
            Passed on to the model constructor.
        """
        data = cls._unwrap_dict(data)
        if "type" not in data:
            raise InvalidModelFileError(
                f"Model dict has no 'type' entry (keys: {sorted(data)}); add the "
                f"model tag, e.g. type: PowerLawSpectralModel."
            )
        model_cls = MODEL_REGISTRY.get_cls(data["type"], base=cls)
        return model_cls._from_dict(data, **kwargs)

    @classmethod
    def _from_dict(cls, data, **kwargs):
        model = cls(**kwargs)
        model._update_parameters_from_dict(data.get("parameters", []))
        return model

    def _update_parameters_from_dict(self, items):
        pars = self._parameters_dict
        for item in items or []:
            name = item.get("name")
            if name not in pars:
                raise InvalidModelFileError(
                    f"{type(self).__name__} has no parameter {name!r}; its parameters "
                    f"are {list(pars)}."
                )
            pars[name].update_from_dict(item)

    def _check_default_units(self):
        """Raise `UnitMismatchError` if a parameter's unit differs in kind from its default."""
        defaults = self._default_parameters_dict
        for name, par in self._parameters_dict.items():
            default = defaults.get(name)
            if default is not None and not par.unit.is_equivalent(default.unit):
                raise UnitMismatchError(
                    f"{type(self).__name__} parameter {name!r} has unit {par.unit!r}, "
                    f"not convertible to {default.unit!r}; fix the unit in the model file."
                )

    # ---- misc ----------------------------------------------------------------
    def copy(self, **kwargs):
        """Deep copy; keyword arguments set parameter values of the copy."""
        model = copy.deepcopy(self)
        for name, value in kwargs.items():
            setattr(model, name, value)
        return model

    def __str__(self):
        table = self.parameters.to_table()
        table.remove_columns(["type", "link", "prior"])
        lines = table.pformat(max_lines=-1, max_width=-1)
        return f"{type(self).__name__}\n\n" + "\n".join(lines)

    def __repr__(self):
        pars = ", ".join(f"{p.name}={p.quantity:.4g}" for p in self.parameters)
        return f"{type(self).__name__}({pars})"
