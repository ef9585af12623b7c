"""Parametric PSFs: triple Gaussian (``PSF_3GAUSS``) and King profile (``PSF_KING``)."""

import abc
import copy

import astropy.units as u
import numpy as np
from astropy.table import Table

from gammaray.maps import MapAxes
from gammaray.utils.errors import AxisError, MissingColumnError
from gammaray.utils.interpolation import ScaledRegularGridInterpolator

from ..core import (
    IRF_DL3_HDU_SPECIFICATION,
    _check_format,
    axes_from_dl3_table,
    data_to_required_order,
)
from ..fov import FoVAlignment
from .core import PSF

__all__ = ["ParametricPSF", "EnergyDependentMultiGaussPSF", "PSFKing"]


class ParametricPSF(PSF):
    """Base class of PSFs given by parameter tables on ``energy_true`` and ``offset``.

    Parameters
    ----------
    axes : list of `~gammaray.maps.MapAxis`
        ``energy_true`` and ``offset`` axes.
    data : dict or structured `~numpy.ndarray`
        Parameter tables by name (``required_parameters``), each of shape
        ``(n_energy_true, n_offset)``; Quantities keep their units.
    unit : dict, optional
        Units of the parameters when ``data`` holds plain arrays (angles
        default to deg).
    meta : dict, optional
        Metadata.
    """

    required_axes = ["energy_true", "offset"]
    required_parameters = []
    angle_parameters = []

    def __init__(
        self,
        axes,
        data,
        unit=None,
        is_pointlike=False,
        fov_alignment=FoVAlignment.RADEC,
        meta=None,
        interp_kwargs=None,
    ):
        axes = MapAxes(list(axes))
        self._axes = axes[list(self.required_axes)]
        units = dict(unit) if isinstance(unit, dict) else {}
        params = {}
        names = data.dtype.names if isinstance(data, np.ndarray) else list(data)
        missing = set(self.required_parameters) - set(names)
        if missing:
            raise MissingColumnError(
                f"{type(self).__name__} needs parameters {self.required_parameters}; "
                f"missing {sorted(missing)}."
            )
        for name in self.required_parameters:
            value = data[name]
            if isinstance(value, u.Quantity):
                units[name] = value.unit
                value = value.value
            value = np.asarray(value)
            if value.shape != self._axes.shape:
                raise AxisError(
                    f"Parameter {name!r} has shape {value.shape}, expected "
                    f"{self._axes.shape} from axes {self._axes.names}."
                )
            params[name] = value
            default = "deg" if name in self.angle_parameters else ""
            units[name] = u.Unit(units.get(name, default) or default)
        dtype = [(name, params[name].dtype.newbyteorder("=")) for name in params]
        self._data = np.empty(self._axes.shape, dtype=dtype)
        for name, value in params.items():
            self._data[name] = value
        self._units = units
        self._unit = u.Unit("sr-1")
        self._is_pointlike = bool(is_pointlike)
        self._fov_alignment = FoVAlignment(fov_alignment)
        self.meta = dict(meta or {})
        self.interp_kwargs = dict(interp_kwargs or {})
        self._interpolators = None

    @property
    def data(self):
        """Parameter tables (structured `~numpy.ndarray`)."""
        return self._data

    @property
    def units(self):
        """Units of the parameters (dict)."""
        return dict(self._units)

    @property
    def quantity(self):
        raise AttributeError(
            f"{type(self).__name__} holds parameter tables; use .data[name] and .units."
        )

    def _new(self, **kwargs):
        init = dict(
            axes=self.axes,
            data=self.data,
            unit=self._units,
            is_pointlike=self.is_pointlike,
            fov_alignment=self.fov_alignment,
            meta=copy.deepcopy(self.meta),
        )
        init.update(kwargs)
        return self.__class__(**init)

    def normalize(self, axis_name=None):
        """Parametric PSFs are normalised analytically; this is a no-op."""

    def pad(self, pad_width, axis_name, **kwargs):
        """Not supported for parametric PSFs."""
        raise NotImplementedError(f"{type(self).__name__} cannot be padded.")

    # ------------------------------------------------------------------ evaluation
    def evaluate_parameters(self, energy_true, offset=0 * u.deg):
        """Interpolate the parameters (log energy, linear offset, linear values).

        Parameters
        ----------
        energy_true : `~astropy.units.Quantity`
            True energy.
        offset : `~astropy.units.Quantity`
            Offset.

        Returns
        -------
        params : dict of `~astropy.units.Quantity`
            Parameter values, broadcast shape of the inputs.
        """
        if self._interpolators is None:
            points = [ax.center for ax in self.axes]
            scales = [ax.interp for ax in self.axes]
            self._interpolators = {
                name: ScaledRegularGridInterpolator(
                    points, self._data[name].astype(float), points_scale=scales
                )
                for name in self.required_parameters
            }
        coords = [
            u.Quantity(energy_true).to(self.axes["energy_true"].unit),
            u.Quantity(offset).to(self.axes["offset"].unit),
        ]
        return {
            name: u.Quantity(interp(coords), self._units[name])
            for name, interp in self._interpolators.items()
        }

    @abc.abstractmethod
    def evaluate_direct(self, rad, **params):
        """PSF density (sr-1) at ``rad`` for given parameter values."""

    @abc.abstractmethod
    def containment_direct(self, rad, **params):
        """Containment fraction at ``rad`` for given parameter values."""

    def evaluate(self, rad, energy_true, offset=0 * u.deg, method=None):
        """PSF density at ``rad`` for true energy and offset.

        Parameters
        ----------
        rad : `~astropy.units.Quantity`
            Angular distance.
        energy_true : `~astropy.units.Quantity`
            True energy.
        offset : `~astropy.units.Quantity`
            Offset.
        method : None
            Unused (parameters are interpolated linearly).

        Returns
        -------
        psf : `~astropy.units.Quantity`
            Density (sr-1).
        """
        params = self.evaluate_parameters(energy_true=energy_true, offset=offset)
        return self.evaluate_direct(u.Quantity(rad), **params).to("sr-1")

    def containment(self, rad, energy_true, offset=0 * u.deg):
        """Analytic containment fraction within ``rad``.

        Parameters
        ----------
        rad : `~astropy.units.Quantity`
            Radius.
        energy_true : `~astropy.units.Quantity`
            True energy.
        offset : `~astropy.units.Quantity`
            Offset.

        Returns
        -------
        containment : `~numpy.ndarray`
            Fraction.
        """
        params = self.evaluate_parameters(energy_true=energy_true, offset=offset)
        return self.containment_direct(u.Quantity(rad), **params)

    def _rad_grid_max(self, **kwargs):
        values = [
            np.nanmax(np.abs(self._data[name])) * self._units[name]
            for name in self.angle_parameters
        ]
        return 5 * max(values).to("deg")

    # ------------------------------------------------------------------ I/O
    @classmethod
    def from_table(cls, table, format="gadf-dl3"):
        """Parametric PSF from a GADF DL3 table (one column per parameter)."""
        _check_format(format)
        source = table.meta.get("_GR_SOURCE", "table")
        axes = axes_from_dl3_table(table, source=source)
        columns = IRF_DL3_HDU_SPECIFICATION[cls.tag]["column_name"]
        data, units = {}, {}
        for name, column in columns.items():
            if column not in table.colnames:
                raise MissingColumnError(
                    f"{source}: no {column!r} column for {cls.__name__}; columns are "
                    f"{table.colnames}."
                )
            col = table[column]
            data[name] = data_to_required_order(
                np.asarray(col)[0],
                axes,
                cls.required_axes,
                source=f"{source} ({column})",
            )
            units[name] = col.unit if col.unit is not None else ""
        return cls(
            axes=axes,
            data=data,
            unit=units,
            meta=cls._clean_meta(table.meta),
            **cls._meta_kwargs(table.meta),
        )

    def to_table(self, format="gadf-dl3"):
        """Table in the GADF DL3 format (one column per parameter)."""
        _check_format(format)
        table = Table(self._axes_table())
        columns = IRF_DL3_HDU_SPECIFICATION[self.tag]["column_name"]
        for name, column in columns.items():
            table[column] = u.Quantity(
                self._data[name].T[np.newaxis], self._units[name], copy=False
            )
        table.meta.update(self._table_meta())
        return table


