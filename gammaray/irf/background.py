"""Background rate IRFs (GADF ``BKG_3D`` and ``BKG_2D``)."""

import warnings

import astropy.units as u
import numpy as np

from gammaray.maps import MapAxis
from gammaray.utils.errors import FormatWarning

from ._plot import plot_table_2d
from .core import IRF
from .fov import FoVAlignment

__all__ = ["Background3D", "Background2D"]

_N_PHI = 36


class _BackgroundBase(IRF):
    default_unit = u.Unit("s-1 MeV-1 sr-1")
    # no background model outside the axes (e.g. beyond the edge of the field
    # of view): zero, not a log-space extrapolation that can overflow
    default_interp_kwargs = dict(fill_value=0.0, values_scale="log")

    @classmethod
    def _data_column(cls, table, source):
        if "BKG" not in table.colnames and "BGD" in table.colnames:
            unit = table["BGD"].meta.get("raw_unit", table["BGD"].unit)
            warnings.warn(
                f"{source}: background column 'BGD' used instead of 'BKG' (unit "
                f"string {unit!s}, CTA 1DC convention); read as BKG in s-1 MeV-1 sr-1.",
                FormatWarning,
                stacklevel=4,
            )
            return "BGD"
        return super()._data_column(table, source)

    def plot_at_energy(self, energy=None, ax=None, add_cbar=True, ncols=3, **kwargs):
        """Plot the background rate in the field of view at given energies.

        Parameters
        ----------
        energy : `~astropy.units.Quantity`, optional
            Energies (default: 1 TeV).
        ax : `~matplotlib.axes.Axes`, optional
            Axes (only used for a single energy).
        add_cbar : bool
            Add colour bars.
        ncols : int
            Number of panel columns.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.pcolormesh`.
        """
        import matplotlib.pyplot as plt

        energy = np.atleast_1d(u.Quantity(energy if energy is not None else "1 TeV"))
        n = len(energy)
        if ax is not None and n == 1:
            axes = [ax]
        else:
            nrows = int(np.ceil(n / ncols))
            fig, axes = plt.subplots(
                nrows, min(n, ncols), figsize=(4 * min(n, ncols), 3.5 * nrows)
            )
            axes = np.atleast_1d(axes).ravel()
        lon, lat = self._fov_grid()
        for e, axis in zip(energy, axes, strict=False):
            values = self.evaluate(
                fov_lon=lon[np.newaxis], fov_lat=lat[:, np.newaxis], energy=e
            )
            mesh = axis.pcolormesh(lon.value, lat.value, values.value, **kwargs)
            axis.set_title(f"E = {e:.2g}")
            axis.set_xlabel("FoV lon [deg]")
            axis.set_ylabel("FoV lat [deg]")
            axis.set_aspect("equal")
            if add_cbar:
                axis.figure.colorbar(mesh, ax=axis, label=f"[{self.unit}]")
        return axes[0] if n == 1 else axes

    def plot_energy_dependence(self, ax=None, offset=None, **kwargs):
        """Plot the background rate versus energy at several offsets.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        offset : `~astropy.units.Quantity`, optional
            Offsets (default: 0, 1, 2 deg limited to the table).
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.plot`.
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        if offset is None:
            offset = np.linspace(0, self._max_offset().value * 0.7, 3) * u.deg
        energy = self.axes["energy"].center
        for off in np.atleast_1d(u.Quantity(offset)):
            values = self.evaluate(fov_lon=off, fov_lat=0 * u.deg, energy=energy)
            ax.plot(energy.value, values.value, label=f"offset = {off:.2f}", **kwargs)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(f"Energy [{energy.unit}]")
        ax.set_ylabel(f"Background rate [{self.unit}]")
        ax.legend(loc="best")
        return ax

    def peek(self, figsize=(10, 4)):
        """Quick-look: rate versus energy and the field of view at 1 TeV."""
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=figsize)
        self.plot_energy_dependence(ax=axes[0])
        energy_axis = self.axes["energy"]
        e_mid = np.sqrt(energy_axis.edges[0] * energy_axis.edges[-1])
        self.plot_at_energy(energy=e_mid, ax=axes[1])
        fig.tight_layout()
        return fig


class Background3D(_BackgroundBase):
    """Background rate on axes ``energy``, ``fov_lon`` and ``fov_lat``.

    The rate is per unit energy, time and solid angle (default unit
    ``s-1 MeV-1 sr-1``); it is interpolated in log scale. ``fov_alignment``
    tells whether the field-of-view axes are aligned with RA/Dec (default) or
    Alt/Az (header keyword ``FOVALIGN``).

    Parameters
    ----------
    axes : list of `~gammaray.maps.MapAxis`
        ``energy``, ``fov_lon``, ``fov_lat`` axes.
    data : `~astropy.units.Quantity`
        Rates, shape ``(n_energy, n_lon, n_lat)``.
    **kwargs : dict
        See `~gammaray.irf.core.IRF`.
    """

    tag = "bkg_3d"
    required_axes = ["energy", "fov_lon", "fov_lat"]

    def _fov_grid(self):
        return self.axes["fov_lon"].center, self.axes["fov_lat"].center

    def _max_offset(self):
        lon = self.axes["fov_lon"].edges
        return np.max(np.abs(lon))

    def to_2d(self):
        """Azimuthally averaged background (`Background2D`).

        The offset axis runs from 0 to the largest ``fov_lon`` edge with half as
        many bins as ``fov_lon``; rates are averaged over 36 azimuths.
        """
        lon_axis = self.axes["fov_lon"]
        edges_max = np.max(np.abs(lon_axis.edges))
        nbin = max(lon_axis.nbin // 2, 1)
        offset_axis = MapAxis.from_bounds(
            0, edges_max.value, nbin, unit=edges_max.unit, name="offset"
        )
        phi = np.linspace(0, 2 * np.pi, _N_PHI, endpoint=False)
        r = offset_axis.center
        lon = r[:, np.newaxis] * np.cos(phi)
        lat = r[:, np.newaxis] * np.sin(phi)
        energy = self.axes["energy"].center[:, np.newaxis, np.newaxis]
        values = self.evaluate(fov_lon=lon, fov_lat=lat, energy=energy)
        data = values.mean(axis=-1)
        return Background2D(
            axes=[self.axes["energy"], offset_axis],
            data=data.to_value(self.unit).astype(self.data.dtype),
            unit=self.unit,
            meta=dict(self.meta),
            is_pointlike=self.is_pointlike,
        )

    def peek(self, figsize=(10, 4)):
        """Quick-look: rate versus energy and the field of view at mid energy."""
        return super().peek(figsize=figsize)


class Background2D(_BackgroundBase):
    """Radially symmetric background rate on axes ``energy`` and ``offset``.

    `evaluate` also accepts ``fov_lon``/``fov_lat`` (offset = their hypot).

    Parameters
    ----------
    axes : list of `~gammaray.maps.MapAxis`
        ``energy`` and ``offset`` axes.
    data : `~astropy.units.Quantity`
        Rates, shape ``(n_energy, n_offset)``.
    **kwargs : dict
        See `~gammaray.irf.core.IRF`.
    """

    tag = "bkg_2d"
    required_axes = ["energy", "offset"]

    def evaluate(self, method=None, **kwargs):
        """Interpolate the rate; ``fov_lon``/``fov_lat`` are converted to offset.

        Parameters
        ----------
        method : {"linear", "nearest"}, optional
            Interpolation method.
        **kwargs : `~astropy.units.Quantity`
            ``energy`` and ``offset`` (or ``fov_lon`` and ``fov_lat``).
        """
        if "fov_lon" in kwargs or "fov_lat" in kwargs:
            lon = u.Quantity(kwargs.pop("fov_lon", 0 * u.deg))
            lat = u.Quantity(kwargs.pop("fov_lat", 0 * u.deg))
            kwargs["offset"] = np.hypot(lon, lat.to(lon.unit))
        return super().evaluate(method=method, **kwargs)

    def _fov_grid(self):
        off = self.axes["offset"]
        edges = np.linspace(-off.edges[-1], off.edges[-1], 2 * off.nbin + 1)
        centers = 0.5 * (edges[1:] + edges[:-1])
        return centers, centers

    def _max_offset(self):
        return self.axes["offset"].edges[-1]

    def to_3d(self):
        """Background on a field-of-view grid (`Background3D`, RADEC aligned).

        ``fov_lon``/``fov_lat`` run from ``-offset_max`` to ``offset_max`` with
        twice the number of offset bins.
        """
        off = self.axes["offset"]
        edges = np.linspace(-off.edges[-1], off.edges[-1], 2 * off.nbin + 1)
        lon_axis = MapAxis.from_edges(edges, name="fov_lon")
        lat_axis = MapAxis.from_edges(edges, name="fov_lat")
        energy = self.axes["energy"].center[:, np.newaxis, np.newaxis]
        values = self.evaluate(
            fov_lon=lon_axis.center[:, np.newaxis],
            fov_lat=lat_axis.center[np.newaxis, :],
            energy=energy,
        )
        return Background3D(
            axes=[self.axes["energy"], lon_axis, lat_axis],
            data=values.to_value(self.unit).astype(self.data.dtype),
            unit=self.unit,
            meta=dict(self.meta),
            fov_alignment=FoVAlignment.RADEC,
            is_pointlike=self.is_pointlike,
        )

    def plot(self, ax=None, add_cbar=True, **kwargs):
        """Plot the rate as an image in (energy, offset).

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        add_cbar : bool
            Add a colour bar.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.pcolormesh`.
        """
        from matplotlib.colors import LogNorm

        kwargs.setdefault("norm", LogNorm())
        kwargs.setdefault("cmap", "viridis")
        return plot_table_2d(
            ax,
            self.axes["energy"].edges,
            self.axes["offset"].edges,
            np.where(self.data > 0, self.data, np.nan),
            ("Energy", "Offset", f"[{self.unit}]"),
            add_cbar=add_cbar,
            **kwargs,
        )
