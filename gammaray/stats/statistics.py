"""Fit-statistic classes and their registry.

Each class bundles one statistic: ``stat_array`` (per bin) and ``stat_sum``
(summed over the selected bins) on plain arrays, and ``stat_array_dataset`` /
``stat_sum_dataset`` that read the arrays from a dataset-like object. Datasets
choose their statistic by name through :func:`get_fit_statistic`.
"""

import numpy as np

from gammaray.utils.errors import GammarayError

from . import kernels
from .fit_statistics import cash, chi2_asymmetric, cstat, wstat

__all__ = [
    "FIT_STATISTICS_REGISTRY",
    "CStatFitStatistic",
    "CashFitStatistic",
    "Chi2AsymmetricErrorFitStatistic",
    "Chi2FitStatistic",
    "FitStatistic",
    "UnknownFitStatisticError",
    "WStatFitStatistic",
    "get_fit_statistic",
]


class UnknownFitStatisticError(GammarayError, KeyError):
    """A fit statistic name is not in :data:`FIT_STATISTICS_REGISTRY`."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


def _data(value):
    """Array of a Map-like (``.data``) or array-like value."""
    return np.asarray(getattr(value, "data", value))


def _select(mask, *arrays):
    """Broadcast the arrays and keep the elements where ``mask`` is true."""
    arrays = np.broadcast_arrays(*(np.asarray(a) for a in arrays))
    if mask is None:
        return arrays
    mask = np.asarray(mask, dtype=bool)
    return [a[mask] for a in np.broadcast_arrays(*arrays, mask)[:-1]]


class FitStatistic:
    """Base class of the fit statistics (``-2 log L`` up to constants).

    All methods are class methods; the classes are never instantiated.
    """

    tag = None

    @classmethod
    def stat_array(cls, *args, **kwargs):
        """Per-bin statistic."""
        raise NotImplementedError

    @classmethod
    def stat_sum(cls, *args, mask=None, **kwargs):
        """Statistic summed over the bins where ``mask`` is true (all if ``None``)."""
        stat = cls.stat_array(*args, **kwargs)
        if mask is not None:
            stat = stat[np.broadcast_to(np.asarray(mask, dtype=bool), stat.shape)]
        return float(np.sum(stat))

    @classmethod
    def loglikelihood(cls, *args, **kwargs):
        """Log-likelihood ``-0.5 * stat_sum`` (up to model-independent terms)."""
        return -0.5 * cls.stat_sum(*args, **kwargs)

    @classmethod
    def _dataset_arrays(cls, dataset):
        raise NotImplementedError(
            f"{cls.__name__} cannot read arrays from a {type(dataset).__name__}; "
            f"call {cls.__name__}.stat_sum() with arrays."
        )

    @classmethod
    def stat_array_dataset(cls, dataset):
        """Per-bin statistic of a dataset (same shape as its data)."""
        return cls.stat_array(**cls._dataset_arrays(dataset))

    @classmethod
    def stat_sum_dataset(cls, dataset):
        """Statistic of a dataset summed over its mask (``dataset.mask``, ``None`` = all)."""
        mask = getattr(dataset, "mask", None)
        return cls.stat_sum(
            **cls._dataset_arrays(dataset), mask=None if mask is None else _data(mask)
        )


class CashFitStatistic(FitStatistic):
    """Cash statistic of counts with predicted counts (Poisson, known background).

    ``stat_sum`` runs in the compiled kernel (see :mod:`gammaray.stats.kernels`).
    Datasets must provide ``counts`` and ``npred()`` (maps or arrays) and
    optionally ``mask``.
    """

    tag = "cash"

    @classmethod
    def stat_array(cls, counts, npred):
        """Per-bin Cash statistic ``2 * (mu - n log mu)`` (see :func:`~gammaray.stats.cash`).

        Parameters
        ----------
        counts, npred : array_like
            Observed and predicted counts.
        """
        return cash(counts, npred)

    @classmethod
    def stat_sum(cls, counts, npred, mask=None, weights=None):
        """Summed Cash statistic over the bins where ``mask`` is true.

        Parameters
        ----------
        counts, npred : array_like
            Observed and predicted counts (same shape).
        mask : array_like of bool, optional
            Bins to use; ``None`` means all.
        weights : array_like, optional
            Per-bin weights (bins with zero weight or outside the mask are skipped).

        Returns
        -------
        stat : float
        """
        if weights is None:
            return kernels.cash_sum_masked(counts, npred, mask)
        if mask is not None:
            weights = np.where(np.asarray(mask, dtype=bool), weights, 0.0)
        return kernels.weighted_cash_sum(counts, npred, weights)

    @classmethod
    def _dataset_arrays(cls, dataset):
        return {"counts": _data(dataset.counts), "npred": _data(dataset.npred())}


class CStatFitStatistic(CashFitStatistic):
    """C statistic (Cash minus its saturated value); same minimum as Cash."""

    tag = "cstat"

    @classmethod
    def stat_array(cls, counts, npred):
        """Per-bin C statistic (see :func:`~gammaray.stats.cstat`)."""
        return cstat(counts, npred)

    @classmethod
    def stat_sum(cls, counts, npred, mask=None, weights=None):
        """Summed C statistic over the bins where ``mask`` is true (see `CashFitStatistic`)."""
        stat = cstat(counts, npred)
        if weights is not None:
            stat = stat * np.asarray(weights, dtype=np.float64)
        if mask is not None:
            stat = stat[np.broadcast_to(np.asarray(mask, dtype=bool), stat.shape)]
        return float(np.sum(stat))


class WStatFitStatistic(FitStatistic):
    """WStat of ON/OFF counts with the background profiled out.

    Datasets must provide ``counts``, ``counts_off``, ``alpha`` and
    ``npred_signal()`` (maps or arrays) and optionally ``mask``.
    """

    tag = "wstat"

    @classmethod
    def stat_array(cls, n_on, n_off, alpha, mu_sig):
        """Per-bin WStat (see :func:`~gammaray.stats.wstat`).

        Parameters
        ----------
        n_on, n_off : array_like
            ON and OFF counts.
        alpha : array_like
            Exposure ratio of ON and OFF regions.
        mu_sig : array_like
            Predicted signal counts in the ON region.
        """
        return wstat(n_on=n_on, n_off=n_off, alpha=alpha, mu_sig=mu_sig)

    @classmethod
    def stat_sum(cls, n_on, n_off, alpha, mu_sig, mask=None):
        """WStat summed over the bins where ``mask`` is true.

        Masked-out bins are removed before evaluating (values there, e.g. zero
        ``alpha``, do not matter).

        Returns
        -------
        stat : float
        """
        n_on, n_off, alpha, mu_sig = _select(mask, n_on, n_off, alpha, mu_sig)
        return float(np.sum(wstat(n_on=n_on, n_off=n_off, alpha=alpha, mu_sig=mu_sig)))

    @classmethod
    def _dataset_arrays(cls, dataset):
        return {
            "n_on": _data(dataset.counts),
            "n_off": _data(dataset.counts_off),
            "alpha": _data(dataset.alpha),
            "mu_sig": _data(dataset.npred_signal()),
        }


class Chi2FitStatistic(FitStatistic):
    """Chi-square ``((data - model) / error)**2`` with symmetric Gaussian errors."""

    tag = "chi2"

    @classmethod
    def stat_array(cls, data, model, error):
        """Per-point chi-square.

        Parameters
        ----------
        data, model : array_like
            Measured and predicted values (same unit).
        error : array_like
            Standard deviations of the measurements.
        """
        data, model, error = (
            np.asarray(v, dtype=np.float64) for v in (data, model, error)
        )
        return ((data - model) / error) ** 2


class Chi2AsymmetricErrorFitStatistic(FitStatistic):
    """Chi-square with asymmetric errors and optional upper limits.

    See :func:`~gammaray.stats.fit_statistics.chi2_asymmetric`.
    """

    tag = "chi2asym"

    @classmethod
    def stat_array(cls, data, model, errn, errp, is_ul=None, ul=None, n_sigma_ul=2):
        """Per-point statistic (see :func:`~gammaray.stats.fit_statistics.chi2_asymmetric`)."""
        return chi2_asymmetric(
            data, model, errn, errp, is_ul=is_ul, ul=ul, n_sigma_ul=n_sigma_ul
        )


FIT_STATISTICS_REGISTRY = {
    "cash": CashFitStatistic,
    "cstat": CStatFitStatistic,
    "wstat": WStatFitStatistic,
    "chi2": Chi2FitStatistic,
    "chi2asym": Chi2AsymmetricErrorFitStatistic,
    "distrib": Chi2AsymmetricErrorFitStatistic,
}
"""Fit-statistic classes by name."""


def get_fit_statistic(name):
    """Fit-statistic class registered under ``name``.

    Parameters
    ----------
    name : str
        One of the keys of :data:`FIT_STATISTICS_REGISTRY` (case-insensitive).

    Returns
    -------
    cls : type
        Subclass of `FitStatistic`.

    Raises
    ------
    UnknownFitStatisticError
        If the name is unknown (derives from `KeyError`).
    """
    key = str(name).lower()
    if key not in FIT_STATISTICS_REGISTRY:
        raise UnknownFitStatisticError(
            f"Unknown fit statistic {name!r}; choose one of "
            f"{', '.join(sorted(FIT_STATISTICS_REGISTRY))}."
        )
    return FIT_STATISTICS_REGISTRY[key]
