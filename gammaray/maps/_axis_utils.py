"""Private helpers shared by the map axis classes (scales, units, index rules)."""

import astropy.units as u
import numpy as np

from gammaray.utils.errors import AxisError, UnitMismatchError
from gammaray.utils.units import standardise_unit

__all__ = [
    "INVALID_INDEX",
    "INTERP_SCALES",
    "scale_forward",
    "scale_inverse",
    "interp_extrapolate",
    "to_axis_value",
    "IRF_DL3_AXES_SPECIFICATION",
    "pix_to_idx_array",
]

#: Index returned for coordinates that lie outside the axis (or in a gap).
INVALID_INDEX = -1

INTERP_SCALES = ("lin", "log", "sqrt")

#: Column prefix -> (axis name, interpolation) of the GADF DL3 IRF axes.
IRF_DL3_AXES_SPECIFICATION = {
    "THETA": {"name": "offset", "interp": "lin"},
    "ENERG": {"name": "energy_true", "interp": "log"},
    "ETRUE": {"name": "energy_true", "interp": "log"},
    "RAD": {"name": "rad", "interp": "lin"},
    "DETX": {"name": "fov_lon", "interp": "lin"},
    "DETY": {"name": "fov_lat", "interp": "lin"},
    "MIGRA": {"name": "migra", "interp": "lin"},
}


def check_interp(interp):
    """Raise `AxisError` unless ``interp`` is one of lin/log/sqrt."""
    if interp not in INTERP_SCALES:
        raise AxisError(
            f"Invalid interpolation {interp!r}; choose one of {list(INTERP_SCALES)}."
        )
    return interp


def scale_forward(values, interp):
    """Transform values to the scaled coordinate of ``interp`` (NaN where undefined)."""
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if interp == "log":
            out = np.log(values)
            return np.where(values > 0, out, np.nan)
        if interp == "sqrt":
            return np.sqrt(values)
    return values


def scale_inverse(values, interp):
    """Inverse of :func:`scale_forward`."""
    values = np.asarray(values, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        if interp == "log":
            return np.exp(values)
        if interp == "sqrt":
            return values**2
    return values


def interp_extrapolate(x, xp, fp):
    """Piecewise-linear interpolation with linear extrapolation from the end segments.

    Parameters
    ----------
    x : array-like
        Points to evaluate.
    xp : `~numpy.ndarray`
        Strictly increasing sample positions (at least two).
    fp : `~numpy.ndarray`
        Sample values.

    Returns
    -------
    values : `~numpy.ndarray`
        Interpolated values, NaN where ``x`` is NaN.
    """
    x = np.asarray(x, dtype=float)
    idx = np.searchsorted(xp, x, side="right") - 1
    idx = np.clip(idx, 0, len(xp) - 2)
    x0, x1 = xp[idx], xp[idx + 1]
    y0, y1 = fp[idx], fp[idx + 1]
    with np.errstate(invalid="ignore"):
        return y0 + (x - x0) * ((y1 - y0) / (x1 - x0))


def to_axis_value(coord, unit, name=""):
    """Convert coordinates to plain float values in ``unit``.

    Plain numbers are taken to be in ``unit``; quantities are converted, and a
    quantity of the wrong physical type raises `UnitMismatchError`.
    """
    if isinstance(coord, u.Quantity):
        try:
            return coord.to_value(unit)
        except u.UnitConversionError as exc:
            label = f"axis {name!r}" if name else "axis"
            raise UnitMismatchError(
                f"Coordinate unit {coord.unit!r} is not convertible to the unit "
                f"{unit!r} of {label}; pass values in {unit!r}."
            ) from exc
    return np.asarray(coord, dtype=float)


def pix_to_idx_array(pix, nbin, clip=False):
    """Integer bin index of (float) pixel coordinates.

    Bin ``i`` covers pixels ``[i - 0.5, i + 0.5)``; the upper edge of the last
    bin (``nbin - 0.5``) belongs to the last bin. Outside the axis the index is
    `INVALID_INDEX` unless ``clip`` is set. NaN always gives `INVALID_INDEX`.
    """
    pix = np.asarray(pix)
    if np.issubdtype(pix.dtype, np.integer):
        idx = pix.astype(int)
        if clip:
            return np.clip(idx, 0, nbin - 1)
        return np.where((idx < 0) | (idx >= nbin), INVALID_INDEX, idx)
    pix = pix.astype(float)
    finite = np.isfinite(pix)
    safe = np.where(finite, pix, 0.0)
    idx = np.floor(safe + 0.5).astype(int)
    idx = np.where(safe == nbin - 0.5, nbin - 1, idx)
    if clip:
        idx = np.clip(idx, 0, nbin - 1)
    else:
        idx = np.where((idx < 0) | (idx >= nbin), INVALID_INDEX, idx)
    return np.where(finite, idx, INVALID_INDEX)


def edges_from_lo_hi(edges_lo, edges_hi):
    """Contiguous edges from lower and upper bin bounds (quantities)."""
    edges_lo = u.Quantity(edges_lo)
    edges_hi = u.Quantity(edges_hi).to(edges_lo.unit)
    if edges_lo.isscalar:
        return u.Quantity([edges_lo, edges_hi])
    return np.append(edges_lo, edges_hi[-1:])


def column_quantity(table, name, default_unit=""):
    """Column of an astropy table as a float64 Quantity (``default_unit`` if it has none)."""
    col = table[name]
    unit = col.unit if col.unit is not None else default_unit
    unit = standardise_unit(unit)
    return u.Quantity(np.asarray(col, dtype=float), unit)


def unique_in_order(values):
    """Unique values in order of first appearance, and their first indices."""
    values = np.asarray(values)
    _, first = np.unique(values, return_index=True)
    first = np.sort(first)
    return values[first], first
