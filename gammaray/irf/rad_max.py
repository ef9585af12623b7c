"""Energy- and offset-dependent direction cut of point-like IRFs (``RAD_MAX_2D``)."""

import astropy.units as u
import numpy as np

from gammaray.maps import MapAxis
from gammaray.utils.errors import InvalidFileError

from .core import IRF

__all__ = ["RadMax2D"]


class RadMax2D(IRF):
    """Direction cut (``RAD_MAX``) on axes ``energy`` (reconstructed) and ``offset``.

    Parameters
    ----------
    axes : list of `~gammaray.maps.MapAxis`
        ``energy`` and ``offset`` axes.
    data : `~astropy.units.Quantity`
        Cut radius (angle), shape ``(n_energy, n_offset)``.
    **kwargs : dict
        See `~gammaray.irf.core.IRF`.
    """

    tag = "rad_max_2d"
    required_axes = ["energy", "offset"]
    default_unit = u.deg
    default_interp_kwargs = dict(fill_value=None, values_scale="lin")

    @classmethod
    def from_irf(cls, irf):
        """A constant direction cut from the ``RAD_MAX`` keyword of a point-like IRF.

        Parameters
        ----------
        irf : `~gammaray.irf.core.IRF`
            Point-like IRF whose ``meta`` has ``RAD_MAX`` (deg).

        Returns
        -------
        rad_max : `RadMax2D`
            Cut with one bin in energy and offset covering the IRF's range.
        """
        if not irf.is_pointlike:
            raise InvalidFileError(
                f"{type(irf).__name__} is not point-like (HDUCLAS3 != POINT-LIKE); "
                "it has no direction cut."
            )
        if "RAD_MAX" not in irf.meta:
            raise InvalidFileError(
                f"{type(irf).__name__} has no RAD_MAX header keyword; read the "
                "RAD_MAX HDU instead."
            )
        value = u.Quantity(float(irf.meta["RAD_MAX"]), "deg")
        axes = []
        for name in ("energy", "offset"):
            source = (
                "energy_true"
                if name == "energy" and name not in irf.axes.names
                else name
            )
            axis = irf.axes[source]
            axes.append(
                MapAxis.from_edges(axis.edges[[0, -1]], name=name, interp=axis.interp)
            )
        return cls(
            axes=axes, data=np.full((1, 1), value.value), unit="deg", is_pointlike=True
        )

    def plot_rad_max_vs_energy(self, ax=None, **kwargs):
        """Plot the cut radius versus energy for each offset bin.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.plot`.
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        energy_axis = self.axes["energy"]
        energy = energy_axis.edges
        for idx, off in enumerate(self.axes["offset"].center):
            values = self.quantity[:, idx].to_value("deg")
            ax.stairs(values, energy.value, label=f"offset = {off:.2f}", **kwargs)
        ax.set_xscale("log")
        ax.set_xlabel(f"Energy [{energy.unit}]")
        ax.set_ylabel("Rad max [deg]")
        ax.legend(loc="best")
        return ax

    def peek(self, figsize=(6, 5)):
        """Quick-look plot of the cut versus energy."""
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=figsize)
        self.plot_rad_max_vs_energy(ax=ax)
        return fig
