"""`MapAxes`: the ordered set of non-spatial axes of a map geometry."""

import copy as _copy
from collections.abc import Mapping, Sequence

import astropy.units as u
import numpy as np
from astropy.io import fits
from astropy.table import Table

from gammaray.utils.errors import AxisError

from ._axis_map import MapAxis

__all__ = ["MapAxes"]


class MapAxes(Sequence):
    """Ordered collection of non-spatial map axes with unique names.

    Axes are stored in *pixel order* (axis 0 first); map data arrays use the
    reverse order (``data.shape == axes.shape[::-1] + spatial_shape``).

    Parameters
    ----------
    axes : list of `MapAxis`, `LabelMapAxis` or `TimeMapAxis`
        Axes.
    n_spatial_axes : int, optional
        Number of spatial dimensions of the geometry; used to shape the arrays
        returned by `get_coord`, `bin_volume` and `iter_with_reshape` so that
        they broadcast against map data.

    Raises
    ------
    AxisError
        If two axes share a name.
    """

    def __init__(self, axes, n_spatial_axes=None):
        axes = list(axes)
        for ax in axes:
            if not (hasattr(ax, "nbin") and hasattr(ax, "name")):
                raise TypeError(
                    f"MapAxes needs MapAxis, LabelMapAxis or TimeMapAxis objects, got "
                    f"{type(ax).__name__}; wrap edges with MapAxis(...) or use MapAxes.from_default."
                )
        names = [ax.name for ax in axes]
        non_empty = [n for n in names if n]
        if len(set(non_empty)) != len(non_empty):
            raise AxisError(
                f"Axis names must be unique, got {names}; rename one with axis.copy(name=...)."
            )
        self._axes = axes
        self._n_spatial_axes = n_spatial_axes

    @classmethod
    def from_default(cls, axes, n_spatial_axes=None):
        """Axes from a list of axes or arrays; unnamed axes become ``axis0``, ``axis1``, ...

        Parameters
        ----------
        axes : list of `MapAxis` or `~numpy.ndarray`
            Axes (arrays are taken as edges of a linear axis).
        n_spatial_axes : int, optional
            Number of spatial dimensions.
        """
        axes_out = []
        for idx, ax in enumerate(axes):
            if not hasattr(ax, "nbin"):
                ax = MapAxis(ax)
            if ax.name == "":
                ax = ax.copy(name=f"axis{idx}")
            axes_out.append(ax)
        return cls(axes_out, n_spatial_axes=n_spatial_axes)

    # ------------------------------------------------------------------ container
    def __len__(self):
        return len(self._axes)

    def __iter__(self):
        return iter(self._axes)

    def __getitem__(self, idx):
        if isinstance(idx, (int, np.integer)):
            return self._axes[idx]
        if isinstance(idx, str):
            for ax in self._axes:
                if ax.name.upper() == idx.upper():
                    return ax
            raise KeyError(f"No axis named {idx!r}; available axes: {self.names}.")
        if isinstance(idx, slice):
            return self.__class__(self._axes[idx], n_spatial_axes=self._n_spatial_axes)
        if isinstance(idx, (list, tuple)):
            return self.__class__(
                [self[i] for i in idx], n_spatial_axes=self._n_spatial_axes
            )
        raise TypeError(f"Invalid axes index type {type(idx).__name__}.")

    def __contains__(self, item):
        if isinstance(item, str):
            return item in self.names
        return any(item is ax for ax in self._axes)

    @property
    def names(self):
        """Axis names (list of str)."""
        return [ax.name for ax in self._axes]

    @property
    def shape(self):
        """Number of bins per axis (tuple, pixel order)."""
        return tuple(ax.nbin for ax in self._axes)

    @property
    def n_spatial_axes(self):
        """Number of spatial dimensions used for broadcasting (int or None)."""
        return self._n_spatial_axes

    @property
    def reverse(self):
        """Axes in reverse (data) order (`MapAxes`)."""
        return self[::-1]

    @property
    def is_flat(self):
        """Whether all axes have a single bin."""
        return bool(np.all(np.array(self.shape, dtype=int) == 1))

    @property
    def is_unidimensional(self):
        """Whether at most one axis has more than one bin."""
        return sum(nbin > 1 for nbin in self.shape) <= 1

    @property
    def primary_axis(self):
        """The axis with the most bins (the first one if several)."""
        if len(self) == 0:
            raise AxisError("Empty MapAxes has no primary axis.")
        return self._axes[int(np.argmax(self.shape))]

    @property
    def center_coord(self):
        """Coordinate of the centre pixel of every axis (tuple)."""
        return tuple(ax.pix_to_coord((float(ax.nbin) - 1.0) / 2.0) for ax in self._axes)

    def index(self, axis_name):
        """Position of an axis in pixel order.

        Parameters
        ----------
        axis_name : str
            Axis name.
        """
        names = [n.upper() for n in self.names]
        try:
            return names.index(str(axis_name).upper())
        except ValueError:
            raise KeyError(
                f"No axis named {axis_name!r}; available axes: {self.names}."
            ) from None

    def index_data(self, axis_name):
        """Position of an axis in the data array (numpy order, from the front).

        For data of shape ``axes.shape[::-1] + spatial_shape``, axis ``i`` is at
        data dimension ``len(axes) - 1 - i``.
        """
        return len(self) - 1 - self.index(axis_name)

    @property
    def iter_with_reshape(self):
        """Iterate over ``(shape, axis)``, with ``shape`` broadcasting against map data."""
        for idx, axis in enumerate(self._axes):
            shape = [1] * len(self)
            shape[idx] = -1
            if self._n_spatial_axes:
                shape = shape[::-1] + [1] * self._n_spatial_axes
            yield tuple(shape), axis

    def get_coord(self, mode="center", axis_name=None):
        """Axis coordinates shaped to broadcast against map data.

        Parameters
        ----------
        mode : {"center", "edges"}
            Return edges instead of centres for ``axis_name``.
        axis_name : str, optional
            Axis for which edges are returned with ``mode="edges"`` (default:
            all axes).

        Returns
        -------
        coords : dict of `~astropy.units.Quantity` or `~astropy.time.Time`
            Coordinates by axis name.
        """
        coords = {}
        for shape, axis in self.iter_with_reshape:
            if mode == "edges" and (axis_name is None or axis.name == axis_name):
                coord = axis.edges
            else:
                coord = axis.center
            coords[axis.name] = coord.reshape(shape)
        return coords

    def bin_volume(self):
        """Product of the bin widths of all axes, broadcasting against data (Quantity)."""
        volume = u.Quantity(np.ones(()), "")
        for shape, axis in self.iter_with_reshape:
            volume = volume * u.Quantity(axis.bin_width).reshape(shape)
        return volume

    # ------------------------------------------------------------------ conversions
    def _per_axis(self, values):
        if isinstance(values, Mapping) or hasattr(values, "keys"):
            out = []
            for ax in self._axes:
                out.append(values[ax.name])
            return out
        values = list(values)
        if len(values) != len(self):
            raise AxisError(
                f"Expected {len(self)} values (one per axis {self.names}), got {len(values)}."
            )
        return values

    def coord_to_pix(self, coord):
        """Pixel coordinates of axis coordinates (mapping by name, or sequence); tuple of arrays."""
        return tuple(
            ax.coord_to_pix(c) for ax, c in zip(self._axes, self._per_axis(coord))
        )

    def coord_to_idx(self, coord, clip=True):
        """Bin indices of axis coordinates (tuple of int arrays, ``-1`` outside unless ``clip``)."""
        return tuple(
            ax.coord_to_idx(c, clip=clip)
            for ax, c in zip(self._axes, self._per_axis(coord))
        )

    def pix_to_coord(self, pix):
        """Axis coordinates of pixel coordinates (tuple)."""
        return tuple(
            ax.pix_to_coord(p) for ax, p in zip(self._axes, self._per_axis(pix))
        )

    def pix_to_idx(self, pix, clip=False):
        """Bin indices of pixel coordinates (tuple of int arrays)."""
        return tuple(
            ax.pix_to_idx(p, clip=clip)
            for ax, p in zip(self._axes, self._per_axis(pix))
        )

    # ------------------------------------------------------------------ manipulations
    def _new(self, axes):
        return self.__class__(axes, n_spatial_axes=self._n_spatial_axes)

    def _names_or_all(self, axis_name):
        if axis_name is None:
            return [ax.name for ax in self._axes]
        if isinstance(axis_name, str):
            self.index(axis_name)
            return [axis_name]
        for name in axis_name:
            self.index(name)
        return list(axis_name)

    def _apply(self, func, axis_name):
        names = {n.upper() for n in self._names_or_all(axis_name)}
        return self._new(
            [func(ax) if ax.name.upper() in names else ax for ax in self._axes]
        )

    def downsample(self, factor, axis_name=None):
        """Axes with the named axis (default all) downsampled by ``factor``."""
        return self._apply(lambda ax: ax.downsample(factor), axis_name)

    def upsample(self, factor, axis_name=None):
        """Axes with the named axis (default all) upsampled by ``factor``."""
        return self._apply(lambda ax: ax.upsample(factor), axis_name)

    def squash(self, axis_name=None):
        """Axes with the named axis (default all) squashed to one bin."""
        return self._apply(lambda ax: ax.squash(), axis_name)

    def pad(self, axis_name, pad_width):
        """Axes with the named axis padded by ``pad_width`` bins (int or (before, after))."""
        return self._apply(lambda ax: ax.pad(pad_width), axis_name)

    def replace(self, axis):
        """Axes with the axis of the same name replaced by ``axis``."""
        idx = self.index(axis.name)
        axes = list(self._axes)
        axes[idx] = axis
        return self._new(axes)

    def resample(self, axis):
        """Axes with the axis of the same name replaced by ``axis`` (alias of `replace`)."""
        return self.replace(axis)

    def drop(self, axis_name):
        """Axes without the named axis."""
        idx = self.index(axis_name)
        axes = list(self._axes)
        axes.pop(idx)
        return self._new(axes)

    def rename_axes(self, names, new_names):
        """Axes with axes renamed.

        Parameters
        ----------
        names : str or list of str
            Current names.
        new_names : str or list of str
            New names.
        """
        if isinstance(names, str):
            names, new_names = [names], [new_names]
        if len(names) != len(new_names):
            raise AxisError("names and new_names must have the same length.")
        axes = list(self._axes)
        for name, new_name in zip(names, new_names):
            idx = self.index(name)
            axes[idx] = axes[idx].rename(new_name)
        return self._new(axes)

    def slice_by_idx(self, slices):
        """Axes sliced by a dict ``{axis_name: slice or int}``; an int drops the axis."""
        axes = []
        for ax in self._axes:
            ax_slice = slices.get(ax.name, slice(None))
            if isinstance(ax_slice, (int, np.integer)):
                continue
            axes.append(ax.slice(ax_slice))
        return self._new(axes)

    def copy(self):
        """Deep copy."""
        return _copy.deepcopy(self)

    def assert_names(self, required_names, allow_extra=False):
        """Raise `AxisError` unless the axes have exactly (or at least) the required names."""
        required = list(required_names)
        names = self.names
        ok = set(required) <= set(names) if allow_extra else names == required
        if not ok:
            raise AxisError(f"Unexpected axes {names}, expected {required}.")

    # ------------------------------------------------------------------ comparisons
    def is_allclose(self, other, **kwargs):
        """Whether all axes agree within tolerances (see `MapAxis.is_allclose`)."""
        if not isinstance(other, MapAxes) or len(self) != len(other):
            return False
        return all(a.is_allclose(b, **kwargs) for a, b in zip(self._axes, other._axes))

    def __eq__(self, other):
        if not isinstance(other, MapAxes):
            return NotImplemented
        if len(self) != len(other):
            return False
        return all(a == b for a, b in zip(self._axes, other._axes))

    def __hash__(self):
        return id(self)

    def __repr__(self):
        text = "MapAxes\n\n"
        for ax in self._axes:
            text += "\n".join("\t" + line for line in repr(ax).splitlines()) + "\n"
        return text

    # ------------------------------------------------------------------ I/O
    def to_header(self, format="gadf"):
        """Header keywords ``AXCOLS<i>``/``INTERP<i>`` (and time reference) of all axes.

        Parameters
        ----------
        format : str
            Format (``"gadf"``; fgst formats write the same keywords).

        Returns
        -------
        header : `~astropy.io.fits.Header`
            Header.
        """
        header = fits.Header()
        for idx, ax in enumerate(self._axes):
            header.update(ax.to_header(format=format, idx=idx + 1))
        return header

    def to_table(self, format="gadf"):
        """Table of the axes.

        Parameters
        ----------
        format : {"gadf", "ogip", "ogip-sherpa", "ogip-arf", "fgst-ccube", "fgst-template", "gadf-sed", "lightcurve", "gadf-dl3"}
            Format. ``"gadf"`` is the BANDS table: one row per combination of
            non-spatial bins (axis 0 fastest), columns ``CHANNEL`` and per axis
            ``<NAME>``, ``<NAME>_MIN``, ``<NAME>_MAX`` (energy: ``ENERGY``,
            ``E_MIN``, ``E_MAX``), header keywords in ``table.meta``.

        Returns
        -------
        table : `~astropy.table.Table`
            Table.
        """
        from ._axis_bands import axes_to_table

        return axes_to_table(self, format=format)

    def to_table_hdu(self, format="gadf", hdu_bands=None):
        """Table HDU of the axes (``BANDS``, ``EBOUNDS`` or ``ENERGIES``).

        Parameters
        ----------
        format : str
            See `to_table`.
        hdu_bands : str, optional
            HDU name; default ``"BANDS"`` (``"EBOUNDS"`` for fgst-ccube and OGIP,
            ``"ENERGIES"`` for fgst-template).
        """
        if hdu_bands is None:
            hdu_bands = {
                "fgst-ccube": "EBOUNDS",
                "ogip": "EBOUNDS",
                "ogip-sherpa": "EBOUNDS",
                "fgst-template": "ENERGIES",
            }.get(format, "BANDS")
        if format in ("ogip", "ogip-sherpa", "ogip-arf", "ogip-arf-sherpa"):
            from ._axis_bands import _energy_axis

            hdu = _energy_axis(self).to_table_hdu(format=format)
            hdu.name = hdu_bands if hdu_bands != "BANDS" else hdu.name
            return hdu
        table = self.to_table(format=format)
        return fits.BinTableHDU(table, name=hdu_bands)

    @classmethod
    def from_table(cls, table, format="gadf"):
        """Axes from a table.

        Parameters
        ----------
        table : `~astropy.table.Table`
            Table (header keywords in ``table.meta``).
        format : {"gadf", "ogip", "ogip-sherpa", "ogip-arf", "fgst-ccube", "fgst-template", "gadf-dl3", "gadf-sed", "lightcurve"}
            Format.

        Returns
        -------
        axes : `MapAxes`
            Axes.
        """
        from ._axis_bands import axes_from_table

        return axes_from_table(cls, table, format=format)

    @classmethod
    def from_table_hdu(cls, hdu, format="gadf"):
        """Axes from a `~astropy.io.fits.BinTableHDU` (see `from_table`)."""
        return cls.from_table(Table.read(hdu), format=format)
