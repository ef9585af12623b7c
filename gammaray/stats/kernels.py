"""Dispatcher of the Cash-statistic kernels: compiled (Cython) when available, NumPy otherwise.

The compiled extension :mod:`gammaray.stats._kernels` is used when it can be
imported; otherwise, or when the environment variable ``GAMMARAY_NO_CYTHON=1``
is set at import time, the pure NumPy module :mod:`gammaray.stats._kernels_numpy`
is used. Both give the same numbers up to rounding.

Inputs may have any shape (they are raveled) and are normalised once, without
copies in the common cases:

- ``counts``: float64, float32, int64 or int32 are used as they are; other dtypes
  (e.g. int16, uint) are converted to float64 (one allocation per call).
- ``npred``: float64 or float32 used as they are; other dtypes converted to float64.
- ``mask``: boolean or uint8 arrays are viewed as uint8 (no copy); other dtypes
  are compared with zero.
- ``weights`` and the arrays of the TS-map helpers are converted to float64
  (no copy when they already are float64 and contiguous).

Non-contiguous arrays are copied to contiguous ones. For the hot path of a
fit, keep ``counts``, ``npred`` and ``mask`` C-contiguous in one of the
supported dtypes: then :func:`cash_sum_masked` allocates nothing.
"""

import logging
import os

import numpy as np

from . import _kernels_numpy

__all__ = [
    "USE_CYTHON",
    "amplitude_bounds",
    "backend",
    "cash_sum",
    "cash_sum_masked",
    "f_cash_root",
    "weighted_cash_sum",
    "x_best_leastsq",
]

log = logging.getLogger(__name__)

# dtype numbers (``dtype.num``) accepted by the compiled kernel without conversion
_COUNTS_DTYPES = frozenset(
    np.dtype(t).num for t in (np.float64, np.float32, np.int64, np.int32)
)
_NPRED_DTYPES = frozenset(np.dtype(t).num for t in (np.float64, np.float32))
_BOOL = np.dtype(bool).num
_UINT8 = np.dtype(np.uint8).num


def _load_backend():
    if os.environ.get("GAMMARAY_NO_CYTHON", "").strip() not in ("", "0"):
        log.debug("GAMMARAY_NO_CYTHON is set: using the NumPy Cash kernels")
        return _kernels_numpy, False
    try:
        from . import _kernels
    except ImportError:  # pragma: no cover - depends on the build
        log.warning(
            "The compiled extension gammaray.stats._kernels is not available; using the "
            "slower NumPy fallback. Rebuild with `pip install -e . --no-build-isolation`."
        )
        return _kernels_numpy, False
    return _kernels, True


_backend, USE_CYTHON = _load_backend()


def backend():
    """Name of the kernel implementation in use: ``"cython"`` or ``"numpy"``."""
    return "cython" if USE_CYTHON else "numpy"


def _flat(array, dtypes):
    """Contiguous 1-D view; dtype kept if in ``dtypes`` (dtype numbers), else float64."""
    if type(array) is not np.ndarray:
        array = np.asarray(array)
    if array.dtype.num not in dtypes:
        array = array.astype(np.float64)
    elif not array.flags.c_contiguous:
        array = np.ascontiguousarray(array)
    return array if array.ndim == 1 else array.reshape(-1)


def _flat_mask(mask):
    """Contiguous 1-D uint8 view of a boolean or uint8 mask (other dtypes: ``!= 0``)."""
    if type(mask) is not np.ndarray:
        mask = np.asarray(mask)
    num = mask.dtype.num
    if num == _BOOL:
        if not mask.flags.c_contiguous:
            mask = np.ascontiguousarray(mask)
        mask = mask.view(np.uint8)
    elif num != _UINT8:
        mask = (mask != 0).view(np.uint8)
    elif not mask.flags.c_contiguous:
        mask = np.ascontiguousarray(mask)
    return mask if mask.ndim == 1 else mask.reshape(-1)


def _flat64(array):
    return np.ascontiguousarray(array, dtype=np.float64).reshape(-1)


def _check_same_size(**arrays):
    sizes = {name: np.size(a) for name, a in arrays.items()}
    if len(set(sizes.values())) > 1:
        detail = ", ".join(f"{name}: {size}" for name, size in sizes.items())
        raise ValueError(
            f"Input arrays must have the same number of elements ({detail})."
        )


