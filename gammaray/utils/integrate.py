"""Integration helpers for spectra and other power-law-like functions."""

import astropy.units as u
import numpy as np

__all__ = ["trapz_loglog", "integrate_spectrum", "evaluate_integral_pwl"]


def evaluate_integral_pwl(x_min, x_max, y_min, y_max):
    """Exact integral of the power law through (x_min, y_min) and (x_max, y_max).

    Parameters
    ----------
    x_min, x_max, y_min, y_max : `~numpy.ndarray` or `~astropy.units.Quantity`
        Bin edges and function values at the edges (all positive).

    Returns
    -------
    integral : `~numpy.ndarray` or `~astropy.units.Quantity`
        Integral per bin.
    """
    ratio_x = x_max / x_min
    ratio_y = y_max / y_min
    log_rx = np.log(u.Quantity(ratio_x).to_value(""))
    log_ry = np.log(u.Quantity(ratio_y).to_value(""))
    with np.errstate(divide="ignore", invalid="ignore"):
        index = -log_ry / log_rx
        g = 1.0 - index
        # integral = x_min*y_min/g * ((x_max/x_min)**g - 1); g -> 0 limit: x*y*log(ratio)
        term = np.where(
            np.abs(g) > 1e-10,
            np.expm1(g * log_rx) / np.where(np.abs(g) > 1e-10, g, 1.0),
            log_rx * (1 + 0.5 * g * log_rx),
        )
    return x_min * y_min * term


def trapz_loglog(y, x, axis=-1):
    """Integrate ``y(x)`` along an axis with the log-log trapezoidal rule.

    Between two nodes the function is taken to be the power law through them,
    so the rule is exact for power laws. Non-positive values fall back to the
    linear trapezoid in that interval.

    Parameters
    ----------
    y : `~numpy.ndarray` or `~astropy.units.Quantity`
        Function values.
    x : `~numpy.ndarray` or `~astropy.units.Quantity`
        Nodes (positive, increasing), broadcastable to ``y`` along ``axis``.
    axis : int
        Axis of integration.

    Returns
    -------
    integral : `~numpy.ndarray` or `~astropy.units.Quantity`
        Integral per interval (length ``n - 1`` along ``axis``).
    """
    y_unit = y.unit if isinstance(y, u.Quantity) else None
    x_unit = x.unit if isinstance(x, u.Quantity) else None
    yv = np.asarray(u.Quantity(y).value if y_unit else y, dtype=float)
    xv = np.asarray(u.Quantity(x).value if x_unit else x, dtype=float)
    yv = np.moveaxis(yv, axis, -1)
    if xv.ndim > 1:
        xv = np.moveaxis(xv, axis, -1)
    x0, x1 = xv[..., :-1], xv[..., 1:]
    y0, y1 = yv[..., :-1], yv[..., 1:]
    positive = (y0 > 0) & (y1 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        pwl = evaluate_integral_pwl(
            x0, x1, np.where(positive, y0, 1.0), np.where(positive, y1, 1.0)
        )
    lin = 0.5 * (x1 - x0) * (y0 + y1)
    result = np.moveaxis(np.where(positive, pwl, lin), -1, axis)
    unit = (y_unit or u.one) * (x_unit or u.one)
    if y_unit is None and x_unit is None:
        return result
    return result * unit


def integrate_spectrum(func, energy_min, energy_max, ndecade=100):
    """Integrate a function of energy between bounds with the log-log trapezoid.

    Parameters
    ----------
    func : callable
        Function of an energy Quantity.
    energy_min, energy_max : `~astropy.units.Quantity`
        Integration bounds (arrays allowed, broadcast together).
    ndecade : int
        Number of nodes per decade.

    Returns
    -------
    integral : `~astropy.units.Quantity`
        Integral, shape of the broadcast bounds.
    """
    energy_min, energy_max = np.broadcast_arrays(
        u.Quantity(energy_min), u.Quantity(energy_max), subok=True
    )
    unit = energy_min.unit
    emin = energy_min.to_value(unit)
    emax = energy_max.to_value(unit)
    n_decades = np.max(np.log10(emax / emin)) if emin.size else 1
    n = max(int(np.ceil(n_decades * ndecade)), 2) + 1
    t = np.linspace(0.0, 1.0, n)
    energy = emin[..., None] * (emax / emin)[..., None] ** t
    values = func(u.Quantity(energy, unit))
    integral = trapz_loglog(values, u.Quantity(energy, unit), axis=-1)
    return integral.sum(axis=-1)
