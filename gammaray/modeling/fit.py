"""Likelihood fitting: `Fit` and its result classes.

A "datasets" argument is anything with a ``stat_sum()`` method (the total
``-2 log L``, priors included) and a ``models`` attribute whose
``parameters`` is a `~gammaray.modeling.Parameters`; a list of such objects
is accepted too (their statistics are summed).
"""

import copy
import logging

import numpy as np
from astropy.table import Table

from gammaray.utils.errors import FitError

from ._backends import Likelihood, confidence_iminuit, get_backend
from .covariance import Covariance
from .parameter import Parameter, Parameters

__all__ = ["Fit", "FitResult", "OptimizeResult", "CovarianceResult"]

log = logging.getLogger(__name__)


class _ModelsList:
    """Models of a list of datasets: unique parameters and covariance fan-out."""

    def __init__(self, datasets):
        self._datasets = datasets

    @property
    def parameters(self):
        return Parameters.from_stack(
            [d.models.parameters for d in self._datasets]
        ).unique_parameters

    @property
    def covariance(self):
        return Covariance(self.parameters)

    @covariance.setter
    def covariance(self, covariance):
        for dataset in self._datasets:
            if hasattr(type(dataset.models), "covariance"):
                dataset.models.covariance = covariance

    def copy(self):
        return copy.deepcopy(self)


class _DatasetsList:
    """Adapter summing the statistics of a list of datasets."""

    def __init__(self, datasets):
        self._datasets = list(datasets)
        self.models = _ModelsList(self._datasets)

    def stat_sum(self):
        return float(sum(d.stat_sum() for d in self._datasets))


def _parse_datasets(datasets):
    if hasattr(datasets, "stat_sum") and hasattr(datasets, "models"):
        return datasets
    if isinstance(datasets, list | tuple):
        for d in datasets:
            if not (hasattr(d, "stat_sum") and hasattr(d, "models")):
                raise TypeError(
                    f"{type(d).__name__} is not a dataset (needs stat_sum() and models)."
                )
        return _DatasetsList(datasets)
    raise TypeError(
        f"Expected a dataset, a Datasets object or a list of datasets, got "
        f"{type(datasets).__name__}."
    )


def _copy_models(models):
    try:
        return models.copy()
    except Exception:
        return None


class _ResultBase:
    def __init__(self, parameters, backend, method, success, message):
        self._parameters = parameters
        self.backend = backend
        self.method = method
        self.success = success
        self.message = message

    @property
    def parameters(self):
        """Parameters (snapshot) of the result (`~gammaray.modeling.Parameters`)."""
        return self._parameters

    def _repr_lines(self):
        return [
            f"\tbackend    : {self.backend}",
            f"\tmethod     : {self.method}",
            f"\tsuccess    : {self.success}",
            f"\tmessage    : {self.message}",
        ]

    def __repr__(self):
        return f"{type(self).__name__}\n\n" + "\n".join(self._repr_lines()) + "\n"


class CovarianceResult(_ResultBase):
    """Result of `Fit.covariance`.

    Attributes
    ----------
    matrix : `~numpy.ndarray`
        Covariance matrix of ``parameters`` (in their units).
    """

    def __init__(
        self,
        parameters=None,
        backend="",
        method="",
        success=False,
        message="",
        matrix=None,
    ):
        super().__init__(parameters, backend, method, success, message)
        self.matrix = matrix


class OptimizeResult(_ResultBase):
    """Result of `Fit.optimize`.

    Attributes
    ----------
    total_stat : float
        Statistic at the best fit.
    nfev : int
        Number of function evaluations.
    trace : `~astropy.table.Table` or None
        Parameter values and statistic at every evaluation (``store_trace``).
    models : object
        Copy of the fitted models (or None).
    """

    def __init__(
        self,
        parameters=None,
        total_stat=np.nan,
        backend="",
        method="",
        success=False,
        message="",
        nfev=0,
        trace=None,
        models=None,
    ):
        super().__init__(parameters, backend, method, success, message)
        self.total_stat = total_stat
        self.nfev = nfev
        self.trace = trace
        self.models = models

    def _repr_lines(self):
        return super()._repr_lines() + [
            f"\tnfev       : {self.nfev}",
            f"\ttotal stat : {self.total_stat:.2f}",
        ]

    def __repr__(self):
        text = super().__repr__()
        if self.parameters is not None:
            table = self.parameters.to_table()
            table.remove_columns(["link", "prior"])
            text += "\n" + "\n".join(table.pformat(max_lines=-1, max_width=-1)) + "\n"
        return text


