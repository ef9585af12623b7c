# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False
"""Compiled kernels of the Poisson likelihood (Cash statistic) and TS-map helpers.

These functions are the hot path of every binned likelihood fit. They work on
**flat, C-contiguous** one-dimensional arrays; use the dispatcher
:mod:`gammaray.stats.kernels`, which normalises the inputs (raveling, dtype
checks, boolean masks viewed as ``uint8``) without copying in the common cases
and falls back to :mod:`gammaray.stats._kernels_numpy` when this extension is
not available.

Dtype expectations
------------------
- ``counts``: float64, float32, int64 or int32.
- ``npred``: float64 or float32.
- ``mask``: uint8 (a boolean array viewed as ``uint8``; non-zero means "use the bin").
- ``weights`` and all arrays of the TS-map helpers: float64.

All arithmetic is done in double precision, whatever the input dtype. Sums are
accumulated in blocks (a block sum is added to the running total every
``BLOCK`` bins), which keeps the rounding error close to that of NumPy's
pairwise summation. The loops run without the GIL.
"""

from libc.math cimport log
from libc.stdint cimport int32_t, int64_t

ctypedef fused counts_t:
    double
    float
    int64_t
    int32_t

ctypedef fused npred_t:
    double
    float

cdef double TRUNCATION_VALUE = 1e-25
cdef Py_ssize_t BLOCK = 2048


cdef inline double _half_cash(double n, double mu) noexcept nogil:
    """Half the Cash term of one bin, ``mu - n * log(mu)``, ``mu`` truncated at 1e-25."""
    if mu < TRUNCATION_VALUE:
        mu = TRUNCATION_VALUE
    if n != 0.0:
        return mu - n * log(mu)
    return mu


def cash_sum_masked(const counts_t[::1] counts, const npred_t[::1] npred,
                    const unsigned char[::1] mask):
    """Masked Cash sum ``sum_{mask} 2 * (mu - n * log(mu))``.

    ``mu`` is ``npred`` truncated from below at 1e-25 (``mu <= 1e-25 -> 1e-25``),
    the convention of :func:`gammaray.stats.cash`. Bins where ``mask`` is zero are
    skipped entirely (NaN values there do not propagate).

    Parameters
    ----------
    counts : 1-D contiguous array (float64, float32, int64 or int32)
        Observed counts.
    npred : 1-D contiguous array (float64 or float32)
        Predicted counts.
    mask : 1-D contiguous uint8 array
        Non-zero for the bins to include.

    Returns
    -------
    stat : float
        The Cash statistic summed over the selected bins.
    """
    cdef Py_ssize_t size = counts.shape[0]
    if npred.shape[0] != size or mask.shape[0] != size:
        raise ValueError(
            f"counts, npred and mask must have the same length, got "
            f"{size}, {npred.shape[0]} and {mask.shape[0]}"
        )
    cdef Py_ssize_t i, start, stop
    cdef double total = 0.0, acc
    with nogil:
        start = 0
        while start < size:
            stop = start + BLOCK
            if stop > size:
                stop = size
            acc = 0.0
            for i in range(start, stop):
                if mask[i]:
                    acc = acc + _half_cash(<double>counts[i], <double>npred[i])
            total = total + acc
            start = stop
    return 2.0 * total


def cash_sum(const counts_t[::1] counts, const npred_t[::1] npred):
    """Cash sum ``sum 2 * (mu - n * log(mu))`` over all bins (no mask).

    Same conventions as :func:`cash_sum_masked`.
    """
    cdef Py_ssize_t size = counts.shape[0]
    if npred.shape[0] != size:
        raise ValueError(
            f"counts and npred must have the same length, got "
            f"{size} and {npred.shape[0]}"
        )
    cdef Py_ssize_t i, start, stop
    cdef double total = 0.0, acc
    with nogil:
        start = 0
        while start < size:
            stop = start + BLOCK
            if stop > size:
                stop = size
            acc = 0.0
            for i in range(start, stop):
                acc = acc + _half_cash(<double>counts[i], <double>npred[i])
            total = total + acc
            start = stop
    return 2.0 * total


