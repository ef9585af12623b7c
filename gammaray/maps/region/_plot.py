"""Plotting of region geometries and region maps (matplotlib imported lazily)."""

import numpy as np
from astropy import units as u

from ._shapes import compound_region_to_regions

__all__ = ["plot_region", "plot_ndmap", "plot_hist", "plot_mask"]


def _wcs_axes(geom, ax):
    import matplotlib.pyplot as plt

    if ax is None:
        fig = plt.gcf()
        ax = fig.add_subplot(projection=geom.wcs)
        nx, ny = geom.wcs.pixel_shape
        ax.set_xlim(-0.5, nx - 0.5)
        ax.set_ylim(-0.5, ny - 0.5)
    return ax


def plot_region(geom, ax=None, kwargs_point=None, path_effect=None, **kwargs):
    """Draw the outline of a region geometry on WCSAxes (see `RegionGeom.plot_region`)."""
    from regions import PointPixelRegion

    if geom.region is None:
        raise ValueError("plot_region needs a RegionGeom with a region.")
    ax = _wcs_axes(geom, ax)
    wcs = getattr(ax, "wcs", None) or geom.wcs
    kwargs_point = kwargs_point or {}
    kwargs.setdefault("facecolor", "none")
    kwargs.setdefault("edgecolor", "tab:blue")
    for region in compound_region_to_regions(geom.region):
        pixel = region.to_pixel(wcs)
        if isinstance(pixel, PointPixelRegion):
            opts = {"marker": "+", "color": kwargs.get("edgecolor", "tab:blue")}
            opts.update(kwargs_point)
            ax.plot(pixel.center.x, pixel.center.y, ls="none", **opts)
            continue
        artist = pixel.as_artist(**kwargs)
        if path_effect is not None:
            artist.set_path_effects([path_effect])
        ax.add_artist(artist)
    return ax


def _plot_axis(rmap, axis_name):
    axes = rmap.geom.axes
    if axis_name is None:
        if len(axes) != 1:
            raise ValueError(
                "Plotting a region map needs exactly one non-spatial axis, or "
                f"axis_name= to choose one; the map has axes {axes.names}."
            )
        axis_name = axes.names[0]
    return axes[axis_name]


def _format_xaxis(ax, axis):
    label = axis.name.replace("_", " ").capitalize()
    unit = axis.unit.to_string()
    ax.set_xlabel(f"{label} [{unit}]" if unit else label)
    if axis.interp == "log":
        ax.set_xscale("log")


def _format_yaxis(ax, rmap, log):
    unit = rmap.unit.to_string()
    ax.set_ylabel(f"Data [{unit}]" if unit else "Data")
    if log:
        ax.set_yscale("log", nonpositive="clip")


def plot_ndmap(rmap, ax=None, axis_name=None, **kwargs):
    """Errorbar plot of a region map along one axis (see `RegionNDMap.plot`)."""
    import matplotlib.pyplot as plt

    ax = ax or plt.gca()
    axis = _plot_axis(rmap, axis_name)
    idx_axis = rmap._data_axis_index(axis.name)
    center = axis.center.value
    xerr = (center - axis.edges[:-1].value, axis.edges[1:].value - center)
    kwargs.setdefault("marker", "o")
    kwargs.setdefault("markersize", 4)
    kwargs.setdefault("ls", "None")
    kwargs.setdefault("xerr", xerr)
    yerr_nd = kwargs.pop("yerr", None)
    label = kwargs.pop("label", None)
    # bring the plotted axis first and flatten the others
    data = np.moveaxis(rmap.data, idx_axis, 0).reshape(axis.nbin, -1)
    yerr_arr = None
    if yerr_nd is not None:
        if isinstance(yerr_nd, tuple):
            yerr_arr = tuple(
                np.moveaxis(
                    np.asarray(getattr(e, "value", e)).reshape(rmap.data.shape),
                    idx_axis,
                    0,
                ).reshape(axis.nbin, -1)
                for e in yerr_nd
            )
        else:
            yerr_arr = np.moveaxis(
                np.asarray(getattr(yerr_nd, "value", yerr_nd)).reshape(rmap.data.shape),
                idx_axis,
                0,
            ).reshape(axis.nbin, -1)
    n_curves = data.shape[1]
    for i in range(n_curves):
        yerr = None
        if isinstance(yerr_arr, tuple):
            yerr = (yerr_arr[0][:, i], yerr_arr[1][:, i])
        elif yerr_arr is not None:
            yerr = yerr_arr[:, i]
        lab = label if label is not None or n_curves == 1 else f"{i}"
        ax.errorbar(center, data[:, i].astype(float), yerr=yerr, label=lab, **kwargs)
    _format_xaxis(ax, axis)
    positive = np.all(
        np.asarray(data, dtype=float)[np.isfinite(data.astype(float))] > 0
    )
    _format_yaxis(ax, rmap, log="energy" in axis.name and positive)
    if n_curves > 1:
        ax.legend()
    return ax


def plot_hist(rmap, ax=None, **kwargs):
    """Step histogram of a region map (see `RegionNDMap.plot_hist`)."""
    import matplotlib.pyplot as plt

    ax = ax or plt.gca()
    axis = _plot_axis(rmap, None)
    kwargs.setdefault("histtype", "step")
    kwargs.setdefault("lw", 1)
    weights = np.asarray(rmap.data, dtype=float).reshape(axis.nbin)
    ax.hist(axis.center.value, bins=axis.edges.value, weights=weights, **kwargs)
    _format_xaxis(ax, axis)
    _format_yaxis(ax, rmap, log=False)
    return ax


def plot_mask(rmap, ax=None, **kwargs):
    """Shade the axis ranges where a boolean region map is True."""
    import matplotlib.pyplot as plt

    if not rmap.is_mask:
        raise ValueError("plot_mask needs a boolean region map (e.g. mask_safe).")
    ax = ax or plt.gca()
    axis = _plot_axis(rmap, None)
    kwargs.setdefault("color", "k")
    kwargs.setdefault("alpha", 0.05)
    mask = rmap.data.reshape(axis.nbin)
    edges = u.Quantity(axis.edges).value
    padded = np.concatenate([[False], mask, [False]])
    starts = np.nonzero(~padded[:-1] & padded[1:])[0]
    stops = np.nonzero(padded[:-1] & ~padded[1:])[0]
    label = kwargs.pop("label", None)
    for n, (i0, i1) in enumerate(zip(starts, stops)):
        ax.axvspan(edges[i0], edges[i1], label=label if n == 0 else None, **kwargs)
    _format_xaxis(ax, axis)
    return ax