def cash_sum_masked(counts, npred, mask=None):
    """Cash statistic summed over the bins where ``mask`` is true.

    ``sum_{mask} 2 * (mu - n * log(mu))`` with ``mu = max(npred, 1e-25)``, the
    convention of :func:`gammaray.stats.cash`. Masked-out bins are skipped
    entirely, so NaN values there do not propagate.

    Parameters
    ----------
    counts : `~numpy.ndarray`
        Observed counts (float64, float32, int64 or int32 used without copy).
    npred : `~numpy.ndarray`
        Predicted counts, same size (float64 or float32 used without copy).
    mask : `~numpy.ndarray`, optional
        Boolean (or uint8) mask, same size; ``None`` means all bins.

    Returns
    -------
    stat : float
        Summed Cash statistic (dimensionless).
    """
    if mask is None:
        return cash_sum(counts, npred)
    return _backend.cash_sum_masked(
        _flat(counts, _COUNTS_DTYPES), _flat(npred, _NPRED_DTYPES), _flat_mask(mask)
    )


def cash_sum(counts, npred):
    """Cash statistic ``sum 2 * (mu - n * log(mu))`` over all bins (see :func:`cash_sum_masked`)."""
    return _backend.cash_sum(_flat(counts, _COUNTS_DTYPES), _flat(npred, _NPRED_DTYPES))


def weighted_cash_sum(counts, npred, weights):
    """Weighted Cash statistic ``sum w * 2 * (mu - n * log(mu))``.

    Bins with zero weight are skipped entirely (NaN values there do not propagate).

    Parameters
    ----------
    counts, npred : `~numpy.ndarray`
        See :func:`cash_sum_masked`.
    weights : `~numpy.ndarray`
        Per-bin weights (converted to float64), same size.

    Returns
    -------
    stat : float
        Weighted, summed Cash statistic.
    """
    return _backend.weighted_cash_sum(
        _flat(counts, _COUNTS_DTYPES), _flat(npred, _NPRED_DTYPES), _flat64(weights)
    )


def f_cash_root(x, counts, background, model):
    """Derivative of the Cash statistic with respect to the amplitude ``x``.

    ``d/dx sum 2 * (mu - n log mu) = 2 * sum model * (1 - n / mu)`` with
    ``mu = background + x * model``; it increases monotonically with ``x`` and
    its root is the maximum-likelihood amplitude used by TS-map estimators.
    Bins with ``model == 0`` contribute nothing, bins with ``n == 0`` contribute
    ``2 * model``, and the result is ``-inf`` if ``mu <= 1e-25`` in a bin with counts.

    Parameters
    ----------
    x : float
        Amplitude.
    counts, background, model : `~numpy.ndarray`
        Counts, background and model of unit amplitude (converted to float64).

    Returns
    -------
    derivative : float
    """
    _check_same_size(counts=counts, background=background, model=model)
    return _backend.f_cash_root(
        float(x), _flat64(counts), _flat64(background), _flat64(model)
    )


def amplitude_bounds(counts, background, model):
    """Interval of amplitudes that brackets the root of :func:`f_cash_root`.

    The lower bound is ``max(-background / model)`` over bins with ``model > 0``
    (where the predicted counts vanish in some bin); the upper bound is
    ``sum(counts) / sum(model)`` over the same bins, where the derivative is
    non-negative for ``background >= 0``.

    Parameters
    ----------
    counts, background, model : `~numpy.ndarray`
        Counts, background (>= 0) and model of unit amplitude.

    Returns
    -------
    x_min, x_max : float
        ``(nan, nan)`` if no bin has ``model > 0``.
    """
    _check_same_size(counts=counts, background=background, model=model)
    return _backend.amplitude_bounds(
        _flat64(counts), _flat64(background), _flat64(model)
    )


def x_best_leastsq(counts, background, model, weights=None):
    """Weighted least-squares amplitude ``sum w m (n - b) / sum w m**2``.

    Parameters
    ----------
    counts, background, model : `~numpy.ndarray`
        Counts, background and model of unit amplitude.
    weights : `~numpy.ndarray`, optional
        Weights (typically inverse variances); ``None`` means unit weights.

    Returns
    -------
    x : float
        ``nan`` if ``sum w m**2 == 0``.
    """
    if weights is None:
        weights = np.ones(np.shape(counts))
    _check_same_size(counts=counts, background=background, model=model, weights=weights)
    return _backend.x_best_leastsq(
        _flat64(counts), _flat64(background), _flat64(model), _flat64(weights)
    )
