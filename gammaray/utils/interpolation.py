"""Interpolation on regular grids with per-axis scaling (lin, log, sqrt).

The interpolators here are vectorised over any number of points and work in a
scaled space: coordinates along each axis and the values themselves may be
transformed (e.g. ``log``) before multilinear interpolation and transformed back
afterwards. This is what IRF tables and spectral templates need: log-log
interpolation of power-law-like tables is exact for power laws.
"""

import itertools

import astropy.units as u
import numpy as np

__all__ = [
    "InterpolationScale",
    "LinScale",
    "LogScale",
    "SqrtScale",
    "StatProfileScale",
    "interpolation_scale",
    "ScaledRegularGridInterpolator",
    "interpolate_profile",
]


class InterpolationScale:
    """Base class of the scalings applied before interpolation."""

    tag = None

    def __call__(self, values):
        return self._scale(np.asarray(values, dtype=float))

    def inverse(self, values):
        """Undo the scaling."""
        return self._inverse(np.asarray(values, dtype=float))


class LinScale(InterpolationScale):
    """Identity scaling."""

    tag = "lin"

    @staticmethod
    def _scale(values):
        return values

    @staticmethod
    def _inverse(values):
        return values


class LogScale(InterpolationScale):
    """Logarithmic scaling; non-positive values map to ``log(tiny)``."""

    tag = "log"
    tiny = np.finfo(np.float64).tiny

    def _scale(self, values):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(np.clip(values, self.tiny, None))

    def _inverse(self, values):
        output = np.exp(values)
        # values that were clipped to tiny come back as zero
        return np.where(np.abs(output) <= 1e3 * self.tiny, 0.0, output)


class SqrtScale(InterpolationScale):
    """Square-root scaling (sign preserving)."""

    tag = "sqrt"

    @staticmethod
    def _scale(values):
        return np.sign(values) * np.sqrt(np.abs(values))

    @staticmethod
    def _inverse(values):
        return np.sign(values) * values**2


class StatProfileScale(InterpolationScale):
    """Scaling for likelihood profiles: ``sign(x - x_min) * sqrt(stat - stat_min)``.

    Parameters
    ----------
    axis : int
        Axis along which the minimum is taken.
    """

    tag = "stat-profile"

    def __init__(self, axis=0):
        self.axis = axis

    def _scale(self, values):
        values = np.sign(np.gradient(values, axis=self.axis)) * values
        sign = np.sign(values)
        return sign * np.sqrt(np.abs(values))

    @staticmethod
    def _inverse(values):
        return np.sign(values) * values**2


_SCALES = {
    "lin": LinScale,
    "log": LogScale,
    "sqrt": SqrtScale,
    "stat-profile": StatProfileScale,
}


def interpolation_scale(scale="lin"):
    """Return an interpolation scale object by name.

    Parameters
    ----------
    scale : {"lin", "log", "sqrt", "stat-profile"} or `InterpolationScale`
        The scale.
    """
    if isinstance(scale, InterpolationScale):
        return scale
    try:
        return _SCALES[scale]()
    except KeyError:
        raise ValueError(
            f"Unknown interpolation scale {scale!r}; choose from {sorted(_SCALES)}."
        ) from None


_UNSET = object()


