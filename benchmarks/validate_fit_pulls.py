"""Validate Fit: pulls and profile-likelihood coverage over 1000 simulations.

A binned power-law spectrum (8 log bins, 0.3-30 TeV, about 1000 counts) is
simulated with Poisson noise 1000 times (fixed seed) and fitted with a power
law (Cash statistic, minuit backend). Prints, for index and amplitude, the
mean and width of the pulls ``(fit - true) / error`` with their statistical
uncertainties, and the coverage of the MINOS 1-sigma intervals with its
binomial uncertainty (expected 0.683).

Run: ``python benchmarks/validate_fit_pulls.py [n_simulations]``
"""

import sys
import time

import numpy as np
from astropy import units as u

from gammaray.modeling import Fit
from gammaray.modeling.models import PowerLawSpectralModel

try:
    from gammaray.stats import cash
except ImportError:  # gammaray.stats not available yet

    def cash(n_on, mu_on):
        """Cash statistic per bin."""
        return 2 * (mu_on - n_on * np.log(mu_on))


class _Models:
    def __init__(self, model):
        self.model = model

    @property
    def parameters(self):
        return self.model.parameters


class SpectrumDataset:
    """Minimal binned Poisson dataset: npred = integral flux x exposure."""

    def __init__(self, model, edges, exposure, counts):
        self.models = _Models(model)
        self.edges = edges
        self.exposure = exposure
        self.counts = counts

    def npred(self):
        flux = self.models.model.integral(self.edges[:-1], self.edges[1:])
        return (flux * self.exposure).to_value("")

    def stat_sum(self):
        return float(np.sum(cash(self.counts, self.npred())))


def main(n_sim=1000, seed=20240601):
    rng = np.random.default_rng(seed)
    true = PowerLawSpectralModel(amplitude="1e-11 cm-2 s-1 TeV-1", index=2.5)
    edges = np.geomspace(0.3, 30, 9) * u.TeV
    exposure = 2.5e13 * u.Unit("cm2 s")
    npred_true = (true.integral(edges[:-1], edges[1:]) * exposure).to_value("")
    names = ["index", "amplitude"]
    true_values = {"index": 2.5, "amplitude": 1e-11}
    pulls = {name: [] for name in names}
    covered = {name: [] for name in names}
    n_failed = 0
    fit = Fit()
    t0 = time.perf_counter()
    for _ in range(n_sim):
        counts = rng.poisson(npred_true)
        dataset = SpectrumDataset(true.copy(), edges, exposure, counts)
        result = fit.run(dataset)
        if not result.success:
            n_failed += 1
            continue
        for name in names:
            par = dataset.models.model.parameters[name]
            pulls[name].append((par.value - true_values[name]) / par.error)
            conf = fit.confidence(dataset, par)
            lo, hi = par.value - conf["errn"], par.value + conf["errp"]
            covered[name].append(lo <= true_values[name] <= hi)
    elapsed = time.perf_counter() - t0
    print(
        f"Simulations: {n_sim} (failed fits: {n_failed}), mean counts {npred_true.sum():.0f}"
    )
    print(
        f"Time: {elapsed:.1f} s ({1e3 * elapsed / n_sim:.1f} ms per fit+covariance+2 MINOS)"
    )
    for name in names:
        p = np.array(pulls[name])
        n = len(p)
        mean, std = p.mean(), p.std(ddof=1)
        mean_err = std / np.sqrt(n)
        std_err = std / np.sqrt(2 * (n - 1))
        cov = np.mean(covered[name])
        cov_err = np.sqrt(0.683 * (1 - 0.683) / len(covered[name]))
        ok = (
            abs(mean) < 3 * mean_err
            and abs(std - 1) < 3 * std_err
            and abs(cov - 0.683) < 3 * cov_err
        )
        print(
            f"{name:10s} pull mean = {mean:+.3f} +/- {mean_err:.3f}, "
            f"pull width = {std:.3f} +/- {std_err:.3f}, "
            f"1-sigma coverage = {cov:.3f} (expected 0.683 +/- {cov_err:.3f}) "
            f"-> {'PASS' if ok else 'FAIL'} (3 sigma)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