class EnergyDependentMultiGaussPSF(ParametricPSF):
    """Triple-Gaussian PSF (GADF ``PSF_3GAUSS``).

    ``psf(r) ∝ exp(-r²/2σ1²) + A2 exp(-r²/2σ2²) + A3 exp(-r²/2σ3²)``, normalised
    analytically to unit integral over the plane (``SCALE`` is kept in the
    tables but not used for the normalisation).
    """

    tag = "psf_3gauss"
    required_parameters = ["sigma_1", "sigma_2", "sigma_3", "scale", "ampl_2", "ampl_3"]
    angle_parameters = ["sigma_1", "sigma_2", "sigma_3"]

    @staticmethod
    def _weights(params):
        sig = [params[f"sigma_{i}"].to_value("rad") for i in (1, 2, 3)]
        amp = [1.0, params["ampl_2"].to_value(""), params["ampl_3"].to_value("")]
        return sig, amp

    def evaluate_direct(self, rad, **params):
        """Normalised triple-Gaussian density (sr-1)."""
        sig, amp = self._weights(params)
        r2 = rad.to_value("rad") ** 2
        norm = 0.0
        total = 0.0
        with np.errstate(invalid="ignore", divide="ignore"):
            for s, a in zip(sig, amp, strict=True):
                valid = s > 0
                s_safe = np.where(valid, s, 1.0)
                total = total + np.where(valid, a * np.exp(-0.5 * r2 / s_safe**2), 0.0)
                norm = norm + np.where(valid, a * s_safe**2, 0.0)
            value = np.where(norm > 0, total / (2 * np.pi * norm), 0.0)
        return u.Quantity(value, "sr-1")

    def containment_direct(self, rad, **params):
        """Analytic containment ``Σ a σ² (1 - exp(-r²/2σ²)) / Σ a σ²``."""
        sig, amp = self._weights(params)
        r2 = rad.to_value("rad") ** 2
        norm = 0.0
        total = 0.0
        with np.errstate(invalid="ignore", divide="ignore"):
            for s, a in zip(sig, amp, strict=True):
                valid = s > 0
                s_safe = np.where(valid, s, 1.0)
                total = total + np.where(
                    valid, a * s_safe**2 * -np.expm1(-0.5 * r2 / s_safe**2), 0.0
                )
                norm = norm + np.where(valid, a * s_safe**2, 0.0)
            return np.where(norm > 0, total / norm, 0.0)


