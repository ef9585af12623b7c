"""Poisson and Gaussian fit statistics as vectorised functions of arrays.

All functions work element-wise on array-like inputs (they broadcast like
NumPy) and return per-bin values in float64; sum them to get the statistic.
The statistics are ``-2 log L`` up to model-independent terms, so differences
between hypotheses are test statistics (TS).
"""

import numpy as np
from scipy.special import log_ndtr, xlogy

__all__ = [
    "TRUNCATION_VALUE",
    "cash",
    "chi2",
    "chi2_asymmetric",
    "cstat",
    "get_wstat_gof_terms",
    "get_wstat_mu_bkg",
    "wstat",
]

TRUNCATION_VALUE = 1e-25
"""Predicted counts below this value are replaced by it in `cash` and `cstat`."""


def _as_float(value):
    return np.asarray(value, dtype=np.float64)


def cash(n_on, mu_on, truncation_value=TRUNCATION_VALUE):
    r"""Cash statistic for Poisson data with known expectation.

    .. math::
        C = 2 \left(\mu_{on} - n_{on} \log \mu_{on}\right)

    with :math:`\mu_{on}` replaced by ``truncation_value`` where
    ``mu_on <= truncation_value`` (so that zero or negative predictions give a
    large but finite statistic). Reference: Cash (1979), ApJ 228, 939.

    Parameters
    ----------
    n_on : array_like
        Observed counts.
    mu_on : array_like
        Expected (predicted) counts.
    truncation_value : float, optional
        Lower limit applied to ``mu_on``. Default 1e-25.

    Returns
    -------
    stat : `~numpy.ndarray`
        Per-bin statistic (float64, broadcast shape of the inputs).
    """
    n_on = _as_float(n_on)
    mu_on = np.maximum(_as_float(mu_on), truncation_value)
    return 2 * (mu_on - n_on * np.log(mu_on))


def cstat(n_on, mu_on, truncation_value=TRUNCATION_VALUE):
    r"""C statistic (Cash statistic minus its saturated-model value).

    .. math::
        C = 2 \left(\mu_{on} - n_{on} + n_{on} (\log n_{on} - \log \mu_{on})\right)

    with :math:`n \log n = 0` for :math:`n = 0` and :math:`\mu_{on}` truncated
    at ``truncation_value`` as in :func:`cash`. It is non-negative and zero when
    ``mu_on == n_on``, so its sum follows a chi-square distribution
    asymptotically and can serve as a goodness of fit.

    Parameters
    ----------
    n_on : array_like
        Observed counts.
    mu_on : array_like
        Expected counts.
    truncation_value : float, optional
        Lower limit applied to ``mu_on``. Default 1e-25.

    Returns
    -------
    stat : `~numpy.ndarray`
        Per-bin statistic.
    """
    n_on = _as_float(n_on)
    mu_on = np.maximum(_as_float(mu_on), truncation_value)
    return 2 * (mu_on - n_on + xlogy(n_on, n_on) - n_on * np.log(mu_on))


