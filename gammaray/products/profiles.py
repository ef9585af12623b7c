"""Likelihood-profile computations for flux points: upper limits and bin merging.

All functions are vectorised over the bins; the profiles are ``stat_scan``
maps with a ``norm`` axis whose values are the same for every bin.
"""

import numpy as np

from gammaray.utils.errors import AxisError

__all__ = ["profile_upper_limits", "profile_summary", "squash_profiles"]

#: Quantities summed when bins are merged.
_SUMMED = (
    "counts",
    "npred",
    "npred_excess",
    "npred_background",
    "stat_null",
    "stat_scan",
)


def _data_dim(m, axis_name):
    names = list(m.geom.axes.names)
    return len(names) - 1 - names.index(axis_name)


def _first_crossing(values, delta, threshold, start):
    """Norm where ``delta`` (increasing beyond ``start``) first reaches ``threshold``.

    ``values`` (n,), ``delta`` (..., n), ``start`` (...) index of the minimum.
    Linear interpolation of ``sqrt(delta)`` between scan points; NaN if never reached.
    """
    n = values.size
    root = np.sqrt(np.clip(delta, 0, None))
    target = np.sqrt(threshold)
    j = np.arange(n)
    above = (root >= target) & (j > start[..., np.newaxis])
    found = above.any(axis=-1)
    k = np.argmax(above, axis=-1)
    k0 = np.clip(k - 1, 0, n - 1)
    d0 = np.take_along_axis(root, k0[..., np.newaxis], -1)[..., 0]
    d1 = np.take_along_axis(root, k[..., np.newaxis], -1)[..., 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(d1 > d0, (target - d0) / (d1 - d0), 0.0)
    result = values[k0] + frac * (values[k] - values[k0])
    return np.where(found, result, np.nan)


def profile_upper_limits(stat_scan, norm_scan, stat=None, n_sigma_ul=2):
    """Upper limits on the norm from likelihood profiles.

    Parameters
    ----------
    stat_scan : `~gammaray.maps.Map`
        Profiles with a ``norm`` axis.
    norm_scan : `~gammaray.maps.Map`
        Scanned norm values (same geometry).
    stat : `~gammaray.maps.Map`, optional
        Best-fit statistic; the profile minimum if None.
    n_sigma_ul : float
        Number of sigma (statistic difference ``n_sigma_ul ** 2``).

    Returns
    -------
    norm_ul : `~numpy.ndarray`
        Upper limits, shape of the maps without the norm axis.
    """
    dim = _data_dim(stat_scan, "norm")
    scan = np.moveaxis(np.asarray(stat_scan.data, dtype=float), dim, -1)
    values = np.moveaxis(np.asarray(norm_scan.data, dtype=float), dim, -1)
    values = values.reshape(-1, values.shape[-1])[0]
    with np.errstate(invalid="ignore"):
        prof_min = np.nanmin(np.where(np.isfinite(scan), scan, np.inf), axis=-1)
    ref = (
        prof_min if stat is None else np.minimum(np.asarray(stat.data, float), prof_min)
    )
    delta = np.abs(scan - ref[..., np.newaxis])
    start = np.argmin(np.where(np.isfinite(scan), scan, np.inf), axis=-1)
    return _first_crossing(values, delta, n_sigma_ul**2, start)


def profile_summary(values, scan, n_sigma_ul=2, n_fine=2001):
    """Best-fit norm, errors and upper limit of profiles (cubic-spline interpolated).

    Parameters
    ----------
    values : `~numpy.ndarray`
        Norm scan values, shape (n,).
    scan : `~numpy.ndarray`
        Profiles, shape (..., n).
    n_sigma_ul : float
        Number of sigma of the upper limits.
    n_fine : int
        Number of points of the fine grid.

    Returns
    -------
    result : dict of `~numpy.ndarray`
        ``norm``, ``norm_errn``, ``norm_errp``, ``norm_err``, ``norm_ul``, ``stat``.
    """
    from scipy.interpolate import CubicSpline

    fine = np.linspace(values[0], values[-1], n_fine)
    good = np.all(np.isfinite(scan), axis=-1)
    filled = np.where(good[..., np.newaxis], scan, 0.0)
    prof = CubicSpline(values, filled, axis=-1)(fine)
    imin = np.argmin(prof, axis=-1)
    stat = np.take_along_axis(prof, imin[..., np.newaxis], -1)[..., 0]
    delta = prof - stat[..., np.newaxis]
    norm = fine[imin]
    errp = _first_crossing(fine, delta, 1.0, imin) - norm
    reversed_start = n_fine - 1 - imin
    errn = norm - _first_crossing(fine[::-1], delta[..., ::-1], 1.0, reversed_start)
    ul = _first_crossing(fine, delta, n_sigma_ul**2, imin)
    out = {
        "norm": norm,
        "norm_err": 0.5 * (errn + errp),
        "norm_errn": errn,
        "norm_errp": errp,
        "norm_ul": ul,
        "stat": stat,
    }
    return {key: np.where(good, value, np.nan) for key, value in out.items()}


def _group_starts(axis_self, axis_new):
    """Start indices of the groups of old bins that form the new bins."""
    if hasattr(axis_self, "time_min"):
        old = axis_self.time_min.mjd
        new = axis_new.time_min.mjd
        starts = np.searchsorted(old, new - 1e-9)
        if axis_new.time_max.mjd[-1] < axis_self.time_max.mjd[-1] - 1e-9:
            raise AxisError(
                "The new time axis must cover the same interval as the old one."
            )
    else:
        old = axis_self.edges.value
        new = axis_new.edges.to_value(axis_self.unit)
        idx = np.searchsorted(old, new * (1 - 1e-6))
        if np.any(idx >= old.size) or not np.allclose(old[idx], new, rtol=1e-4):
            raise AxisError(
                f"The edges of the new {axis_new.name!r} axis must be a subset of the "
                f"current edges {axis_self.edges}."
            )
        if idx[0] != 0 or idx[-1] != old.size - 1:
            raise AxisError(
                f"The new {axis_new.name!r} axis must span the current one "
                f"({axis_self.edges[0]} - {axis_self.edges[-1]})."
            )
        starts = idx[:-1]
    return np.unique(starts)


def squash_profiles(fp, axis_new):
    """Quantities of flux points merged onto a coarser axis (see `FluxPoints.resample_axis`).

    Returns
    -------
    data : dict of `~gammaray.maps.Map`
        New quantities.
    """
    name = axis_new.name
    axis_self = fp.geom.axes[name]
    starts = _group_starts(axis_self, axis_new)
    if hasattr(axis_self, "time_min"):
        ends = np.append(starts[1:], axis_self.nbin)
        from gammaray.maps import TimeMapAxis

        ref = axis_self.reference_time
        t_min = (axis_self.time_min[starts] - ref).to("d")
        t_max = (axis_self.time_max[ends - 1] - ref).to("d")
        new_axis = TimeMapAxis(t_min, t_max, ref, name=name)
    else:
        edges = np.append(axis_self.edges[starts].value, axis_self.edges[-1].value)
        from gammaray.maps import MapAxis

        new_axis = MapAxis.from_edges(
            edges * axis_self.unit, interp=axis_self.interp, name=name
        )

    data = {}
    for key in _SUMMED:
        if key in fp.available_quantities:
            m = fp._data[key]
            summed = np.add.reduceat(
                np.asarray(m.data), starts, axis=_data_dim(m, name)
            )
            data[key] = m._init_copy(geom=m.geom.replace_axis(new_axis), data=summed)

    stat_scan = data["stat_scan"]
    dim = _data_dim(stat_scan, "norm")
    scan = np.moveaxis(np.asarray(stat_scan.data, dtype=float), dim, -1)
    norm_scan = fp.norm_scan
    values = np.moveaxis(np.asarray(norm_scan.data, dtype=float), dim, -1)
    values = values.reshape(-1, values.shape[-1])[0]
    result = profile_summary(values, scan, n_sigma_ul=fp.n_sigma_ul or 2)

    norm_old = fp._data["norm"]
    geom = norm_old.geom.replace_axis(new_axis)
    for key, value in result.items():
        data[key] = norm_old._init_copy(geom=geom, data=value, unit="")
    data["norm_scan"] = stat_scan.copy(
        data=np.broadcast_to(
            np.moveaxis(values.reshape((1,) * (scan.ndim - 1) + (-1,)), -1, dim),
            stat_scan.data.shape,
        ).copy(),
        unit="",
    )
    if "stat_null" in data:
        ts = data["stat_null"].data - result["stat"]
        data["ts"] = norm_old._init_copy(geom=geom, data=ts, unit="")
        with np.errstate(invalid="ignore"):
            sqrt_ts = np.where(result["norm"] > 0, np.sqrt(ts), -np.sqrt(ts))
        data["sqrt_ts"] = norm_old._init_copy(geom=geom, data=sqrt_ts, unit="")
        with np.errstate(invalid="ignore"):
            is_ul = sqrt_ts < fp.sqrt_ts_threshold_ul
        data["is_ul"] = norm_old._init_copy(geom=geom, data=is_ul, unit="")
    if "success" in fp.available_quantities:
        success = np.logical_and.reduceat(
            np.asarray(fp._data["success"].data, dtype=bool),
            starts,
            axis=_data_dim(fp._data["success"], name),
        )
        data["success"] = norm_old._init_copy(geom=geom, data=success, unit="")
    return data
