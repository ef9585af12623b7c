"""Plotting methods of `~gammaray.irf.PSFMap` (matplotlib is imported lazily)."""

import astropy.units as u
import numpy as np

from gammaray.irf._plot import plot_exposure, plot_image

__all__ = []


class PSFMapPlotMixin:
    """``plot_*`` and ``peek`` methods of PSF maps."""

    def plot_containment_radius_vs_energy(
        self, ax=None, fraction=(0.68, 0.95), position=None, **kwargs
    ):
        """Plot the containment radius against energy.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes; the current axes if None.
        fraction : sequence of float
            Containment fractions, one line each.
        position : `~astropy.coordinates.SkyCoord`, optional
            Position; the map centre if None.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.plot`.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
            Axes.
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        axis = self.energy_axis
        energy = axis.center
        for frac in np.atleast_1d(fraction):
            radius = self._containment_radius(frac, energy, position)
            label = f"{100 * frac:.0f}% containment"
            ax.plot(energy.value, radius.to_value("deg"), label=label, **kwargs)
        ax.set_xscale("log")
        ax.set_xlabel(f"{self.energy_name} [{axis.unit}]")
        ax.set_ylabel("Containment radius [deg]")
        ax.legend(loc="best")
        return ax

    def plot_psf_vs_rad(self, ax=None, energy_true=None, position=None, **kwargs):
        """Plot the PSF profile against offset for a few energies.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes; the current axes if None.
        energy_true : `~astropy.units.Quantity`, optional
            Energies; three energies spread over the axis by default.
        position : `~astropy.coordinates.SkyCoord`, optional
            Position; the map centre if None.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.plot`.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
            Axes.
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        axis = self.energy_axis
        if energy_true is None:
            idx = np.unique(np.linspace(0, axis.nbin - 1, 3).astype(int))
            energy_true = axis.center[idx]
        energy_true = u.Quantity(energy_true).reshape(-1)
        rows = self._psf_rows(energy_true, position)
        r, prepend = self._rad_nodes()
        rad = np.rad2deg(r)
        for e, row in zip(energy_true, rows):
            ax.plot(rad, row * u.Unit("sr-1").to("deg-2"), label=f"{e:.3g}", **kwargs)
        ax.set_yscale("log")
        ax.set_xlabel("Rad [deg]")
        ax.set_ylabel("PSF [deg-2]")
        ax.legend(loc="best")
        return ax

    def peek(self, figsize=(12, 10)):
        """Quick-look figure: containment radius, PSF profiles and exposure.

        Parameters
        ----------
        figsize : tuple
            Figure size (inch).

        Returns
        -------
        fig : `~matplotlib.figure.Figure`
            Figure.
        """
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(2, 2, figsize=figsize)
        self.plot_containment_radius_vs_energy(ax=axes[0, 0])
        self.plot_psf_vs_rad(ax=axes[0, 1])
        energy = self.energy_axis.center[self.energy_axis.nbin // 2]
        radius = self.containment_radius_map(energy)
        plot_image(axes[1, 0], radius.data, f"68% containment radius at {energy:.3g}")
        plot_exposure(axes[1, 1], self.exposure_map)
        fig.tight_layout()
        return fig
