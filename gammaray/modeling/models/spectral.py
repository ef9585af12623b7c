"""Spectral model base class, numerical integration and simple spectral models."""

import logging
import operator

import numpy as np
from astropy import units as u

from gammaray.utils.errors import UnitMismatchError

from ..parameter import Parameter
from .core import ModelBase

__all__ = [
    "SpectralModel",
    "integrate_spectrum",
    "ConstantSpectralModel",
    "PowerLawSpectralModel",
    "PowerLaw2SpectralModel",
    "PowerLawNormSpectralModel",
    "GaussianSpectralModel",
]

log = logging.getLogger(__name__)

DEFAULT_ENERGY_MIN = 0.1 * u.TeV
DEFAULT_ENERGY_MAX = 100 * u.TeV
SED_LABELS = {
    "likelihood": "Norm",
    "dnde": "dN/dE",
    "e2dnde": "E² dN/dE",
    "flux": "Flux",
    "eflux": "Energy flux",
}
_SED_LABELS = SED_LABELS

#: Display units of SED plots (shared by models and flux points so they overlay).
SED_PLOT_UNITS = {
    "likelihood": u.Unit(""),
    "dnde": u.Unit("cm-2 s-1 TeV-1"),
    "e2dnde": u.Unit("erg cm-2 s-1"),
    "flux": u.Unit("cm-2 s-1"),
    "eflux": u.Unit("erg cm-2 s-1"),
}

#: Energy unit of the x axis of SED plots.
SED_PLOT_ENERGY_UNIT = u.TeV


def sed_plot_unit(sed_type, energy_power=0):
    """Display unit of an SED quantity multiplied by ``E ** energy_power``."""
    unit = SED_PLOT_UNITS[sed_type]
    if energy_power:
        unit = unit * SED_PLOT_ENERGY_UNIT**energy_power
    return unit


def integrate_spectrum(func, energy_min, energy_max, ndecade=20, order=10, breaks=None):
    """Integrate a function of energy between bounds (Gauss-Legendre in log energy).

    Each interval ``[energy_min, energy_max]`` is split into equal sub-intervals
    in ``log(E)`` (at least ``ndecade`` per decade, the same number for every
    interval), and at the ``breaks`` (energies where the function has a kink),
    then integrated with an ``order``-point Gauss-Legendre rule per sub-interval.
    Fully vectorised over the intervals.

    Parameters
    ----------
    func : callable
        Function of an energy `~astropy.units.Quantity`, vectorised.
    energy_min, energy_max : `~astropy.units.Quantity`
        Integration bounds (broadcast against each other).
    ndecade : int
        Number of sub-intervals per decade.
    order : int
        Order of the Gauss-Legendre rule.
    breaks : `~astropy.units.Quantity`, optional
        Energies where the integrand is not smooth.

    Returns
    -------
    integral : `~astropy.units.Quantity`
        Integral, shape of the broadcast bounds, unit ``func unit * energy unit``.
    """
    energy_min = u.Quantity(energy_min)
    energy_max = u.Quantity(energy_max).to(energy_min.unit)
    unit = energy_min.unit
    emin, emax = np.broadcast_arrays(energy_min.value, energy_max.value)
    shape = emin.shape
    lo = np.log(emin.ravel().astype(float))
    hi = np.log(emax.ravel().astype(float))
    if lo.size == 0:
        return u.Quantity(np.zeros(shape), func(energy_min.ravel()[:0]).unit * unit)
    width = np.abs(hi - lo)
    width = width[np.isfinite(width)]
    n_decades = width.max() / np.log(10) if width.size else 1.0
    n_sub = max(1, int(np.ceil(n_decades * ndecade)))
    t = np.linspace(0, 1, n_sub + 1)
    edges = lo[:, None] + (hi - lo)[:, None] * t
    if breaks is not None:
        b = np.log(u.Quantity(breaks).to_value(unit)).ravel()
        b = b[np.isfinite(b)]
        if b.size:
            bmin = np.minimum(lo, hi)[:, None]
            bmax = np.maximum(lo, hi)[:, None]
            clipped = np.clip(b[None, :], bmin, bmax)
            edges = np.concatenate([edges, clipped], axis=1)
            edges = np.sort(edges, axis=1)
            # keep the integration direction
            flip = hi < lo
            edges[flip] = edges[flip, ::-1]
    x, w = np.polynomial.legendre.leggauss(order)
    a, b = edges[:, :-1], edges[:, 1:]
    half = 0.5 * (b - a)
    mid = 0.5 * (a + b)
    log_energy = mid[..., None] + half[..., None] * x
    energy = np.exp(log_energy)
    values = u.Quantity(func(u.Quantity(energy, unit)))
    integrand = values.value * energy * w * half[..., None]
    result = integrand.sum(axis=(-1, -2)).reshape(shape)
    return u.Quantity(result, values.unit * unit)


