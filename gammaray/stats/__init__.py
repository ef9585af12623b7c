"""Poisson and Gaussian statistics: fit statistics, counts significance, Cash kernels."""

from .counts_statistic import CashCountsStatistic, CountsStatistic, WStatCountsStatistic
from .fit_statistics import (
    TRUNCATION_VALUE,
    cash,
    chi2,
    chi2_asymmetric,
    cstat,
    get_wstat_gof_terms,
    get_wstat_mu_bkg,
    wstat,
)
from .statistics import (
    FIT_STATISTICS_REGISTRY,
    CashFitStatistic,
    Chi2AsymmetricErrorFitStatistic,
    Chi2FitStatistic,
    CStatFitStatistic,
    FitStatistic,
    UnknownFitStatisticError,
    WStatFitStatistic,
    get_fit_statistic,
)
from .utils import sigma_to_ts, ts_to_sigma

__all__ = [
    "FIT_STATISTICS_REGISTRY",
    "TRUNCATION_VALUE",
    "CStatFitStatistic",
    "CashCountsStatistic",
    "CashFitStatistic",
    "Chi2AsymmetricErrorFitStatistic",
    "Chi2FitStatistic",
    "CountsStatistic",
    "FitStatistic",
    "UnknownFitStatisticError",
    "WStatCountsStatistic",
    "WStatFitStatistic",
    "cash",
    "chi2",
    "chi2_asymmetric",
    "cstat",
    "get_fit_statistic",
    "get_wstat_gof_terms",
    "get_wstat_mu_bkg",
    "sigma_to_ts",
    "ts_to_sigma",
    "wstat",
]
