"""Plotting of flux points: SEDs, light curves and likelihood profiles."""

import numpy as np
from astropy import units as u

from gammaray.modeling.models.spectral import (
    SED_LABELS,
    SED_PLOT_ENERGY_UNIT,
    SED_PLOT_UNITS,
)
from gammaray.utils.errors import AxisError

from .utils import check_sed_type

__all__ = ["DEFAULT_UNIT", "plot_flux_points", "plot_ts_profiles"]

#: Default display units per SED type (the same as for spectral-model plots).
DEFAULT_UNIT = SED_PLOT_UNITS
_SED_LABELS = SED_LABELS


def _as_2d(m, x_name):
    """Quantity of a region map as (n_x, n_other) with spatial dims dropped."""
    names = list(m.geom.axes.names)
    q = m.quantity[..., 0, 0]
    dims = names[::-1]
    order = [x_name] + [n for n in dims if n != x_name]
    q = np.transpose(q, [dims.index(n) for n in order])
    return q.reshape(q.shape[0], -1)


def _x_values(fp, x_name, time_format):
    axis = fp.geom.axes[x_name]
    if x_name == "time":
        if time_format == "mjd":
            center = axis.time_mid.mjd
            lo = center - axis.time_min.mjd
            hi = axis.time_max.mjd - center
            return center, (lo, hi), "Time [MJD]"
        center = axis.time_mid.datetime
        lo = center - axis.time_min.datetime
        hi = axis.time_max.datetime - center
        return center, (lo, hi), f"Time [{axis.time_mid.scale.upper()}]"
    unit = SED_PLOT_ENERGY_UNIT if axis.unit.is_equivalent("TeV") else axis.unit
    center = axis.center.to(unit)
    lo = (center - axis.edges_min).to_value(unit)
    hi = (axis.edges_max - center).to_value(unit)
    return center.value, (lo, hi), f"Energy [{unit.to_string()}]"


def plot_flux_points(
    fp, ax=None, sed_type=None, energy_power=0, time_format="iso", **kwargs
):
    """Plot flux points or a light curve (see `FluxPoints.plot`)."""
    import matplotlib.pyplot as plt

    sed_type = fp.sed_type_plot_default if sed_type is None else sed_type
    check_sed_type(sed_type)
    ax = plt.gca() if ax is None else ax
    names = list(fp.geom.axes.names)
    x_name = (
        "time"
        if "time" in names
        else ("projected-distance" if "projected-distance" in names else "energy")
    )
    if len(names) > 2:
        raise AxisError(
            f"Flux points with axes {names} cannot be plotted; slice them to one "
            "energy axis plus at most one time axis."
        )
    flux = _as_2d(getattr(fp, sed_type), x_name)
    if energy_power:
        energy = (
            fp.energy_ref.reshape(1, -1)
            if x_name != "energy"
            else fp.energy_ref.reshape(-1, 1)
        )
        flux = flux * energy**energy_power
    unit = DEFAULT_UNIT[sed_type]
    if energy_power:
        unit = unit * SED_PLOT_ENERGY_UNIT**energy_power
    flux = flux.to(unit)

    errn, errp = fp._plot_get_flux_err(sed_type=sed_type)
    factor = 1
    if energy_power:
        factor = energy**energy_power
    yerrn = None if errn is None else (_as_2d(errn, x_name) * factor).to_value(unit)
    yerrp = None if errp is None else (_as_2d(errp, x_name) * factor).to_value(unit)
    y = np.array(flux.value, dtype=float)
    is_ul = _as_2d(fp.is_ul, x_name).value.astype(bool)
    if fp.has_ul and is_ul.any():
        ul = (_as_2d(getattr(fp, f"{sed_type}_ul"), x_name) * factor).to_value(unit)
        y = np.where(is_ul, ul, y)
        if yerrn is None:
            yerrn, yerrp = np.zeros_like(y), np.zeros_like(y)
        yerrn = np.where(is_ul, np.clip(0.5 * ul, 0, np.inf), yerrn)
        yerrp = np.where(is_ul, 0, yerrp)

    x, xerr, xlabel = _x_values(fp, x_name, time_format)
    kwargs.setdefault("marker", "+")
    kwargs.setdefault("ls", "None")
    label = kwargs.pop("label", None)
    for idx in range(y.shape[1]):
        kw = dict(kwargs)
        yerr = None
        if yerrn is not None:
            yerr = (yerrn[:, idx], yerrp[:, idx])
        if label is not None:
            kw["label"] = label if y.shape[1] == 1 else f"{label} {idx}"
        elif x_name != "energy":
            e_min, e_max = fp.energy_min[idx], fp.energy_max[idx]
            kw["label"] = f"{e_min.value:.3g} - {e_max:.3g}"
        ax.errorbar(x, y[:, idx], xerr=xerr, yerr=yerr, uplims=is_ul[:, idx], **kw)

    if x_name == "energy":
        ax.set_xscale("log")
    ax.set_yscale("log", nonpositive="clip")
    ax.set_xlabel(xlabel)
    ylabel = _SED_LABELS[sed_type]
    if energy_power:
        ylabel = f"E^{energy_power} {ylabel}"
    ax.set_ylabel(f"{ylabel} [{unit.to_string()}]")
    if x_name == "time" and time_format == "iso":
        ax.figure.autofmt_xdate()
    return ax