def _power_law_integral(amplitude, reference, index, energy_min, energy_max):
    """Stable ``int_emin^emax A (E/E0)^-index dE`` (including index = 1)."""
    a = 1 - u.Quantity(index).to_value("")
    ratio = (energy_max / energy_min).to_value("")
    log_ratio = np.log(ratio)
    a_safe = np.where(a == 0, 1.0, a)
    factor = np.where(a == 0, log_ratio, np.expm1(a * log_ratio) / a_safe)
    xmin = (energy_min / reference).to_value("")
    return amplitude * reference * xmin**a * factor


class SpectralModel(ModelBase):
    """Base class of spectral models.

    Subclasses implement ``evaluate(energy, **parameters)`` and optionally the
    closed forms ``evaluate_integral`` and ``evaluate_energy_flux``.
    """

    type = "spectral"

    # ---- evaluation ----------------------------------------------------------
    def _parameter_kwargs(self):
        return {p.name: p.quantity for p in self._parameters_dict.values()}

    def __call__(self, energy):
        """Evaluate the differential flux at ``energy`` (`~astropy.units.Quantity`)."""
        energy = u.Quantity(energy)
        if not energy.unit.is_equivalent(u.TeV):
            raise UnitMismatchError(
                f"Spectral models are evaluated at energies; got unit {energy.unit!r}."
            )
        return self.evaluate(energy, **self._parameter_kwargs())

    def _integration_breaks(self):
        """Energies where the model is not smooth (None if it is smooth)."""
        return None

    @property
    def is_norm_spectral_model(self):
        """True if the model is a dimensionless norm (e.g. `PowerLawNormSpectralModel`)."""
        return self(1 * u.TeV).unit.is_equivalent(u.dimensionless_unscaled)

    def integral(self, energy_min, energy_max, **kwargs):
        """Integral flux between two energies.

        Closed form where the model has one, otherwise `integrate_spectrum`.

        Parameters
        ----------
        energy_min, energy_max : `~astropy.units.Quantity`
            Energy bounds.
        **kwargs : dict
            Passed to `integrate_spectrum` (``ndecade``, ``order``).

        Returns
        -------
        flux : `~astropy.units.Quantity`
            Integral flux (e.g. ``cm-2 s-1``).
        """
        energy_min, energy_max = u.Quantity(energy_min), u.Quantity(energy_max)
        if hasattr(self, "evaluate_integral"):
            return self.evaluate_integral(
                energy_min, energy_max, **self._parameter_kwargs()
            )
        return integrate_spectrum(
            self, energy_min, energy_max, breaks=self._integration_breaks(), **kwargs
        )

    def energy_flux(self, energy_min, energy_max, **kwargs):
        """Energy flux ``int E dN/dE dE`` between two energies.

        Parameters
        ----------
        energy_min, energy_max : `~astropy.units.Quantity`
            Energy bounds.

        Returns
        -------
        eflux : `~astropy.units.Quantity`
            Energy flux (e.g. ``TeV cm-2 s-1``).
        """
        energy_min, energy_max = u.Quantity(energy_min), u.Quantity(energy_max)
        if hasattr(self, "evaluate_energy_flux"):
            return self.evaluate_energy_flux(
                energy_min, energy_max, **self._parameter_kwargs()
            )
        return integrate_spectrum(
            lambda energy: energy * self(energy),
            energy_min,
            energy_max,
            breaks=self._integration_breaks(),
            **kwargs,
        )

    # ---- error propagation ---------------------------------------------------
    def _propagate_error(self, epsilon, fct):
        """Propagate the covariance through ``fct()`` by central differences.

        Returns the stacked value and 1-sigma error ``Quantity([f, f_err])``.
        """
        covariance = self.covariance
        parameters = covariance.parameters
        data = covariance.data
        f0 = u.Quantity(fct())
        sigmas = np.sqrt(np.clip(np.diag(data), 0, None))
        idx = np.nonzero(sigmas > 0)[0]
        if idx.size == 0:
            return u.Quantity([f0, np.zeros_like(f0)])
        derivatives = []
        with parameters.restore_status():
            for i in idx:
                par = parameters[int(i)]
                value = par.value
                step = epsilon * sigmas[i]
                par._factor = (value + step) / par.scale
                f_plus = u.Quantity(fct()).to_value(f0.unit)
                par._factor = (value - step) / par.scale
                f_minus = u.Quantity(fct()).to_value(f0.unit)
                par._factor = value / par.scale
                derivatives.append((f_plus - f_minus) / (2 * step))
        jac = np.array(derivatives)
        sub = data[np.ix_(idx, idx)]
        variance = np.einsum("i...,ij,j...->...", jac, sub, jac)
        error = np.sqrt(np.clip(variance, 0, None))
        return u.Quantity([f0, u.Quantity(error, f0.unit)])

    def evaluate_error(self, energy, epsilon=1e-4):
        """Differential flux and its error from the parameter covariance.

        Parameters
        ----------
        energy : `~astropy.units.Quantity`
            Energy.
        epsilon : float
            Step of the numerical derivatives in units of the parameter errors.

        Returns
        -------
        dnde, dnde_error : `~astropy.units.Quantity`
            Stacked array of shape ``(2,) + energy.shape``.
        """
        energy = u.Quantity(energy)
        return self._propagate_error(epsilon, lambda: self(energy))

    def integral_error(self, energy_min, energy_max, epsilon=1e-4, **kwargs):
        """Integral flux and its error (stacked, shape ``(2,) + bounds shape``)."""
        return self._propagate_error(
            epsilon, lambda: self.integral(energy_min, energy_max, **kwargs)
        )

    def energy_flux_error(self, energy_min, energy_max, epsilon=1e-4, **kwargs):
        """Energy flux and its error (stacked, shape ``(2,) + bounds shape``)."""
        return self._propagate_error(
            epsilon, lambda: self.energy_flux(energy_min, energy_max, **kwargs)
        )

    def spectral_index(self, energy, epsilon=1e-5):
        """Local spectral index ``-d log(dN/dE) / d log(E)``.

        Parameters
        ----------
        energy : `~astropy.units.Quantity`
            Energy.
        epsilon : float
            Relative energy step of the numerical derivative.
        """
        energy = u.Quantity(energy)
        f1 = self(energy * (1 - epsilon))
        f2 = self(energy * (1 + epsilon))
        ratio = (f2 / f1).to_value("")
        return -np.log(ratio) / np.log((1 + epsilon) / (1 - epsilon))

    def spectral_index_error(self, energy, epsilon=1e-5):
        """Spectral index and its error (stacked array of shape ``(2,) + energy.shape``)."""
        return self._propagate_error(
            1e-4, lambda: u.Quantity(self.spectral_index(energy, epsilon))
        ).value

    @property
    def pivot_energy(self):
        """Energy where the relative error of dN/dE is smallest (`~astropy.units.Quantity`).

        NaN if the covariance is zero.
        """
        from scipy.optimize import minimize_scalar

        if not np.any(np.diag(self.covariance.data) > 0):
            log.warning("Pivot energy undefined: the model covariance is zero.")
            return np.nan * u.TeV
        center = 1.0
        if "reference" in self._parameters_dict:
            center = self.reference.quantity.to_value("TeV")
        grid = center * np.logspace(-5, 5, 201) * u.TeV

        def relative_error(energy):
            value, error = self.evaluate_error(energy)
            return (error / value).to_value("")

        rel = relative_error(grid)
        rel = np.where(np.isfinite(rel), rel, np.inf)
        imin = int(np.argmin(rel))
        lo = np.log10(grid[max(imin - 1, 0)].value)
        hi = np.log10(grid[min(imin + 1, len(grid) - 1)].value)
        result = minimize_scalar(
            lambda x: relative_error(10**x * u.TeV),
            bounds=(lo, hi),
            method="bounded",
            options={"xatol": 1e-8},
        )
        return 10**result.x * u.TeV

    # ---- inverse -------------------------------------------------------------
    def inverse_all(
        self, values, energy_min=DEFAULT_ENERGY_MIN, energy_max=DEFAULT_ENERGY_MAX
    ):
        """All energies where dN/dE equals each value.

        Parameters
        ----------
        values : `~astropy.units.Quantity`
            Differential flux values.
        energy_min, energy_max : `~astropy.units.Quantity`
            Search range.

        Returns
        -------
        energies : list of `~astropy.units.Quantity`
            For each value, the (possibly empty) array of solutions.
        """
        from scipy.optimize import brentq

        values = u.Quantity(values)
        unit = u.Quantity(energy_min).unit
        grid = np.geomspace(
            u.Quantity(energy_min).value, u.Quantity(energy_max).to_value(unit), 1001
        )
        log_grid = np.log(grid)
        flux_grid = self(grid * unit)
        results = []
        for value in np.atleast_1d(values):
            target = value.to_value(flux_grid.unit)
            diff = flux_grid.value - target
            roots = []
            exact = np.nonzero(diff == 0)[0]
            roots += list(log_grid[exact])
            sign = np.nonzero(diff[:-1] * diff[1:] < 0)[0]
            for i in sign:

                def func(x, target=target):
                    return self(np.exp(x) * unit).to_value(flux_grid.unit) - target

                roots.append(brentq(func, log_grid[i], log_grid[i + 1], xtol=1e-12))
            results.append(np.exp(np.sort(roots)) * unit)
        return results

    def inverse(
        self, value, energy_min=DEFAULT_ENERGY_MIN, energy_max=DEFAULT_ENERGY_MAX
    ):
        """Lowest energy where dN/dE equals ``value`` (NaN where there is none).

        Parameters
        ----------
        value : `~astropy.units.Quantity`
            Differential flux value(s).
        energy_min, energy_max : `~astropy.units.Quantity`
            Search range.

        Returns
        -------
        energy : `~astropy.units.Quantity`
            Energies, shape of ``value``.
        """
        value = u.Quantity(value)
        unit = u.Quantity(energy_min).unit
        solutions = self.inverse_all(value, energy_min, energy_max)
        out = np.array([s[0].value if len(s) else np.nan for s in solutions])
        return u.Quantity(out.reshape(value.shape), unit)

    # ---- reference fluxes & plotting ----------------------------------------
    def reference_fluxes(self, energy_axis):
        """Reference fluxes in the bins of an energy axis.

        Parameters
        ----------
        energy_axis : `~gammaray.maps.MapAxis`
            Energy axis (anything with ``center``, ``edges_min``, ``edges_max``).

        Returns
        -------
        fluxes : dict of `~astropy.units.Quantity`
            ``e_ref``, ``e_min``, ``e_max``, ``ref_dnde``, ``ref_flux``,
            ``ref_eflux``, ``ref_e2dnde``.
        """
        energy = energy_axis.center
        energy_min, energy_max = energy_axis.edges_min, energy_axis.edges_max
        dnde = self(energy)
        return {
            "e_ref": energy,
            "e_min": energy_min,
            "e_max": energy_max,
            "ref_dnde": dnde,
            "ref_flux": self.integral(energy_min, energy_max),
            "ref_eflux": self.energy_flux(energy_min, energy_max),
            "ref_e2dnde": dnde * energy**2,
        }

    def _plot_values(self, energy_bounds, sed_type, n_points, with_error):
        energy_min, energy_max = (
            u.Quantity(energy_bounds[0]),
            u.Quantity(energy_bounds[1]),
        )
        energy_max = energy_max.to(energy_min.unit)
        if sed_type in ("dnde", "e2dnde"):
            energy = np.geomspace(energy_min, energy_max, n_points)
            if with_error:
                value, error = self.evaluate_error(energy)
            else:
                value, error = self(energy), None
            if sed_type == "e2dnde":
                value = value * energy**2
                error = None if error is None else error * energy**2
        elif sed_type in ("flux", "eflux"):
            edges = np.geomspace(energy_min, energy_max, n_points + 1)
            energy = np.sqrt(edges[:-1] * edges[1:])
            method = self.integral if sed_type == "flux" else self.energy_flux
            if with_error:
                method = (
                    self.integral_error
                    if sed_type == "flux"
                    else self.energy_flux_error
                )
                value, error = method(edges[:-1], edges[1:])
            else:
                value, error = method(edges[:-1], edges[1:]), None
        else:
            raise ValueError(
                f"Unknown sed_type {sed_type!r}; use 'dnde', 'e2dnde', 'flux' or 'eflux'."
            )
        return energy, value, error

    def plot(
        self,
        energy_bounds,
        ax=None,
        sed_type="dnde",
        energy_power=0,
        n_points=100,
        **kwargs,
    ):
        """Plot the spectrum.

        Parameters
        ----------
        energy_bounds : `~astropy.units.Quantity`
            Plot range ``[energy_min, energy_max]``.
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        sed_type : {"dnde", "e2dnde", "flux", "eflux"}
            Quantity to plot (``flux``/``eflux`` per log-spaced bin).
        energy_power : int
            Multiply by ``E ** energy_power``.
        n_points : int
            Number of points.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.plot`.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
            Axes.
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        energy, value, _ = self._plot_values(energy_bounds, sed_type, n_points, False)
        unit = sed_plot_unit(sed_type, energy_power)
        energy = energy.to(SED_PLOT_ENERGY_UNIT)
        value = (value * energy**energy_power).to(unit)
        ax.plot(energy.value, value.value, **kwargs)
        self._plot_format_ax(ax, energy, value, sed_type, energy_power)
        return ax

    def plot_error(
        self,
        energy_bounds,
        ax=None,
        sed_type="dnde",
        energy_power=0,
        n_points=100,
        **kwargs,
    ):
        """Plot the 1-sigma error band from the covariance.

        Parameters are those of `plot`; ``kwargs`` go to
        `~matplotlib.axes.Axes.fill_between`.
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        kwargs.setdefault("alpha", 0.2)
        kwargs.setdefault("linewidth", 0)
        energy, value, error = self._plot_values(
            energy_bounds, sed_type, n_points, True
        )
        unit = sed_plot_unit(sed_type, energy_power)
        energy = energy.to(SED_PLOT_ENERGY_UNIT)
        factor = energy**energy_power
        value, error = (value * factor).to(unit), (error * factor).to(unit)
        ax.fill_between(
            energy.value, (value - error).value, (value + error).value, **kwargs
        )
        self._plot_format_ax(ax, energy, value, sed_type, energy_power)
        return ax

    @staticmethod
    def _plot_format_ax(ax, energy, value, sed_type, energy_power):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(f"Energy [{energy.unit.to_string()}]")
        label = _SED_LABELS[sed_type]
        if energy_power:
            label = f"E^{energy_power} {label}"
        ax.set_ylabel(f"{label} [{value.unit.to_string()}]")

    # ---- arithmetic ----------------------------------------------------------
    def _compound(self, other, op):
        from .spectral_compound import CompoundSpectralModel

        if not isinstance(other, SpectralModel):
            return NotImplemented
        return CompoundSpectralModel(self, other, op)

    def __add__(self, other):
        return self._compound(other, operator.add)

    def __radd__(self, other):
        if isinstance(other, int | float) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other):
        return self._compound(other, operator.sub)

    def __mul__(self, other):
        return self._compound(other, operator.mul)

    def __truediv__(self, other):
        return self._compound(other, operator.truediv)


