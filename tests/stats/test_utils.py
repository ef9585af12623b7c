import numpy as np
import pytest
from scipy.stats import chi2, norm

from gammaray.stats import sigma_to_ts, ts_to_sigma


def test_df1_is_signed_sqrt():
    assert ts_to_sigma(25.0) == pytest.approx(5.0)
    assert ts_to_sigma(-4.0) == pytest.approx(-2.0)
    np.testing.assert_allclose(sigma_to_ts([3.0, -2.0, 0.0]), [9.0, -4.0, 0.0])


@pytest.mark.parametrize("df", [1, 2, 4])
def test_inverse(df):
    ts = np.array([0.0, 0.5, 4.0, 25.0, 200.0, -9.0])
    np.testing.assert_allclose(
        sigma_to_ts(ts_to_sigma(ts, df), df), ts, rtol=1e-8, atol=1e-10
    )
    sigma = np.array([0.1, 1.0, 3.0, 5.0, -2.0])
    np.testing.assert_allclose(
        ts_to_sigma(sigma_to_ts(sigma, df), df), sigma, rtol=1e-8
    )


def test_general_df_matches_p_value():
    ts, df = 11.3, 3
    sigma = ts_to_sigma(ts, df)
    assert 2 * norm.sf(sigma) == pytest.approx(chi2.sf(ts, df), rel=1e-10)
    # more degrees of freedom -> less significant for the same TS
    assert sigma < ts_to_sigma(ts, 1)


def test_large_ts_does_not_overflow():
    sigma = ts_to_sigma(3e4, df=3)
    assert np.isfinite(sigma)
    assert sigma == pytest.approx(np.sqrt(3e4), rel=0.01)
