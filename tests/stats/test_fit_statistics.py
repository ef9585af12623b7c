import math

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from scipy.stats import norm

from gammaray.stats import (
    cash,
    chi2,
    chi2_asymmetric,
    cstat,
    get_wstat_gof_terms,
    get_wstat_mu_bkg,
    wstat,
)


def test_cash_analytic():
    assert cash(2, 3.0) == pytest.approx(2 * (3 - 2 * math.log(3)), rel=1e-14)
    assert cash(0, 1.5) == pytest.approx(3.0, rel=1e-14)
    # truncation: mu <= 1e-25 -> 1e-25
    expected = 2 * (1e-25 - 4 * math.log(1e-25))
    np.testing.assert_allclose(
        cash([4, 4, 4], [0.0, -2.0, 1e-30]), expected, rtol=1e-14
    )
    assert cash(1, 1e-20) == pytest.approx(2 * (1e-20 - math.log(1e-20)), rel=1e-14)
    assert cash(2, 0.0, truncation_value=1e-5) == pytest.approx(
        2 * (1e-5 - 2 * math.log(1e-5))
    )


def test_cash_broadcasts():
    stat = cash(np.arange(3)[:, None], np.array([1.0, 2.0]))
    assert stat.shape == (3, 2)
    assert stat.dtype == np.float64
    assert stat[2, 1] == pytest.approx(2 * (2 - 2 * math.log(2)))


def test_cstat_analytic():
    assert cstat(3, 2.0) == pytest.approx(2 * (2 - 3 + 3 * (math.log(3) - math.log(2))))
    assert cstat(0, 2.5) == pytest.approx(5.0)
    assert cstat(7, 7.0) == pytest.approx(0.0, abs=1e-14)
    # cstat = cash - cash at the saturated model
    n = np.array([1, 5, 20])
    mu = np.array([0.3, 6.0, 18.0])
    np.testing.assert_allclose(cstat(n, mu), cash(n, mu) - cash(n, n), rtol=1e-12)


def test_get_wstat_mu_bkg_is_profile_maximum():
    for n_on, n_off, alpha, mu_sig in [
        (10, 20, 0.1, 3.0),
        (3, 50, 0.2, 0.5),
        (5, 1, 1.0, 8.0),
    ]:

        def stat(b, n_on=n_on, n_off=n_off, alpha=alpha, mu_sig=mu_sig):
            return wstat(n_on, n_off, alpha, mu_sig, mu_bkg=b)

        result = minimize_scalar(
            stat, bounds=(1e-9, 1e3), method="bounded", options={"xatol": 1e-10}
        )
        mu_bkg = get_wstat_mu_bkg(n_on, n_off, alpha, mu_sig)
        assert mu_bkg == pytest.approx(result.x, rel=1e-6)


def test_get_wstat_mu_bkg_special_cases():
    # n_on = 0 -> n_off / (1 + alpha)
    assert get_wstat_mu_bkg(0, 10, 0.25, 3.0) == pytest.approx(8.0)
    # n_off = 0 -> n_on / (1 + alpha) - mu_sig / alpha (or 0)
    assert get_wstat_mu_bkg(10, 0, 0.25, 1.0) == pytest.approx(10 / 1.25 - 4.0)
    assert get_wstat_mu_bkg(10, 0, 0.25, 5.0) == pytest.approx(0.0, abs=1e-15)
    # at the best fit mu_sig = n_on - alpha n_off the background is n_off
    assert get_wstat_mu_bkg(10, 20, 0.1, 8.0) == pytest.approx(20.0, rel=1e-14)
    # no cancellation for large signal
    value = get_wstat_mu_bkg(1e3, 1.0, 0.1, 1e9)
    assert value > 0
    # stationarity: 1 + alpha - n_on alpha / (mu_sig + alpha b) - n_off / b = 0
    expected = 1.0 / (1.1 - 1e3 * 0.1 / (1e9 + 0.1 * value))
    assert value == pytest.approx(expected, rel=1e-12)


def test_wstat_analytic():
    n_on, n_off, alpha, mu_sig = 10, 20, 0.1, 3.0
    b = get_wstat_mu_bkg(n_on, n_off, alpha, mu_sig)
    expected = 2 * (
        mu_sig + 1.1 * b - 10 * math.log(mu_sig + 0.1 * b) - 20 * math.log(b)
    )
    expected += 2 * 10 * (math.log(10) - 1) + 2 * 20 * (math.log(20) - 1)
    assert wstat(n_on, n_off, alpha, mu_sig) == pytest.approx(expected, rel=1e-13)
    no_extra = wstat(n_on, n_off, alpha, mu_sig, extra_terms=False)
    assert no_extra == pytest.approx(
        expected - get_wstat_gof_terms(n_on, n_off), rel=1e-13
    )


def test_wstat_zero_at_best_fit():
    n_on = np.array([10.0, 0.0, 7.0, 0.0])
    n_off = np.array([20.0, 15.0, 0.0, 0.0])
    alpha = np.array([0.1, 0.3, 0.5, 0.2])
    mu_sig = n_on - alpha * n_off
    stat = wstat(n_on, n_off, alpha, mu_sig, mu_bkg=n_off)
    np.testing.assert_allclose(stat, 0, atol=1e-12)


def test_wstat_special_cases():
    # n_on = 0: b = n_off / (1 + alpha), no log term for n_on
    alpha, n_off, mu_sig = 0.5, 6.0, 1.0
    b = n_off / 1.5
    expected = 2 * (mu_sig + 1.5 * b - n_off * math.log(b)) + 2 * n_off * (
        math.log(n_off) - 1
    )
    assert wstat(0, n_off, alpha, mu_sig) == pytest.approx(expected, rel=1e-13)
    # n_off = 0, signal above n_on alpha / (1 + alpha): b = 0, no log term for n_off
    expected = 2 * (5.0 - 4 * math.log(5.0)) + 2 * 4 * (math.log(4) - 1)
    assert wstat(4, 0, 0.5, 5.0) == pytest.approx(expected, rel=1e-13)
    # both zero
    assert wstat(0, 0, 0.5, 2.0) == pytest.approx(4.0)


def test_get_wstat_gof_terms():
    expected = 2 * 3 * (math.log(3) - 1) + 0.0
    assert get_wstat_gof_terms(3, 0) == pytest.approx(expected)
    assert get_wstat_gof_terms(0, 0) == 0


def test_chi2():
    assert chi2(10, 2, 5, 1.5) == pytest.approx((3 / 1.5) ** 2)
    np.testing.assert_allclose(chi2([1, 2], 0, [1, 0], 2), [0, 1])


def test_chi2_asymmetric():
    data = np.array([1.0, 1.0])
    model = np.array([2.0, 0.0])
    errn = np.array([0.5, 0.5])
    errp = np.array([2.0, 2.0])
    # model above data uses errp, below uses errn
    np.testing.assert_allclose(chi2_asymmetric(data, model, errn, errp), [0.25, 4.0])
    # upper limit: -2 log Phi((ul - model) / (ul / n_sigma))
    stat = chi2_asymmetric(data, model, errn, errp, is_ul=[True, False], ul=[4.0, 0.0])
    assert stat[0] == pytest.approx(-2 * norm.logcdf((4.0 - 2.0) / 2.0))
    assert stat[1] == pytest.approx(4.0)
    with pytest.raises(ValueError, match="ul"):
        chi2_asymmetric(data, model, errn, errp, is_ul=[True, False])
