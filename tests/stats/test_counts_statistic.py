import math

import numpy as np
import pytest
from scipy.stats import norm

from gammaray.stats import CashCountsStatistic, WStatCountsStatistic, cstat, wstat


def li_ma_significance(n_on, n_off, alpha):
    """Li & Ma (1983), equation 17."""
    term_on = n_on * math.log((1 + alpha) / alpha * n_on / (n_on + n_off))
    term_off = n_off * math.log((1 + alpha) * n_off / (n_on + n_off))
    return math.sqrt(2 * (term_on + term_off))


def test_cash_known_values():
    stat = CashCountsStatistic(n_on=13, mu_bkg=5.5)
    ts = 2 * (13 * math.log(13 / 5.5) - (13 - 5.5))
    assert stat.n_sig == 7.5
    assert stat.n_bkg == 5.5
    assert stat.error == pytest.approx(math.sqrt(13))
    assert stat.ts == pytest.approx(ts, rel=1e-13)
    assert stat.sqrt_ts == pytest.approx(math.sqrt(ts), rel=1e-13)
    assert stat.stat_null - stat.stat_max == pytest.approx(ts, rel=1e-12)
    assert stat.p_value == pytest.approx(norm.sf(math.sqrt(ts)), rel=1e-10)


def test_cash_errors_and_upper_limit_solve_delta_ts():
    stat = CashCountsStatistic(n_on=13, mu_bkg=5.5)
    for n_sigma in [1, 2]:
        errn = stat.compute_errn(n_sigma)
        errp = stat.compute_errp(n_sigma)
        assert errn < 0 < errp
        assert cstat(13, 13 + errn) == pytest.approx(n_sigma**2, rel=1e-9)
        assert cstat(13, 13 + errp) == pytest.approx(n_sigma**2, rel=1e-9)
    ul = stat.compute_upper_limit(3)
    assert cstat(13, 5.5 + ul) == pytest.approx(9.0, rel=1e-9)
    assert ul == pytest.approx(stat.n_sig + stat.compute_errp(3), rel=1e-9)
    # errors grow with n_sigma and are asymmetric as for a Poisson variable
    assert stat.compute_errp(1) > -stat.compute_errn(1)


def test_cash_zero_counts():
    stat = CashCountsStatistic(n_on=0, mu_bkg=2.0)
    assert stat.ts == pytest.approx(4.0)
    assert stat.sqrt_ts == pytest.approx(-2.0)
    # best fit at the lower bound: no room below
    assert stat.compute_errn() == 0
    # 2 * mu = 1 -> mu = 0.5 above the best fit (zero total counts)
    assert stat.compute_errp() == pytest.approx(0.5, rel=1e-10)
    assert stat.compute_upper_limit(2) == pytest.approx(-2.0 + 2.0, abs=1e-10)


def test_cash_vectorised_shapes():
    n_on = np.array([[0, 1, 5], [10, 100, 1000]])
    mu_bkg = np.array([[0.5, 2.0, 3.0], [12.0, 80.0, 1010.0]])
    stat = CashCountsStatistic(n_on, mu_bkg)
    for value in [
        stat.ts,
        stat.sqrt_ts,
        stat.p_value,
        stat.compute_errn(),
        stat.compute_errp(),
    ]:
        assert value.shape == (2, 3)
    for i in np.ndindex(2, 3):
        single = CashCountsStatistic(n_on[i], mu_bkg[i])
        assert stat.sqrt_ts[i] == pytest.approx(single.sqrt_ts, rel=1e-12)
        assert stat.compute_errp()[i] == pytest.approx(single.compute_errp(), rel=1e-9)
        assert stat.compute_errn()[i] == pytest.approx(single.compute_errn(), rel=1e-9)
    # broadcasting of a scalar background
    assert CashCountsStatistic([1, 2, 3], 1.0).ts.shape == (3,)


def test_cash_n_sig_matching_significance():
    stat = CashCountsStatistic(n_on=1, mu_bkg=[0.5, 5.5, 100.0])
    for significance in [5.0, 2.0, -1.0]:
        n_sig = stat.n_sig_matching_significance(significance)
        back = CashCountsStatistic(stat.mu_bkg + n_sig, stat.mu_bkg)
        np.testing.assert_allclose(back.sqrt_ts, significance, rtol=1e-9)
    # a deficit larger than zero counts can give is impossible
    assert np.isnan(CashCountsStatistic(1, 0.5).n_sig_matching_significance(-3.0))


