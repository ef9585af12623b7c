"""Model parameters: `Parameter`, `Parameters` and their prior variants.

A parameter stores its value as ``factor * scale`` so that optimisers work on
factors of order one (see `Parameter.autoscale`). Bounds (``min``/``max``) are
in the parameter's unit; optimisers see them as ``factor_min``/``factor_max``.
"""

import copy
import logging

import numpy as np
from astropy import units as u

from gammaray.utils.errors import ParameterBoundsError, UnitMismatchError

from .parameters import Parameters, PriorParameters

__all__ = ["Parameter", "Parameters", "PriorParameter", "PriorParameters"]

log = logging.getLogger(__name__)

#: Keys of a parameter dict (Gammapy YAML layout) in output order.
PARAMETER_KEYS = (
    "name",
    "value",
    "unit",
    "error",
    "min",
    "max",
    "frozen",
    "interp",
    "scale_method",
    "is_norm",
)


def _to_unit(unit):
    try:
        return u.Unit(unit)
    except (ValueError, TypeError) as exc:
        raise UnitMismatchError(f"Invalid unit {unit!r}: {exc}") from exc


def _unit_string(unit):
    if unit == u.dimensionless_unscaled:
        return ""
    try:
        return unit.to_string("fits")
    except ValueError:
        return unit.to_string()


def _as_float(value, what):
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be a number, got {value!r}") from exc


