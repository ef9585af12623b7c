"""Tests of the forward folding (`MapEvaluator`) and its caches."""

import astropy.units as u
import numpy as np
import pytest

from gammaray.datasets.evaluator import _SpectralIntegrator
from gammaray.modeling.models import LogParabolaSpectralModel, PowerLawSpectralModel

from .conftest import make_dataset, make_models


def _analytic_npred(dataset, model):
    edges = dataset.exposure.geom.axes["energy_true"].edges
    flux = model.spectral_model.integral(edges[:-1], edges[1:]).to_value("cm-2 s-1")
    return float(np.sum(flux * 1e11))


def test_npred_point_source_analytic_no_irf():
    dataset = make_dataset(background=0.0)
    models = make_models(lon=0.012, lat=-0.021, bkg=False)
    dataset.models = models
    total = dataset.npred().data.sum()
    # closed form of the power law integral, checked independently
    e = np.array([1.0, 10.0])
    index, amp = 2.5, 1e-11
    analytic = amp * (e[1] ** (1 - index) - e[0] ** (1 - index)) / (1 - index) * 1e11
    assert total == pytest.approx(analytic, rel=1e-4)
    assert total == pytest.approx(_analytic_npred(dataset, models[0]), rel=1e-10)


def test_npred_conserved_with_psf():
    dataset = make_dataset(psf_sigma=0.1, background=0.0, width=3.0)
    dataset.models = make_models(lon=0.1, lat=0.05, bkg=False)
    npred = dataset.npred_signal().data
    expected = _analytic_npred(dataset, dataset.models[0])
    assert npred.sum() == pytest.approx(expected, rel=2e-3)
    # the PSF spreads the source: peak pixel much lower than without PSF
    no_psf = make_dataset(background=0.0, width=3.0)
    no_psf.models = make_models(lon=0.1, lat=0.05, bkg=False)
    assert npred.max() < 0.5 * no_psf.npred_signal().data.max()


def test_npred_edisp_diagonal_equals_no_edisp():
    a = make_dataset(edisp=True, background=0.0)
    b = make_dataset(edisp=False, background=0.0)
    a.models = make_models(bkg=False)
    b.models = make_models(bkg=False)
    assert np.allclose(a.npred().data, b.npred().data, rtol=1e-12)


def test_cache_rescale_and_recompute_agree(dataset_irf):
    dataset = dataset_irf
    model = dataset.models["source"]
    dataset.stat_sum()
    model.spectral_model.amplitude.value = 3e-11
    fast = dataset.npred().data.copy()
    model.spectral_model.index.value = 2.2
    model.spectral_model.index.value = 2.5
    slow = dataset.npred().data
    assert np.allclose(fast, slow, rtol=1e-12)
    # position change moves the emission
    before = dataset.npred_signal().data.sum(axis=0)
    model.spatial_model.lon_0.value = 0.3
    after = dataset.npred_signal().data.sum(axis=0)
    assert np.argmax(before) != np.argmax(after)
    fresh = make_dataset(psf_sigma=0.1, edisp=True)
    fresh.models = make_models(lon=0.3, amplitude=3e-11)
    assert np.allclose(after, fresh.npred_signal().data.sum(axis=0), rtol=1e-6)


def test_cutout_recentres_when_source_moves_far(dataset_irf):
    dataset = dataset_irf
    evaluator = dataset.evaluators["source"]
    dataset.npred()
    slices_before = evaluator.slices
    dataset.models["source"].spatial_model.lon_0.value = 0.6
    total = dataset.npred_signal().data.sum()
    assert evaluator.slices != slices_before
    assert total > 0


def test_background_model_norm_and_tilt(dataset):
    dataset.models = make_models(amplitude=0.0)
    bkg = dataset.models["test-bkg"]
    bkg.spectral_model.norm.value = 2.0
    assert np.allclose(dataset.npred_background().data, 0.4)
    bkg.spectral_model.tilt.value = 1.0
    energy = dataset.counts.geom.axes["energy"].center.to_value("TeV")
    expected = 0.4 * energy ** (-1.0)
    assert np.allclose(dataset.npred_background().data[:, 0, 0], expected)


def test_spectral_integrator_quadrature_matches_closed_form():
    edges = np.geomspace(0.01, 100, 9) * u.TeV
    integ = _SpectralIntegrator(edges)
    lp = LogParabolaSpectralModel(alpha=2.1, beta=0.1, reference="1 TeV")
    numeric = integ(lp)
    # log parabola integral by a fine trapezoid in log energy
    e = np.geomspace(0.01, 100, 200001)
    f = lp(e * u.TeV).to_value("cm-2 s-1 TeV-1") * e
    cum = np.concatenate([[0], np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(np.log(e)))])
    idx = np.searchsorted(e, edges.value * (1 - 1e-12))
    ref = np.diff(cum[np.clip(idx, 0, e.size - 1)])
    assert np.allclose(numeric, ref, rtol=1e-6)
    pl = PowerLawSpectralModel(index=2.0)
    assert np.allclose(
        integ(pl), pl.integral(edges[:-1], edges[1:]).to_value("cm-2 s-1")
    )


def test_model_outside_dataset_contributes_nothing(dataset):
    dataset.models = make_models(lon=30, lat=10, bkg=False)
    assert dataset.npred_signal().data.sum() == 0
    assert not dataset.evaluators["source"].contributes
