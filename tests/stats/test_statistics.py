import numpy as np
import pytest

from gammaray.stats import (
    FIT_STATISTICS_REGISTRY,
    CashFitStatistic,
    Chi2AsymmetricErrorFitStatistic,
    Chi2FitStatistic,
    CStatFitStatistic,
    UnknownFitStatisticError,
    WStatFitStatistic,
    cash,
    cstat,
    get_fit_statistic,
    wstat,
)


class FakeMap:
    def __init__(self, data):
        self.data = np.asarray(data)


class FakeDataset:
    def __init__(self, counts, npred, mask=None):
        self.counts = FakeMap(counts)
        self._npred = FakeMap(npred)
        self.mask = None if mask is None else FakeMap(mask)

    def npred(self):
        return self._npred


class FakeOnOffDataset(FakeDataset):
    def __init__(self, counts, counts_off, alpha, npred_signal, mask=None):
        super().__init__(counts, npred_signal, mask)
        self.counts_off = FakeMap(counts_off)
        self.alpha = FakeMap(alpha)

    def npred_signal(self):
        return self._npred


@pytest.fixture
def arrays():
    rng = np.random.default_rng(0)
    counts = rng.poisson(2.0, (4, 5)).astype(float)
    npred = rng.gamma(2.0, 1.0, (4, 5))
    mask = rng.random((4, 5)) < 0.6
    return counts, npred, mask


def test_registry_and_lookup():
    assert get_fit_statistic("cash") is CashFitStatistic
    assert get_fit_statistic("WSTAT") is WStatFitStatistic
    assert get_fit_statistic("chi2") is Chi2FitStatistic
    assert get_fit_statistic("distrib") is Chi2AsymmetricErrorFitStatistic
    assert get_fit_statistic("cstat") is CStatFitStatistic
    for name, cls in FIT_STATISTICS_REGISTRY.items():
        assert name in (cls.tag, "distrib")


def test_unknown_name_error():
    with pytest.raises(UnknownFitStatisticError) as excinfo:
        get_fit_statistic("poisson")
    message = str(excinfo.value)
    assert "'poisson'" in message and "cash" in message and "wstat" in message
    with pytest.raises(KeyError):
        get_fit_statistic("nope")


def test_cash_fit_statistic(arrays):
    counts, npred, mask = arrays
    np.testing.assert_allclose(
        CashFitStatistic.stat_array(counts, npred), cash(counts, npred)
    )
    expected = np.sum(cash(counts, npred)[mask])
    assert CashFitStatistic.stat_sum(counts, npred, mask) == pytest.approx(
        expected, rel=1e-12
    )
    assert CashFitStatistic.stat_sum(counts, npred) == pytest.approx(
        np.sum(cash(counts, npred)), rel=1e-12
    )
    weights = np.full(counts.shape, 0.5)
    assert CashFitStatistic.stat_sum(
        counts, npred, mask, weights=weights
    ) == pytest.approx(0.5 * expected, rel=1e-12)
    assert CashFitStatistic.loglikelihood(counts, npred, mask) == pytest.approx(
        -0.5 * expected
    )
    dataset = FakeDataset(counts, npred, mask)
    assert CashFitStatistic.stat_sum_dataset(dataset) == pytest.approx(
        expected, rel=1e-12
    )
    assert CashFitStatistic.stat_array_dataset(dataset).shape == (4, 5)
    assert CashFitStatistic.stat_sum_dataset(
        FakeDataset(counts, npred)
    ) == pytest.approx(np.sum(cash(counts, npred)), rel=1e-12)


def test_cstat_fit_statistic(arrays):
    counts, npred, mask = arrays
    expected = np.sum(cstat(counts, npred)[mask])
    assert CStatFitStatistic.stat_sum(counts, npred, mask) == pytest.approx(
        expected, rel=1e-12
    )


def test_wstat_fit_statistic(arrays):
    counts, npred, mask = arrays
    n_off = counts[::-1] * 3
    alpha = np.full(counts.shape, 0.3)
    alpha[~mask] = 0.0  # invalid outside the mask: must not matter
    stat = WStatFitStatistic.stat_sum(counts, n_off, alpha, npred, mask=mask)
    expected = np.sum(wstat(counts[mask], n_off[mask], alpha[mask], npred[mask]))
    assert np.isfinite(stat)
    assert stat == pytest.approx(expected, rel=1e-12)
    dataset = FakeOnOffDataset(counts, n_off, alpha, npred, mask)
    assert WStatFitStatistic.stat_sum_dataset(dataset) == pytest.approx(
        expected, rel=1e-12
    )


def test_chi2_fit_statistics():
    data = np.array([1.0, 2.0, 3.0])
    model = np.array([1.5, 2.0, 1.0])
    error = np.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(
        Chi2FitStatistic.stat_array(data, model, error), [1, 0, 1]
    )
    assert (
        Chi2FitStatistic.stat_sum(data, model, error, mask=[True, False, False]) == 1.0
    )
    stat = Chi2AsymmetricErrorFitStatistic.stat_sum(
        data, model, errn=error, errp=2 * error
    )
    assert stat == pytest.approx((0.5 / 1.0) ** 2 + 1.0)
    with pytest.raises(NotImplementedError, match="arrays"):
        Chi2FitStatistic.stat_sum_dataset(object())
