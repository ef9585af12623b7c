"""Optimiser backends (iminuit, scipy) working in the scaled factor space.

Every backend function receives the free parameters (a `Parameters` whose
``factor`` values are of order one after `Parameters.autoscale`) and a
callable ``function(factors) -> stat`` that sets the factors and returns the
total statistic (``-2 log L``, so ``errordef = 1``).
"""

import logging

import numpy as np

from gammaray.utils.errors import FitError

__all__ = [
    "Likelihood",
    "optimize_iminuit",
    "covariance_iminuit",
    "confidence_iminuit",
    "optimize_scipy",
    "covariance_scipy",
    "numerical_hessian",
    "BACKENDS",
]

log = logging.getLogger(__name__)

#: Value returned to optimisers in place of a non-finite statistic.
LARGE_STAT = 1e100


class Likelihood:
    """Callable ``factors -> total stat`` that records a trace if asked.

    Parameters
    ----------
    parameters : `~gammaray.modeling.Parameters`
        Free parameters (in optimiser order).
    stat_sum : callable
        Function returning the total statistic for the current parameter values.
    store_trace : bool
        Record ``[stat, value_1, ..., value_n]`` at every call.
    """

    def __init__(self, parameters, stat_sum, store_trace=False):
        self.parameters = parameters
        self.stat_sum = stat_sum
        self.store_trace = store_trace
        self.trace = []

    def __call__(self, factors):
        self.parameters.set_parameter_factors(factors)
        stat = float(self.stat_sum())
        if self.store_trace:
            self.trace.append([stat, *self.parameters.value])
        if not np.isfinite(stat):
            return LARGE_STAT
        return stat


def _factor_bounds(parameters):
    lo = np.array([p.factor_min for p in parameters], dtype=float)
    hi = np.array([p.factor_max for p in parameters], dtype=float)
    return np.where(np.isnan(lo), -np.inf, lo), np.where(np.isnan(hi), np.inf, hi)


def _initial_steps(parameters):
    steps = []
    for par in parameters:
        if par.error > 0 and np.isfinite(par.error):
            steps.append(par.error / abs(par.scale))
        else:
            steps.append(max(0.01 * abs(par.factor), 0.01))
    return np.array(steps)


def _make_minuit(parameters, function, tol=0.1, strategy=1, print_level=0, errors=True):
    from iminuit import Minuit

    names = [f"par_{i:03d}_{p.name}" for i, p in enumerate(parameters)]
    minuit = Minuit(function, np.array([p.factor for p in parameters]), name=names)
    minuit.errordef = Minuit.LEAST_SQUARES
    lo, hi = _factor_bounds(parameters)
    minuit.limits = list(zip(lo, hi))
    if errors:
        minuit.errors = _initial_steps(parameters)
    minuit.tol = tol
    minuit.strategy = strategy
    minuit.print_level = print_level
    return minuit, names


def optimize_iminuit(parameters, function, **kwargs):
    """Minimise with MIGRAD.

    Parameters
    ----------
    parameters : `~gammaray.modeling.Parameters`
        Free parameters.
    function : `Likelihood`
        Objective.
    **kwargs : dict
        ``tol`` (default 0.1), ``strategy`` (1), ``print_level`` (0),
        ``ncall`` (max calls, default iminuit's).

    Returns
    -------
    factors : `~numpy.ndarray`
        Best-fit factors.
    info : dict
        ``success``, ``message``, ``nfev``, ``method``.
    """
    ncall = kwargs.pop("ncall", None)
    minuit, _ = _make_minuit(parameters, function, **kwargs)
    minuit.migrad(ncall=ncall)
    if ncall is None and not minuit.valid and minuit.fmin.has_reached_call_limit:
        # badly conditioned problems (e.g. a reference energy far outside the
        # data) may need more than iminuit's default call budget: continue once
        minuit.migrad()
    fmin = minuit.fmin
    success = bool(minuit.valid)
    if success:
        message = "Optimization terminated successfully."
    else:
        reasons = [
            name
            for name in ("is_above_max_edm", "has_reached_call_limit", "hesse_failed")
            if getattr(fmin, name, False)
        ]
        message = "Optimization failed. " + ", ".join(reasons)
    info = {
        "success": success,
        "message": message,
        "nfev": int(minuit.nfcn),
        "method": "migrad",
    }
    return np.array(minuit.values), info


def covariance_iminuit(parameters, function, **kwargs):
    """Covariance from HESSE in factor space.

    Returns
    -------
    matrix : `~numpy.ndarray`
        Covariance of the factors.
    info : dict
        ``success``, ``message``, ``method``.
    """
    minuit, _ = _make_minuit(parameters, function, **kwargs)
    minuit.hesse()
    matrix = np.array(minuit.covariance, dtype=float)
    success = bool(minuit.accurate)
    message = "Hesse terminated successfully." if success else "Hesse failed."
    return matrix, {"success": success, "message": message, "method": "hesse"}


