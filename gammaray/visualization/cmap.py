"""Colour maps used for gamma-ray sky maps."""

import numpy as np

__all__ = ["colormap_hess", "colormap_milagro"]


def _transition_cmap(name, colors, vmin, vmax, vtransition, width):
    from matplotlib.colors import LinearSegmentedColormap

    lo = (vtransition - width - vmin) / (vmax - vmin)
    mid = (vtransition - vmin) / (vmax - vmin)
    hi = (vtransition + width - vmin) / (vmax - vmin)
    positions = np.clip([0.0, lo, mid, hi, 1.0], 0, 1)
    positions = np.maximum.accumulate(positions)
    return LinearSegmentedColormap.from_list(
        name, list(zip(positions, colors, strict=True))
    )


def colormap_hess(transition=0.5, width=0.1):
    """A black-blue-red-yellow-white colour map with a sharp change at ``transition``.

    Useful for significance images: values below the transition (e.g. 5 sigma
    mapped to the colour scale) are shown in dark blue, above it in warm colours.

    Parameters
    ----------
    transition : float
        Position of the transition in the normalised colour scale [0, 1].
    width : float
        Half width of the transition region.

    Returns
    -------
    cmap : `~matplotlib.colors.LinearSegmentedColormap`
        Colour map.
    """
    colors = ["black", "blue", "red", "yellow", "white"]
    return _transition_cmap("hess", colors, 0, 1, transition, width)


def colormap_milagro(transition=0.5, width=0.0001, huestart=0.6):
    """A grey-then-colour map: greyscale below ``transition``, hues above it.

    Parameters
    ----------
    transition : float
        Position of the transition in the normalised colour scale [0, 1].
    width : float
        Half width of the transition region.
    huestart : float
        Unused placeholder for compatibility; the hue sequence is fixed.

    Returns
    -------
    cmap : `~matplotlib.colors.LinearSegmentedColormap`
        Colour map.
    """
    colors = ["white", "black", "blue", "yellow", "red"]
    return _transition_cmap("milagro", colors, 0, 1, transition, width)
