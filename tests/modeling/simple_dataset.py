"""A tiny binned Poisson spectrum dataset with Cash statistic, for fit tests."""

import copy

import numpy as np
from astropy import units as u

try:  # provided by gammaray.stats (written in parallel)
    from gammaray.stats import cash as _cash
except ImportError:  # pragma: no cover - fallback until gammaray.stats lands
    _cash = None


def cash(n_on, mu_on):
    """Cash statistic ``2 (mu - n log mu)`` per bin."""
    if _cash is not None:
        return _cash(n_on, mu_on)
    n_on = np.asarray(n_on, dtype=float)
    mu_on = np.asarray(mu_on, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = 2 * (mu_on - n_on * np.log(mu_on))
    return np.where(mu_on > 0, stat, np.inf)


class SimpleModels:
    """Minimal models container: one spectral model."""

    def __init__(self, model):
        self.model = model

    @property
    def parameters(self):
        return self.model.parameters

    @property
    def covariance(self):
        return self.model.covariance

    @covariance.setter
    def covariance(self, value):
        self.model.covariance = value

    def copy(self):
        return copy.deepcopy(self)


class SimpleSpectrumDataset:
    """Binned spectrum: ``npred = integral flux * exposure + background``."""

    def __init__(self, model, energy_edges, exposure, counts=None, background=0.0):
        self.models = SimpleModels(model)
        self.energy_edges = u.Quantity(energy_edges)
        self.exposure = u.Quantity(exposure)
        self.background = np.asarray(background, dtype=float)
        self.counts = counts

    def npred(self):
        flux = self.models.model.integral(self.energy_edges[:-1], self.energy_edges[1:])
        return (flux * self.exposure).to_value("") + self.background

    def fake(self, rng):
        self.counts = rng.poisson(self.npred())
        return self.counts

    def stat_sum(self):
        stat = np.sum(cash(self.counts, self.npred()))
        return float(stat) + self.models.parameters.prior_stat_sum()