class ScaledRegularGridInterpolator:
    """Multilinear (or nearest) interpolation on a regular grid in scaled space.

    Parameters
    ----------
    points : tuple of array-like or `~astropy.units.Quantity`
        Grid nodes along each axis (strictly increasing; a single node is allowed
        and acts as a constant along that axis).
    values : array-like or `~astropy.units.Quantity`
        Values on the grid, shape ``tuple(len(p) for p in points)``.
    points_scale : tuple of str
        Scale of each axis (``"lin"``, ``"log"``, ``"sqrt"``).
    values_scale : str
        Scale of the values.
    method : {"linear", "nearest"}
        Interpolation method.
    extrapolate : bool
        Extrapolate linearly (in scaled space) outside the grid unless an
        explicit ``fill_value`` is given; if False, points outside get
        ``fill_value`` (NaN by default).
    fill_value : float or None, optional
        Value outside the grid. As in scipy and Gammapy, ``None`` means
        extrapolate and an explicit number takes precedence over
        ``extrapolate=True``.
    axis : int, optional
        If given, interpolate only along this axis of ``values``; the other
        dimensions are kept (``points`` is then a 1-tuple).
    bounds_error : bool
        Raise a `ValueError` for points outside the grid.
    """

    def __init__(
        self,
        points,
        values,
        points_scale=None,
        values_scale="lin",
        method="linear",
        extrapolate=True,
        fill_value=_UNSET,
        axis=None,
        bounds_error=False,
    ):
        if points_scale is None:
            points_scale = ["lin"] * len(points)
        if len(points_scale) != len(points):
            raise ValueError("points_scale must have one entry per axis of points.")
        self.scale_points = [interpolation_scale(s) for s in points_scale]
        self.scale_values = interpolation_scale(values_scale)
        self.axis = axis
        self.method = method
        if method not in ("linear", "nearest"):
            raise ValueError(f"Unknown method {method!r}; use 'linear' or 'nearest'.")
        # scipy's convention: fill_value=None means extrapolate; an explicit
        # fill value wins over extrapolate=True (as in Gammapy)
        if fill_value is _UNSET:
            fill_value = None if extrapolate else np.nan
        self.extrapolate = fill_value is None
        self.fill_value = fill_value
        self.bounds_error = bounds_error

        self._points_units = []
        scaled_points = []
        for p, scale in zip(points, self.scale_points, strict=True):
            if isinstance(p, u.Quantity):
                self._points_units.append(p.unit)
                p = p.value
            else:
                self._points_units.append(None)
            p = np.atleast_1d(np.asarray(p, dtype=float))
            if p.size > 1 and np.any(np.diff(p) <= 0):
                raise ValueError(
                    "Interpolation grid nodes must be strictly increasing."
                )
            scaled_points.append(scale(p))
        self.points = scaled_points

        if isinstance(values, u.Quantity):
            self.values_unit = values.unit
            values = values.value
        else:
            self.values_unit = None
        values = np.asarray(values, dtype=float)
        if axis is None:
            expected = tuple(len(p) for p in self.points)
            if values.shape[: len(expected)] != expected:
                raise ValueError(
                    f"values have shape {values.shape}, expected {expected} from points."
                )
        self.values = self.scale_values(values)

    def _scaled_coords(self, points):
        out = []
        for p, unit, scale in zip(
            points, self._points_units, self.scale_points, strict=True
        ):
            if isinstance(p, u.Quantity):
                p = p.to_value(unit) if unit is not None else p.value
            out.append(scale(np.asarray(p, dtype=float)))
        return out

    def __call__(self, points, method=None, clip=True, **kwargs):
        """Interpolate at points.

        Parameters
        ----------
        points : tuple of array-like or `~astropy.units.Quantity`
            Coordinates per axis; arrays are broadcast against each other.
        method : {"linear", "nearest"}, optional
            Override the method given at construction.
        clip : bool
            Clip negative results to zero (only for non-linear value scales,
            where it guards against round-off).

        Returns
        -------
        values : `~numpy.ndarray` or `~astropy.units.Quantity`
            Interpolated values, with the unit of the grid values if it had one.
        """
        method = method or self.method
        coords = self._scaled_coords(points)
        if self.bounds_error:
            self._check_bounds(coords)
        if self.axis is None:
            coords = np.broadcast_arrays(*coords)
            result = self._interp_nd(coords, method)
        else:
            result = self._interp_axis(coords[0], method)
        result = self.scale_values.inverse(result)
        if clip and self.scale_values.tag != "lin":
            result = np.clip(result, 0, None)
        if self.values_unit is not None:
            return result * self.values_unit
        return result

    def _check_bounds(self, coords):
        for dim, (grid, x) in enumerate(zip(self.points, coords)):
            x = np.asarray(x)
            if np.any((x < grid[0]) | (x > grid[-1])):
                raise ValueError(
                    f"Interpolation point out of bounds in dimension {dim}; "
                    "use bounds_error=False to extrapolate or fill."
                )

    def _locate(self, grid, x, method):
        """Indices and weights along one axis."""
        n = grid.size
        if n == 1:
            idx = np.zeros(x.shape, dtype=np.intp)
            return idx, idx, np.zeros(x.shape), np.zeros(x.shape, dtype=bool)
        outside = (x < grid[0]) | (x > grid[-1]) | ~np.isfinite(x)
        lo = np.clip(np.searchsorted(grid, x, side="right") - 1, 0, n - 2)
        x0, x1 = grid[lo], grid[lo + 1]
        with np.errstate(invalid="ignore"):
            w = (x - x0) / (x1 - x0)
        if method == "nearest":
            w = np.where(w >= 0.5, 1.0, 0.0)
        return lo, lo + 1, w, outside

    def _scaled_fill(self):
        if self.fill_value is None:
            return np.nan
        return self.scale_values(np.asarray(self.fill_value, dtype=float))

    def _interp_nd(self, coords, method):
        shape = coords[0].shape
        los, his, ws = [], [], []
        outside = np.zeros(shape, dtype=bool)
        for grid, x in zip(self.points, coords, strict=True):
            lo, hi, w, out = self._locate(grid, x, method)
            los.append(lo)
            his.append(hi)
            ws.append(w)
            outside |= out
        extra_shape = self.values.shape[len(self.points) :]
        result = np.zeros(shape + extra_shape)
        for corner in itertools.product((0, 1), repeat=len(self.points)):
            weight = np.ones(shape)
            index = []
            for c, lo, hi, w in zip(corner, los, his, ws, strict=True):
                weight = weight * (w if c else 1.0 - w)
                index.append(hi if c else lo)
            vals = self.values[tuple(index)]
            if extra_shape:
                weight = weight.reshape(shape + (1,) * len(extra_shape))
            # skip zero-weight corners to avoid inf*0 from log-scaled zeros
            with np.errstate(invalid="ignore"):
                contrib = np.where(weight != 0, weight * vals, 0.0)
            result += contrib
        if not self.extrapolate:
            if extra_shape:
                outside = outside.reshape(shape + (1,) * len(extra_shape))
            result = np.where(outside, self._scaled_fill(), result)
        return result

    def _interp_axis(self, x, method):
        grid = self.points[0]
        lo, hi, w, outside = self._locate(grid, np.asarray(x), method)
        values = np.moveaxis(self.values, self.axis, 0)
        w_b = w.reshape(w.shape + (1,) * (values.ndim - 1))
        with np.errstate(invalid="ignore"):
            result = np.where(w_b != 1, (1 - w_b) * values[lo], 0.0) + np.where(
                w_b != 0, w_b * values[hi], 0.0
            )
        if not self.extrapolate:
            result = np.where(outside.reshape(w_b.shape), self._scaled_fill(), result)
        return np.moveaxis(
            result, list(range(w.ndim)), list(range(self.axis, self.axis + w.ndim))
        )


def interpolate_profile(x, y, interp_scale="sqrt"):
    """Interpolate a 1D likelihood profile.

    Parameters
    ----------
    x, y : `~numpy.ndarray`
        Parameter values and statistic values.
    interp_scale : {"sqrt", "lin"}
        With ``"sqrt"`` the profile is interpolated in
        ``sign(x - x_best) * sqrt(stat - stat_min)``, which is linear for a
        parabolic profile.

    Returns
    -------
    interp : `ScaledRegularGridInterpolator`
        Callable ``interp((x_new,))``.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    order = np.argsort(x)
    x, y = x[order], y[order]
    if interp_scale == "sqrt":
        i_min = np.argmin(y)
        values = np.sign(x - x[i_min]) * np.sqrt(np.clip(y - y[i_min], 0, None))
        return _SqrtProfile(x, values, y[i_min])
    return ScaledRegularGridInterpolator((x,), y, extrapolate=True)


class _SqrtProfile:
    def __init__(self, x, values, stat_min):
        self._interp = ScaledRegularGridInterpolator((x,), values, extrapolate=True)
        self.stat_min = stat_min

    def __call__(self, points):
        return self._interp(points) ** 2 + self.stat_min
