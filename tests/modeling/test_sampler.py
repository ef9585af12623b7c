import numpy as np
import pytest
from astropy import units as u

from gammaray.modeling import Fit, Sampler
from gammaray.modeling.models import GaussianPrior, PowerLawSpectralModel
from gammaray.utils.errors import FitError

from .simple_dataset import SimpleSpectrumDataset


def make_dataset():
    true = PowerLawSpectralModel(amplitude="1e-11 cm-2 s-1 TeV-1", index=2.5)
    edges = np.geomspace(0.3, 30, 9) * u.TeV
    dataset = SimpleSpectrumDataset(true, edges, 1e14 * u.Unit("cm2 s"))
    dataset.fake(np.random.default_rng(0))
    dataset.models.model = true.copy()
    return dataset


def test_sampler_matches_fit():
    dataset = make_dataset()
    Fit().run(dataset)
    model = dataset.models.model
    best, error = model.index.value, model.index.error
    model.index.min, model.index.max = 1, 4
    sampler = Sampler(sampler_opts={"nwalkers": 12, "nsteps": 400, "random_state": 1})
    result = sampler.run(dataset)
    assert set(result.samples) == {"index", "amplitude"}
    assert result.success
    assert model.index.value == pytest.approx(best, abs=0.3 * error)
    assert model.index.error == pytest.approx(error, rel=0.25)
    assert np.all(result.samples["index"] >= 1)
    assert "acceptance" in repr(result)


def test_sampler_uses_prior():
    dataset = make_dataset()
    dataset.counts = np.zeros_like(dataset.counts)
    dataset.exposure = 1e-6 * u.Unit("cm2 s")  # no information on the index
    model = dataset.models.model
    model.amplitude.frozen = True
    model.index.prior = GaussianPrior(mu=3.0, sigma=0.1)
    result = Sampler(
        sampler_opts={"nwalkers": 8, "nsteps": 600, "random_state": 2}
    ).run(dataset)
    samples = result.samples["index"]
    assert samples.mean() == pytest.approx(3.0, abs=0.05)
    # the posterior is the prior: a Gaussian of width 0.1
    assert samples.std() == pytest.approx(0.1, rel=0.3)


def test_sampler_reproducible_and_bounded():
    results = []
    for _ in range(2):
        dataset = make_dataset()
        dataset.models.model.index.min = 2.45
        opts = {"nwalkers": 8, "nsteps": 100, "nburn": 20, "random_state": 7}
        result = Sampler(sampler_opts=opts).run(dataset)
        results.append(result)
    np.testing.assert_array_equal(
        results[0].samples["index"], results[1].samples["index"]
    )
    assert len(results[0].samples["index"]) == 8 * 80
    assert results[0].samples["index"].min() >= 2.45  # the bound is a hard prior
    assert results[0].parameters["index"].value == pytest.approx(
        results[0].samples["index"].mean()
    )


def test_sampler_errors():
    with pytest.raises(FitError, match="emcee"):
        Sampler(backend="ultranest")
    dataset = make_dataset()
    dataset.models.model.freeze()
    with pytest.raises(FitError):
        Sampler().run(dataset)