class ConstantSpectralModel(SpectralModel):
    """Constant differential flux ``dN/dE = const``.

    Parameters
    ----------
    const : `~astropy.units.Quantity`
        Differential flux (default ``1e-12 cm-2 s-1 TeV-1``).
    """

    tag = ["ConstantSpectralModel", "const"]
    const = Parameter("const", "1e-12 cm-2 s-1 TeV-1", is_norm=True)

    @staticmethod
    def evaluate(energy, const):
        """dN/dE."""
        return np.ones(np.shape(energy)) * const

    @staticmethod
    def evaluate_integral(energy_min, energy_max, const):
        """Closed-form integral."""
        return const * (energy_max - energy_min)

    @staticmethod
    def evaluate_energy_flux(energy_min, energy_max, const):
        """Closed-form energy flux."""
        return const * (energy_max**2 - energy_min**2) / 2


class PowerLawSpectralModel(SpectralModel):
    """Power law ``dN/dE = amplitude * (E / reference) ** -index``.

    Parameters
    ----------
    index : float
        Spectral index (default 2).
    amplitude : `~astropy.units.Quantity`
        dN/dE at the reference energy (default ``1e-12 cm-2 s-1 TeV-1``).
    reference : `~astropy.units.Quantity`
        Reference energy (default 1 TeV, frozen).
    """

    tag = ["PowerLawSpectralModel", "pl"]
    index = Parameter("index", 2.0)
    amplitude = Parameter("amplitude", "1e-12 cm-2 s-1 TeV-1", is_norm=True)
    reference = Parameter("reference", "1 TeV", frozen=True)

    @staticmethod
    def evaluate(energy, index, amplitude, reference):
        """dN/dE."""
        return amplitude * np.power((energy / reference).to_value(""), -index)

    @staticmethod
    def evaluate_integral(energy_min, energy_max, index, amplitude, reference):
        """Closed-form integral (stable for index = 1)."""
        return _power_law_integral(amplitude, reference, index, energy_min, energy_max)

    @staticmethod
    def evaluate_energy_flux(energy_min, energy_max, index, amplitude, reference):
        """Closed-form energy flux (stable for index = 2)."""
        return reference * _power_law_integral(
            amplitude, reference, index - 1, energy_min, energy_max
        )

    def inverse(self, value, *args, **kwargs):
        """Energy where dN/dE equals ``value`` (closed form)."""
        base = (u.Quantity(value) / self.amplitude.quantity).to_value("")
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.reference.quantity * np.power(base, -1.0 / self.index.value)

    @property
    def pivot_energy(self):
        """Decorrelation energy ``E0 * exp(cov(A, index) / (A * var(index)))``."""
        covar = self.covariance.get_subcovariance(
            self.parameters[["amplitude", "index"]]
        ).data
        if covar[1, 1] <= 0:
            return np.nan * self.reference.unit
        x = covar[0, 1] / (self.amplitude.value * covar[1, 1])
        return self.reference.quantity * np.exp(x)


