"""Plotting of `~gammaray.maps.WcsNDMap` with WCSAxes (matplotlib imported lazily)."""

import logging

import numpy as np

__all__ = ["WcsMapPlotMixin"]

log = logging.getLogger(__name__)


def _axis_labels(frame):
    if frame == "galactic":
        return "Galactic Longitude", "Galactic Latitude"
    return "Right Ascension", "Declination"


class WcsMapPlotMixin:
    """Plot methods of WCS maps."""

    def _get_wcs_ax(self, ax=None, fig=None):
        import matplotlib.pyplot as plt
        from astropy.visualization.wcsaxes import WCSAxes

        if ax is None:
            fig = fig or plt.gcf()
            current = fig.gca() if fig.axes else None
            if isinstance(current, WCSAxes):
                ax = current
            else:
                if current is not None:
                    fig.delaxes(current)
                ax = fig.add_subplot(1, 1, 1, projection=self.geom.to_image().wcs)
        return ax

    def _format_sky_axes(self, ax):
        from astropy.visualization.wcsaxes import WCSAxes

        if not isinstance(ax, WCSAxes):
            return
        xlabel, ylabel = _axis_labels(self.geom.frame)
        try:
            lon, lat = ax.coords[0], ax.coords[1]
            lon.set_axislabel(xlabel)
            lat.set_axislabel(ylabel)
            lon.set_major_formatter("d.d")
            lat.set_major_formatter("d.d")
        except (IndexError, AttributeError, ValueError):
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)

    def plot(
        self,
        ax=None,
        fig=None,
        add_cbar=False,
        stretch="linear",
        axes_loc=None,
        kwargs_colorbar=None,
        **kwargs,
    ):
        """Plot a 2D image with WCSAxes.

        Parameters
        ----------
        ax : `~astropy.visualization.wcsaxes.WCSAxes`, optional
            Axes to draw into (created if None).
        fig : `~matplotlib.figure.Figure`, optional
            Figure (current one if None).
        add_cbar : bool
            Add a colour bar labelled with the unit.
        stretch : {"linear", "sqrt", "log", "asinh", ...}
            Colour stretch (`astropy.visualization.simple_norm`).
        axes_loc : dict, optional
            Unused; kept for compatibility.
        kwargs_colorbar : dict, optional
            Passed to `~matplotlib.figure.Figure.colorbar`.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.imshow`.

        Returns
        -------
        ax : `~astropy.visualization.wcsaxes.WCSAxes`
            The axes.
        """
        from astropy.visualization import simple_norm

        if not self.geom.is_flat:
            raise TypeError(
                "plot() needs a 2D image; use map.plot_grid(), map.plot_interactive() "
                "or select an image with map.get_image_by_idx(...) / sum_over_axes()."
            )
        ax = self._get_wcs_ax(ax=ax, fig=fig)
        data = np.squeeze(self.data).astype(float)
        if self.is_mask:
            kwargs.setdefault("cmap", "gray")
            kwargs.setdefault("vmin", 0)
            kwargs.setdefault("vmax", 1)
        kwargs.setdefault("interpolation", "nearest")
        kwargs.setdefault("origin", "lower")
        kwargs.setdefault("cmap", "afmhot")
        finite = data[np.isfinite(data)]
        if "norm" not in kwargs and finite.size and np.ptp(finite) > 0:
            vmin = kwargs.pop("vmin", None)
            vmax = kwargs.pop("vmax", None)
            kwargs["norm"] = simple_norm(finite, stretch=stretch, vmin=vmin, vmax=vmax)
        im = ax.imshow(data, **kwargs)
        if add_cbar:
            kwargs_colorbar = dict(kwargs_colorbar or {})
            fig = ax.figure
            cbar = fig.colorbar(im, ax=ax, **kwargs_colorbar)
            cbar.set_label(self.unit.to_string() or "", rotation=90)
        self._format_sky_axes(ax)
        try:
            ax.set_xlim(-0.5, data.shape[1] - 0.5)
            ax.set_ylim(-0.5, data.shape[0] - 0.5)
        except (IndexError, ValueError):
            pass
        return ax

    def plot_mask(self, ax=None, **kwargs):
        """Plot a boolean mask as filled contours.

        Parameters
        ----------
        ax : `~astropy.visualization.wcsaxes.WCSAxes`, optional
            Axes.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.contourf` (default hatched overlay).

        Returns
        -------
        ax : `~astropy.visualization.wcsaxes.WCSAxes`
            The axes.
        """
        if not self.is_mask:
            raise ValueError(
                "plot_mask needs a boolean mask map (map.data.dtype == bool)."
            )
        if not self.geom.is_flat:
            raise TypeError("plot_mask needs a 2D mask image.")
        ax = self._get_wcs_ax(ax=ax)
        data = np.squeeze(self.data).astype(float)
        kwargs.setdefault("levels", [0.5, 1.5])
        kwargs.setdefault("colors", ["none"])
        kwargs.setdefault("hatches", ["x"])
        if np.any(data):
            ax.contourf(data, **kwargs)
        self._format_sky_axes(ax)
        return ax

    def plot_grid(self, figsize=None, ncols=3, **kwargs):
        """Plot every image plane of a 3D map in a grid of panels.

        Parameters
        ----------
        figsize : tuple, optional
            Figure size.
        ncols : int
            Number of columns.
        **kwargs : dict
            Passed to `plot`.

        Returns
        -------
        axes : `~numpy.ndarray` of axes
            The panel axes.
        """
        import matplotlib.pyplot as plt

        if len(self.geom.axes) != 1:
            raise TypeError("plot_grid needs a map with exactly one non-spatial axis.")
        axis = self.geom.axes[0]
        nbin = axis.nbin
        ncols = min(ncols, nbin)
        nrows = int(np.ceil(nbin / ncols))
        if figsize is None:
            figsize = (ncols * 3, nrows * 3)
        fig, axes = plt.subplots(
            ncols=ncols,
            nrows=nrows,
            subplot_kw={"projection": self.geom.to_image().wcs},
            figsize=figsize,
            gridspec_kw={"hspace": 0.3, "wspace": 0.3},
            squeeze=False,
        )
        finite = self.data[np.isfinite(self.data)].astype(float)
        if finite.size and not self.is_mask:
            kwargs.setdefault("vmin", float(finite.min()))
            kwargs.setdefault("vmax", float(finite.max()))
        edges = getattr(axis, "edges", None)
        for idx, ax in enumerate(axes.flat):
            if idx >= nbin:
                ax.set_visible(False)
                continue
            image = self.get_image_by_idx((idx,))
            image.plot(ax=ax, **kwargs)
            if edges is not None and getattr(axis, "node_type", "edges") == "edges":
                title = f"{edges[idx]:.2f} - {edges[idx + 1]:.2f}"
            else:
                title = f"{axis.name} {idx}"
            ax.set_title(title)
        return axes
