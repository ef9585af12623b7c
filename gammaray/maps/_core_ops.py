"""Generic map operations over non-spatial axes: reductions, slicing, iteration,
resampling, stacking. A mixin of :class:`gammaray.maps.core.Map`.

Spatial operations (pad, crop, cutout, up/downsampling, convolution, smoothing,
plotting) are kind-specific: the generic methods here handle the non-spatial
axes and call hooks (``_pad_spatial``, ``_upsample_spatial``, ...) that the
subclasses implement.
"""

import copy as _copy
import logging

import astropy.units as u
import numpy as np

from gammaray.utils.errors import AxisError, GeometryMismatchError

__all__ = []

log = logging.getLogger(__name__)


def _not_implemented(obj, name):
    return NotImplementedError(
        f"{type(obj).__name__}.{name} is not available for this kind of map."
    )


class MapOpsMixin:
    """Reductions, slicing, iteration and resampling of `~gammaray.maps.Map`."""

    # -- axis helpers -------------------------------------------------------
    def _data_axis_index(self, axis_name):
        """Index in ``data`` of the non-spatial axis ``axis_name``."""
        names = list(self.geom.axes.names)
        if axis_name not in names:
            raise AxisError(f"Map has no axis {axis_name!r}; available axes: {names}.")
        return len(names) - 1 - names.index(axis_name)

    def _weights_data(self, weights):
        if weights is None:
            return None
        return np.asarray(getattr(weights, "data", weights))

    # -- reductions ---------------------------------------------------------
    def reduce(self, axis_name, func=np.add, keepdims=False, weights=None):
        """Reduce the map over one non-spatial axis.

        Parameters
        ----------
        axis_name : str
            Axis to reduce.
        func : `~numpy.ufunc`
            Reduction ufunc (``np.add``, ``np.logical_or``, ``np.maximum``, ...).
        keepdims : bool
            Keep the axis with one bin (squashed) instead of dropping it.
        weights : `~gammaray.maps.Map` or `~numpy.ndarray`, optional
            Weights multiplied with the data before reducing.

        Returns
        -------
        map : `~gammaray.maps.Map`
            Reduced map.
        """
        idx = self._data_axis_index(axis_name)
        data = self.data
        w = self._weights_data(weights)
        if w is not None:
            data = data * w
        data = func.reduce(data, axis=idx, keepdims=keepdims)
        if keepdims:
            geom = self.geom.squash(axis_name=axis_name)
        else:
            geom = self.geom.drop(axis_name=axis_name)
        return self._init_copy(geom=geom, data=np.asarray(data))

    def reduce_over_axes(
        self, func=np.add, keepdims=False, axes_names=None, weights=None
    ):
        """Reduce the map over several (default: all) non-spatial axes.

        Parameters
        ----------
        func : `~numpy.ufunc`
            Reduction ufunc.
        keepdims : bool
            Keep reduced axes with one bin.
        axes_names : list of str, optional
            Axes to reduce; all non-spatial axes if None.
        weights : `~gammaray.maps.Map` or `~numpy.ndarray`, optional
            Weights multiplied with the data first.
        """
        if axes_names is None:
            axes_names = list(self.geom.axes.names)
        result = self.copy()
        w = self._weights_data(weights)
        if w is not None:
            result.data = result.data * w
        for name in axes_names:
            result = result.reduce(name, func=func, keepdims=keepdims)
        return result

    def sum_over_axes(self, axes_names=None, keepdims=True, weights=None):
        """Sum over non-spatial axes (default: all).

        Parameters
        ----------
        axes_names : list of str, optional
            Axes to sum over.
        keepdims : bool
            Keep the summed axes with one bin.
        weights : `~gammaray.maps.Map` or `~numpy.ndarray`, optional
            Weights multiplied with the data first (e.g. a mask).
        """
        return self.reduce_over_axes(
            func=np.add, keepdims=keepdims, axes_names=axes_names, weights=weights
        )

    def resample_axis(self, axis, weights=None, ufunc=np.add):
        """Resample the map onto a coarser axis whose edges are a subset of the old ones.

        Parameters
        ----------
        axis : `~gammaray.maps.MapAxis`
            New axis (same name as an existing axis).
        weights : `~gammaray.maps.Map` or `~numpy.ndarray`, optional
            Weights multiplied with the data first.
        ufunc : `~numpy.ufunc`
            Reduction within each new bin.
        """
        geom = self.geom.resample_axis(axis)
        old = self.geom.axes[axis.name]
        idx_data = self._data_axis_index(axis.name)
        edges = old.edges
        new_edges = axis.edges
        if hasattr(new_edges, "unit") and hasattr(edges, "unit"):
            new_edges = new_edges.to(edges.unit)
        ev = np.asarray(getattr(edges, "value", edges), dtype=float)
        nv = np.asarray(getattr(new_edges, "value", new_edges), dtype=float)
        pos = np.array([np.argmin(np.abs(ev - e)) for e in nv])
        if not np.allclose(ev[pos], nv, rtol=1e-5):
            raise AxisError(
                f"The new {axis.name!r} edges are not a subset of the map's edges."
            )
        data = self.data
        w = self._weights_data(weights)
        if w is not None:
            data = data * w
        data = np.take(data, np.arange(pos[0], pos[-1]), axis=idx_data)
        data = ufunc.reduceat(data, pos[:-1] - pos[0], axis=idx_data)
        return self._init_copy(geom=geom, data=data)

    # -- slicing and iteration ---------------------------------------------
    def slice_by_idx(self, slices):
        """Slice non-spatial axes by index.

        Parameters
        ----------
        slices : dict
            Axis name -> int or slice; integers drop the axis.
        """
        geom = self.geom.slice_by_idx(slices)
        index = tuple(slices.get(ax.name, slice(None)) for ax in self.geom.axes)
        data = self.data[index[::-1]]
        return self._init_copy(geom=geom, data=data)

    def get_image_by_idx(self, idx):
        """Image at the non-spatial index tuple ``idx`` (pixel order)."""
        if len(idx) != len(self.geom.axes):
            raise AxisError(
                f"Expected {len(self.geom.axes)} indices (one per non-spatial axis), "
                f"got {len(idx)}."
            )
        slices = {ax.name: int(i) for ax, i in zip(self.geom.axes, idx)}
        return self.slice_by_idx(slices)

    def get_image_by_coord(self, coords):
        """Image at non-spatial coordinates (dict axis name -> value)."""
        if not isinstance(coords, dict):
            coords = dict(zip(self.geom.axes.names, coords))
        idx = []
        for ax in self.geom.axes:
            i = int(np.asarray(ax.coord_to_idx(coords[ax.name])).item())
            if i < 0:
                raise AxisError(
                    f"Coordinate {coords[ax.name]} is outside axis {ax.name!r}."
                )
            idx.append(i)
        return self.get_image_by_idx(idx)

    def get_image_by_pix(self, pix):
        """Image at non-spatial pixel coordinates."""
        idx = [int(np.floor(float(p) + 0.5)) for p in pix]
        return self.get_image_by_idx(idx)

    def iter_by_image_data(self):
        """Iterate over image planes: yields ``(data, idx)`` with ``idx`` in data order."""
        for idx in np.ndindex(self.geom.axes.shape):
            yield self.data[idx[::-1]], idx[::-1]

    def iter_by_image(self, keepdims=False):
        """Iterate over the image planes as maps.

        Parameters
        ----------
        keepdims : bool
            Keep the non-spatial axes with one bin each.
        """
        axes = list(self.geom.axes)
        for idx in np.ndindex(self.geom.axes.shape):
            if keepdims:
                slices = {ax.name: slice(i, i + 1) for ax, i in zip(axes, idx)}
            else:
                slices = {ax.name: i for ax, i in zip(axes, idx)}
            yield self.slice_by_idx(slices)

    def iter_by_axis(self, axis_name, keepdims=False):
        """Iterate over the bins of one axis, yielding maps."""
        n = self.geom.axes[axis_name].nbin
        for i in range(n):
            s = slice(i, i + 1) if keepdims else i
            yield self.slice_by_idx({axis_name: s})

    def split_by_axis(self, axis_name):
        """Split the map into a list of maps, one per bin of ``axis_name``."""
        return list(self.iter_by_axis(axis_name, keepdims=True))

    def to_cube(self, axes):
        """Append non-spatial axes (repeating the data).

        Parameters
        ----------
        axes : list of `~gammaray.maps.MapAxis`
            Axes to add.
        """
        geom = self.geom.to_cube(axes)
        data = np.broadcast_to(
            self.data.reshape((1,) * len(axes) + self.data.shape), geom.data_shape
        ).copy()
        return self._init_copy(geom=geom, data=data)

    # -- stacking ---------------------------------------------------------------
    def _stack_slices(self, other):
        """(parent slices, cutout slices) for stacking ``other`` onto ``self``."""
        if self.geom == other.geom:
            return Ellipsis, Ellipsis
        raise GeometryMismatchError(
            f"Cannot stack a {type(other.geom).__name__} map onto a different "
            f"{type(self.geom).__name__}; only equal geometries (or aligned WCS "
            "cutouts) can be stacked."
        )

    def stack(self, other, weights=None, nan_to_num=True):
        """Add another map onto this one (in place) where the geometries overlap.

        Parameters
        ----------
        other : `~gammaray.maps.Map`
            Map to add; same geometry, or (WCS) a cutout aligned with this map.
        weights : `~gammaray.maps.Map` or `~numpy.ndarray`, optional
            Weights (e.g. a safe mask) on ``other``'s geometry.
        nan_to_num : bool
            Replace non-finite values of ``other`` by zero.
        """
        parent, cutout = self._stack_slices(other)
        data = (
            other.quantity[cutout].to_value(self.unit)
            if not other.is_mask
            else other.data[cutout]
        )
        if nan_to_num and data.dtype.kind == "f":
            data = np.where(np.isfinite(data), data, 0)
        w = self._weights_data(weights)
        if w is not None:
            data = data * np.asarray(w)[cutout]
        if self.is_mask:
            self.data[parent] |= data.astype(bool)
        else:
            self.data[parent] += data.astype(self.data.dtype, copy=False)

    @classmethod
    def from_stack(cls, maps, axis=None, axis_name=None):
        """Stack maps along a new axis or concatenate along an existing one.

        Parameters
        ----------
        maps : list of `~gammaray.maps.Map`
            Maps with the same spatial geometry.
        axis : `~gammaray.maps.MapAxis`, optional
            New axis with one bin per map.
        axis_name : str, optional
            Existing axis along which the maps are concatenated (default: the
            last non-spatial axis if ``axis`` is None).
        """
        from gammaray.maps.axes import MapAxis

        maps = list(maps)
        if not maps:
            raise ValueError("from_stack needs at least one map.")
        first = maps[0]
        unit = first.unit
        datas = [m.quantity.to_value(unit) if not m.is_mask else m.data for m in maps]
        if axis is not None:
            if axis.nbin != len(maps):
                raise AxisError(
                    f"Axis {axis.name!r} has {axis.nbin} bins but {len(maps)} maps were given."
                )
            geom = first.geom.to_cube([axis])
            data = np.stack(datas, axis=0)
        else:
            if axis_name is None:
                axis_name = first.geom.axes.names[-1]
            idx = first._data_axis_index(axis_name)
            data = np.concatenate(datas, axis=idx)
            ax_list = [m.geom.axes[axis_name] for m in maps]
            if hasattr(MapAxis, "concatenate") and hasattr(ax_list[0], "concatenate"):
                new_axis = ax_list[0]
                for ax in ax_list[1:]:
                    new_axis = new_axis.concatenate(ax)
            else:
                edges = u.Quantity(
                    [ax_list[0].edges[0]] + [e for ax in ax_list for e in ax.edges[1:]]
                )
                new_axis = MapAxis.from_edges(
                    edges, name=axis_name, interp=ax_list[0].interp
                )
            geom = (
                first.geom.replace_axis(new_axis)
                if hasattr(first.geom, "replace_axis")
                else None
            )
        return first.__class__(
            geom=geom, data=data, unit=unit, meta=_copy.deepcopy(first.meta)
        )

    # -- resampling -------------------------------------------------------------
    def upsample(self, factor, order=0, preserve_counts=True, axis_name=None):
        """Upsample the map by an integer factor.

        Parameters
        ----------
        factor : int
            Upsampling factor.
        order : {0, 1}
            Interpolation order (0: repeat values; 1: linear).
        preserve_counts : bool
            Divide by the number of sub-pixels so that the total is preserved.
        axis_name : str, optional
            Non-spatial axis to upsample; spatial upsampling if None.
        """
        factor = int(factor)
        if axis_name is None:
            return self._upsample_spatial(factor, order, preserve_counts)
        geom = self.geom.upsample(factor, axis_name=axis_name)
        idx = self._data_axis_index(axis_name)
        if order == 0:
            data = np.repeat(self.data, factor, axis=idx)
        else:
            n = self.data.shape[idx]
            x_new = (np.arange(n * factor) + 0.5) / factor - 0.5
            x_new = np.clip(x_new, 0, n - 1)
            lo = np.clip(np.floor(x_new).astype(int), 0, max(n - 2, 0))
            w = x_new - lo
            shape = [1] * self.data.ndim
            shape[idx] = -1
            w = w.reshape(shape)
            a = np.take(self.data, lo, axis=idx)
            b = np.take(self.data, np.minimum(lo + 1, n - 1), axis=idx)
            data = a * (1 - w) + b * w
        if preserve_counts:
            data = data / factor
        return self._init_copy(geom=geom, data=np.asarray(data))

    def downsample(self, factor, preserve_counts=True, axis_name=None, weights=None):
        """Downsample the map by an integer factor (summing blocks).

        Parameters
        ----------
        factor : int
            Downsampling factor.
        preserve_counts : bool
            Sum blocks (True) or average them (False).
        axis_name : str, optional
            Non-spatial axis to downsample; spatial downsampling if None.
        weights : `~gammaray.maps.Map` or `~numpy.ndarray`, optional
            Weights multiplied with the data first.
        """
        factor = int(factor)
        w = self._weights_data(weights)
        if axis_name is None:
            return self._downsample_spatial(factor, preserve_counts, w)
        geom = self.geom.downsample(factor, axis_name=axis_name)
        idx = self._data_axis_index(axis_name)
        data = self.data if w is None else self.data * w
        n_new = geom.data_shape[idx]
        data = np.take(data, np.arange(min(n_new * factor, data.shape[idx])), axis=idx)
        data = np.add.reduceat(data, np.arange(0, data.shape[idx], factor), axis=idx)
        if not preserve_counts:
            data = data / factor
        return self._init_copy(geom=geom, data=data)

    # -- kind-specific hooks ------------------------------------------------------
    def _upsample_spatial(self, factor, order, preserve_counts):
        raise _not_implemented(self, "upsample")

    def _downsample_spatial(self, factor, preserve_counts, weights):
        raise _not_implemented(self, "downsample")

    def pad(self, pad_width, axis_name=None, mode="constant", cval=0, method=None):
        """Pad the map (kind-specific)."""
        raise _not_implemented(self, "pad")

    def crop(self, crop_width):
        """Crop the map (kind-specific)."""
        raise _not_implemented(self, "crop")

    def cutout(self, position, width, mode="trim", odd_npix=False, min_npix=1):
        """Cut out a part of the map (kind-specific)."""
        raise _not_implemented(self, "cutout")

    def convolve(self, kernel):
        """Convolve the map with a kernel (kind-specific)."""
        raise _not_implemented(self, "convolve")

    def smooth(self, width, kernel="gauss", **kwargs):
        """Smooth the map (kind-specific)."""
        raise _not_implemented(self, "smooth")

    def plot(self, *args, **kwargs):
        """Plot the map (kind-specific)."""
        raise _not_implemented(self, "plot")

    def plot_interactive(self, rc_params=None, **kwargs):
        """Plot with one slider per non-spatial axis (needs ipywidgets).

        Parameters
        ----------
        rc_params : dict, optional
            Matplotlib rc parameters for the plot.
        **kwargs : dict
            Passed to `plot` of each image.

        Returns
        -------
        widget : `ipywidgets.interactive`
            The widget; display it in a Jupyter notebook.
        """
        try:
            import ipywidgets
        except ImportError:
            raise ImportError(
                "plot_interactive needs ipywidgets: `pip install ipywidgets` (and run "
                "in a Jupyter notebook); use plot_grid() otherwise."
            ) from None
        import matplotlib as mpl
        import matplotlib.pyplot as plt

        if self.geom.is_image:
            raise TypeError(
                "plot_interactive needs a map with non-spatial axes; use plot()."
            )
        rc_params = rc_params or {}
        interact_kwargs = {
            axis.name: ipywidgets.IntSlider(
                min=0, max=axis.nbin - 1, value=0, description=axis.name
            )
            for axis in self.geom.axes
        }

        def _plot(**idx):
            with mpl.rc_context(rc=rc_params):
                plt.figure()
                image = self.get_image_by_idx(
                    tuple(idx[ax.name] for ax in self.geom.axes)
                )
                image.plot(**kwargs)
                plt.show()

        return ipywidgets.interactive(_plot, **interact_kwargs)

    # -- axis algebra -------------------------------------------------------------
    def rename_axes(self, names, new_names):
        """Return a map with non-spatial axes renamed.

        Parameters
        ----------
        names : str or list of str
            Current names.
        new_names : str or list of str
            New names.
        """
        geom = self.geom.rename_axes(names=names, new_names=new_names)
        return self._init_copy(geom=geom)

    def reorder_axes(self, axes_names):
        """Return a map with the non-spatial axes in the order ``axes_names``."""
        old = list(self.geom.axes.names)
        if sorted(old) != sorted(axes_names):
            raise AxisError(
                f"reorder_axes needs a permutation of {old}, got {list(axes_names)}."
            )
        axes = [self.geom.axes[name] for name in axes_names]
        geom = self.geom.to_image().to_cube(axes)
        n = len(old)
        src = [n - 1 - old.index(name) for name in axes_names]
        dst = [n - 1 - i for i in range(n)]
        data = np.moveaxis(self.data, src, dst)
        return self._init_copy(geom=geom, data=np.ascontiguousarray(data))

    def normalize(self, axis_name=None):
        """Return the map normalised to unit sum (over ``axis_name`` or everything).

        Parameters
        ----------
        axis_name : str, optional
            Axis along which each slice is normalised; the whole map if None.
        """
        with np.errstate(invalid="ignore", divide="ignore"):
            if axis_name is None:
                data = self.data / np.sum(self.data)
            else:
                idx = self._data_axis_index(axis_name)
                data = self.data / np.sum(self.data, axis=idx, keepdims=True)
        data = np.nan_to_num(data, nan=0.0)
        return self._init_copy(data=data, unit="")

    def cumsum(self, axis_name):
        """Cumulative integral along an axis (``data * bin_width`` summed).

        The result has one more bin: its axis has nodes at the old edges and
        starts at zero. For an axis named ``"rad"`` the ``2 pi r`` Jacobian is
        included (PSF containment).

        Parameters
        ----------
        axis_name : str
            Axis name.
        """
        from gammaray.maps.axes import MapAxis

        axis = self.geom.axes[axis_name]
        idx = self._data_axis_index(axis_name)
        shape = [1] * self.data.ndim
        shape[idx] = -1
        values = self.quantity * axis.bin_width.reshape(shape)
        if axis_name == "rad":
            values = 2 * np.pi * axis.center.reshape(shape) * values
        data = np.insert(values.cumsum(axis=idx), 0, 0, axis=idx)
        new_axis = MapAxis.from_nodes(axis.edges, name=axis.name, interp=axis.interp)
        geom = self.geom.replace_axis(new_axis)
        return self.__class__(geom=geom, data=data.value, unit=data.unit)

    def dot(self, other):
        """Contract the one axis shared with a region map ``other`` (e.g. an EDisp kernel).

        The shared axis of this map is replaced by the remaining axes of
        ``other`` (at the same position).

        Parameters
        ----------
        other : `~gammaray.maps.RegionNDMap`
            Map without spatial extent sharing exactly one axis with this map.
        """
        shared = [n for n in self.geom.axes.names if n in other.geom.axes.names]
        if len(shared) != 1:
            raise AxisError(
                f"dot needs exactly one common axis, found {shared} between "
                f"{list(self.geom.axes.names)} and {list(other.geom.axes.names)}."
            )
        name = shared[0]
        axes = list(self.geom.axes.names)
        k = axes.index(name)
        n_spatial = self.data.ndim - len(axes)
        x = self.data.T
        other_names = list(other.geom.axes.names)
        y = np.asarray(other.data).T
        y = y.reshape(y.shape[other.data.ndim - len(other_names) :])
        j = other_names.index(name)
        y = np.moveaxis(y, j, 0)
        rest = [other.geom.axes[n] for n in other_names if n != name]
        z = np.tensordot(x, y, axes=([n_spatial + k], [0]))
        nr = len(rest)
        z = np.moveaxis(
            z,
            list(range(z.ndim - nr, z.ndim)),
            list(range(n_spatial + k, n_spatial + k + nr)),
        )
        new_axes = list(self.geom.axes)[:k] + rest + list(self.geom.axes)[k + 1 :]
        geom = self.geom.to_image().to_cube(new_axes)
        unit = self.unit * other.unit
        return self._init_copy(geom=geom, data=np.ascontiguousarray(z.T), unit=unit)

    def apply_edisp(self, edisp):
        """Apply an energy dispersion matrix along the ``energy_true`` axis.

        Parameters
        ----------
        edisp : `~gammaray.irf.EDispKernel` or None
            Kernel with ``pdf_matrix`` (shape ``(n_true, n_reco)``) and an
            ``energy`` axis; None only renames ``energy_true`` to ``energy``.
        """
        from gammaray.maps.axes import MapAxis

        idx = self._data_axis_index("energy_true")
        if edisp is not None:
            data = np.moveaxis(self.data, idx, -1)
            data = np.dot(data, edisp.pdf_matrix)
            data = np.moveaxis(data, -1, idx)
            energy_axis = edisp.axes["energy"].copy(name="energy")
        else:
            data = self.data
            axis = self.geom.axes["energy_true"]
            energy_axis = MapAxis.from_edges(
                axis.edges, name="energy", interp=axis.interp
            )
        axes = [energy_axis if a.name == "energy_true" else a for a in self.geom.axes]
        geom = self.geom.to_image().to_cube(axes)
        return self._init_copy(geom=geom, data=data)

    # -- events ---------------------------------------------------------------------
    def fill_events(self, events, weights=None):
        """Fill an event list (anything with ``map_coord(geom)``) into the map."""
        self.fill_by_coord(events.map_coord(self.geom), weights=weights)

    def sample_coord(self, n_events, random_state=0):
        """Sample coordinates from the map used as a probability density.

        Pixels are drawn with probability proportional to their value and the
        position is spread uniformly within the pixel (in pixel coordinates).

        Parameters
        ----------
        n_events : int
            Number of samples.
        random_state : int, str or `~numpy.random.RandomState`
            Random state (see `gammaray.utils.random.get_random_state`).

        Returns
        -------
        coords : `~gammaray.maps.MapCoord`
            Sampled coordinates (with keys ``lon``, ``lat`` and axis names).
        """
        from gammaray.maps.coord import MapCoord
        from gammaray.utils.random import get_random_state

        rng = get_random_state(random_state)
        pdf = np.clip(
            np.nan_to_num(np.asarray(self.data, dtype=float).ravel()), 0, None
        )
        cdf = np.cumsum(pdf)
        if cdf[-1] <= 0:
            raise ValueError("Cannot sample from a map without positive values.")
        cdf /= cdf[-1]
        flat = np.searchsorted(cdf, rng.uniform(size=int(n_events)), side="right")
        flat = np.minimum(flat, pdf.size - 1)
        idx = np.unravel_index(flat, self.data.shape)
        pix = [i + rng.uniform(-0.5, 0.5, size=i.shape) for i in idx[::-1]]
        coords = self.geom.pix_to_coord(tuple(pix))
        data = {"lon": coords[0], "lat": coords[1]}
        for ax, c in zip(self.geom.axes, coords[len(coords) - len(self.geom.axes) :]):
            data[ax.name] = c
        return MapCoord.create(data, frame=self.geom.frame)

    # -- masks ------------------------------------------------------------------
    def mask_nearest_position(self, position):
        """Closest position to ``position`` where this (boolean) mask is True.

        Non-spatial axes are reduced with logical OR first.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`
            Position.

        Returns
        -------
        position : `~astropy.coordinates.SkyCoord`
            Nearest valid pixel centre.
        """
        if not self.is_mask:
            raise ValueError("mask_nearest_position needs a boolean mask map.")
        mask = self.reduce_over_axes(func=np.logical_or) if self.geom.axes else self
        coords = mask.geom.get_coord()
        skycoord = coords.skycoord[mask.data.astype(bool)]
        if skycoord.size == 0:
            raise ValueError("The mask has no True pixel.")
        sep = skycoord.separation(position)
        return skycoord[np.argmin(sep)]
