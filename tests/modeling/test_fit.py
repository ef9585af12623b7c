import numpy as np
import pytest
from astropy import units as u

from gammaray.modeling import Fit, FitResult
from gammaray.modeling.models import (
    ExpCutoffPowerLawSpectralModel,
    GaussianPrior,
    PowerLawSpectralModel,
    UniformPrior,
)
from gammaray.utils.errors import FitError

from .simple_dataset import SimpleSpectrumDataset

EDGES = np.geomspace(0.1, 100, 25) * u.TeV


def make_dataset(seed=0, amplitude=1e-11, index=2.5, exposure=1e13, model=None):
    true = PowerLawSpectralModel(
        amplitude=amplitude * u.Unit("cm-2 s-1 TeV-1"), index=index
    )
    dataset = SimpleSpectrumDataset(true, EDGES, exposure * u.Unit("cm2 s"))
    dataset.fake(np.random.default_rng(seed))
    fitted = model or PowerLawSpectralModel(amplitude="3e-12 cm-2 s-1 TeV-1", index=2.0)
    dataset.models.model = fitted
    return dataset


@pytest.mark.parametrize("backend", ["minuit", "scipy"])
def test_fit_recovers_true_parameters(backend):
    dataset = make_dataset(seed=1, exposure=1e14)
    result = Fit(backend=backend).run(dataset)
    assert isinstance(result, FitResult)
    assert result.success
    model = dataset.models.model
    assert abs(model.index.value - 2.5) < 4 * model.index.error
    assert abs(model.amplitude.value - 1e-11) < 4 * model.amplitude.error
    assert 0 < model.index.error < 0.05
    assert np.isfinite(result.total_stat)
    assert result.nfev > 0
    text = repr(result)
    assert "success" in text and "index" in text and "total stat" in text


def test_fit_backends_agree():
    results = {}
    for backend in ("minuit", "scipy"):
        dataset = make_dataset(seed=2)
        Fit(backend=backend).run(dataset)
        results[backend] = dataset.models.model.parameters
    errors = results["minuit"].error
    diff = np.abs(results["minuit"].value - results["scipy"].value)
    assert np.all(diff[:2] < 0.05 * errors[:2])
    np.testing.assert_allclose(
        results["minuit"]["index"].error, results["scipy"]["index"].error, rtol=0.02
    )


def test_fit_badly_scaled_problem():
    # reference energy 50 MeV, amplitude ~ 1e-7: needs autoscaling
    edges = np.geomspace(30, 3000, 20) * u.MeV
    true = PowerLawSpectralModel(
        amplitude=2e-7 * u.Unit("cm-2 s-1 MeV-1"), index=2.2, reference=50 * u.MeV
    )
    dataset = SimpleSpectrumDataset(true, edges, 3e8 * u.Unit("cm2 s"))
    dataset.fake(np.random.default_rng(3))
    fitted = PowerLawSpectralModel(
        amplitude=1e-6 * u.Unit("cm-2 s-1 MeV-1"), index=1.8, reference=50 * u.MeV
    )
    dataset.models.model = fitted
    for backend in ("minuit", "scipy"):
        result = Fit(backend=backend).run(dataset)
        assert result.success, backend
        assert abs(fitted.index.value - 2.2) < 5 * fitted.index.error
        assert abs(fitted.amplitude.value / 2e-7 - 1) < 0.1
        assert fitted.amplitude.scale == pytest.approx(1e-7)


def test_covariance_sets_errors_and_model_covariance():
    dataset = make_dataset(seed=4)
    fit = Fit()
    fit.optimize(dataset)
    result = fit.covariance(dataset)
    model = dataset.models.model
    assert result.success
    covar = model.covariance.data
    assert covar.shape == (3, 3)
    assert covar[0, 0] == pytest.approx(model.index.error**2)
    assert covar[2, 2] == 0  # frozen reference
    corr = model.covariance.correlation
    assert -1 < corr[0, 1] < 1 and corr[0, 1] != 0


def test_confidence_matches_curvature_error():
    dataset = make_dataset(seed=5, exposure=1e14)
    fit = Fit()
    fit.run(dataset)
    par = dataset.models.model.index
    error = par.error
    value = par.value
    result = fit.confidence(dataset, "index", sigma=1)
    assert result["success"]
    assert result["errp"] == pytest.approx(error, rel=0.05)
    assert result["errn"] == pytest.approx(error, rel=0.05)
    assert par.value == value  # restored
    result_scipy = Fit(backend="scipy").confidence(dataset, par, sigma=1)
    assert result_scipy["errp"] == pytest.approx(result["errp"], rel=0.02)
    assert result_scipy["errn"] == pytest.approx(result["errn"], rel=0.02)
    two = fit.confidence(dataset, par, sigma=2)
    assert two["errp"] == pytest.approx(2 * result["errp"], rel=0.1)


def test_stat_profile_minimum_at_best_fit():
    dataset = make_dataset(seed=6)
    fit = Fit()
    fit.run(dataset)
    par = dataset.models.model.index
    par.scan_n_values = 21
    best = par.value
    profile = fit.stat_profile(dataset, par)
    values, stats = profile["index_scan"], profile["stat_scan"]
    assert len(values) == 21
    assert values[np.argmin(stats)] == pytest.approx(best, abs=(values[1] - values[0]))
    assert par.value == best and not par.frozen
    profile = fit.stat_profile(dataset, par, reoptimize=True)
    assert len(profile["fit_results"]) == 21
    # with reoptimisation the rise at +-2 sigma is close to 4
    assert profile["stat_scan"][0] - profile["stat_scan"].min() == pytest.approx(
        4, rel=0.2
    )