def _log_edges(centers):
    """Bin edges around positive, increasing centres (geometric midpoints)."""
    log_c = np.log(centers)
    mid = 0.5 * (log_c[1:] + log_c[:-1])
    first = log_c[0] - (mid[0] - log_c[0]) if mid.size else log_c[0] - 0.1
    last = log_c[-1] + (log_c[-1] - mid[-1]) if mid.size else log_c[0] + 0.1
    return np.exp(np.concatenate([[first], mid, [last]]))


def plot_ts_profiles(fp, ax=None, sed_type=None, add_cbar=True, **kwargs):
    """Plot likelihood profiles as colour maps per energy bin (see `FluxPoints.plot_ts_profiles`)."""
    import matplotlib.pyplot as plt

    sed_type = fp.sed_type_plot_default if sed_type is None else sed_type
    check_sed_type(sed_type)
    ax = plt.gca() if ax is None else ax
    kwargs.setdefault("vmax", 0)
    kwargs.setdefault("vmin", -4)
    kwargs.setdefault("zorder", 0)
    kwargs.setdefault("cmap", "Blues")
    kwargs.setdefault("linewidths", 0)
    kwargs.setdefault("shading", "flat")

    norm_scan = _as_2d(fp.norm_scan, "energy").value
    stat_scan = _as_2d(fp.stat_scan, "energy").value
    if sed_type == "likelihood":
        y_values = norm_scan
        unit = u.Unit("")
    else:
        unit = DEFAULT_UNIT[sed_type]
        ref = getattr(fp, f"{sed_type}_ref").reshape(-1, 1)
        y_values = (norm_scan * ref).to_value(unit)
    finite = np.where(np.isfinite(stat_scan), stat_scan, np.inf)
    with np.errstate(invalid="ignore"):
        z = -(stat_scan - finite.min(axis=1, keepdims=True))
    edges = fp.energy_axis.edges
    mesh = None
    for idx in range(norm_scan.shape[0]):
        y = y_values[idx]
        if not np.all(np.isfinite(z[idx])) or np.any(y <= 0):
            continue
        x = edges[idx : idx + 2].value
        mesh = ax.pcolormesh(x, _log_edges(y), z[idx][:, np.newaxis], **kwargs)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"Energy [{edges.unit.to_string()}]")
    ax.set_ylabel(f"{_SED_LABELS[sed_type]} [{unit.to_string()}]")
    if add_cbar and mesh is not None:
        ax.figure.colorbar(mesh, ax=ax, label="Fit statistic difference")
    return ax
