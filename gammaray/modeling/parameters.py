"""Collections of parameters: `Parameters` and `PriorParameters`."""

import contextlib
import copy
import numbers

import numpy as np
from astropy.table import Table

from gammaray.utils.errors import EmptySelectionError

__all__ = ["Parameters", "PriorParameters"]


def _unit_string(unit):
    from .parameter import _unit_string

    return _unit_string(unit)


class Parameters:
    """An ordered collection of `Parameter` objects.

    Parameters
    ----------
    parameters : list of `Parameter`, optional
        The parameters.
    """

    def __init__(self, parameters=None):
        if parameters is None:
            parameters = []
        elif isinstance(parameters, Parameters):
            parameters = parameters._parameters
        parameters = list(parameters)
        from .parameter import Parameter

        for par in parameters:
            if not isinstance(par, Parameter):
                raise TypeError(
                    f"Expected Parameter objects, got {type(par).__name__}."
                )
        self._parameters = parameters

    # ---- sequence protocol ---------------------------------------------------
    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters)

    def __contains__(self, item):
        if isinstance(item, str):
            return item in self.names
        return any(item is par for par in self._parameters)

    def __add__(self, other):
        if isinstance(other, Parameters):
            return type(self)(self._parameters + other._parameters)
        return NotImplemented

    def __eq__(self, other):
        if not isinstance(other, Parameters) or len(self) != len(other):
            return False
        return all(a is b for a, b in zip(self, other))

    def __hash__(self):
        return id(self)

    def index(self, val):
        """Index of a parameter given by name, index or object."""
        from .parameter import Parameter

        if isinstance(val, numbers.Integral):
            return int(val)
        if isinstance(val, Parameter):
            for idx, par in enumerate(self._parameters):
                if par is val:
                    return idx
            raise IndexError(
                f"Parameter {val.name!r} is not in this Parameters object."
            )
        if isinstance(val, str):
            for idx, par in enumerate(self._parameters):
                if par.name == val:
                    return idx
            raise IndexError(
                f"No parameter named {val!r}; available names: {self.names}."
            )
        raise TypeError(f"Invalid parameter key: {val!r}")

    def __getitem__(self, key):
        if isinstance(key, np.ndarray) and key.dtype == bool:
            if len(key) != len(self):
                raise IndexError("Boolean mask must have the length of the Parameters.")
            return type(self)([p for p, m in zip(self._parameters, key) if m])
        if isinstance(key, slice):
            return type(self)(self._parameters[key])
        if isinstance(key, list | tuple | np.ndarray):
            return type(self)([self[k] for k in key])
        return self._parameters[self.index(key)]

    # ---- properties ----------------------------------------------------------
    @property
    def names(self):
        """Parameter names (list of str)."""
        return [p.name for p in self._parameters]

    @property
    def types(self):
        """Parameter types (list of str)."""
        return [p.type for p in self._parameters]

    def _array(self, attr):
        return np.array([getattr(p, attr) for p in self._parameters], dtype=float)

    def _set_array(self, attr, values):
        values = np.broadcast_to(np.asarray(values, dtype=float), (len(self),))
        for par, val in zip(self._parameters, values):
            setattr(par, attr, val)

    @property
    def value(self):
        """Values (`~numpy.ndarray`)."""
        return self._array("value")

    @value.setter
    def value(self, values):
        self._set_array("value", values)

    @property
    def min(self):
        """Lower bounds (`~numpy.ndarray`)."""
        return self._array("min")

    @min.setter
    def min(self, values):
        self._set_array("min", values)

    @property
    def max(self):
        """Upper bounds (`~numpy.ndarray`)."""
        return self._array("max")

    @max.setter
    def max(self, values):
        self._set_array("max", values)

    @property
    def error(self):
        """Errors (`~numpy.ndarray`)."""
        return self._array("error")

    @error.setter
    def error(self, values):
        self._set_array("error", values)

    @property
    def frozen(self):
        """Frozen flags (boolean `~numpy.ndarray`)."""
        return np.array([p.frozen for p in self._parameters], dtype=bool)

    @property
    def free_parameters(self):
        """Parameters that are not frozen (`Parameters`)."""
        return type(self)([p for p in self._parameters if not p.frozen])

    @property
    def unique_parameters(self):
        """Parameters with duplicates (same object) removed, order kept."""
        seen = set()
        unique = []
        for par in self._parameters:
            if id(par) not in seen:
                seen.add(id(par))
                unique.append(par)
        return type(self)(unique)

    @property
    def norm_parameters(self):
        """Parameters flagged ``is_norm`` (`Parameters`)."""
        return type(self)([p for p in self._parameters if p.is_norm])

    def select(self, name=None, type=None, frozen=None):
        """Select parameters by name, type and/or frozen status.

        Parameters
        ----------
        name : str or list of str, optional
            Names to keep.
        type : str, optional
            Model type to keep (``"spectral"``, ``"spatial"``, ...).
        frozen : bool, optional
            Frozen status to keep.

        Returns
        -------
        parameters : `Parameters`
            Selection.
        """
        selection = list(self._parameters)
        if name is not None:
            names = [name] if isinstance(name, str) else list(name)
            selection = [p for p in selection if p.name in names]
        if type is not None:
            selection = [p for p in selection if p.type == type]
        if frozen is not None:
            selection = [p for p in selection if p.frozen == frozen]
        return self.__class__(selection)

    # ---- optimiser helpers ---------------------------------------------------
    def set_parameter_factors(self, factors):
        """Set the factors of the parameters (no bounds check, for optimisers)."""
        factors = np.asarray(factors, dtype=float)
        if factors.shape != (len(self),):
            raise ValueError(
                f"Expected {len(self)} factors, got an array of shape {factors.shape}."
            )
        for par, factor in zip(self._parameters, factors):
            par.factor = factor

    def autoscale(self):
        """Autoscale every parameter (see `Parameter.autoscale`)."""
        for par in self._parameters:
            par.autoscale()

    def check_limits(self):
        """Check the bounds of every parameter; returns True if all are inside."""
        return all([par.check_limits() for par in self._parameters])

    def freeze_all(self):
        """Freeze all parameters."""
        for par in self._parameters:
            par.frozen = True

    def unfreeze_all(self):
        """Unfreeze all parameters (also those frozen by default)."""
        for par in self._parameters:
            par.frozen = False

    @contextlib.contextmanager
    def restore_status(self, restore_values=True):
        """Context manager restoring values, errors, scales and frozen flags.

        Parameters
        ----------
        restore_values : bool
            Whether to restore the values and errors too (frozen flags and
            bounds are always restored).
        """
        status = [
            (p, p.factor, p.scale, p.error, p.frozen, p.min, p.max)
            for p in self._parameters
        ]
        try:
            yield
        finally:
            for par, factor, scale, error, frozen, pmin, pmax in status:
                par._min, par._max = pmin, pmax
                par.frozen = frozen
                if restore_values:
                    par._scale = scale
                    par._factor = factor
                    par._error = error

    def prior_stat_sum(self):
        """Sum of the prior contributions of the unique parameters."""
        return float(sum(p.prior_stat_sum() for p in self.unique_parameters))

    # ---- construction & I/O -------------------------------------------------
    @classmethod
    def from_stack(cls, parameters_list):
        """Concatenate several `Parameters` objects."""
        pars = []
        for parameters in parameters_list:
            pars += list(parameters)
        return cls(pars)

    def to_dict(self):
        """List of parameter dicts (Gammapy YAML layout)."""
        return [p.to_dict() for p in self._parameters]

    @classmethod
    def from_dict(cls, data):
        """Create from a list of parameter dicts."""
        from .parameter import Parameter

        pars = []
        for item in data:
            item = dict(item)
            par = Parameter(name=item.pop("name"), value=float(item.get("value", 0)))
            par.update_from_dict(item)
            pars.append(par)
        return cls(pars)

    def to_table(self):
        """Parameters as an `~astropy.table.Table`.

        Columns: type, name, value, unit, error, min, max, frozen, is_norm,
        link, prior.
        """
        rows = []
        for p in self._parameters:
            rows.append(
                (
                    p.type,
                    p.name,
                    p.value,
                    _unit_string(p.unit),
                    p.error,
                    p.min,
                    p.max,
                    p.frozen,
                    p.is_norm,
                    p._link_label_io or "",
                    type(p.prior).__name__ if p.prior is not None else "",
                )
            )
        names = [
            "type",
            "name",
            "value",
            "unit",
            "error",
            "min",
            "max",
            "frozen",
            "is_norm",
            "link",
            "prior",
        ]
        dtype = [
            "U32",
            "U32",
            float,
            "U32",
            float,
            float,
            float,
            bool,
            bool,
            "U32",
            "U32",
        ]
        table = Table(rows=rows or None, names=names, dtype=dtype)
        for name in ("value", "error", "min", "max"):
            table[name].format = ".4e"
        return table

    def copy(self):
        """Deep copy."""
        return copy.deepcopy(self)

    def __str__(self):
        if len(self) == 0:
            return f"{type(self).__name__}: (empty)"
        return "\n".join(self.to_table().pformat(max_lines=-1, max_width=-1))

    def __repr__(self):
        return f"{type(self).__name__}({self.names})"

    def _check_not_empty(self):
        if len(self) == 0:
            raise EmptySelectionError("No parameters selected.")


class PriorParameters(Parameters):
    """A collection of `PriorParameter` objects."""

    @classmethod
    def from_dict(cls, data):
        """Create from a list of parameter dicts."""
        from .parameter import PriorParameter

        pars = []
        for item in data:
            item = dict(item)
            par = PriorParameter(
                name=item.pop("name"), value=float(item.get("value", 0))
            )
            par.update_from_dict(item)
            pars.append(par)
        return cls(pars)