class PowerLaw2SpectralModel(SpectralModel):
    """Power law normalised by its integral flux between ``emin`` and ``emax``.

    Parameters
    ----------
    amplitude : `~astropy.units.Quantity`
        Integral flux between ``emin`` and ``emax`` (default ``1e-12 cm-2 s-1``).
    index : float
        Spectral index (default 2).
    emin, emax : `~astropy.units.Quantity`
        Energy range of the integral flux (defaults 0.1 and 100 TeV, frozen).
    """

    tag = ["PowerLaw2SpectralModel", "pl-2"]
    amplitude = Parameter("amplitude", "1e-12 cm-2 s-1", is_norm=True)
    index = Parameter("index", 2.0)
    emin = Parameter("emin", "0.1 TeV", frozen=True)
    emax = Parameter("emax", "100 TeV", frozen=True)

    @staticmethod
    def evaluate(energy, amplitude, index, emin, emax):
        """dN/dE."""
        norm = _power_law_integral(1, emin, index, emin, emax)
        return amplitude / norm * np.power((energy / emin).to_value(""), -index)

    @staticmethod
    def evaluate_integral(energy_min, energy_max, amplitude, index, emin, emax):
        """Closed-form integral."""
        norm = _power_law_integral(1, emin, index, emin, emax)
        return (
            amplitude
            * _power_law_integral(1, emin, index, energy_min, energy_max)
            / norm
        )

    @staticmethod
    def evaluate_energy_flux(energy_min, energy_max, amplitude, index, emin, emax):
        """Closed-form energy flux."""
        norm = _power_law_integral(1, emin, index, emin, emax)
        eflux = emin * _power_law_integral(1, emin, index - 1, energy_min, energy_max)
        return amplitude * eflux / norm


