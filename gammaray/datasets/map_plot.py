"""Plots of `MapDataset` (a mixin): residual maps and spectra, `peek`."""

import numpy as np

__all__ = ["MapDatasetPlotMixin"]


class MapDatasetPlotMixin:
    """Plotting methods of `MapDataset`."""

    def plot_residuals_spatial(
        self,
        ax=None,
        method="diff",
        smooth_kernel="gauss",
        smooth_radius="0.1 deg",
        **kwargs,
    ):
        """Plot the spatial residuals (summed over energy) as an image.

        Parameters
        ----------
        ax : `~astropy.visualization.wcsaxes.WCSAxes`, optional
            Axes.
        method : {"diff", "diff/model", "diff/sqrt(model)"}
            Residual definition.
        smooth_kernel : {"gauss", "box"}
            Smoothing kernel.
        smooth_radius : `~astropy.units.Quantity`
            Smoothing width.
        **kwargs : dict
            Passed to `~gammaray.maps.Map.plot`.

        Returns
        -------
        ax : `~astropy.visualization.wcsaxes.WCSAxes`
            Axes.
        """
        counts, npred = self.counts.copy(), self.npred()
        if self.mask is not None:
            counts = counts * self.mask
            npred = npred * self.mask
        counts_img = counts.sum_over_axes(keepdims=False)
        npred_img = npred.sum_over_axes(keepdims=False)
        if smooth_radius is not None:
            counts_img = counts_img.smooth(kernel=smooth_kernel, width=smooth_radius)
            npred_img = npred_img.smooth(kernel=smooth_kernel, width=smooth_radius)
        data = self._compute_residuals(
            np.asarray(counts_img.data, float),
            np.asarray(npred_img.data, float),
            method,
        )
        residuals = counts_img.copy(data=data, unit="")
        if self.mask_safe is not None:
            image = self.mask_safe_image.data.reshape(data.shape).astype(bool)
            residuals.data = np.where(image, residuals.data, np.nan)
        kwargs.setdefault("cmap", "coolwarm")
        finite = np.abs(residuals.data[np.isfinite(residuals.data)])
        vmax = float(finite.max()) if finite.size else 1.0
        kwargs.setdefault("vmin", -vmax)
        kwargs.setdefault("vmax", vmax)
        kwargs.setdefault("add_cbar", True)
        return residuals.plot(ax=ax, **kwargs)

    def plot_residuals_spectral(self, ax=None, method="diff", region=None, **kwargs):
        """Plot the residuals as a function of reconstructed energy.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        method : {"diff", "diff/model", "diff/sqrt(model)"}
            Residual definition.
        region : `~regions.SkyRegion`, optional
            Region to sum over (default: the whole map).
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.errorbar`.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
            Axes.
        """
        import matplotlib.pyplot as plt

        counts, npred = self.counts.copy(), self.npred()
        mask = self.mask_safe
        if self.mask_fit is not None and mask is not None:
            mask = mask.copy(data=mask.data & self.mask_fit.data)
        if mask is not None:
            counts = counts * mask
            npred = npred * mask
        if region is None:
            counts_spec = np.nansum(counts.data, axis=(-1, -2))
            npred_spec = np.nansum(npred.data, axis=(-1, -2))
        else:
            counts_spec = counts.to_region_nd_map(region, func=np.nansum).data.ravel()
            npred_spec = npred.to_region_nd_map(region, func=np.nansum).data.ravel()
        counts_spec = np.asarray(counts_spec, dtype=float).ravel()
        npred_spec = np.asarray(npred_spec, dtype=float).ravel()
        residuals = self._compute_residuals(counts_spec, npred_spec, method)
        with np.errstate(invalid="ignore", divide="ignore"):
            if method == "diff":
                yerr = np.sqrt(counts_spec)
            elif method == "diff/model":
                yerr = np.sqrt(counts_spec) / npred_spec
            else:
                yerr = np.ones_like(residuals)
        axis = self._geom.axes["energy"]
        ax = plt.gca() if ax is None else ax
        kwargs.setdefault("fmt", "o")
        kwargs.setdefault("color", "black")
        center = axis.center.value
        ax.errorbar(center, residuals, yerr=yerr, xerr=_xerr(axis, None), **kwargs)
        ax.axhline(0, color="black", lw=0.5)
        ax.set_xscale("log")
        ax.set_xlabel(f"Energy [{axis.unit}]")
        ax.set_ylabel(f"Residuals ({method})")
        ymax = (
            1.05 * np.nanmax(np.abs(residuals)) if np.any(np.isfinite(residuals)) else 1
        )
        ax.set_ylim(-ymax, ymax)
        return ax

    def plot_residuals(
        self,
        ax_spatial=None,
        ax_spectral=None,
        kwargs_spatial=None,
        kwargs_spectral=None,
    ):
        """Plot spatial and spectral residuals side by side.

        Returns
        -------
        ax_spatial, ax_spectral : `~matplotlib.axes.Axes`
            Axes.
        """
        import matplotlib.pyplot as plt

        if ax_spatial is None or ax_spectral is None:
            fig = plt.figure(figsize=(12, 4))
            ax_spatial = fig.add_subplot(1, 2, 1, projection=self._geom.to_image().wcs)
            ax_spectral = fig.add_subplot(1, 2, 2)
        self.plot_residuals_spatial(ax=ax_spatial, **(kwargs_spatial or {}))
        self.plot_residuals_spectral(ax=ax_spectral, **(kwargs_spectral or {}))
        return ax_spatial, ax_spectral

    def peek(self, figsize=(12, 10)):
        """Quick look: counts, excess, exposure and background images.

        Returns
        -------
        fig : `~matplotlib.figure.Figure`
            Figure.
        """
        import matplotlib.pyplot as plt

        wcs = self._geom.to_image().wcs
        fig, axes = plt.subplots(
            2, 2, figsize=figsize, subplot_kw={"projection": wcs}, squeeze=False
        )
        axes = axes.ravel()
        panels = [("Counts", self.counts), ("Exposure", self.exposure)]
        if self.background is not None:
            panels.append(("Background", self.npred_background()))
        if self.counts is not None and self.background is not None:
            excess = self.counts.copy(
                data=np.asarray(self.counts.data, float) - self.npred_background().data
            )
            panels.append(("Excess counts", excess))
        for ax, (title, m) in zip(axes, panels):
            if m is None:
                ax.set_visible(False)
                continue
            img = m.sum_over_axes(keepdims=False)
            img.plot(ax=ax, add_cbar=True, stretch="linear")
            ax.set_title(title)
        for ax in axes[len(panels) :]:
            ax.set_visible(False)
        return fig


def _xerr(axis, xerr):
    if xerr is not None:
        return xerr
    edges = axis.edges.value
    center = axis.center.value
    return np.vstack([center - edges[:-1], edges[1:] - center])
