"""Plot helpers shared by the IRF classes (matplotlib is imported lazily)."""

import numpy as np

__all__ = []


def get_ax(ax):
    """``ax`` or the current matplotlib axes."""
    import matplotlib.pyplot as plt

    return plt.gca() if ax is None else ax


def plot_table_2d(
    ax, x_edges, y_edges, data, labels, add_cbar=True, log_y=False, **kwargs
):
    """Draw a 2D IRF table as a mesh over (energy, second axis) bin edges.

    Parameters
    ----------
    ax : `~matplotlib.axes.Axes` or None
        Axes; the current axes if None.
    x_edges, y_edges : `~astropy.units.Quantity`
        Bin edges; x is an energy (log scale).
    data : `~numpy.ndarray`
        Values, shape ``(len(x_edges) - 1, len(y_edges) - 1)``.
    labels : tuple of str
        ``(xlabel, ylabel, colour-bar label)`` (units are appended to the axis labels).
    add_cbar : bool
        Add a colour bar.
    log_y : bool
        Logarithmic y axis.
    **kwargs : dict
        Passed to `~matplotlib.axes.Axes.pcolormesh` (default colour map ``GnBu``).

    Returns
    -------
    ax : `~matplotlib.axes.Axes`
        The axes.
    """
    ax = get_ax(ax)
    kwargs.setdefault("cmap", "GnBu")
    mesh = ax.pcolormesh(x_edges.value, y_edges.value, np.asarray(data).T, **kwargs)
    ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(f"{labels[0]} [{x_edges.unit}]")
    ax.set_ylabel(f"{labels[1]} [{y_edges.unit}]")
    if add_cbar:
        ax.figure.colorbar(mesh, ax=ax, label=labels[2])
    return ax


def plot_image(ax, data, title):
    """Show the last two dimensions of ``data`` as an image with a colour bar."""
    data = np.asarray(data, dtype=float)
    data = data.reshape(data.shape[-2:]) if data.ndim >= 2 else data.reshape(1, -1)
    im = ax.imshow(data, origin="lower", interpolation="nearest")
    ax.figure.colorbar(im, ax=ax)
    ax.set_title(title)


def plot_exposure(ax, exposure_map):
    """Exposure summed over its non-spatial axes as an image (axis off if None)."""
    if exposure_map is None:
        ax.set_axis_off()
        return
    exposure = exposure_map.reduce_over_axes(func=np.add)
    plot_image(ax, exposure.data, f"Exposure [{exposure.unit}]")