def get_wstat_mu_bkg(n_on, n_off, alpha, mu_sig):
    r"""Background expectation in the OFF region that maximises the WStat likelihood.

    For given signal ``mu_sig`` the likelihood of ON and OFF counts,
    :math:`P(n_{on} | \mu_{sig} + \alpha \mu_{bkg}) P(n_{off} | \mu_{bkg})`,
    is maximised over the OFF-region background :math:`\mu_{bkg} \ge 0`
    (profile likelihood). The stationarity condition is the quadratic

    .. math::
        \alpha (1 + \alpha) \mu_{bkg}^2 - C \mu_{bkg} - n_{off} \mu_{sig} = 0,
        \qquad C = \alpha (n_{on} + n_{off}) - (1 + \alpha) \mu_{sig},

    whose larger root :math:`(C + \sqrt{C^2 + 4 \alpha (1 + \alpha) n_{off} \mu_{sig}}) / (2 \alpha (1 + \alpha))`
    is taken (computed without cancellation). This covers the special cases:
    ``n_on = 0`` gives ``n_off / (1 + alpha)`` (for ``mu_sig >= 0``), ``n_off = 0``
    gives ``max(n_on / (1 + alpha) - mu_sig / alpha, 0)``. For negative ``mu_sig``
    the root keeps the ON expectation ``mu_sig + alpha * mu_bkg`` non-negative.

    Parameters
    ----------
    n_on, n_off : array_like
        Counts in the ON and OFF regions.
    alpha : array_like
        Exposure ratio of the ON and OFF regions (> 0).
    mu_sig : array_like
        Expected signal counts in the ON region.

    Returns
    -------
    mu_bkg : `~numpy.ndarray`
        Profiled background expectation in the OFF region.
    """
    n_on, n_off, alpha, mu_sig = (_as_float(v) for v in (n_on, n_off, alpha, mu_sig))
    a = alpha * (1 + alpha)
    c = alpha * (n_on + n_off) - (1 + alpha) * mu_sig
    d = np.sqrt(np.maximum(c**2 + 4 * a * n_off * mu_sig, 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        # C >= 0: no cancellation in C + D; C < 0: use the product of the roots.
        positive = (c + d) / (2 * a)
        negative = 2 * n_off * mu_sig / (d - c)
    return np.where(c >= 0, positive, negative)


def get_wstat_gof_terms(n_on, n_off):
    r"""Goodness-of-fit terms of WStat: ``2 n (log n - 1)`` for ON and OFF counts.

    Adding them makes WStat zero for the saturated model (``-2 log`` of the
    likelihood ratio to the saturated model); ``n log n = 0`` for ``n = 0``.

    Parameters
    ----------
    n_on, n_off : array_like
        Counts in the ON and OFF regions.

    Returns
    -------
    terms : `~numpy.ndarray`
    """
    n_on, n_off = _as_float(n_on), _as_float(n_off)
    return 2 * (xlogy(n_on, n_on) - n_on) + 2 * (xlogy(n_off, n_off) - n_off)


def wstat(n_on, n_off, alpha, mu_sig, mu_bkg=None, extra_terms=True):
    r"""WStat: Poisson likelihood of ON and OFF counts with the background profiled out.

    The XSPEC "W statistic":

    .. math::
        W = 2 \left[\mu_{sig} + (1 + \alpha) \mu_{bkg}
            - n_{on} \log(\mu_{sig} + \alpha \mu_{bkg}) - n_{off} \log \mu_{bkg}\right]

    with :math:`\mu_{bkg}` from :func:`get_wstat_mu_bkg` unless given, and the
    logarithm terms dropped where ``n_on = 0`` or ``n_off = 0``. With
    ``extra_terms=True`` the goodness-of-fit terms of :func:`get_wstat_gof_terms`
    are added, so that ``W = 0`` at the best fit ``mu_sig = n_on - alpha * n_off``.

    Parameters
    ----------
    n_on, n_off : array_like
        Counts in the ON and OFF regions.
    alpha : array_like
        Exposure ratio of the ON and OFF regions.
    mu_sig : array_like
        Expected signal counts in the ON region.
    mu_bkg : array_like, optional
        Background expectation in the OFF region; profiled if ``None``.
    extra_terms : bool, optional
        Add the goodness-of-fit terms. Default True.

    Returns
    -------
    stat : `~numpy.ndarray`
        Per-bin statistic.
    """
    n_on, n_off, alpha, mu_sig = (_as_float(v) for v in (n_on, n_off, alpha, mu_sig))
    if mu_bkg is None:
        mu_bkg = get_wstat_mu_bkg(n_on, n_off, alpha, mu_sig)
    mu_bkg = _as_float(mu_bkg)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = 2 * (
            mu_sig
            + (1 + alpha) * mu_bkg
            - xlogy(n_on, mu_sig + alpha * mu_bkg)
            - xlogy(n_off, mu_bkg)
        )
    if extra_terms:
        stat = stat + get_wstat_gof_terms(n_on, n_off)
    return stat


def chi2(N_S, B, S, sigma):
    r"""Chi-square statistic with a given variance: ``((N_S - B - S) / sigma)**2``.

    Parameters
    ----------
    N_S : array_like
        Observed values (e.g. counts in the signal region).
    B : array_like
        Background expectation.
    S : array_like
        Signal expectation.
    sigma : array_like
        Standard deviation of the observed values.

    Returns
    -------
    stat : `~numpy.ndarray`
    """
    N_S, B, S, sigma = (_as_float(v) for v in (N_S, B, S, sigma))
    return ((N_S - B - S) / sigma) ** 2


def chi2_asymmetric(data, model, errn, errp, is_ul=None, ul=None, n_sigma_ul=2):
    r"""Chi-square with asymmetric errors, optionally with upper limits.

    A measured point contributes ``((data - model) / err)**2`` with
    ``err = errp`` where the model lies above the data and ``errn`` otherwise.
    A point flagged as upper limit contributes
    :math:`-2 \log \Phi((ul - model) / \sigma)`, with :math:`\Phi` the standard
    normal distribution and :math:`\sigma = ul / n_{\sigma, ul}` (the upper limit
    read as an ``n_sigma_ul`` confidence bound above zero): zero far below the
    limit, growing quadratically above it.

    Parameters
    ----------
    data, model : array_like
        Measured and predicted values.
    errn, errp : array_like
        Negative and positive errors (positive numbers).
    is_ul : array_like of bool, optional
        Which points are upper limits. Default: none.
    ul : array_like, optional
        Upper limits (used where ``is_ul``).
    n_sigma_ul : float, optional
        Confidence of the upper limits in Gaussian sigma. Default 2.

    Returns
    -------
    stat : `~numpy.ndarray`
    """
    data, model, errn, errp = (_as_float(v) for v in (data, model, errn, errp))
    err = np.where(model > data, errp, errn)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = ((data - model) / err) ** 2
    if is_ul is None:
        return stat
    is_ul = np.asarray(is_ul, dtype=bool)
    if ul is None:
        raise ValueError(
            "chi2_asymmetric: is_ul is given but ul is not; pass the upper limits."
        )
    ul = _as_float(ul)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat_ul = -2 * log_ndtr((ul - model) * n_sigma_ul / ul)
    return np.where(is_ul, stat_ul, stat)