def test_stat_surface():
    dataset = make_dataset(seed=7)
    fit = Fit()
    fit.run(dataset)
    model = dataset.models.model
    model.index.scan_n_values = 5
    model.amplitude.scan_n_values = 7
    surface = fit.stat_surface(dataset, "index", "amplitude")
    assert surface["stat_scan"].shape == (5, 7)
    i, j = np.unravel_index(np.argmin(surface["stat_scan"]), (5, 7))
    assert (i, j) == (2, 3)


def test_fit_list_of_datasets_and_trace():
    d1 = make_dataset(seed=8)
    d2 = make_dataset(seed=9)
    d2.models.model = d1.models.model  # shared model: joint fit
    fit = Fit(store_trace=True)
    result = fit.run([d1, d2])
    assert result.success
    assert len(result.trace) == result.nfev or len(result.trace) > 0
    assert "index" in result.trace.colnames
    assert abs(d1.models.model.index.value - 2.5) < 0.1


def test_fit_with_prior():
    dataset = make_dataset(seed=10, exposure=1e10)
    dataset.models.model.index.prior = GaussianPrior(mu=2.0, sigma=0.01)
    Fit().run(dataset)
    assert dataset.models.model.index.value == pytest.approx(2.0, abs=0.03)


def test_fit_errors():
    dataset = make_dataset()
    dataset.models.model.freeze()
    with pytest.raises(FitError, match="No free parameters"):
        Fit().optimize(dataset)
    with pytest.raises(FitError, match="Unknown fit backend"):
        Fit(backend="nope")
    with pytest.raises(TypeError):
        Fit().optimize(42)


def test_fit_ecpl_nelder_mead():
    true = ExpCutoffPowerLawSpectralModel(
        amplitude="1e-11 cm-2 s-1 TeV-1", index=2.0, lambda_="0.1 TeV-1"
    )
    dataset = SimpleSpectrumDataset(true, EDGES, 1e14 * u.Unit("cm2 s"))
    dataset.fake(np.random.default_rng(11))
    dataset.models.model = ExpCutoffPowerLawSpectralModel(
        amplitude="5e-12 cm-2 s-1 TeV-1", index=2.3, lambda_="0.05 TeV-1"
    )
    result = Fit(backend="scipy", optimize_opts={"method": "Nelder-Mead"}).run(dataset)
    assert result.optimize_result.method == "Nelder-Mead"
    model = dataset.models.model
    assert abs(model.lambda_.value - 0.1) < 4 * model.lambda_.error


def test_pull_distribution_and_coverage():
    # 100-simulation version of benchmarks/validate_fit_pulls.py; the bounds are
    # 3 sigma of the statistical uncertainty for 100 fits (mean: 0.3, width:
    # 0.21 -> 0.25, coverage: 3 binomial sigma = 0.14 around 0.683)
    rng = np.random.default_rng(42)
    true = PowerLawSpectralModel(amplitude="1e-11 cm-2 s-1 TeV-1", index=2.5)
    pulls, covered = {"index": [], "amplitude": []}, []
    fit = Fit()
    edges = np.geomspace(0.3, 30, 9) * u.TeV
    for _ in range(100):
        dataset = SimpleSpectrumDataset(true.copy(), edges, 2.5e13 * u.Unit("cm2 s"))
        dataset.fake(rng)
        dataset.models.model = true.copy()
        result = fit.run(dataset)
        assert result.success
        for name in pulls:
            par = dataset.models.model.parameters[name]
            pulls[name].append((par.value - true.parameters[name].value) / par.error)
        par = dataset.models.model.index
        conf = fit.confidence(dataset, par)
        covered.append(par.value - conf["errn"] <= 2.5 <= par.value + conf["errp"])
    for name, values in pulls.items():
        values = np.array(values)
        assert abs(values.mean()) < 0.3, name
        assert abs(values.std() - 1) < 0.25, name
    assert 0.683 - 0.14 <= np.mean(covered) <= 0.683 + 0.14


def test_priors_enter_total_statistic():
    dataset = make_dataset(seed=12, exposure=1e11)
    model = dataset.models.model
    model.index.value = 2.3
    stat_without = dataset.stat_sum()
    model.index.prior = GaussianPrior(mu=2.0, sigma=0.1, weight=2)
    model.amplitude.prior = UniformPrior(min=0, max=1)  # in amplitude's unit
    # Gaussian term: weight * ((2.3 - 2.0) / 0.1)^2 = 18; uniform term: 0 inside
    assert model.parameters.prior_stat_sum() == pytest.approx(18.0)
    assert dataset.stat_sum() == pytest.approx(stat_without + 18.0)
    model.amplitude.value = 2.0  # outside the uniform prior range
    assert np.isinf(dataset.stat_sum())
    model.amplitude.value = 3e-12
    # the fit minimises the total statistic, prior included
    result = Fit().run(dataset)
    assert result.success
    assert result.total_stat == pytest.approx(dataset.stat_sum())
    prior_term = model.parameters.prior_stat_sum()
    assert prior_term > 0
    model.index.prior = None
    model.amplitude.prior = None
    assert dataset.stat_sum() == pytest.approx(result.total_stat - prior_term)