class PowerLawNormSpectralModel(SpectralModel):
    """Dimensionless power-law norm ``norm * (E / reference) ** -tilt``.

    Parameters
    ----------
    norm : float
        Normalisation (default 1).
    tilt : float
        Spectral tilt (default 0, frozen).
    reference : `~astropy.units.Quantity`
        Reference energy (default 1 TeV, frozen).
    """

    tag = ["PowerLawNormSpectralModel", "pl-norm"]
    norm = Parameter("norm", 1.0, unit="", is_norm=True)
    tilt = Parameter("tilt", 0.0, frozen=True)
    reference = Parameter("reference", "1 TeV", frozen=True)

    @staticmethod
    def evaluate(energy, norm, tilt, reference):
        """Norm factor."""
        return norm * np.power((energy / reference).to_value(""), -tilt)

    @staticmethod
    def evaluate_integral(energy_min, energy_max, norm, tilt, reference):
        """Closed-form integral (unit: energy)."""
        return _power_law_integral(norm, reference, tilt, energy_min, energy_max)

    @staticmethod
    def evaluate_energy_flux(energy_min, energy_max, norm, tilt, reference):
        """Closed-form ``int E norm dE`` (unit: energy squared)."""
        return reference * _power_law_integral(
            norm, reference, tilt - 1, energy_min, energy_max
        )


