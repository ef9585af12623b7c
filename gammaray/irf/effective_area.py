"""Effective area as a function of true energy and offset (GADF ``AEFF_2D``)."""

import astropy.units as u
import numpy as np

from gammaray.maps import MapAxis

from ._plot import plot_table_2d
from .core import IRF

__all__ = ["EffectiveAreaTable2D"]

#: Parameters (g1 [cm2], g2, g3 [MeV]) of ``g1 * (E/MeV)**(-g2) * exp(g3 / E)``.
_PARAMETRISATIONS = {
    "HESS": (6.85e9, 0.0891, 5e5),
    "HESS2": (2.05e9, 0.0891, 1e5),
    "CTA": (1.71e11, 0.0891, 1e5),
    "CTAO": (1.71e11, 0.0891, 1e5),
}


class EffectiveAreaTable2D(IRF):
    """Effective area on axes ``energy_true`` and ``offset`` (unit m2 by default).

    Outside the table the effective area is zero.

    Parameters
    ----------
    axes : list of `~gammaray.maps.MapAxis`
        ``energy_true`` and ``offset`` axes.
    data : `~astropy.units.Quantity`
        Effective area, shape ``(n_energy_true, n_offset)``.
    **kwargs : dict
        See `~gammaray.irf.core.IRF`.
    """

    tag = "aeff_2d"
    required_axes = ["energy_true", "offset"]
    default_unit = u.m**2
    default_interp_kwargs = dict(fill_value=0.0, values_scale="lin")

    @classmethod
    def from_parametrization(cls, energy_axis_true=None, instrument="HESS"):
        """Effective area from a simple parametrisation (no offset dependence).

        ``A(E) = g1 * (E / MeV)**(-g2) * exp(g3 / E)``.

        Parameters
        ----------
        energy_axis_true : `~gammaray.maps.MapAxis`, optional
            True-energy axis (default 0.1-100 TeV, 20 bins per decade).
        instrument : {"HESS", "HESS2", "CTAO", "CTA"}
            Instrument.

        Returns
        -------
        aeff : `EffectiveAreaTable2D`
            Effective area with a single offset bin 0-5 deg.
        """
        if instrument not in _PARAMETRISATIONS:
            raise ValueError(
                f"Unknown instrument {instrument!r}; choose from {sorted(_PARAMETRISATIONS)}."
            )
        if energy_axis_true is None:
            energy_axis_true = MapAxis.from_energy_bounds(
                "0.1 TeV", "100 TeV", nbin=60, per_decade=False, name="energy_true"
            )
        g1, g2, g3 = _PARAMETRISATIONS[instrument]
        energy = energy_axis_true.center.to_value("MeV")
        area = g1 * energy ** (-g2) * np.exp(-g3 / energy)
        offset_axis = MapAxis.from_edges([0.0, 5.0] * u.deg, name="offset")
        data = u.Quantity(area[:, np.newaxis] * np.ones(1), "cm2").to("m2")
        return cls(axes=[energy_axis_true, offset_axis], data=data)

    def plot_energy_dependence(self, ax=None, offset=None, **kwargs):
        """Plot the effective area versus true energy for several offsets.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        offset : `~astropy.units.Quantity`, optional
            Offsets (default: four values across the offset axis).
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.plot`.
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        if offset is None:
            off = self.axes["offset"]
            offset = np.linspace(off.edges[0], off.edges[-1], 4)
        energy_axis = self.axes["energy_true"]
        for off in np.atleast_1d(u.Quantity(offset)):
            area = self.evaluate(offset=off, energy_true=energy_axis.center)
            ax.plot(
                energy_axis.center.value,
                area.value,
                label=f"offset = {off:.2f}",
                **kwargs,
            )
        ax.set_xscale("log")
        ax.set_xlabel(f"True energy [{energy_axis.unit}]")
        ax.set_ylabel(f"Effective area [{self.unit}]")
        ax.legend(loc="best")
        return ax

    def plot_offset_dependence(self, ax=None, energy=None, **kwargs):
        """Plot the effective area versus offset for several true energies.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        energy : `~astropy.units.Quantity`, optional
            True energies (default: four values across the energy axis).
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.plot`.
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        energy_axis = self.axes["energy_true"]
        if energy is None:
            energy = np.geomspace(energy_axis.edges[0], energy_axis.edges[-1], 4)
        offset_axis = self.axes["offset"]
        offset = np.linspace(offset_axis.edges[0], offset_axis.edges[-1], 50)
        for e in np.atleast_1d(u.Quantity(energy)):
            area = self.evaluate(offset=offset, energy_true=e)
            ax.plot(offset.value, area.value, label=f"energy = {e:.2g}", **kwargs)
        ax.set_xlabel(f"Offset [{offset_axis.unit}]")
        ax.set_ylabel(f"Effective area [{self.unit}]")
        ax.legend(loc="best")
        return ax

    def plot(self, ax=None, add_cbar=True, **kwargs):
        """Plot the effective area as an image in (true energy, offset).

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        add_cbar : bool
            Add a colour bar.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.pcolormesh`.
        """
        labels = ("True energy", "Offset", f"Effective area [{self.unit}]")
        return plot_table_2d(
            ax,
            self.axes["energy_true"].edges,
            self.axes["offset"].edges,
            self.data,
            labels,
            add_cbar=add_cbar,
            **kwargs,
        )

    def peek(self, figsize=(15, 5)):
        """Quick-look: energy and offset dependence and the full table."""
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 3, figsize=figsize)
        self.plot(ax=axes[2])
        self.plot_energy_dependence(ax=axes[0])
        self.plot_offset_dependence(ax=axes[1])
        fig.tight_layout()
        return fig
