"""Temporal models: base class and analytic light curves.

A temporal model is a dimensionless norm as a function of time that
multiplies the spectral model of a `SkyModel`. Times are `~astropy.time.Time`
objects; the reference time ``t_ref`` is a parameter in MJD (unit ``d``).
"""

import logging

import numpy as np
from astropy import units as u
from astropy.time import Time

from ..parameter import Parameter
from .core import ModelBase

__all__ = [
    "TemporalModel",
    "ConstantTemporalModel",
    "LinearTemporalModel",
    "ExpDecayTemporalModel",
    "GaussianTemporalModel",
    "GeneralizedGaussianTemporalModel",
    "PowerLawTemporalModel",
    "SineTemporalModel",
]

log = logging.getLogger(__name__)

#: Default reference time (MJD) of the temporal models (2000-01-01).
T_REF_DEFAULT = Time("2000-01-01", scale="utc")


def _as_time(time, scale="utc"):
    if isinstance(time, Time):
        return time
    return Time(time, format="mjd", scale=scale)


class TemporalModel(ModelBase):
    """Base class of temporal models.

    Subclasses implement ``evaluate(time, **parameters)`` with ``time`` a
    Quantity in MJD days (``u.d``).

    Parameters
    ----------
    scale : str
        Time scale of ``t_ref`` (default ``"utc"``).
    **kwargs : dict
        Parameter values.
    """

    type = "temporal"
    #: Gauss-Legendre order used for numerical integration of each sub-interval.
    _gl_order = 10

    def __init__(self, scale="utc", **kwargs):
        if "t_ref" in kwargs and isinstance(kwargs["t_ref"], Time):
            kwargs["t_ref"] = kwargs["t_ref"].mjd * u.d
        self.scale = scale
        super().__init__(**kwargs)

    @property
    def is_energy_dependent(self):
        """Whether the model depends on energy (False for analytic models)."""
        return False

    @property
    def reference_time(self):
        """Reference time (`~astropy.time.Time`, from the ``t_ref`` parameter)."""
        if "t_ref" not in self._parameters_dict:
            return None
        return Time(self.t_ref.quantity.to_value("d"), format="mjd", scale=self.scale)

    @reference_time.setter
    def reference_time(self, t_ref):
        self.t_ref.value = _as_time(t_ref, self.scale).mjd

    def _parameter_kwargs(self):
        return {p.name: p.quantity for p in self._parameters_dict.values()}

    def _time_mjd(self, time):
        time = _as_time(time, self.scale)
        if time.scale != self.scale:
            time = getattr(time, self.scale)
        return u.Quantity(time.mjd, "d")

    def __call__(self, time, energy=None):
        """Evaluate the norm at ``time`` (`~astropy.time.Time`); dimensionless array."""
        value = self.evaluate(self._time_mjd(time), **self._parameter_kwargs())
        return u.Quantity(value).to_value("")

    @staticmethod
    def time_sum(t_min, t_max):
        """Total duration of the intervals (`~astropy.units.Quantity`, d)."""
        t_min, t_max = _as_time(t_min), _as_time(t_max)
        return u.Quantity(np.sum((t_max - t_min).to_value("d")), "d")

    def _integral_mjd(self, t_min, t_max, oversampling_factor=100):
        """``int f dt`` (in days) over each interval, numerically."""
        x, w = np.polynomial.legendre.leggauss(self._gl_order)
        t_min = np.atleast_1d(t_min)
        t_max = np.atleast_1d(t_max)
        n = max(int(oversampling_factor), 1)
        frac = np.linspace(0, 1, n + 1)
        edges = t_min[:, None] + (t_max - t_min)[:, None] * frac
        a, b = edges[:, :-1], edges[:, 1:]
        half = 0.5 * (b - a)
        t = (0.5 * (a + b))[..., None] + half[..., None] * x
        values = u.Quantity(
            self.evaluate(u.Quantity(t, "d"), **self._parameter_kwargs())
        ).to_value("")
        values = np.broadcast_to(values, t.shape)
        return np.sum(values * w * half[..., None], axis=(-1, -2))

    def integral(self, t_min, t_max, oversampling_factor=100, **kwargs):
        """Integral of the norm over time intervals, normalised by their total length.

        The result for interval ``i`` is ``int_{t_min_i}^{t_max_i} f dt / sum_j
        (t_max_j - t_min_j)``, so that summing over e.g. the GTIs gives the
        mean norm over the exposure (one for `ConstantTemporalModel`).

        Parameters
        ----------
        t_min, t_max : `~astropy.time.Time`
            Interval bounds (e.g. ``gti.time_start``, ``gti.time_stop``).
        oversampling_factor : int
            Sub-intervals per interval for numerical integration.

        Returns
        -------
        norm : `~numpy.ndarray`
            Normalised integral per interval (dimensionless).
        """
        t_min = _as_time(t_min, self.scale)
        t_max = _as_time(t_max, self.scale)
        lo = self._time_mjd(t_min).value
        hi = self._time_mjd(t_max).value
        integral = self._integral_mjd(np.ravel(lo), np.ravel(hi), oversampling_factor)
        total = np.sum(np.ravel(hi) - np.ravel(lo))
        return (integral / total).reshape(np.shape(lo))

    def sample_time(self, n_events, t_min, t_max, t_delta="1 s", random_state=0):
        """Sample event times from the light curve (inverse-CDF on a grid).

        Parameters
        ----------
        n_events : int
            Number of times.
        t_min, t_max : `~astropy.time.Time`
            Time range.
        t_delta : str or `~astropy.units.Quantity`
            Grid step.
        random_state : int, `~numpy.random.Generator` or None
            Random state.

        Returns
        -------
        time : `~astropy.time.Time`
            Sampled times.
        """
        from gammaray.utils.random import get_random_state

        rng = get_random_state(random_state)
        t_min, t_max = _as_time(t_min, self.scale), _as_time(t_max, self.scale)
        lo, hi = self._time_mjd(t_min).value, self._time_mjd(t_max).value
        step = u.Quantity(t_delta).to_value("d")
        n_grid = max(int(np.ceil((hi - lo) / step)), 1)
        edges = np.linspace(lo, hi, n_grid + 1)
        weights = np.clip(self._integral_mjd(edges[:-1], edges[1:], 1), 0, None)
        cdf = np.concatenate([[0.0], np.cumsum(weights)])
        if cdf[-1] <= 0:
            raise ValueError("The temporal model is zero over the sampling range.")
        cdf /= cdf[-1]
        uniform = rng.uniform(size=int(n_events))
        mjd = np.interp(uniform, cdf, edges)
        return Time(mjd, format="mjd", scale=self.scale)

    def plot(self, time_range, ax=None, n_points=100, **kwargs):
        """Plot the norm versus time.

        Parameters
        ----------
        time_range : tuple of `~astropy.time.Time`
            Start and stop.
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
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
        t_min, t_max = (_as_time(t, self.scale) for t in time_range)
        mjd = np.linspace(t_min.mjd, t_max.mjd, n_points)
        time = Time(mjd, format="mjd", scale=self.scale)
        ax.plot(mjd, self(time), **kwargs)
        ax.set_xlabel("Time [MJD]")
        ax.set_ylabel("Norm")
        return ax

    def to_dict(self, full_output=False):
        """Model dict (Gammapy layout), with ``scale`` if it is not UTC."""
        data = super().to_dict(full_output=full_output)
        if self.scale != "utc":
            data["temporal"]["scale"] = self.scale
        return data

    def _update_parameters_from_dict(self, items):
        super()._update_parameters_from_dict(items)
        self._check_default_units()

    @classmethod
    def _from_dict(cls, data, **kwargs):
        if "scale" in data:
            kwargs.setdefault("scale", data["scale"])
        return super()._from_dict(data, **kwargs)


def _t_ref_parameter():
    return Parameter("t_ref", T_REF_DEFAULT.mjd, unit="d", frozen=True)


class ConstantTemporalModel(TemporalModel):
    """Constant norm of one (no parameters)."""

    tag = ["ConstantTemporalModel", "const"]

    @staticmethod
    def evaluate(time):
        """Ones of the shape of ``time``."""
        return np.ones(np.shape(time))

    def _integral_mjd(self, t_min, t_max, oversampling_factor=100):
        return np.asarray(t_max, dtype=float) - np.asarray(t_min, dtype=float)


class LinearTemporalModel(TemporalModel):
    """Linear light curve ``alpha + beta (t - t_ref)``.

    Parameters
    ----------
    alpha : float
        Constant term.
    beta : `~astropy.units.Quantity`
        Slope (``d-1``).
    t_ref : `~astropy.units.Quantity`
        Reference time (MJD, ``d``).
    """

    tag = ["LinearTemporalModel", "linear"]
    alpha = Parameter("alpha", 1.0)
    beta = Parameter("beta", 0.0, unit="d-1")
    t_ref = _t_ref_parameter()

    @staticmethod
    def evaluate(time, alpha, beta, t_ref):
        """Norm."""
        return alpha + beta * (time - t_ref)

    def _integral_mjd(self, t_min, t_max, oversampling_factor=100):
        alpha = self.alpha.value
        beta = self.beta.quantity.to_value("d-1")
        t_ref = self.t_ref.quantity.to_value("d")
        lo, hi = np.asarray(t_min) - t_ref, np.asarray(t_max) - t_ref
        return alpha * (hi - lo) + 0.5 * beta * (hi**2 - lo**2)


class ExpDecayTemporalModel(TemporalModel):
    """Exponential decay ``exp(-(t - t_ref) / t0)``.

    Parameters
    ----------
    t0 : `~astropy.units.Quantity`
        Decay time (``d``).
    t_ref : `~astropy.units.Quantity`
        Reference time (MJD, ``d``).
    """

    tag = ["ExpDecayTemporalModel", "exp-decay"]
    t0 = Parameter("t0", "1 d", frozen=False)
    t_ref = _t_ref_parameter()

    @staticmethod
    def evaluate(time, t0, t_ref):
        """Norm."""
        return np.exp(-((time - t_ref) / t0).to_value(""))

    def _integral_mjd(self, t_min, t_max, oversampling_factor=100):
        t0 = self.t0.quantity.to_value("d")
        t_ref = self.t_ref.quantity.to_value("d")
        lo, hi = np.asarray(t_min) - t_ref, np.asarray(t_max) - t_ref
        return t0 * (np.exp(-lo / t0) - np.exp(-hi / t0))


class GaussianTemporalModel(TemporalModel):
    """Gaussian flare ``exp(-(t - t_ref)^2 / (2 sigma^2))``.

    Parameters
    ----------
    t_ref : `~astropy.units.Quantity`
        Peak time (MJD, ``d``).
    sigma : `~astropy.units.Quantity`
        Width (``d``).
    """

    tag = ["GaussianTemporalModel", "gauss"]
    t_ref = Parameter("t_ref", T_REF_DEFAULT.mjd, unit="d", frozen=False)
    sigma = Parameter("sigma", "1 d", frozen=False)

    @staticmethod
    def evaluate(time, t_ref, sigma):
        """Norm."""
        return np.exp(-0.5 * (((time - t_ref) / sigma).to_value("")) ** 2)

    def _integral_mjd(self, t_min, t_max, oversampling_factor=100):
        from scipy.special import erf

        sigma = self.sigma.quantity.to_value("d")
        t_ref = self.t_ref.quantity.to_value("d")
        lo = (np.asarray(t_min) - t_ref) / (np.sqrt(2) * sigma)
        hi = (np.asarray(t_max) - t_ref) / (np.sqrt(2) * sigma)
        return sigma * np.sqrt(np.pi / 2) * (erf(hi) - erf(lo))


class GeneralizedGaussianTemporalModel(TemporalModel):
    """Asymmetric generalised Gaussian flare.

    ``exp(-0.5 (|t - t_ref| / t_rise)^(1 / eta))`` before ``t_ref`` and the
    same with ``t_decay`` after.

    Parameters
    ----------
    t_ref : `~astropy.units.Quantity`
        Peak time (MJD, ``d``).
    t_rise, t_decay : `~astropy.units.Quantity`
        Rise and decay times (``d``).
    eta : float
        Shape (0.5 is a Gaussian).
    """

    tag = ["GeneralizedGaussianTemporalModel", "gengauss"]
    t_ref = Parameter("t_ref", T_REF_DEFAULT.mjd, unit="d", frozen=False)
    t_rise = Parameter("t_rise", "1 d")
    t_decay = Parameter("t_decay", "1 d")
    eta = Parameter("eta", 0.5)

    @staticmethod
    def evaluate(time, t_ref, t_rise, t_decay, eta):
        """Norm."""
        dt = (time - t_ref).to_value("d")
        scale = np.where(dt < 0, t_rise.to_value("d"), t_decay.to_value("d"))
        eta = u.Quantity(eta).to_value("")
        return np.exp(-0.5 * (np.abs(dt) / scale) ** (1 / eta))


class PowerLawTemporalModel(TemporalModel):
    """Power law ``((t - t_ref) / t0)^alpha`` (for ``t > t_ref``).

    Parameters
    ----------
    alpha : float
        Index.
    t_ref : `~astropy.units.Quantity`
        Reference time (MJD, ``d``).
    t0 : `~astropy.units.Quantity`
        Time scale (``d``).
    """

    tag = ["PowerLawTemporalModel", "powerlaw"]
    alpha = Parameter("alpha", 1.0)
    t_ref = _t_ref_parameter()
    t0 = Parameter("t0", "1 d", frozen=True)

    @staticmethod
    def evaluate(time, alpha, t_ref, t0):
        """Norm."""
        x = ((time - t_ref) / t0).to_value("")
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.power(x, u.Quantity(alpha).to_value(""))

    def _integral_mjd(self, t_min, t_max, oversampling_factor=100):
        alpha = self.alpha.value
        t0 = self.t0.quantity.to_value("d")
        t_ref = self.t_ref.quantity.to_value("d")
        lo = (np.asarray(t_min) - t_ref) / t0
        hi = (np.asarray(t_max) - t_ref) / t0
        if alpha == -1:
            return t0 * np.log(hi / lo)
        return t0 * (hi ** (alpha + 1) - lo ** (alpha + 1)) / (alpha + 1)


class SineTemporalModel(TemporalModel):
    """Sinusoidal variation ``1 + amp sin(omega (t - t_ref))``.

    Parameters
    ----------
    amp : float
        Amplitude.
    omega : `~astropy.units.Quantity`
        Angular frequency (``rad d-1``).
    t_ref : `~astropy.units.Quantity`
        Reference time (MJD, ``d``).
    """

    tag = ["SineTemporalModel", "sinus"]
    amp = Parameter("amp", 1.0)
    omega = Parameter("omega", "1 rad / d")
    t_ref = _t_ref_parameter()

    @staticmethod
    def evaluate(time, amp, omega, t_ref):
        """Norm."""
        phase = (omega * (time - t_ref)).to_value("rad")
        return 1 + u.Quantity(amp).to_value("") * np.sin(phase)

    def _integral_mjd(self, t_min, t_max, oversampling_factor=100):
        amp = self.amp.value
        omega = self.omega.quantity.to_value("rad / d")
        t_ref = self.t_ref.quantity.to_value("d")
        lo, hi = np.asarray(t_min) - t_ref, np.asarray(t_max) - t_ref
        return (hi - lo) - amp / omega * (np.cos(omega * hi) - np.cos(omega * lo))