class Parameter:
    """A model parameter.

    Parameters
    ----------
    name : str
        Name.
    value : float, str or `~astropy.units.Quantity`
        Value (in ``unit``); a string such as ``"1e-12 TeV-1 cm-2 s-1"`` or a
        Quantity also sets the unit.
    unit : str or `~astropy.units.Unit`
        Unit.
    scale : float
        Internal scale: ``value = factor * scale``.
    min, max : float
        Bounds in ``unit`` (NaN means unbounded).
    frozen : bool
        Whether the parameter is fixed in fits.
    error : float
        1-sigma error in ``unit``.
    scan_min, scan_max : float, optional
        Range of `scan_values` (defaults to ``value -/+ scan_n_sigma * error``).
    scan_n_values : int
        Number of scan values.
    scan_n_sigma : float
        Width of the default scan range in units of ``error``.
    interp : {"lin", "log", "sqrt"}
        Spacing of the scan values.
    scale_method : {"scale10", "factor1", None}
        Method of `autoscale`.
    is_norm : bool
        Whether the parameter is a normalisation.
    prior : `~gammaray.modeling.models.Prior`, optional
        Prior on the parameter.
    """

    def __init__(
        self,
        name,
        value,
        unit="",
        scale=1,
        min=np.nan,
        max=np.nan,
        frozen=False,
        error=0,
        scan_min=None,
        scan_max=None,
        scan_n_values=11,
        scan_n_sigma=2,
        interp="lin",
        scale_method="scale10",
        is_norm=False,
        prior=None,
    ):
        self.name = str(name)
        self._unit = _to_unit(unit)
        self._scale = float(scale)
        self._min = np.nan
        self._max = np.nan
        self._error = 0.0
        self._factor = 0.0
        self._type = ""
        self._link_label_io = None
        if isinstance(value, u.Quantity | str):
            quantity = u.Quantity(value)
            self._unit = quantity.unit
            value = quantity.value
        self.min = min
        self.max = max
        self.value = value
        self.error = error
        self.frozen = frozen
        self.scan_min = scan_min
        self.scan_max = scan_max
        self.scan_n_values = int(scan_n_values)
        self.scan_n_sigma = scan_n_sigma
        self.interp = interp
        self.scale_method = scale_method
        self.is_norm = bool(is_norm)
        self.conf_min = None
        self.conf_max = None
        self.prior = prior

    # ---- value, factor, scale ------------------------------------------------
    @property
    def type(self):
        """Type of the model owning the parameter (e.g. ``"spectral"``)."""
        return self._type

    @type.setter
    def type(self, value):
        self._type = str(value)

    @property
    def factor(self):
        """Factor seen by optimisers (``value / scale``)."""
        return self._factor

    @factor.setter
    def factor(self, val):
        self._factor = float(val)

    @property
    def scale(self):
        """Internal scale (``value = factor * scale``)."""
        return self._scale

    @scale.setter
    def scale(self, val):
        val = float(val)
        if val == 0 or not np.isfinite(val):
            raise ValueError(
                f"Parameter {self.name!r}: scale must be finite and non-zero."
            )
        value = self.value
        self._scale = val
        self._factor = value / val

    @property
    def value(self):
        """Value in ``unit`` (float)."""
        return self._factor * self._scale

    @value.setter
    def value(self, val):
        if isinstance(val, u.Quantity | str):
            self.quantity = val
            return
        val = _as_float(val, f"Value of parameter {self.name!r}")
        self._check_bounds(val)
        self._factor = val / self._scale

    def _check_bounds(self, val):
        if val < self._min or val > self._max:
            raise ParameterBoundsError(
                f"Value {val} {_unit_string(self.unit)} of parameter {self.name!r} is "
                f"outside its bounds [{self._min}, {self._max}]; choose a value inside "
                f"or change `min`/`max` first."
            )

    @property
    def unit(self):
        """Unit (`~astropy.units.Unit`)."""
        return self._unit

    @unit.setter
    def unit(self, val):
        self._unit = _to_unit(val)

    @property
    def quantity(self):
        """Value as a `~astropy.units.Quantity`."""
        return self.value * self.unit

    @quantity.setter
    def quantity(self, val):
        try:
            val = u.Quantity(val)
        except (TypeError, ValueError) as exc:
            raise UnitMismatchError(
                f"Cannot interpret {val!r} as a quantity for parameter {self.name!r}."
            ) from exc
        if not val.unit.is_equivalent(self.unit):
            raise UnitMismatchError(
                f"Unit {val.unit!r} of the value given for parameter {self.name!r} is "
                f"not convertible to its unit {self.unit!r} "
                f"({self.unit.physical_type}); give a value in {self.unit!r}."
            )
        if val.unit != self.unit:
            # keep the user's unit and convert bounds and error along
            factor = self.unit.to(val.unit)
            self._min *= factor
            self._max *= factor
            self._error *= factor
            self._unit = val.unit
        self.value = float(val.value)

    # ---- bounds --------------------------------------------------------------
    @property
    def min(self):
        """Lower bound in ``unit`` (NaN if unbounded)."""
        return self._min

    @min.setter
    def min(self, val):
        if val is None:
            val = np.nan
        if isinstance(val, u.Quantity):
            val = val.to_value(self.unit)
        self._min = _as_float(val, f"Minimum of parameter {self.name!r}")

    @property
    def max(self):
        """Upper bound in ``unit`` (NaN if unbounded)."""
        return self._max

    @max.setter
    def max(self, val):
        if val is None:
            val = np.nan
        if isinstance(val, u.Quantity):
            val = val.to_value(self.unit)
        self._max = _as_float(val, f"Maximum of parameter {self.name!r}")

    @property
    def factor_min(self):
        """Lower bound in factor space (NaN if unbounded)."""
        return self._bound_to_factor(self._min, "min")

    @property
    def factor_max(self):
        """Upper bound in factor space (NaN if unbounded)."""
        return self._bound_to_factor(self._max, "max")

    def _bound_to_factor(self, bound, which):
        value = bound / self._scale
        if self._scale < 0:
            # negative scale flips the order of the bounds
            other = self._max if which == "min" else self._min
            value = other / self._scale
        return value

    def check_limits(self):
        """Log a warning if the value is at or outside its bounds.

        Returns
        -------
        ok : bool
            False if the value is outside the bounds.
        """
        value = self.value
        if value < self.min or value > self.max:
            log.warning(
                "Parameter %r value %s is outside its bounds [%s, %s].",
                self.name,
                value,
                self.min,
                self.max,
            )
            return False
        if value == self.min or value == self.max:
            log.warning("Parameter %r is at its bound (%s).", self.name, value)
        return True

    # ---- errors & scans ------------------------------------------------------
    @property
    def error(self):
        """1-sigma error in ``unit``."""
        return self._error

    @error.setter
    def error(self, val):
        if isinstance(val, u.Quantity):
            val = val.to_value(self.unit)
        self._error = _as_float(val, f"Error of parameter {self.name!r}")

    @property
    def frozen(self):
        """Whether the parameter is fixed in fits (bool)."""
        return self._frozen

    @frozen.setter
    def frozen(self, val):
        if isinstance(val, str):
            val = val.strip().lower() in ("true", "1", "yes")
        self._frozen = bool(val)

    @property
    def interp(self):
        """Spacing of the scan values: ``"lin"``, ``"log"`` or ``"sqrt"``."""
        return self._interp

    @interp.setter
    def interp(self, val):
        if val not in ("lin", "log", "sqrt"):
            raise ValueError(f"interp must be 'lin', 'log' or 'sqrt', got {val!r}.")
        self._interp = val

    @property
    def scale_method(self):
        """Method of `autoscale`: ``"scale10"``, ``"factor1"`` or None."""
        return self._scale_method

    @scale_method.setter
    def scale_method(self, val):
        if val not in ("scale10", "factor1", None):
            raise ValueError(
                f"scale_method must be 'scale10', 'factor1' or None, got {val!r}."
            )
        self._scale_method = val

    @property
    def scan_values(self):
        """Values to scan for likelihood profiles (`~numpy.ndarray`, in ``unit``)."""
        n_sigma = self.scan_n_sigma
        scan_min = self.scan_min
        scan_max = self.scan_max
        error = self.error if self.error > 0 else abs(self.value) * 0.1 or 1.0
        if scan_min is None:
            scan_min = self.value - n_sigma * error
            if np.isfinite(self.min):
                scan_min = np.maximum(scan_min, self.min)
        if scan_max is None:
            scan_max = self.value + n_sigma * error
            if np.isfinite(self.max):
                scan_max = np.minimum(scan_max, self.max)
        n = self.scan_n_values
        if self.interp == "log":
            return np.geomspace(scan_min, scan_max, n)
        if self.interp == "sqrt":
            return np.linspace(np.sqrt(scan_min), np.sqrt(scan_max), n) ** 2
        return np.linspace(scan_min, scan_max, n)

    @property
    def prior(self):
        """Prior model on the parameter (or None)."""
        return self._prior

    @prior.setter
    def prior(self, value):
        if isinstance(value, dict):
            from .models.core import ModelBase

            value = ModelBase.from_dict({"prior": value})
        self._prior = value

    def prior_stat_sum(self):
        """Prior contribution to the statistic (-2 log prior), 0 without prior."""
        if self.prior is None:
            return 0.0
        return float(np.sum(self.prior(self)))

    # ---- scaling -------------------------------------------------------------
    def autoscale(self):
        """Set ``scale`` so that the factor is of order one.

        ``"scale10"`` sets the scale to the power of ten of the value,
        ``"factor1"`` sets it to the value itself (factor = 1); zero values
        keep a scale of one.
        """
        value = self.value
        if self.scale_method is None:
            return
        if value == 0 or not np.isfinite(value):
            self._scale = 1.0
            self._factor = value
            return
        if self.scale_method == "scale10":
            power = np.floor(np.log10(abs(value)))
            scale = 10.0**power
        else:
            scale = value
        self._scale = float(scale)
        self._factor = value / self._scale

    # ---- I/O -----------------------------------------------------------------
    def to_dict(self):
        """Parameter as a dict in the Gammapy YAML layout."""
        output = {
            "name": self.name,
            "value": self.value,
            "unit": _unit_string(self.unit),
            "error": self.error,
            "min": self.min,
            "max": self.max,
            "frozen": self.frozen,
            "interp": self.interp,
            "scale_method": self.scale_method,
            "is_norm": self.is_norm,
        }
        if self._link_label_io is not None:
            output["link"] = self._link_label_io
        if self.prior is not None:
            output["prior"] = self.prior.to_dict()["prior"]
        return output

    def update_from_dict(self, data):
        """Update attributes from a dict in the Gammapy YAML layout.

        Keys that are absent keep their current value.
        """
        data = dict(data)
        if "unit" in data:
            self.unit = data["unit"] if data["unit"] is not None else ""
        for key in ("min", "max"):
            if key in data:
                setattr(self, key, np.nan if data[key] is None else float(data[key]))
        if "value" in data:
            self.value = float(data["value"])
        if "error" in data:
            self.error = float(data["error"])
        for key in ("frozen", "interp", "scale_method", "is_norm"):
            if key in data:
                setattr(self, key, data[key])
        if "scale" in data:
            self.scale = float(data["scale"])
        if "link" in data:
            self._link_label_io = data["link"]
        if data.get("prior") is not None:
            self.prior = data["prior"]

    # ---- misc ----------------------------------------------------------------
    def copy(self):
        """Deep copy (the prior is copied too)."""
        return copy.deepcopy(self)

    def __repr__(self):
        return (
            f"{type(self).__name__}(name={self.name!r}, value={self.value:.4g}, "
            f"factor={self.factor:.4g}, scale={self.scale:.4g}, "
            f"unit={_unit_string(self.unit)!r}, min={self.min:.4g}, max={self.max:.4g}, "
            f"frozen={self.frozen}, error={self.error:.4g})"
        )


class PriorParameter(Parameter):
    """A parameter of a prior model (e.g. the ``mu`` of a Gaussian prior).

    Accepts the same arguments as `Parameter` except that prior parameters
    cannot carry a prior themselves.
    """

    def __init__(self, name, value, unit="", **kwargs):
        kwargs.pop("prior", None)
        super().__init__(name, value, unit=unit, **kwargs)

    def to_dict(self):
        """Parameter as a dict (name, value, unit, error, min, max, frozen)."""
        output = super().to_dict()
        for key in ("interp", "scale_method", "is_norm"):
            output.pop(key, None)
        return output
