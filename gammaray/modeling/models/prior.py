"""Priors on parameters, as models with registry tags.

A prior returns a contribution to the fit statistic, ``-2 log(prior)`` up to
a constant, multiplied by its ``weight``.
"""

import numpy as np

from ..parameter import PriorParameter, PriorParameters
from .core import ModelBase

__all__ = ["Prior", "GaussianPrior", "UniformPrior", "LogUniformPrior"]


class Prior(ModelBase):
    """Base class of priors.

    Parameters
    ----------
    weight : float
        Weight of the prior term in the statistic.
    **kwargs : dict
        Prior parameters.
    """

    type = "prior"

    def __init__(self, weight=1, **kwargs):
        self.weight = float(weight)
        super().__init__(**kwargs)
        for par in self._parameters_dict.values():
            if not isinstance(par, PriorParameter):
                raise TypeError("Prior parameters must be PriorParameter objects.")
        self._parameters_dict = dict(self._parameters_dict)

    @property
    def parameters(self):
        """Prior parameters (`~gammaray.modeling.PriorParameters`)."""
        return PriorParameters(list(self._parameters_dict.values()))

    def __call__(self, parameter):
        """Statistic contribution ``weight * (-2 log prior)`` for a parameter value.

        Parameters
        ----------
        parameter : `~gammaray.modeling.Parameter` or float
            Parameter (its value in its unit is used) or a value.
        """
        value = getattr(parameter, "value", parameter)
        kwargs = {p.name: p.value for p in self.parameters}
        return self.weight * self.evaluate(np.asarray(value, dtype=float), **kwargs)

    def to_dict(self, full_output=False):
        """Prior as ``{"prior": {"type", "parameters", "weight"}}``."""
        data = super().to_dict(full_output=full_output)
        data["prior"]["weight"] = self.weight
        return data

    @classmethod
    def _from_dict(cls, data, **kwargs):
        kwargs.setdefault("weight", data.get("weight", 1))
        return super()._from_dict(data, **kwargs)


class GaussianPrior(Prior):
    """Gaussian prior: ``((x - mu) / sigma)^2``.

    Parameters
    ----------
    mu : float
        Mean.
    sigma : float
        Standard deviation.
    """

    tag = ["GaussianPrior"]
    mu = PriorParameter("mu", 0.0)
    sigma = PriorParameter("sigma", 1.0)

    @staticmethod
    def evaluate(value, mu, sigma):
        """-2 log of the Gaussian density (without its constant)."""
        return ((value - mu) / sigma) ** 2


class UniformPrior(Prior):
    """Uniform prior: 0 inside ``[min, max]``, infinite outside.

    Parameters
    ----------
    min, max : float
        Range (NaN means unbounded).
    """

    tag = ["UniformPrior"]
    min = PriorParameter("min", -np.inf)
    max = PriorParameter("max", np.inf)

    @staticmethod
    def evaluate(value, min, max):
        """0 inside the range, +inf outside."""
        lo = np.where(np.isnan(min), -np.inf, min)
        hi = np.where(np.isnan(max), np.inf, max)
        inside = (value >= lo) & (value <= hi)
        return np.where(inside, 0.0, np.inf)


class LogUniformPrior(Prior):
    """Log-uniform prior (density proportional to ``1 / x``) on ``[min, max]``.

    The statistic contribution is ``2 log(x log(max / min))`` inside the range
    and infinite outside.

    Parameters
    ----------
    min, max : float
        Range (both positive).
    """

    tag = ["LogUniformPrior"]
    min = PriorParameter("min", 1e-10)
    max = PriorParameter("max", 1.0)

    @staticmethod
    def evaluate(value, min, max):
        """-2 log of the normalised 1/x density."""
        inside = (value >= min) & (value <= max) & (value > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            stat = 2 * np.log(value * np.log(max / min))
        return np.where(inside, stat, np.inf)
