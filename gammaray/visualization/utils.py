"""Small matplotlib helpers shared by the ``plot`` methods of gammaray classes."""

import numpy as np

__all__ = ["add_colorbar", "get_axes", "plot_contour_line", "annotate_unit"]


def get_axes(ax=None, projection=None, figsize=None):
    """Return ``ax`` or the current axes (creating a figure if needed).

    Parameters
    ----------
    ax : `~matplotlib.axes.Axes`, optional
        Axes to use.
    projection : optional
        Projection for new axes (e.g. an astropy WCS).
    figsize : tuple, optional
        Size of a new figure.
    """
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    if projection is not None:
        fig = plt.figure(figsize=figsize)
        return fig.add_subplot(projection=projection)
    return plt.gca()


def add_colorbar(img, ax, axes_loc=None, **kwargs):
    """Add a colour bar next to ``ax`` that has the same height.

    Parameters
    ----------
    img : `~matplotlib.cm.ScalarMappable`
        The image.
    ax : `~matplotlib.axes.Axes`
        The axes of the image.
    axes_loc : dict, optional
        Arguments of ``make_axes_locatable(ax).append_axes``
        (default ``position="right", size="5%", pad="2%"``).
    **kwargs : dict
        Passed to ``Figure.colorbar`` (e.g. ``label``).

    Returns
    -------
    cbar : `~matplotlib.colorbar.Colorbar`
        The colour bar.
    """
    from mpl_toolkits.axes_grid1 import make_axes_locatable

    loc = {"position": "right", "size": "5%", "pad": "2%"}
    loc.update(axes_loc or {})
    from matplotlib.axes import Axes

    cax = make_axes_locatable(ax).append_axes(axes_class=Axes, **loc)
    return ax.figure.colorbar(img, cax=cax, **kwargs)


def plot_contour_line(ax, x, y, **kwargs):
    """Plot a closed, smooth contour line through the points ``(x, y)``.

    Parameters
    ----------
    ax : `~matplotlib.axes.Axes`
        Axes.
    x, y : array-like
        Points on the contour (in order).
    **kwargs : dict
        Passed to ``ax.plot``.
    """
    from scipy.interpolate import CubicSpline

    x = np.append(np.asarray(x, float), x[0])
    y = np.append(np.asarray(y, float), y[0])
    t = np.linspace(0, 1, len(x))
    t_new = np.linspace(0, 1, 200)
    xs = CubicSpline(t, x, bc_type="periodic")(t_new)
    ys = CubicSpline(t, y, bc_type="periodic")(t_new)
    return ax.plot(xs, ys, **kwargs)


def annotate_unit(unit):
    """Format a unit for an axis label: ``"[TeV]"`` or an empty string."""
    text = str(unit)
    return f"[{text}]" if text else ""