def weighted_cash_sum(const counts_t[::1] counts, const npred_t[::1] npred,
                      const double[::1] weights):
    """Weighted Cash sum ``sum w * 2 * (mu - n * log(mu))``.

    Bins with ``w == 0`` are skipped entirely (like masked-out bins: NaN values
    there do not propagate). ``mu`` is truncated at 1e-25 as in :func:`cash_sum_masked`.

    Parameters
    ----------
    counts, npred : 1-D contiguous arrays
        See :func:`cash_sum_masked`.
    weights : 1-D contiguous float64 array
        Per-bin weights.
    """
    cdef Py_ssize_t size = counts.shape[0]
    if npred.shape[0] != size or weights.shape[0] != size:
        raise ValueError(
            f"counts, npred and weights must have the same length, got "
            f"{size}, {npred.shape[0]} and {weights.shape[0]}"
        )
    cdef Py_ssize_t i, start, stop
    cdef double total = 0.0, acc, w
    with nogil:
        start = 0
        while start < size:
            stop = start + BLOCK
            if stop > size:
                stop = size
            acc = 0.0
            for i in range(start, stop):
                w = weights[i]
                if w != 0.0:
                    acc = acc + w * _half_cash(<double>counts[i], <double>npred[i])
            total = total + acc
            start = stop
    return 2.0 * total


def f_cash_root(double x, const double[::1] counts, const double[::1] background,
                const double[::1] model):
    """Derivative of the Cash statistic with respect to the amplitude ``x``.

    ``d/dx sum 2 * (mu - n log mu)`` with ``mu = background + x * model``, i.e.
    ``2 * sum model * (1 - n / mu)``. Bins with ``model == 0`` do not depend on
    ``x`` and contribute nothing. Bins where ``mu <= 1e-25`` (where the Cash
    statistic is truncated and therefore flat) contribute ``2 * model`` if
    ``n == 0`` and ``-inf`` otherwise (the statistic diverges there).

    Parameters
    ----------
    x : float
        Amplitude.
    counts, background, model : 1-D contiguous float64 arrays
        Counts, background and model (the prediction of unit amplitude).

    Returns
    -------
    derivative : float
        Summed derivative; it increases monotonically with ``x``.
    """
    cdef Py_ssize_t size = counts.shape[0]
    if background.shape[0] != size or model.shape[0] != size:
        raise ValueError("counts, background and model must have the same length")
    cdef Py_ssize_t i
    cdef double total = 0.0, m, mu, n
    cdef double inf = float("inf")
    with nogil:
        for i in range(size):
            m = model[i]
            if m == 0.0:
                continue
            n = counts[i]
            mu = background[i] + x * m
            if n == 0.0:
                total = total + m
            elif mu <= TRUNCATION_VALUE:
                total = -inf
            else:
                total = total + m * (1.0 - n / mu)
    return 2.0 * total


def amplitude_bounds(const double[::1] counts, const double[::1] background,
                     const double[::1] model):
    """Amplitude interval that brackets the root of :func:`f_cash_root`.

    Lower bound: the largest amplitude at which the predicted counts
    ``background + x * model`` vanish in some bin with ``model > 0``
    (``max(-background / model)``); above it ``npred > 0`` in every bin.
    Upper bound: ``sum(counts) / sum(model)`` over the bins with ``model > 0``;
    for non-negative background the derivative is non-negative there.
    The upper bound is never below the lower bound.

    Parameters
    ----------
    counts, background, model : 1-D contiguous float64 arrays
        Counts, background and model of unit amplitude (``background >= 0``).

    Returns
    -------
    x_min, x_max : float
        Bracketing interval. ``(nan, nan)`` if no bin has ``model > 0``.
    """
    cdef Py_ssize_t size = counts.shape[0]
    if background.shape[0] != size or model.shape[0] != size:
        raise ValueError("counts, background and model must have the same length")
    cdef Py_ssize_t i
    cdef double sum_n = 0.0, sum_m = 0.0, x_min = -float("inf"), m, value
    cdef bint found = False
    with nogil:
        for i in range(size):
            m = model[i]
            if m > 0.0:
                found = True
                sum_n = sum_n + counts[i]
                sum_m = sum_m + m
                value = -background[i] / m
                if value > x_min:
                    x_min = value
    if not found:
        return float("nan"), float("nan")
    cdef double x_max = sum_n / sum_m
    if x_max < x_min:
        x_max = x_min
    return x_min, x_max


def x_best_leastsq(const double[::1] counts, const double[::1] background,
                   const double[::1] model, const double[::1] weights):
    """Weighted least-squares amplitude ``sum w m (n - b) / sum w m**2``.

    A fast first guess of the best-fit amplitude of ``model`` on top of
    ``background`` (``weights`` are typically inverse variances). Returns
    ``nan`` when ``sum w m**2 == 0``.
    """
    cdef Py_ssize_t size = counts.shape[0]
    if (background.shape[0] != size or model.shape[0] != size
            or weights.shape[0] != size):
        raise ValueError(
            "counts, background, model and weights must have the same length"
        )
    cdef Py_ssize_t i
    cdef double num = 0.0, den = 0.0, wm
    with nogil:
        for i in range(size):
            wm = weights[i] * model[i]
            num = num + wm * (counts[i] - background[i])
            den = den + wm * model[i]
    if den == 0.0:
        return float("nan")
    return num / den
