"""Pure NumPy implementation of the Cash kernels (fallback of the Cython extension).

Same functions, arguments and semantics as :mod:`gammaray.stats._kernels`: flat
one-dimensional arrays, ``npred`` truncated from below at 1e-25, bins with a
zero mask (or zero weight) skipped entirely, arithmetic in float64. Results
agree with the compiled kernel to rounding (the summation order differs).
Use the dispatcher :mod:`gammaray.stats.kernels` rather than this module.
"""

import numpy as np

__all__ = [
    "amplitude_bounds",
    "cash_sum",
    "cash_sum_masked",
    "f_cash_root",
    "weighted_cash_sum",
    "x_best_leastsq",
]

TRUNCATION_VALUE = 1e-25


def _check_lengths(*arrays, names):
    sizes = [len(a) for a in arrays]
    if len(set(sizes)) != 1:
        raise ValueError(
            f"{', '.join(names)} must have the same length, got {', '.join(map(str, sizes))}"
        )


def _cash_terms_sum(counts, npred):
    """Sum of ``mu - n log(mu)`` (float64), log only evaluated where ``n != 0``."""
    mu = np.maximum(np.asarray(npred, dtype=np.float64), TRUNCATION_VALUE)
    counts = np.asarray(counts, dtype=np.float64)
    nonzero = counts != 0
    return mu.sum() - np.dot(counts[nonzero], np.log(mu[nonzero]))


def cash_sum_masked(counts, npred, mask):
    """Masked Cash sum ``sum_{mask} 2 * (mu - n * log(mu))``; see the Cython kernel."""
    _check_lengths(counts, npred, mask, names=("counts", "npred", "mask"))
    mask = np.asarray(mask).astype(bool, copy=False)
    return 2.0 * float(_cash_terms_sum(counts[mask], npred[mask]))


def cash_sum(counts, npred):
    """Cash sum ``sum 2 * (mu - n * log(mu))`` over all bins; see the Cython kernel."""
    _check_lengths(counts, npred, names=("counts", "npred"))
    return 2.0 * float(_cash_terms_sum(counts, npred))


def weighted_cash_sum(counts, npred, weights):
    """Weighted Cash sum ``sum w * 2 * (mu - n * log(mu))``; zero-weight bins skipped."""
    _check_lengths(counts, npred, weights, names=("counts", "npred", "weights"))
    weights = np.asarray(weights, dtype=np.float64)
    sel = weights != 0
    mu = np.maximum(np.asarray(npred[sel], dtype=np.float64), TRUNCATION_VALUE)
    n = np.asarray(counts[sel], dtype=np.float64)
    terms = mu - n * np.log(mu)
    return 2.0 * float(np.dot(weights[sel], terms))


def f_cash_root(x, counts, background, model):
    """Derivative ``2 * sum model * (1 - n / (background + x * model))``; see the Cython kernel."""
    _check_lengths(counts, background, model, names=("counts", "background", "model"))
    counts = np.asarray(counts, dtype=np.float64)
    model = np.asarray(model, dtype=np.float64)
    sel = model != 0
    n, m = counts[sel], model[sel]
    mu = np.asarray(background, dtype=np.float64)[sel] + x * m
    zero = n == 0
    if np.any(~zero & (mu <= TRUNCATION_VALUE)):
        return -np.inf
    total = m[zero].sum() + np.sum(m[~zero] * (1.0 - n[~zero] / mu[~zero]))
    return 2.0 * float(total)


def amplitude_bounds(counts, background, model):
    """Bracketing interval ``(x_min, x_max)`` of the root of :func:`f_cash_root`."""
    _check_lengths(counts, background, model, names=("counts", "background", "model"))
    model = np.asarray(model, dtype=np.float64)
    sel = model > 0
    if not np.any(sel):
        return float("nan"), float("nan")
    m = model[sel]
    x_min = float(np.max(-np.asarray(background, dtype=np.float64)[sel] / m))
    x_max = float(np.sum(np.asarray(counts, dtype=np.float64)[sel]) / np.sum(m))
    return x_min, max(x_max, x_min)


def x_best_leastsq(counts, background, model, weights):
    """Weighted least-squares amplitude ``sum w m (n - b) / sum w m**2`` (nan if undefined)."""
    _check_lengths(
        counts,
        background,
        model,
        weights,
        names=("counts", "background", "model", "weights"),
    )
    wm = np.asarray(weights, dtype=np.float64) * model
    den = float(np.dot(wm, model))
    if den == 0:
        return float("nan")
    return float(np.dot(wm, np.asarray(counts, dtype=np.float64) - background)) / den
