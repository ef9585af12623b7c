"""Posterior sampling of model parameters with emcee."""

import logging

import numpy as np

from gammaray.utils.errors import FitError

from .fit import _parse_datasets

__all__ = ["Sampler", "SamplerResult"]

log = logging.getLogger(__name__)


class SamplerResult:
    """Result of `Sampler.run`.

    Attributes
    ----------
    samples : dict of `~numpy.ndarray`
        Posterior samples per free parameter name (after burn-in, flattened).
    parameters : `~gammaray.modeling.Parameters`
        Snapshot of the parameters with posterior means and standard deviations
        as values and errors.
    acceptance_fraction : float
        Mean acceptance fraction of the walkers.
    sampler : `emcee.EnsembleSampler`
        The sampler (full chains, log-probabilities).
    """

    def __init__(
        self, samples, parameters, acceptance_fraction, sampler, backend="emcee"
    ):
        self.samples = samples
        self.parameters = parameters
        self.acceptance_fraction = acceptance_fraction
        self.sampler = sampler
        self.backend = backend

    @property
    def success(self):
        """True if the acceptance fraction is in a sane range (0.05 - 0.95)."""
        return bool(0.05 < self.acceptance_fraction < 0.95)

    def __repr__(self):
        lines = [
            f"{type(self).__name__}",
            "",
            f"\tbackend             : {self.backend}",
            f"\tacceptance fraction : {self.acceptance_fraction:.3f}",
            f"\tsamples             : {len(next(iter(self.samples.values()), []))}",
        ]
        for name, values in self.samples.items():
            lines.append(
                f"\t{name:20s}: {np.mean(values):.4g} +/- {np.std(values):.4g}"
            )
        return "\n".join(lines) + "\n"


class Sampler:
    """Markov-chain Monte Carlo sampling of the likelihood (emcee).

    The log-posterior is ``-stat_sum() / 2``: datasets include the parameter
    priors in their statistic (as they do in fits). Parameters with finite
    ``min``/``max`` additionally get a uniform prior on that range.

    Parameters
    ----------
    backend : {"emcee"}
        Sampling backend.
    sampler_opts : dict, optional
        ``nwalkers`` (default ``max(4 * n_free, 16)``), ``nsteps`` (1000),
        ``nburn`` (``nsteps // 4``), ``thin`` (1), ``random_state`` (None),
        ``progress`` (False), ``init_width`` (0.1: spread of the starting
        walkers in units of the parameter errors).
    """

    def __init__(self, backend="emcee", sampler_opts=None):
        if backend != "emcee":
            raise FitError(
                f"Unknown sampler backend {backend!r}; only 'emcee' is available."
            )
        self.backend = backend
        self.sampler_opts = dict(sampler_opts or {})

    def run(self, datasets):
        """Sample the posterior of the free parameters.

        The parameters are left at the posterior means, with the posterior
        standard deviations as errors.

        Parameters
        ----------
        datasets : dataset, `Datasets` or list of datasets
            Datasets.

        Returns
        -------
        result : `SamplerResult`
            Result.
        """
        import emcee

        datasets = _parse_datasets(datasets)
        unique = datasets.models.parameters.unique_parameters
        free = unique.free_parameters
        ndim = len(free)
        if ndim == 0:
            raise FitError("No free parameters to sample.")
        opts = dict(self.sampler_opts)
        nwalkers = int(opts.pop("nwalkers", max(4 * ndim, 16)))
        nsteps = int(opts.pop("nsteps", 1000))
        nburn = int(opts.pop("nburn", nsteps // 4))
        thin = int(opts.pop("thin", 1))
        progress = opts.pop("progress", False)
        init_width = float(opts.pop("init_width", 0.1))
        rng = np.random.default_rng(opts.pop("random_state", None))

        lo = np.where(np.isnan(free.min), -np.inf, free.min)
        hi = np.where(np.isnan(free.max), np.inf, free.max)
        p0 = free.value
        widths = np.where(
            free.error > 0, free.error, np.maximum(1e-3 * np.abs(p0), 1e-3)
        )

        def log_prob(values):
            if np.any(values < lo) or np.any(values > hi):
                return -np.inf
            for par, value in zip(free, values):
                par._factor = value / par.scale
            stat = datasets.stat_sum()
            return -0.5 * stat if np.isfinite(stat) else -np.inf

        initial = p0 + init_width * widths * rng.standard_normal((nwalkers, ndim))
        initial = np.clip(initial, lo, hi)
        with unique.restore_status():
            sampler = emcee.EnsembleSampler(nwalkers, ndim, log_prob, **opts)
            sampler.random_state = np.random.RandomState(
                rng.integers(2**31)
            ).get_state()
            sampler.run_mcmc(initial, nsteps, progress=progress)
        chain = sampler.get_chain(discard=nburn, thin=thin, flat=True)
        mean, std = chain.mean(axis=0), chain.std(axis=0)
        for par, m, s in zip(free, mean, std):
            par._factor = m / par.scale
            par.error = s
        samples = {par.name: chain[:, i] for i, par in enumerate(free)}
        acceptance = float(np.mean(sampler.acceptance_fraction))
        log.info("Sampling done, mean acceptance fraction %.3f", acceptance)
        return SamplerResult(samples, unique.copy(), acceptance, sampler, self.backend)
