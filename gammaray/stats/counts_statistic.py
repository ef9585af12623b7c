"""Significance, errors and upper limits of a counts excess (Cash and WStat).

Both classes work element-wise on arrays of any shape (e.g. whole maps); all
root finding is vectorised (safeguarded Newton on NumPy arrays).
"""

import abc

import numpy as np
from scipy.stats import chi2

from ._roots import expand_bracket, find_roots
from .fit_statistics import TRUNCATION_VALUE, cash, cstat, get_wstat_mu_bkg, wstat

__all__ = ["CashCountsStatistic", "CountsStatistic", "WStatCountsStatistic"]


def _as_float(value):
    return np.asarray(value, dtype=np.float64)


def _n_on_matching(func, n_zero, sig):
    """Continuous ``n_on`` where ``func(n_on)`` (TS minus ``sig**2``, derivative) is zero.

    The root is searched above ``n_zero`` (the counts of zero excess) for
    ``sig >= 0`` and between 0 and ``n_zero`` otherwise (``nan`` where even
    ``n_on = 0`` is not significant enough).
    """
    step = np.maximum(np.abs(sig) * np.sqrt(np.maximum(n_zero, 1.0)) * 2 + sig**2, 1.0)
    upper = expand_bracket(func, n_zero, step, direction=1)
    f_zero, _ = func(np.zeros(n_zero.shape))
    lower = np.where(f_zero >= 0, 0.0, np.nan)
    far = np.where(sig >= 0, upper, lower)
    return find_roots(func, n_zero, far)


