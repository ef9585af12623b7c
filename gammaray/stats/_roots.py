"""Vectorised bracketed root finding (safeguarded Newton) on arrays."""

import numpy as np

__all__ = ["expand_bracket", "find_roots"]


def expand_bracket(func, start, step, direction, max_doublings=200):
    """Move away from ``start`` until ``func`` becomes non-negative, element-wise.

    Parameters
    ----------
    func : callable
        ``func(x) -> (f, df)``; only ``f`` is used here.
    start : `~numpy.ndarray`
        Starting points, where ``func < 0``.
    step : `~numpy.ndarray`
        Initial positive step; doubled until ``func(start + direction * step) >= 0``.
    direction : {1, -1}
        Search direction.
    max_doublings : int
        Maximum number of doublings; elements not bracketed by then get ``nan``.

    Returns
    -------
    bound : `~numpy.ndarray`
        Points with ``func >= 0`` (``nan`` where none was found).
    """
    step = np.array(step, dtype=np.float64, copy=True)
    bound = start + direction * step
    for _ in range(max_doublings):
        f, _ = func(bound)
        todo = ~(f >= 0) & np.isfinite(bound)
        if not np.any(todo):
            break
        step = np.where(todo, 2 * step, step)
        bound = start + direction * step
    f, _ = func(bound)
    return np.where(f >= 0, bound, np.nan)


def find_roots(func, lower, upper, xtol=1e-12, rtol=1e-12, maxiter=200):
    """Roots of a function bracketed element-wise by ``lower`` and ``upper``.

    Safeguarded Newton iteration: a Newton step is taken when it stays strictly
    inside the current bracket, otherwise the bracket is bisected. All elements
    are iterated together with NumPy (no Python loop over elements).

    Parameters
    ----------
    func : callable
        ``func(x) -> (f, df)``, value and derivative, element-wise on arrays of
        the shape of ``lower``.
    lower, upper : `~numpy.ndarray`
        Brackets; ``func`` must change sign between them (either orientation).
        Elements where either bound is ``nan`` give ``nan``.
    xtol, rtol : float
        Absolute and relative tolerance on the root.
    maxiter : int
        Maximum number of iterations.

    Returns
    -------
    roots : `~numpy.ndarray`
    """
    lower = np.array(lower, dtype=np.float64, copy=True)
    upper = np.array(upper, dtype=np.float64, copy=True)
    f_lower, _ = func(lower)
    # orient brackets so that func(lo) <= 0 <= func(hi)
    swap = f_lower > 0
    lo = np.where(swap, upper, lower)
    hi = np.where(swap, lower, upper)
    valid = np.isfinite(lo) & np.isfinite(hi)
    x = np.where(valid, 0.5 * (lo + hi), np.nan)
    for _ in range(maxiter):
        f, df = func(x)
        exact = f == 0
        below = f < 0
        lo = np.where(below, x, lo)
        hi = np.where(below | np.isnan(f), hi, x)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            x_newton = x - f / df
        inside = np.isfinite(x_newton) & ((x_newton - lo) * (x_newton - hi) < 0)
        x_new = np.where(inside, x_newton, 0.5 * (lo + hi))
        x_new = np.where(exact, x, x_new)
        tol = xtol + rtol * np.abs(x_new)
        done = (
            exact
            | ~np.isfinite(x_new)
            | (np.abs(x_new - x) <= tol)
            | (np.abs(hi - lo) <= tol)
        )
        x = x_new
        if np.all(done):
            break
    return x
