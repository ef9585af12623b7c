import importlib

import numpy as np
import pytest

from gammaray.stats import _kernels, _kernels_numpy, cash, kernels

RTOL = 1e-12


def random_inputs(rng, size, counts_dtype=np.float64, npred_dtype=np.float64):
    counts = rng.poisson(rng.choice([0.05, 1.0, 30.0]), size)
    # special values of npred: zero, negative, tiny (below the truncation), large
    npred = rng.gamma(1.0, 2.0, size)
    kind = rng.integers(0, 6, size)
    npred[kind == 0] = 0.0
    npred[kind == 1] = -rng.random((kind == 1).sum())
    npred[kind == 2] = 1e-30 * rng.random((kind == 2).sum())
    return counts.astype(counts_dtype), npred.astype(npred_dtype)


def masks(rng, size):
    return {
        "all": np.ones(size, dtype=bool),
        "none": np.zeros(size, dtype=bool),
        "random": rng.random(size) < 0.5,
    }


def scale(counts, npred, select):
    """Sum of the absolute per-bin terms, the scale of the rounding error."""
    return np.sum(np.abs(cash(counts, npred))[select]) + 1e-300


DTYPES = [
    (np.float64, np.float64),
    (np.float32, np.float32),
    (np.float64, np.float32),
    (np.int64, np.float64),
    (np.int32, np.float32),
]


@pytest.mark.parametrize(("counts_dtype", "npred_dtype"), DTYPES)
def test_cash_sum_masked_cython_numpy_agree(counts_dtype, npred_dtype):
    rng = np.random.default_rng(42)
    for size in [0, 1, 7, 5000, 20001]:
        counts, npred = random_inputs(rng, size, counts_dtype, npred_dtype)
        for name, mask in masks(rng, size).items():
            mask8 = mask.view(np.uint8)
            c = _kernels.cash_sum_masked(counts, npred, mask8)
            n = _kernels_numpy.cash_sum_masked(counts, npred, mask8)
            reference = np.sum(cash(counts.astype(float), npred.astype(float))[mask])
            tol = RTOL * scale(counts.astype(float), npred.astype(float), mask)
            assert abs(c - n) <= tol, (size, name)
            assert abs(c - reference) <= tol, (size, name)
            if name == "none":
                assert c == 0.0


def test_cash_sum_unmasked_agree():
    rng = np.random.default_rng(1)
    counts, npred = random_inputs(rng, 10000)
    c = _kernels.cash_sum(counts, npred)
    n = _kernels_numpy.cash_sum(counts, npred)
    assert abs(c - n) <= RTOL * scale(counts, npred, slice(None))
    assert abs(c - np.sum(cash(counts, npred))) <= RTOL * scale(
        counts, npred, slice(None)
    )


def test_cash_sum_masked_analytic():
    counts = np.array([0.0, 1.0, 2.0, 3.0])
    npred = np.array([0.5, 1.0, np.e, -1.0])
    mask = np.array([True, True, True, False], dtype=np.uint8)
    expected = 2 * (0.5 + 1.0 + (np.e - 2.0))
    assert _kernels.cash_sum_masked(counts, npred, mask) == pytest.approx(
        expected, rel=1e-14
    )
    assert _kernels_numpy.cash_sum_masked(counts, npred, mask) == pytest.approx(
        expected, rel=1e-14
    )
    # truncation: npred <= 1e-25 -> 1e-25
    value = _kernels.cash_sum_masked(
        np.array([2.0]), np.array([0.0]), np.ones(1, np.uint8)
    )
    assert value == pytest.approx(2 * (1e-25 - 2 * np.log(1e-25)), rel=1e-14)