class CountsStatistic(abc.ABC):
    """Base class of the counts statistics.

    Subclasses define the likelihood of a signal amplitude ``n_sig`` (counts)
    through :meth:`_delta_stat`, the statistic relative to its minimum.
    """

    @property
    @abc.abstractmethod
    def n_sig(self):
        """Best-fit excess counts."""

    @property
    @abc.abstractmethod
    def n_bkg(self):
        """Background counts."""

    @property
    @abc.abstractmethod
    def stat_null(self):
        """Statistic of the null hypothesis (no excess)."""

    @property
    @abc.abstractmethod
    def stat_max(self):
        """Statistic at the best-fit excess (the minimum)."""

    @abc.abstractmethod
    def _delta_stat(self, n_sig):
        """Statistic minus its minimum and its derivative for excess ``n_sig``."""

    @abc.abstractmethod
    def _lower_bound(self):
        """Smallest allowed excess (``-inf`` if unbounded)."""

    @property
    def ts(self):
        """Test statistic of the excess: ``stat_null - stat_max`` (>= 0)."""
        return np.maximum(self.stat_null - self.stat_max, 0.0)

    @property
    def sqrt_ts(self):
        """Signed significance: ``sign(n_sig) * sqrt(ts)``."""
        return np.sign(self.n_sig) * np.sqrt(self.ts)

    @property
    def p_value(self):
        """One-sided p-value of the excess, ``0.5 * chi2.sf(ts, 1) = norm.sf(|sqrt_ts|)``."""
        return 0.5 * chi2.sf(self.ts, 1)

    def _threshold_func(self, n_sigma):
        target = float(n_sigma) ** 2

        def func(n_sig):
            delta, derivative = self._delta_stat(n_sig)
            return delta - target, derivative

        return func

    def _initial_step(self, n_sigma):
        return np.maximum(
            2 * n_sigma * np.sqrt(np.maximum(np.abs(self.n_sig) + self.n_bkg, 1.0)), 1.0
        )

    def compute_errn(self, n_sigma=1.0):
        """Negative error on the excess (a negative number).

        Solves ``delta_stat(n_sig + errn) = n_sigma**2`` below the best fit. Where
        the statistic stays below that value down to the smallest allowed excess
        (e.g. zero counts), the distance to that bound is returned.

        Parameters
        ----------
        n_sigma : float
            Confidence level in Gaussian sigma. Default 1.

        Returns
        -------
        errn : `~numpy.ndarray`
        """
        func = self._threshold_func(n_sigma)
        n_sig = np.broadcast_to(self.n_sig, self.shape).astype(np.float64)
        lower = np.broadcast_to(self._lower_bound(), self.shape).astype(np.float64)
        bounded = np.isfinite(lower)
        if not np.all(bounded):
            expanded = expand_bracket(
                func, n_sig, self._initial_step(n_sigma), direction=-1
            )
            lower = np.where(bounded, lower, expanded)
        f_lower, _ = func(lower)
        no_root = ~(f_lower > 0)
        root = find_roots(func, np.where(no_root, np.nan, lower), n_sig)
        root = np.where(no_root, lower, root)
        return root - n_sig

    def compute_errp(self, n_sigma=1.0):
        """Positive error on the excess.

        Solves ``delta_stat(n_sig + errp) = n_sigma**2`` above the best fit.

        Parameters
        ----------
        n_sigma : float
            Confidence level in Gaussian sigma. Default 1.

        Returns
        -------
        errp : `~numpy.ndarray`
        """
        return self._upper_root(n_sigma) - self.n_sig

    def compute_upper_limit(self, n_sigma=3.0):
        """Upper limit on the excess counts.

        The excess above the best fit at which the statistic has grown by
        ``n_sigma**2`` (``n_sig + errp(n_sigma)``).

        Parameters
        ----------
        n_sigma : float
            Confidence level in Gaussian sigma. Default 3.

        Returns
        -------
        ul : `~numpy.ndarray`
        """
        return self._upper_root(n_sigma)

    def _upper_root(self, n_sigma):
        func = self._threshold_func(n_sigma)
        n_sig = np.broadcast_to(self.n_sig, self.shape).astype(np.float64)
        upper = expand_bracket(func, n_sig, self._initial_step(n_sigma), direction=1)
        return find_roots(func, n_sig, upper)

    def info_dict(self):
        """Summary as a dict (values of scalar statistics converted to Python floats).

        Returns
        -------
        info : dict
            Keys ``n_on``, ``background``, ``excess``, ``significance``, ``p_value``
            (plus ``n_off``, ``alpha`` and ``mu_sig`` for WStat).
        """
        info = {
            "n_on": self.n_on,
            "background": self.n_bkg,
            "excess": self.n_sig,
            "significance": self.sqrt_ts,
            "p_value": self.p_value,
        }
        info.update(self._extra_info())
        return {
            key: (float(value) if np.ndim(value) == 0 else np.asarray(value))
            for key, value in info.items()
        }

    def _extra_info(self):
        return {}

    def __repr__(self):
        info = self.info_dict()
        lines = [type(self).__name__]
        for key, value in info.items():
            if np.ndim(value) == 0:
                text = f"{value:.4g}"
            else:
                text = np.array2string(np.asarray(value), precision=4, threshold=6)
            lines.append(f"    {key:<13}: {text}")
        return "\n".join(lines)


