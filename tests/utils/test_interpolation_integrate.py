import astropy.units as u
import numpy as np
import pytest

from gammaray.utils.integrate import (
    evaluate_integral_pwl,
    integrate_spectrum,
    trapz_loglog,
)
from gammaray.utils.interpolation import (
    ScaledRegularGridInterpolator,
    interpolate_profile,
    interpolation_scale,
)


def test_linear_interpolation_exact_for_linear_function():
    x = np.linspace(0, 10, 11)
    y = np.linspace(-5, 5, 6)
    values = 2 * x[:, None] + 3 * y[None, :] + 1
    interp = ScaledRegularGridInterpolator((x, y), values)
    px = np.array([0.3, 5.55, 9.99])
    py = np.array([-4.2, 0.0, 4.9])
    np.testing.assert_allclose(interp((px, py)), 2 * px + 3 * py + 1, rtol=1e-12)


def test_log_log_interpolation_exact_for_power_law():
    energy = np.logspace(-1, 2, 7) * u.TeV
    values = 1e-12 * (energy.value) ** -2.7 * u.Unit("cm-2 s-1 TeV-1")
    interp = ScaledRegularGridInterpolator(
        (energy,), values, points_scale=("log",), values_scale="log"
    )
    e = [0.15, 3.3, 77] * u.TeV
    result = interp((e,))
    assert result.unit == u.Unit("cm-2 s-1 TeV-1")
    np.testing.assert_allclose(result.value, 1e-12 * e.value**-2.7, rtol=1e-10)
    # units of the coordinates are converted
    np.testing.assert_allclose(
        interp((3300 * u.GeV,)).value, 1e-12 * 3.3**-2.7, rtol=1e-10
    )


def test_nearest_and_fill_value():
    x = np.array([0.0, 1.0, 2.0])
    interp = ScaledRegularGridInterpolator(
        (x,),
        np.array([10.0, 20.0, 30.0]),
        method="nearest",
        extrapolate=False,
        fill_value=-1,
    )
    np.testing.assert_allclose(
        interp((np.array([0.4, 0.6, 1.9, 2.5, -0.1]),)), [10, 20, 30, -1, -1]
    )


def test_extrapolation_linear():
    x = np.array([0.0, 1.0])
    interp = ScaledRegularGridInterpolator((x,), np.array([0.0, 2.0]))
    np.testing.assert_allclose(interp(([2.0, -1.0],)), [4.0, -2.0])


def test_log_values_with_zeros_stay_finite():
    x = np.array([1.0, 2.0, 3.0])
    interp = ScaledRegularGridInterpolator(
        (x,), np.array([0.0, 1.0, 4.0]), values_scale="log"
    )
    result = interp(([1.0, 1.5, 3.0],))
    assert np.all(np.isfinite(result))
    assert result[0] == 0 and result[2] == pytest.approx(4.0)


def test_interpolation_along_axis_keeps_other_dims():
    x = np.array([1.0, 2.0, 4.0])
    values = np.arange(12.0).reshape(4, 3)  # interpolate along axis 1
    interp = ScaledRegularGridInterpolator((x,), values, axis=1)
    result = interp(([1.5, 3.0],))
    assert result.shape == (4, 2)
    np.testing.assert_allclose(result[:, 0], values[:, 0] + 0.5)
    np.testing.assert_allclose(result[:, 1], values[:, 1] + 0.5)


def test_bad_grid_and_scale():
    with pytest.raises(ValueError, match="strictly increasing"):
        ScaledRegularGridInterpolator((np.array([1.0, 0.0]),), np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="Unknown interpolation scale"):
        interpolation_scale("cubic")


def test_interpolate_profile_parabola():
    x = np.linspace(-3, 3, 13)
    y = 10 + (x - 0.25) ** 2
    interp = interpolate_profile(x, y)
    np.testing.assert_allclose(
        interp(([1.0, -2.0],)), 10 + (np.array([1.0, -2.0]) - 0.25) ** 2, rtol=2e-2
    )


def test_integral_pwl_and_trapz_loglog_exact():
    e = np.logspace(0, 2, 5)
    y = e**-2.5
    integral = trapz_loglog(y, e)
    expected = (e[:-1] ** -1.5 - e[1:] ** -1.5) / 1.5
    np.testing.assert_allclose(integral, expected, rtol=1e-12)
    # index exactly 1: logarithm
    np.testing.assert_allclose(
        evaluate_integral_pwl(1.0, 10.0, 1.0, 0.1), np.log(10), rtol=1e-9
    )


def test_trapz_loglog_units_and_zero():
    e = [1, 2, 3] * u.TeV
    y = [1.0, 0.0, 2.0] * u.Unit("cm-2 s-1 TeV-1")
    result = trapz_loglog(y, e)
    assert result.unit == u.Unit("cm-2 s-1")
    np.testing.assert_allclose(result.value, [0.5, 1.0])


def test_integrate_spectrum_cutoff():
    def func(energy):
        return (
            (energy / u.TeV).to_value("") ** -2
            * np.exp(-(energy / (5 * u.TeV)).to_value(""))
            * u.Unit("cm-2 s-1 TeV-1")
        )

    from scipy.integrate import quad

    expected = quad(lambda e: e**-2 * np.exp(-e / 5), 1, 30)[0]
    result = integrate_spectrum(func, 1 * u.TeV, 30 * u.TeV, ndecade=200)
    assert result.unit == u.Unit("cm-2 s-1")
    assert result.value == pytest.approx(expected, rel=1e-5)


def test_explicit_fill_value_wins_over_extrapolate():
    # as in Gammapy/scipy: an explicit fill value is used outside the grid
    x = np.array([0.0, 1.0])
    y = np.array([0.0, 2.0])
    interp = ScaledRegularGridInterpolator((x,), y, fill_value=0.0)
    np.testing.assert_allclose(interp(([0.5, 2.0, -1.0],)), [1.0, 0.0, 0.0])
    interp = ScaledRegularGridInterpolator((x,), y, fill_value=None, extrapolate=False)
    np.testing.assert_allclose(interp(([2.0],)), [4.0])
    interp = ScaledRegularGridInterpolator((x,), y, extrapolate=False)
    assert np.isnan(interp(([2.0],))[0])


def test_bounds_error():
    x = np.array([0.0, 1.0])
    interp = ScaledRegularGridInterpolator(
        (x, x), np.arange(4.0).reshape(2, 2), bounds_error=True
    )
    assert interp(([0.5], [1.0]))[0] == pytest.approx(2.0)
    with pytest.raises(ValueError, match="dimension 1"):
        interp(([0.5], [1.5]))
