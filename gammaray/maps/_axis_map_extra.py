"""Plotting, grouping and I/O methods of `MapAxis` (mixins, to keep modules small)."""

import astropy.units as u
import numpy as np

from gammaray.utils.errors import AxisError

__all__ = ["MapAxisPlotMixin", "MapAxisIOMixin"]


class MapAxisPlotMixin:
    """Plotting helpers and bin grouping of `MapAxis`."""

    def group_table(self, edges):
        """Groups of bins of this axis matching coarser target edges.

        Parameters
        ----------
        edges : `~astropy.units.Quantity`
            Target edges; each is rounded to the nearest edge of this axis.

        Returns
        -------
        groups : `~astropy.table.Table`
            Columns ``group_idx``, ``<name>_min``, ``<name>_max``, ``idx_min``,
            ``idx_max`` (inclusive bin indices of this axis) and ``bin_type``
            (``"normal   "``, ``"underflow"`` or ``"overflow"``).
        """
        from astropy.table import Table

        if self.node_type != "edges":
            raise AxisError("Only edge-based axes can be grouped.")
        edges_pix = np.clip(self.coord_to_pix(edges), -0.5, self.nbin - 0.5)
        edges_idx = np.unique(np.floor(edges_pix + 1.0) - 0.5)
        if len(edges_idx) < 2:
            raise AxisError(
                f"No overlap between the {self.name!r} axis edges {self.edges} and "
                f"the group edges {edges}."
            )
        all_edges = self._edges_value
        pos = (edges_idx + 0.5).astype(int)
        edges_ref = all_edges[pos]
        idx_min = list(pos[:-1])
        idx_max = list(pos[1:] - 1)
        e_min = list(edges_ref[:-1])
        e_max = list(edges_ref[1:])
        bin_type = ["normal   "] * len(idx_min)
        if pos[0] > 0:
            idx_min.insert(0, 0)
            idx_max.insert(0, pos[0] - 1)
            e_min.insert(0, all_edges[0])
            e_max.insert(0, edges_ref[0])
            bin_type.insert(0, "underflow")
        if pos[-1] < self.nbin:
            idx_min.append(pos[-1])
            idx_max.append(self.nbin - 1)
            e_min.append(edges_ref[-1])
            e_max.append(all_edges[-1])
            bin_type.append("overflow")
        name = self.name or "axis"
        table = Table()
        table["group_idx"] = np.arange(len(idx_min))
        table[f"{name}_min"] = u.Quantity(e_min, self.unit)
        table[f"{name}_max"] = u.Quantity(e_max, self.unit)
        table["idx_min"] = np.array(idx_min, dtype=int)
        table["idx_max"] = np.array(idx_max, dtype=int)
        table["bin_type"] = np.array(bin_type, dtype="U9")
        return table

    @property
    def as_plot_labels(self):
        """Bin labels for plotting (list of str): ``"<min> - <max>"`` or the centres."""
        if self.node_type == "edges":
            return [f"{lo:.2e} - {hi:.2e}" for lo, hi in self.iter_by_edges]
        return [f"{value:.2e}" for value in self.center]

    @property
    def as_plot_xerr(self):
        """Asymmetric x errors ``(center - edges_min, edges_max - center)``."""
        center = self.center
        return center - self.edges_min, self.edges_max - center

    @property
    def as_plot_center(self):
        """Bin centres for plotting (Quantity)."""
        return self.center

    @property
    def as_plot_edges(self):
        """Bin edges for plotting (Quantity)."""
        return self.edges

    def format_plot_xaxis(self, ax):
        """Set the label and scale of a matplotlib x axis for this axis.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`
            Axes to format.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
            Formatted axes.
        """
        label = self.name.replace("_", " ").capitalize()
        unit = self.unit.to_string()
        ax.set_xlabel(f"{label} [{unit}]" if unit else label)
        if self.interp == "log":
            ax.set_xscale("log")
        return ax

    def format_plot_yaxis(self, ax):
        """Set the label and scale of a matplotlib y axis for this axis."""
        label = self.name.replace("_", " ").capitalize()
        unit = self.unit.to_string()
        ax.set_ylabel(f"{label} [{unit}]" if unit else label)
        if self.interp == "log":
            ax.set_yscale("log")
        return ax


class MapAxisIOMixin:
    """FITS header / table I/O of `MapAxis`."""

    def to_header(self, format="gadf", idx=0):
        """FITS header keywords describing the axis.

        Parameters
        ----------
        format : {"gadf"}
            Format; writes ``AXCOLS<idx>`` and ``INTERP<idx>``.
        idx : int
            Axis index used in the keyword names (1-based in BANDS tables).

        Returns
        -------
        header : `~astropy.io.fits.Header`
            Header.
        """
        from ._axis_io import map_axis_to_header

        return map_axis_to_header(self, format=format, idx=idx)

    def to_table(self, format="ogip"):
        """Table describing the axis.

        Parameters
        ----------
        format : {"ogip", "ogip-sherpa", "ogip-arf", "ogip-arf-sherpa", "gadf-dl3", "gadf-sed", "fgst-ccube", "fgst-template", "gtpsf"}
            Table format.

        Returns
        -------
        table : `~astropy.table.Table`
            Table.
        """
        from ._axis_io import map_axis_to_table

        return map_axis_to_table(self, format=format)

    def to_table_hdu(self, format="ogip"):
        """Table HDU (``EBOUNDS`` for OGIP, ``SPECRESP`` for ARF, ...)."""
        from ._axis_io import map_axis_to_table_hdu

        return map_axis_to_table_hdu(self, format=format)

    @classmethod
    def from_table(cls, table, format="ogip", idx=0, column_prefix=None):
        """Axis from a table.

        Parameters
        ----------
        table : `~astropy.table.Table`
            Table.
        format : {"ogip", "ogip-sherpa", "ogip-arf", "ogip-arf-sherpa", "fgst-ccube", "fgst-template", "gadf", "gadf-dl3", "gadf-sed", "lightcurve"}
            Format of the table.
        idx : int
            Axis index (0-based) in a GADF BANDS table.
        column_prefix : str, optional
            Column prefix for ``gadf-dl3`` (e.g. ``"ENERG"``, ``"THETA"``).

        Returns
        -------
        axis : `MapAxis`
            The axis.
        """
        from ._axis_io import map_axis_from_table

        return map_axis_from_table(
            cls, table, format=format, idx=idx, column_prefix=column_prefix
        )

    @classmethod
    def from_table_hdu(cls, hdu, format="ogip", idx=0):
        """Axis from a `~astropy.io.fits.BinTableHDU` (see `from_table`)."""
        from astropy.table import Table

        return cls.from_table(Table.read(hdu), format=format, idx=idx)