def test_masked_out_nan_ignored():
    counts = np.array([1.0, np.nan, 2.0])
    npred = np.array([1.0, np.nan, 2.0])
    mask = np.array([True, False, True])
    expected = 2 * (1.0 + 2.0 - 2 * np.log(2.0))
    for module in (_kernels, _kernels_numpy):
        assert module.cash_sum_masked(
            counts, npred, mask.view(np.uint8)
        ) == pytest.approx(expected, rel=1e-14)
        weights = mask.astype(float)
        assert module.weighted_cash_sum(counts, npred, weights) == pytest.approx(
            expected, rel=1e-14
        )


@pytest.mark.parametrize(("counts_dtype", "npred_dtype"), DTYPES)
def test_weighted_cash_sum_agree(counts_dtype, npred_dtype):
    rng = np.random.default_rng(7)
    counts, npred = random_inputs(rng, 20000, counts_dtype, npred_dtype)
    weights = rng.random(20000) * 3
    weights[rng.random(20000) < 0.3] = 0
    c = _kernels.weighted_cash_sum(counts, npred, weights)
    n = _kernels_numpy.weighted_cash_sum(counts, npred, weights)
    terms = weights * cash(counts.astype(float), npred.astype(float))
    tol = RTOL * np.sum(np.abs(terms))
    assert abs(c - n) <= tol
    assert abs(c - np.sum(terms)) <= tol


def test_length_mismatch_raises():
    for module in (_kernels, _kernels_numpy):
        with pytest.raises(ValueError, match="same length"):
            module.cash_sum_masked(np.ones(3), np.ones(4), np.ones(3, np.uint8))
    with pytest.raises(ValueError, match="same length"):
        kernels.cash_sum_masked(np.ones(3), np.ones(4), np.ones(3, bool))


def test_dispatcher_shapes_and_dtypes():
    rng = np.random.default_rng(3)
    counts, npred = random_inputs(rng, 600)
    counts = counts.reshape(6, 10, 10)
    npred = npred.reshape(6, 10, 10)
    mask = rng.random((6, 10, 10)) < 0.5
    expected = np.sum(cash(counts, npred)[mask])
    tol = RTOL * scale(counts, npred, mask)
    assert abs(kernels.cash_sum_masked(counts, npred, mask) - expected) <= tol
    # int16 counts and integer mask are converted; non-contiguous views are copied
    assert (
        abs(
            kernels.cash_sum_masked(counts.astype(np.int16), npred, mask.astype(int))
            - expected
        )
        <= tol
    )
    assert abs(kernels.cash_sum_masked(counts.T, npred.T, mask.T) - expected) <= tol
    assert kernels.cash_sum_masked(counts, npred) == pytest.approx(
        np.sum(cash(counts, npred)), rel=1e-12
    )
    weights = mask * 2.0
    assert (
        abs(kernels.weighted_cash_sum(counts, npred, weights) - 2 * expected) <= 2 * tol
    )


@pytest.fixture
def numpy_backend(monkeypatch):
    monkeypatch.setenv("GAMMARAY_NO_CYTHON", "1")
    importlib.reload(kernels)
    yield kernels
    monkeypatch.delenv("GAMMARAY_NO_CYTHON")
    importlib.reload(kernels)


def test_env_var_forces_numpy(numpy_backend):
    assert numpy_backend.backend() == "numpy"
    assert not numpy_backend.USE_CYTHON
    value = numpy_backend.cash_sum_masked(
        np.array([1.0, 2.0]), np.array([1.0, 2.0]), None
    )
    assert value == pytest.approx(2 * (3.0 - 2 * np.log(2.0)), rel=1e-14)


def test_default_backend_is_cython():
    assert kernels.backend() == "cython"
    assert kernels.USE_CYTHON


def ts_inputs(rng, size):
    background = rng.gamma(2.0, 1.0, size)
    model = rng.gamma(1.0, 0.5, size)
    model[rng.random(size) < 0.2] = 0.0
    counts = rng.poisson(background + 2.0 * model).astype(float)
    return counts, background, model


