"""Plain matplotlib helpers: colour maps, colour bars, annotations.

The ``plot``/``peek`` methods live with the classes they draw; this package
holds what they share. matplotlib is imported only when a helper is called.
"""

from .cmap import colormap_hess, colormap_milagro
from .utils import add_colorbar, annotate_unit, get_axes, plot_contour_line

__all__ = [
    "add_colorbar",
    "annotate_unit",
    "colormap_hess",
    "colormap_milagro",
    "get_axes",
    "plot_contour_line",
]
