"""Conversions between test statistic (TS) and Gaussian significance."""

import numpy as np
from scipy.special import gammaln, log_ndtr, ndtri_exp
from scipy.stats import chi2

__all__ = ["sigma_to_ts", "ts_to_sigma"]


def ts_to_sigma(ts, df=1):
    r"""Convert a test statistic to a Gaussian significance.

    The p-value of ``ts`` for a chi-square distribution with ``df`` degrees of
    freedom, ``p = chi2.sf(ts, df)``, is expressed as the two-sided Gaussian
    significance ``sigma`` with ``p = 2 * norm.sf(sigma)``. For ``df = 1`` this
    is exactly ``sigma = sqrt(ts)``. Negative TS values (the signed-TS
    convention for negative excesses) give negative significances:
    ``ts_to_sigma(-ts) = -ts_to_sigma(ts)``. Computed from the logarithm of the
    p-value, so large TS values do not underflow.

    Parameters
    ----------
    ts : array_like
        Test statistic.
    df : int, optional
        Degrees of freedom. Default 1.

    Returns
    -------
    sigma : `~numpy.ndarray` or float
        Significance in Gaussian sigma.
    """
    ts = np.asarray(ts, dtype=np.float64)
    if df == 1:
        sigma = np.sqrt(np.abs(ts))
    else:
        x = np.abs(ts)
        log_p = chi2.logsf(x, df)
        # far tail (log_p underflows to -inf): leading term of the asymptotic series
        k = 0.5 * df
        with np.errstate(divide="ignore", invalid="ignore"):
            asymptotic = (k - 1) * np.log(0.5 * x) - 0.5 * x - gammaln(k)
        log_p = np.where(np.isneginf(log_p) & np.isfinite(x), asymptotic, log_p)
        sigma = np.maximum(-ndtri_exp(log_p - np.log(2)), 0.0)
    return np.sign(ts) * sigma if ts.ndim else float(np.sign(ts) * sigma)


def sigma_to_ts(sigma, df=1):
    r"""Convert a Gaussian significance to a test statistic (inverse of `ts_to_sigma`).

    For ``df = 1``, ``ts = sigma**2`` (with the sign of ``sigma``); otherwise the
    two-sided p-value ``p = 2 * norm.sf(|sigma|)`` is converted with
    ``ts = chi2.isf(p, df)``.

    Parameters
    ----------
    sigma : array_like
        Significance in Gaussian sigma.
    df : int, optional
        Degrees of freedom. Default 1.

    Returns
    -------
    ts : `~numpy.ndarray` or float
        Test statistic.
    """
    sigma = np.asarray(sigma, dtype=np.float64)
    if df == 1:
        ts = sigma**2
    else:
        p = np.exp(np.log(2) + log_ndtr(-np.abs(sigma)))
        ts = chi2.isf(p, df)
    return np.sign(sigma) * ts if sigma.ndim else float(np.sign(sigma) * ts)