class GaussianSpectralModel(SpectralModel):
    """Gaussian line ``dN/dE = amplitude / (sigma sqrt(2 pi)) exp(-(E - mean)^2 / (2 sigma^2))``.

    Parameters
    ----------
    amplitude : `~astropy.units.Quantity`
        Integral flux over all energies (default ``1e-12 cm-2 s-1``).
    mean : `~astropy.units.Quantity`
        Mean energy (default 1 TeV).
    sigma : `~astropy.units.Quantity`
        Width (default 2 TeV).
    """

    tag = ["GaussianSpectralModel", "gauss"]
    amplitude = Parameter("amplitude", "1e-12 cm-2 s-1", is_norm=True)
    mean = Parameter("mean", "1 TeV")
    sigma = Parameter("sigma", "2 TeV")

    @staticmethod
    def evaluate(energy, amplitude, mean, sigma):
        """dN/dE."""
        x = ((energy - mean) / sigma).to_value("")
        return amplitude / (sigma * np.sqrt(2 * np.pi)) * np.exp(-0.5 * x**2)

    @staticmethod
    def evaluate_integral(energy_min, energy_max, amplitude, mean, sigma):
        """Closed-form integral (error functions)."""
        from scipy.special import erf

        a = ((energy_min - mean) / (sigma * np.sqrt(2))).to_value("")
        b = ((energy_max - mean) / (sigma * np.sqrt(2))).to_value("")
        return amplitude / 2 * (erf(b) - erf(a))

    @staticmethod
    def evaluate_energy_flux(energy_min, energy_max, amplitude, mean, sigma):
        """Closed-form energy flux."""
        from scipy.special import erf

        a = ((energy_min - mean) / (sigma * np.sqrt(2))).to_value("")
        b = ((energy_max - mean) / (sigma * np.sqrt(2))).to_value("")
        term1 = mean / 2 * (erf(b) - erf(a))
        term2 = sigma / np.sqrt(2 * np.pi) * (np.exp(-(a**2)) - np.exp(-(b**2)))
        return amplitude * (term1 + term2)