class CashCountsStatistic(CountsStatistic):
    """Excess statistics for counts ``n_on`` over a known background ``mu_bkg`` (Cash).

    Parameters
    ----------
    n_on : array_like
        Measured counts.
    mu_bkg : array_like
        Known (expected) background counts.

    Examples
    --------
    >>> from gammaray.stats import CashCountsStatistic
    >>> stat = CashCountsStatistic(n_on=13, mu_bkg=5.5)
    >>> round(float(stat.sqrt_ts), 3)
    2.714
    """

    def __init__(self, n_on, mu_bkg):
        self.n_on = _as_float(n_on)
        self.mu_bkg = _as_float(mu_bkg)
        self.shape = np.broadcast_shapes(self.n_on.shape, self.mu_bkg.shape)

    def sum(self, axis=None):
        """Statistic of the counts summed over ``axis`` (all axes if ``None``).

        Parameters
        ----------
        axis : int or tuple of int, optional
            Axes to sum over.

        Returns
        -------
        stat : `CashCountsStatistic`
        """
        n_on, mu_bkg = np.broadcast_arrays(self.n_on, self.mu_bkg)
        return type(self)(n_on.sum(axis=axis), mu_bkg.sum(axis=axis))

    @property
    def n_bkg(self):
        """Background counts (``mu_bkg``)."""
        return self.mu_bkg

    @property
    def n_sig(self):
        """Excess counts ``n_on - mu_bkg``."""
        return self.n_on - self.mu_bkg

    @property
    def error(self):
        """Approximate (symmetric) error on the excess: ``sqrt(n_on)``."""
        return np.sqrt(self.n_on)

    @property
    def stat_null(self):
        """Cash statistic of the background-only hypothesis, ``cash(n_on, mu_bkg)``."""
        return cash(self.n_on, self.mu_bkg)

    @property
    def stat_max(self):
        """Cash statistic at the best fit, ``cash(n_on, n_on)``."""
        return cash(self.n_on, self.n_on)

    @property
    def ts(self):
        """Test statistic ``2 * (n_on log(n_on / mu_bkg) - (n_on - mu_bkg))``."""
        return cstat(self.n_on, self.mu_bkg)

    def _lower_bound(self):
        return -self.mu_bkg

    def _delta_stat(self, n_sig):
        mu = self.mu_bkg + n_sig
        with np.errstate(divide="ignore", invalid="ignore"):
            derivative = np.where(mu > TRUNCATION_VALUE, 2 * (1 - self.n_on / mu), 0.0)
        return cstat(self.n_on, mu), derivative

    def n_sig_matching_significance(self, significance):
        """Excess counts needed for a given significance over the background ``mu_bkg``.

        Solves ``sqrt_ts(n_on = mu_bkg + n_sig) = significance`` for a continuous
        ``n_on``; negative significances give deficits (``nan`` where even zero
        counts are not significant enough).

        Parameters
        ----------
        significance : array_like
            Significance in Gaussian sigma.

        Returns
        -------
        n_sig : `~numpy.ndarray`
        """
        significance = _as_float(significance)
        shape = np.broadcast_shapes(self.mu_bkg.shape, significance.shape)
        mu = np.broadcast_to(self.mu_bkg, shape)
        sig = np.broadcast_to(significance, shape)
        target = sig**2

        def func(n_on):
            with np.errstate(divide="ignore", invalid="ignore"):
                derivative = 2 * np.log(np.maximum(n_on, TRUNCATION_VALUE) / mu)
            return cstat(n_on, mu) - target, derivative

        return _n_on_matching(func, mu, sig) - mu