def test_f_cash_root_agree_and_analytic():
    rng = np.random.default_rng(11)
    counts, background, model = ts_inputs(rng, 3000)
    x_min, _ = kernels.amplitude_bounds(counts, background, model)
    assert _kernels.f_cash_root(x_min - 0.1, counts, background, model) == -np.inf
    assert _kernels_numpy.f_cash_root(x_min - 0.1, counts, background, model) == -np.inf
    for x in [x_min + 1e-3, 0.0, 0.5, 2.0, 10.0]:
        c = _kernels.f_cash_root(x, counts, background, model)
        n = _kernels_numpy.f_cash_root(x, counts, background, model)
        terms = 2 * model * (1 - counts / (background + x * model))
        assert abs(c - n) <= RTOL * np.sum(np.abs(terms))
        assert abs(c - np.sum(terms)) <= RTOL * np.sum(np.abs(terms))
    # numerical derivative of the Cash sum
    x, h = 1.3, 1e-6
    stat = lambda a: np.sum(cash(counts, background + a * model))  # noqa: E731
    numeric = (stat(x + h) - stat(x - h)) / (2 * h)
    assert kernels.f_cash_root(x, counts, background, model) == pytest.approx(
        numeric, rel=1e-6
    )


def test_f_cash_root_vanishing_npred():
    counts = np.array([1.0, 0.0])
    background = np.array([1.0, 1.0])
    model = np.array([1.0, 1.0])
    for module in (_kernels, _kernels_numpy):
        assert module.f_cash_root(-1.0, counts, background, model) == -np.inf
        # bins with zero counts contribute 2 * model
        assert module.f_cash_root(1.0, counts, background, model) == pytest.approx(
            2 * (1 - 0.5) + 2
        )


def test_amplitude_bounds_bracket_root():
    rng = np.random.default_rng(5)
    for _ in range(5):
        counts, background, model = ts_inputs(rng, 500)
        c = _kernels.amplitude_bounds(counts, background, model)
        n = _kernels_numpy.amplitude_bounds(counts, background, model)
        np.testing.assert_allclose(c, n, rtol=1e-12)
        x_min, x_max = c
        sel = model > 0
        assert x_min == pytest.approx(np.max(-background[sel] / model[sel]))
        assert x_max == pytest.approx(counts[sel].sum() / model[sel].sum())
        eps = 1e-9 * (x_max - x_min)
        assert kernels.f_cash_root(x_min + eps, counts, background, model) < 0
        assert kernels.f_cash_root(x_max, counts, background, model) >= 0


def test_amplitude_bounds_no_model():
    zeros = np.zeros(4)
    for module in (_kernels, _kernels_numpy):
        assert np.all(np.isnan(module.amplitude_bounds(np.ones(4), np.ones(4), zeros)))


def test_x_best_leastsq():
    rng = np.random.default_rng(9)
    background = rng.random(100) + 1
    model = rng.random(100)
    counts = background + 3.0 * model
    weights = rng.random(100) + 0.5
    for module in (_kernels, _kernels_numpy):
        assert module.x_best_leastsq(
            counts, background, model, weights
        ) == pytest.approx(3.0, rel=1e-12)
        assert np.isnan(
            module.x_best_leastsq(counts, background, np.zeros(100), weights)
        )
    assert kernels.x_best_leastsq(counts, background, model) == pytest.approx(
        3.0, rel=1e-12
    )


def test_fit_statistic_uses_numpy_backend(numpy_backend):
    from gammaray.stats import CashFitStatistic

    rng = np.random.default_rng(2)
    counts, npred = random_inputs(rng, 1000, np.float32, np.float32)
    mask = rng.random(1000) < 0.5
    value = CashFitStatistic.stat_sum(counts, npred, mask)
    expected = _kernels.cash_sum_masked(counts, npred, mask.view(np.uint8))
    assert numpy_backend.backend() == "numpy"
    assert abs(value - expected) <= RTOL * scale(
        counts.astype(float), npred.astype(float), mask
    )