class PSFKing(ParametricPSF):
    """King-profile PSF (GADF ``PSF_KING``).

    ``psf(r) = 1/(2πσ²) (1 - 1/γ) (1 + r²/(2γσ²))^(-γ)``, normalised to unit
    integral over the plane (for ``γ > 1``).
    """

    tag = "psf_king"
    required_parameters = ["gamma", "sigma"]
    angle_parameters = ["sigma"]

    def evaluate_direct(self, rad, gamma, sigma):
        """King density (sr-1)."""
        g = u.Quantity(gamma).to_value("")
        s = sigma.to_value("rad")
        r = rad.to_value("rad")
        with np.errstate(invalid="ignore", divide="ignore"):
            value = (
                1
                / (2 * np.pi * s**2)
                * (1 - 1 / g)
                * (1 + r**2 / (2 * g * s**2)) ** (-g)
            )
        return u.Quantity(np.nan_to_num(value), "sr-1")

    def containment_direct(self, rad, gamma, sigma):
        """Analytic containment ``1 - (1 + r²/(2γσ²))^(1-γ)``."""
        g = u.Quantity(gamma).to_value("")
        s = sigma.to_value("rad")
        r = rad.to_value("rad")
        with np.errstate(invalid="ignore", divide="ignore"):
            return 1 - (1 + r**2 / (2 * g * s**2)) ** (1 - g)

    def containment_radius(
        self, fraction, factor=20, energy_true=None, offset=0 * u.deg
    ):
        """Analytic containment radius ``σ sqrt(2γ ((1 - f)^(1/(1-γ)) - 1))`` (deg).

        Parameters
        ----------
        fraction : float or `~numpy.ndarray`
            Containment fraction.
        factor : int
            Unused (kept for API compatibility).
        energy_true, offset : `~astropy.units.Quantity`
            True energy and offset.
        """
        params = self.evaluate_parameters(energy_true=energy_true, offset=offset)
        g = params["gamma"].to_value("")
        s = params["sigma"].to("deg")
        f = np.asarray(fraction, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return s * np.sqrt(2 * g * ((1 - f) ** (1 / (1 - g)) - 1))