def _from_optimize_result(name, doc):
    """Read-only property forwarding ``name`` to ``self.optimize_result``."""
    return property(lambda self: getattr(self.optimize_result, name), doc=doc)


class FitResult:
    """Result of `Fit.run`: an optimisation followed by a covariance estimate.

    Parameters
    ----------
    optimize_result : `OptimizeResult`
        Optimisation result.
    covariance_result : `CovarianceResult`
        Covariance result.
    """

    def __init__(self, optimize_result=None, covariance_result=None):
        self.optimize_result = optimize_result
        self.covariance_result = covariance_result

    @property
    def parameters(self):
        """Best-fit parameters with errors (`~gammaray.modeling.Parameters`)."""
        if (
            self.covariance_result is not None
            and self.covariance_result.parameters is not None
        ):
            return self.covariance_result.parameters
        return self.optimize_result.parameters

    models = _from_optimize_result("models", "Copy of the fitted models.")
    total_stat = _from_optimize_result("total_stat", "Statistic at the best fit.")

    @property
    def success(self):
        """True if both the optimisation and the covariance succeeded."""
        success = self.optimize_result.success
        if self.covariance_result is not None:
            success &= self.covariance_result.success
        return bool(success)

    message = _from_optimize_result("message", "Optimiser message.")

    nfev = _from_optimize_result(
        "nfev", "Number of function evaluations of the optimisation."
    )

    backend = _from_optimize_result("backend", "Optimisation backend.")

    method = _from_optimize_result("method", "Optimisation method.")

    trace = _from_optimize_result("trace", "Optimisation trace (or None).")

    def __repr__(self):
        text = repr(self.optimize_result)
        if self.covariance_result is not None:
            text += "\n" + repr(self.covariance_result)
        return text