def test_wstat_li_ma():
    stat = WStatCountsStatistic(n_on=10, n_off=20, alpha=0.1)
    expected = li_ma_significance(10, 20, 0.1)
    # hand calculation: 2 * (10 ln(11/3) + 20 ln(22/30)) = 13.5795
    assert expected**2 == pytest.approx(13.5795, abs=1e-4)
    assert stat.sqrt_ts == pytest.approx(expected, rel=1e-12)
    assert stat.n_sig == pytest.approx(8.0)
    assert stat.n_bkg == pytest.approx(2.0)
    assert stat.error == pytest.approx(math.sqrt(10 + 0.01 * 20))
    assert stat.stat_max == pytest.approx(0.0, abs=1e-12)


def test_wstat_li_ma_arrays_and_negative_excess():
    n_on = np.array([5, 30, 2, 0])
    n_off = np.array([40, 100, 50, 10])
    alpha = np.array([0.2, 0.1, 0.1, 0.5])
    stat = WStatCountsStatistic(n_on, n_off, alpha)
    for i in range(4):
        if n_on[i] == 0:
            expected = math.sqrt(2 * n_off[i] * math.log(1 + alpha[i]))
        else:
            expected = li_ma_significance(n_on[i], n_off[i], alpha[i])
        assert abs(stat.sqrt_ts[i]) == pytest.approx(expected, rel=1e-10)
        assert np.sign(stat.sqrt_ts[i]) == np.sign(stat.n_sig[i])


def test_wstat_errors_and_upper_limit():
    stat = WStatCountsStatistic(
        n_on=[10, 3, 0], n_off=[20, 40, 5], alpha=[0.1, 0.2, 0.3]
    )
    best = stat.n_on - stat.n_bkg

    def delta(n_sig):
        return wstat(stat.n_on, stat.n_off, stat.alpha, n_sig) - stat.stat_max

    errn, errp = stat.compute_errn(), stat.compute_errp()
    assert np.all(errn < 0) and np.all(errp > 0)
    np.testing.assert_allclose(delta(best + errn), 1.0, rtol=1e-8)
    np.testing.assert_allclose(delta(best + errp), 1.0, rtol=1e-8)
    ul = stat.compute_upper_limit(n_sigma=2)
    np.testing.assert_allclose(delta(ul), 4.0, rtol=1e-8)


def test_wstat_mu_sig_and_mu_bkg():
    stat = WStatCountsStatistic(n_on=10, n_off=20, alpha=0.1, mu_sig=3.0)
    assert stat.n_sig == pytest.approx(5.0)
    assert stat.ts == pytest.approx(wstat(10, 20, 0.1, 3.0), rel=1e-12)
    # profiled background in the ON region
    assert stat.mu_bkg > 0
    assert WStatCountsStatistic(10, 20, 0.1, 8.0).mu_bkg == pytest.approx(2.0)


def test_wstat_n_sig_matching_significance():
    stat = WStatCountsStatistic(n_on=0, n_off=[10, 100, 1000], alpha=0.2)
    for significance in [5.0, 3.0, -1.0]:
        n_sig = stat.n_sig_matching_significance(significance)
        n_on = n_sig + stat.alpha * stat.n_off
        back = WStatCountsStatistic(n_on, stat.n_off, stat.alpha)
        np.testing.assert_allclose(back.sqrt_ts, significance, rtol=1e-9)
    assert np.isnan(WStatCountsStatistic(0, 2, 0.1).n_sig_matching_significance(-5.0))


def test_info_dict_and_repr():
    stat = WStatCountsStatistic(n_on=10, n_off=20, alpha=0.1)
    info = stat.info_dict()
    assert set(info) == {
        "n_on",
        "background",
        "excess",
        "significance",
        "p_value",
        "n_off",
        "alpha",
        "mu_sig",
    }
    assert info["excess"] == pytest.approx(8.0)
    assert isinstance(info["significance"], float)
    text = repr(stat)
    assert text.startswith("WStatCountsStatistic")
    assert "significance" in text and "3.685" in text
    arrays = CashCountsStatistic([1, 2], [0.5, 0.5])
    assert arrays.info_dict()["n_on"].shape == (2,)
    assert "CashCountsStatistic" in repr(arrays)


def test_sum():
    stat = CashCountsStatistic([[1, 2], [3, 4]], [[0.5, 0.5], [1.0, 2.0]])
    total = stat.sum()
    assert total.n_on == 10 and total.mu_bkg == pytest.approx(4.0)
    np.testing.assert_allclose(stat.sum(axis=0).n_on, [4, 6])
    onoff = WStatCountsStatistic([5, 7], [10, 30], [0.1, 0.2])
    total = onoff.sum()
    assert total.n_on == 12 and total.n_off == 40
    assert total.n_bkg == pytest.approx(0.1 * 10 + 0.2 * 30)
    assert total.sqrt_ts == pytest.approx(li_ma_significance(12, 40, 7 / 40), rel=1e-12)