class WStatCountsStatistic(CountsStatistic):
    """Excess statistics for ON/OFF counts with unknown background (WStat, Li & Ma).

    The background is estimated from ``n_off`` counts in an OFF region with
    exposure ratio ``alpha`` and profiled out. For ``mu_sig = 0`` the
    significance ``sqrt_ts`` equals the Li & Ma (1983) equation 17.

    Parameters
    ----------
    n_on : array_like
        Counts in the ON region.
    n_off : array_like
        Counts in the OFF region.
    alpha : array_like
        Exposure ratio of the ON and OFF regions.
    mu_sig : array_like, optional
        Expected signal counts of the null hypothesis. Default 0.
    """

    def __init__(self, n_on, n_off, alpha, mu_sig=None):
        self.n_on = _as_float(n_on)
        self.n_off = _as_float(n_off)
        self.alpha = _as_float(alpha)
        self.mu_sig = _as_float(0.0 if mu_sig is None else mu_sig)
        self.shape = np.broadcast_shapes(
            self.n_on.shape, self.n_off.shape, self.alpha.shape, self.mu_sig.shape
        )

    def sum(self, axis=None):
        """Statistic of the counts summed over ``axis`` (all axes if ``None``).

        ``n_on``, ``n_off`` and ``mu_sig`` are summed; the combined ``alpha`` is
        ``sum(alpha * n_off) / sum(n_off)`` so that the background estimate is additive.

        Parameters
        ----------
        axis : int or tuple of int, optional
            Axes to sum over.

        Returns
        -------
        stat : `WStatCountsStatistic`
        """
        n_on, n_off, alpha, mu_sig = np.broadcast_arrays(
            self.n_on, self.n_off, self.alpha, self.mu_sig
        )
        n_off_sum = n_off.sum(axis=axis)
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha_sum = (alpha * n_off).sum(axis=axis) / n_off_sum
        return type(self)(
            n_on.sum(axis=axis), n_off_sum, alpha_sum, mu_sig.sum(axis=axis)
        )

    @property
    def n_bkg(self):
        """Background counts estimated in the ON region, ``alpha * n_off``."""
        return self.alpha * self.n_off

    @property
    def n_sig(self):
        """Excess counts ``n_on - alpha * n_off - mu_sig``."""
        return self.n_on - self.n_bkg - self.mu_sig

    @property
    def mu_bkg(self):
        """Profiled background counts in the ON region under the null hypothesis."""
        return self.alpha * get_wstat_mu_bkg(
            self.n_on, self.n_off, self.alpha, self.mu_sig
        )

    @property
    def error(self):
        """Approximate (symmetric) error on the excess: ``sqrt(n_on + alpha**2 * n_off)``."""
        return np.sqrt(self.n_on + self.alpha**2 * self.n_off)

    @property
    def stat_null(self):
        """WStat (with goodness-of-fit terms) of the null hypothesis ``mu_sig``."""
        return wstat(self.n_on, self.n_off, self.alpha, self.mu_sig)

    @property
    def stat_max(self):
        """WStat at the best fit ``n_on - alpha * n_off`` (zero up to rounding)."""
        return wstat(
            self.n_on, self.n_off, self.alpha, self.n_on - self.n_bkg, mu_bkg=self.n_off
        )

    def _lower_bound(self):
        return np.full(self.shape, -np.inf)

    def _signal_stat(self, mu_sig):
        """Profiled WStat and its derivative with respect to the signal counts."""
        mu_bkg = get_wstat_mu_bkg(self.n_on, self.n_off, self.alpha, mu_sig)
        mu_on = mu_sig + self.alpha * mu_bkg
        stat = wstat(self.n_on, self.n_off, self.alpha, mu_sig, mu_bkg=mu_bkg)
        with np.errstate(divide="ignore", invalid="ignore"):
            # envelope theorem: d/dmu_sig = 2 (1 - n_on / mu_on), where mu_bkg is free;
            # where the constraint mu_on >= 0 binds (n_on = 0) the OFF term matters.
            free = 2 * (1 - self.n_on / mu_on)
            bound = 2 * (-1 / self.alpha - self.n_off / mu_sig)
            binds = (self.n_on == 0) & (
                -mu_sig / self.alpha > self.n_off / (1 + self.alpha)
            )
        derivative = np.where(binds, bound, free)
        return stat, derivative

    def _delta_stat(self, n_sig):
        stat, derivative = self._signal_stat(n_sig + self.mu_sig)
        return stat - self.stat_max, derivative

    def n_sig_matching_significance(self, significance):
        """Excess counts needed for a given significance, at fixed ``n_off`` and ``alpha``.

        Solves ``sqrt_ts = significance`` for a continuous ``n_on`` and returns
        ``n_on - alpha * n_off - mu_sig``; ``nan`` where no ``n_on >= 0`` reaches a
        negative significance.

        Parameters
        ----------
        significance : array_like
            Significance in Gaussian sigma.

        Returns
        -------
        n_sig : `~numpy.ndarray`
        """
        significance = _as_float(significance)
        shape = np.broadcast_shapes(self.shape, significance.shape)
        n_off, alpha, mu_sig = (
            np.broadcast_to(v, shape) for v in (self.n_off, self.alpha, self.mu_sig)
        )
        sig = np.broadcast_to(significance, shape)
        target = sig**2

        def func(n_on):
            mu_bkg = get_wstat_mu_bkg(n_on, n_off, alpha, mu_sig)
            mu_on = mu_sig + alpha * mu_bkg
            with np.errstate(divide="ignore", invalid="ignore"):
                derivative = 2 * np.log(np.maximum(n_on, TRUNCATION_VALUE) / mu_on)
            return wstat(n_on, n_off, alpha, mu_sig, mu_bkg=mu_bkg) - target, derivative

        n_zero = alpha * n_off + mu_sig
        return _n_on_matching(func, n_zero, sig) - n_zero

    def _extra_info(self):
        return {"n_off": self.n_off, "alpha": self.alpha, "mu_sig": self.mu_sig}