class Fit:
    """Maximum-likelihood fit of datasets.

    Parameters
    ----------
    backend : {"minuit", "scipy"}
        Optimiser backend (used for optimisation, covariance and confidence).
    optimize_opts : dict, optional
        Options of the optimiser (e.g. ``{"tol": 0.1, "strategy": 1}`` for
        minuit, ``{"method": "Nelder-Mead"}`` for scipy). A ``backend`` key
        overrides ``backend`` for this step.
    covariance_opts : dict, optional
        Options of the covariance step (same keys).
    confidence_opts : dict, optional
        Options of the confidence step (same keys).
    store_trace : bool
        Record the parameter values at every likelihood evaluation.
    """

    def __init__(
        self,
        backend="minuit",
        optimize_opts=None,
        covariance_opts=None,
        confidence_opts=None,
        store_trace=False,
    ):
        self.backend = backend
        self.optimize_opts = dict(optimize_opts or {})
        self.covariance_opts = dict(covariance_opts or {})
        self.confidence_opts = dict(confidence_opts or {})
        self.store_trace = store_trace
        get_backend(backend, "optimize")

    def __repr__(self):
        return (
            f"{type(self).__name__}(backend={self.backend!r}, optimize_opts="
            f"{self.optimize_opts}, covariance_opts={self.covariance_opts}, "
            f"confidence_opts={self.confidence_opts}, store_trace={self.store_trace})"
        )

    @staticmethod
    def _free_parameters(datasets):
        parameters = datasets.models.parameters
        if not isinstance(parameters, Parameters):
            parameters = Parameters(list(parameters))
        unique = parameters.unique_parameters
        return unique, unique.free_parameters

    def run(self, datasets):
        """Optimise, then estimate the covariance.

        Parameters
        ----------
        datasets : dataset, `Datasets` or list of datasets
            Datasets.

        Returns
        -------
        result : `FitResult`
            Result.
        """
        datasets = _parse_datasets(datasets)
        optimize_result = self.optimize(datasets)
        if not optimize_result.success:
            log.warning("Fit did not converge: %s", optimize_result.message)
        covariance_result = self.covariance(datasets, optimize_result=optimize_result)
        optimize_result.models = _copy_models(datasets.models)
        return FitResult(optimize_result, covariance_result)

    def optimize(self, datasets):
        """Minimise the total statistic over the free parameters.

        The parameters are autoscaled first and left at the best fit.

        Parameters
        ----------
        datasets : dataset, `Datasets` or list of datasets
            Datasets.

        Returns
        -------
        result : `OptimizeResult`
            Result.
        """
        datasets = _parse_datasets(datasets)
        unique, free = self._free_parameters(datasets)
        if len(free) == 0:
            raise FitError(
                "No free parameters to fit; unfreeze at least one parameter."
            )
        free.check_limits()  # frozen parameters may sit on a bound
        free.autoscale()
        opts = dict(self.optimize_opts)
        backend = opts.pop("backend", self.backend)
        function = Likelihood(free, datasets.stat_sum, store_trace=self.store_trace)
        factors, info = get_backend(backend, "optimize")(free, function, **opts)
        free.set_parameter_factors(factors)
        total_stat = float(datasets.stat_sum())
        trace = None
        if self.store_trace:
            names = ["total_stat", *free.names]
            rows = function.trace or None
            trace = Table(rows=rows, names=names) if rows else Table(names=names)
        return OptimizeResult(
            parameters=unique.copy(),
            total_stat=total_stat,
            backend=backend,
            method=info["method"],
            success=info["success"],
            message=info["message"],
            nfev=info["nfev"],
            trace=trace,
            models=_copy_models(datasets.models),
        )

    def covariance(self, datasets, optimize_result=None):
        """Estimate the covariance matrix at the current parameter values.

        Sets ``parameter.error`` of the free parameters and
        ``datasets.models.covariance``.

        Parameters
        ----------
        datasets : dataset, `Datasets` or list of datasets
            Datasets.
        optimize_result : `OptimizeResult`, optional
            Result of the preceding optimisation (unused, for API compatibility).

        Returns
        -------
        result : `CovarianceResult`
            Result.
        """
        datasets = _parse_datasets(datasets)
        unique, free = self._free_parameters(datasets)
        if len(free) == 0:
            raise FitError("No free parameters; the covariance is undefined.")
        opts = dict(self.covariance_opts)
        backend = opts.pop("backend", self.backend)
        free.autoscale()
        function = Likelihood(free, datasets.stat_sum)
        factors = np.array([p.factor for p in free])
        matrix, info = get_backend(backend, "covariance")(free, function, **opts)
        free.set_parameter_factors(factors)
        covar_free = Covariance.from_factor_matrix(free, matrix)
        covariance = Covariance(unique, np.zeros((len(unique), len(unique))))
        covariance.set_subcovariance(covar_free)
        for par, var in zip(free, np.diag(covar_free.data)):
            par.error = np.sqrt(var) if var >= 0 else np.nan
        models = datasets.models
        if hasattr(type(models), "covariance"):
            try:
                models.covariance = covariance
            except (AttributeError, ValueError) as exc:
                log.debug("Could not set the models covariance: %s", exc)
        return CovarianceResult(
            parameters=unique.copy(),
            backend=backend,
            method=info["method"],
            success=info["success"],
            message=info["message"],
            matrix=covariance.data,
        )

    # ---- profile likelihood --------------------------------------------------
    @staticmethod
    def _get_parameter(datasets, parameter):
        unique = datasets.models.parameters.unique_parameters
        if isinstance(parameter, Parameter):
            if parameter not in unique:
                raise FitError(
                    f"Parameter {parameter.name!r} is not a model parameter."
                )
            return parameter
        return unique[parameter]

    def _profile_stat(self, datasets, parameter, value, reoptimize):
        parameter.value = value
        if reoptimize and len(
            datasets.models.parameters.unique_parameters.free_parameters
        ):
            result = self.optimize(datasets)
            return result.total_stat, result
        return float(datasets.stat_sum()), None

    def confidence(self, datasets, parameter, sigma=1, reoptimize=True):
        """Profile-likelihood confidence interval of one parameter.

        The interval bounds are where the (profile) statistic rises by
        ``sigma**2`` above its minimum; with the minuit backend and
        ``reoptimize=True`` this is MINOS, otherwise a root finding on the
        profile. Parameter values are restored afterwards.

        Parameters
        ----------
        datasets : dataset, `Datasets` or list of datasets
            Datasets (at the best fit).
        parameter : `~gammaray.modeling.Parameter` or str
            Parameter.
        sigma : float
            Number of sigma.
        reoptimize : bool
            Reoptimise the other free parameters along the profile.

        Returns
        -------
        result : dict
            ``errp``, ``errn`` (positive and negative errors, in the
            parameter unit), ``success`` and ``nfev``.
        """
        datasets = _parse_datasets(datasets)
        parameter = self._get_parameter(datasets, parameter)
        unique = datasets.models.parameters.unique_parameters
        opts = dict(self.confidence_opts)
        backend = opts.pop("backend", self.backend)
        with unique.restore_status():
            if backend == "minuit" and reoptimize and not parameter.frozen:
                free = unique.free_parameters
                free.autoscale()
                function = Likelihood(free, datasets.stat_sum)
                result = confidence_iminuit(
                    free, function, free.index(parameter), sigma, **opts
                )
                scale = abs(parameter.scale)
                result.pop("best", None)
                result["errp"] *= scale
                result["errn"] *= scale
                return result
            return self._confidence_root(datasets, parameter, sigma, reoptimize)

    def _confidence_root(self, datasets, parameter, sigma, reoptimize):
        from scipy.optimize import brentq

        value0 = parameter.value
        stat0 = float(datasets.stat_sum())
        frozen = parameter.frozen
        parameter.frozen = True
        nfev = [0]

        def delta(value):
            nfev[0] += 1
            stat, _ = self._profile_stat(datasets, parameter, value, reoptimize)
            return stat - stat0 - sigma**2

        step = parameter.error if parameter.error > 0 else max(abs(value0) * 0.1, 1e-3)
        result = {"success": True}
        for key, sign, bound in (
            ("errp", 1, parameter.max),
            ("errn", -1, parameter.min),
        ):
            lo_value, found = value0, False
            for k in range(12):
                trial = value0 + sign * step * 2**k
                if np.isfinite(bound) and sign * (trial - bound) > 0:
                    trial = bound
                if delta(trial) > 0:
                    found = True
                    break
                lo_value = trial
                if trial == bound:
                    break
            if not found:
                result[key] = np.nan
                result["success"] = False
                continue
            a, b = sorted([lo_value, trial])
            root = brentq(delta, a, b, xtol=1e-6 * step)
            result[key] = abs(root - value0)
        parameter.frozen = frozen
        result["nfev"] = nfev[0]
        return result

    def stat_profile(self, datasets, parameter, reoptimize=False):
        """Statistic profile of one parameter over its ``scan_values``.

        Parameters
        ----------
        datasets : dataset, `Datasets` or list of datasets
            Datasets.
        parameter : `~gammaray.modeling.Parameter` or str
            Parameter.
        reoptimize : bool
            Reoptimise the other free parameters at each value.

        Returns
        -------
        result : dict
            ``<name>_scan`` (values), ``stat_scan`` and, with ``reoptimize``,
            ``fit_results``.
        """
        datasets = _parse_datasets(datasets)
        parameter = self._get_parameter(datasets, parameter)
        unique = datasets.models.parameters.unique_parameters
        values = parameter.scan_values
        stats, fit_results = [], []
        with unique.restore_status():
            parameter.frozen = True
            for value in values:
                stat, result = self._profile_stat(
                    datasets, parameter, value, reoptimize
                )
                stats.append(stat)
                fit_results.append(result)
        output = {f"{parameter.name}_scan": values, "stat_scan": np.array(stats)}
        if reoptimize:
            output["fit_results"] = fit_results
        return output

    def stat_surface(self, datasets, x, y, reoptimize=False):
        """Statistic surface over the ``scan_values`` of two parameters.

        Parameters
        ----------
        datasets : dataset, `Datasets` or list of datasets
            Datasets.
        x, y : `~gammaray.modeling.Parameter` or str
            Parameters.
        reoptimize : bool
            Reoptimise the other free parameters at each grid point.

        Returns
        -------
        result : dict
            ``<x>_scan``, ``<y>_scan`` and ``stat_scan`` of shape
            ``(len(x_scan), len(y_scan))`` (plus ``fit_results`` with
            ``reoptimize``).
        """
        datasets = _parse_datasets(datasets)
        x = self._get_parameter(datasets, x)
        y = self._get_parameter(datasets, y)
        unique = datasets.models.parameters.unique_parameters
        x_values, y_values = x.scan_values, y.scan_values
        stats = np.zeros((len(x_values), len(y_values)))
        fit_results = []
        with unique.restore_status():
            x.frozen = y.frozen = True
            for i, x_value in enumerate(x_values):
                for j, y_value in enumerate(y_values):
                    y.value = y_value
                    stats[i, j], result = self._profile_stat(
                        datasets, x, x_value, reoptimize
                    )
                    fit_results.append(result)
        output = {
            f"{x.name}_scan": x_values,
            f"{y.name}_scan": y_values,
            "stat_scan": stats,
        }
        if reoptimize:
            output["fit_results"] = fit_results
        return output
