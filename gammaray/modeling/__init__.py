"""Modeling: parameters, covariance, fitting and sampling (models in `gammaray.modeling.models`)."""

from .covariance import Covariance
from .fit import CovarianceResult, Fit, FitResult, OptimizeResult
from .parameter import Parameter, Parameters, PriorParameter, PriorParameters
from .sampler import Sampler, SamplerResult

__all__ = [
    "Parameter",
    "Parameters",
    "PriorParameter",
    "PriorParameters",
    "Covariance",
    "Fit",
    "FitResult",
    "OptimizeResult",
    "CovarianceResult",
    "Sampler",
    "SamplerResult",
]