def confidence_iminuit(parameters, function, index, sigma=1, **kwargs):
    """MINOS interval of one parameter (reoptimising the others).

    Parameters
    ----------
    parameters : `~gammaray.modeling.Parameters`
        Free parameters, at the best fit.
    function : `Likelihood`
        Objective.
    index : int
        Index of the parameter in ``parameters``.
    sigma : float
        Number of sigma.

    Returns
    -------
    result : dict
        ``errp``, ``errn`` (in factor space), ``success``, ``nfev``.
    """
    minuit, names = _make_minuit(parameters, function, **kwargs)
    minuit.migrad()
    name = names[index]
    try:
        minuit.minos(name, cl=float(sigma))
    except RuntimeError as exc:
        log.warning("MINOS failed for %s: %s", name, exc)
        return {
            "errp": np.nan,
            "errn": np.nan,
            "success": False,
            "nfev": int(minuit.nfcn),
        }
    merror = minuit.merrors[name]
    return {
        "errp": float(merror.upper),
        "errn": float(-merror.lower),
        "success": bool(merror.is_valid),
        "nfev": int(minuit.nfcn),
        "best": float(minuit.values[name]),
    }


def optimize_scipy(parameters, function, method="L-BFGS-B", **kwargs):
    """Minimise with `scipy.optimize.minimize` (bounds are passed on).

    Parameters
    ----------
    parameters : `~gammaray.modeling.Parameters`
        Free parameters.
    function : `Likelihood`
        Objective.
    method : str
        Method (``"L-BFGS-B"``, ``"Nelder-Mead"``, ``"Powell"``, ...).
    **kwargs : dict
        Passed to `scipy.optimize.minimize` (e.g. ``options``, ``tol``).
    """
    from scipy.optimize import minimize

    x0 = np.array([p.factor for p in parameters])
    lo, hi = _factor_bounds(parameters)
    bounds = [
        (None if not np.isfinite(a) else a, None if not np.isfinite(b) else b)
        for a, b in zip(lo, hi)
    ]
    if method == "L-BFGS-B":
        options = kwargs.setdefault("options", {})
        options.setdefault("ftol", 1e-12)
        options.setdefault("gtol", 1e-6)
    if method == "Nelder-Mead":
        options = kwargs.setdefault("options", {})
        options.setdefault("xatol", 1e-6)
        options.setdefault("fatol", 1e-6)
        options.setdefault("maxfev", 200 * (len(x0) + 1) * 5)
    result = minimize(function, x0, method=method, bounds=bounds, **kwargs)
    info = {
        "success": bool(result.success),
        "message": str(result.message),
        "nfev": int(result.nfev),
        "method": method,
    }
    return np.asarray(result.x, dtype=float), info


def numerical_hessian(function, x, steps):
    """Hessian of ``function`` at ``x`` by central differences.

    Parameters
    ----------
    function : callable
        Function of a 1-d array.
    x : `~numpy.ndarray`
        Point.
    steps : `~numpy.ndarray`
        Step per dimension.
    """
    x = np.asarray(x, dtype=float)
    n = len(x)
    f0 = function(x)
    hess = np.zeros((n, n))
    for i in range(n):
        ei = np.zeros(n)
        ei[i] = steps[i]
        hess[i, i] = (function(x + ei) - 2 * f0 + function(x - ei)) / steps[i] ** 2
        for j in range(i):
            ej = np.zeros(n)
            ej[j] = steps[j]
            value = (
                function(x + ei + ej)
                - function(x + ei - ej)
                - function(x - ei + ej)
                + function(x - ei - ej)
            ) / (4 * steps[i] * steps[j])
            hess[i, j] = hess[j, i] = value
    function(x)
    return hess


def covariance_scipy(parameters, function, **kwargs):
    """Covariance ``2 H^-1`` from a numerical Hessian of ``-2 log L``.

    The steps are a tenth of the errors estimated in a first pass.
    """
    x = np.array([p.factor for p in parameters])
    steps = np.maximum(1e-3 * np.abs(x), 1e-4)
    success = True
    message = "Covariance estimated from the numerical Hessian."
    for _ in range(2):
        hess = numerical_hessian(function, x, steps)
        diag = np.diag(hess)
        if np.any(diag <= 0) or not np.all(np.isfinite(hess)):
            success = False
            message = "Numerical Hessian is not positive definite."
            break
        steps = 0.1 * np.sqrt(2 / diag)
    try:
        matrix = 2 * np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        matrix = np.full((len(x), len(x)), np.nan)
        success = False
        message = "Hessian is singular."
    return matrix, {
        "success": success,
        "message": message,
        "method": "numerical hessian",
    }


BACKENDS = {
    "minuit": {
        "optimize": optimize_iminuit,
        "covariance": covariance_iminuit,
        "confidence": confidence_iminuit,
    },
    "scipy": {
        "optimize": optimize_scipy,
        "covariance": covariance_scipy,
        "confidence": None,
    },
}


def get_backend(name, task):
    """Backend function for ``task`` ("optimize", "covariance", "confidence")."""
    try:
        return BACKENDS[name][task]
    except KeyError:
        raise FitError(
            f"Unknown fit backend {name!r}; choose from {sorted(BACKENDS)}."
        ) from None
