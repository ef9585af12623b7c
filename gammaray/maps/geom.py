"""Abstract map geometry: spatial pixelisation plus non-spatial axes.

`Geom` implements every generic geometry method once, in terms of a few
methods each geometry kind (WCS, HEALPix, region) provides:

- properties ``data_shape``, ``is_allsky``, ``center_coord``, ``center_pix``,
  ``center_skydir``, ``frame``, ``axes`` (a `~gammaray.maps.MapAxes`);
- ``coord_to_pix``, ``pix_to_coord``, ``pix_to_idx``, ``get_idx``, ``get_coord``,
  ``contains_pix`` (may use the generic one below), ``solid_angle``;
- ``_pad_spatial``, ``_crop_spatial``, ``_downsample_spatial``,
  ``_upsample_spatial``; ``to_header``/``from_header``/``from_hdulist``.

Constructor arguments must be stored as ``self._<name>`` attributes (or be
readable as properties ``<name>``) so that the generic `Geom._init_copy` /
`Geom.copy` can rebuild the geometry with some arguments replaced.

Helpers for subclasses: `Geom._coord_to_pix_axes`, `Geom._pix_to_coord_axes`,
`Geom._pix_to_idx_axes`, `Geom._prepare_coords`, `Geom._get_coord_axes`.
"""

import abc
import copy as _copy
import functools
import inspect

import numpy as np
from astropy import units as u

from gammaray.maps.coord import MapCoord

__all__ = ["Geom", "INVALID_INDEX", "pix_to_idx_spatial"]

#: Index of positions outside the geometry.
INVALID_INDEX = -1


def pix_to_idx_spatial(pix, npix, clip=False):
    """Integer pixel index of float pixel coordinates along one spatial dimension.

    Pixel ``i`` covers ``[i - 0.5, i + 0.5)``. Outside (and for non-finite
    values) the index is ``-1`` unless ``clip`` (then clipped into range;
    non-finite stays ``-1``).

    Parameters
    ----------
    pix : `~numpy.ndarray`
        Pixel coordinates.
    npix : int
        Number of pixels.
    clip : bool
        Clip out-of-range indices instead of marking them invalid.

    Returns
    -------
    idx : `~numpy.ndarray` of int
        Indices.
    """
    pix = np.asarray(pix)
    if np.issubdtype(pix.dtype, np.integer):
        idx = pix.astype(np.int64, copy=True)
        if clip:
            return np.clip(idx, 0, npix - 1, out=idx)
        idx[(idx < 0) | (idx >= npix)] = INVALID_INDEX
        return idx
    shifted = np.array(pix + 0.5, dtype=np.float64)  # 0-d array for scalars
    with np.errstate(invalid="ignore"):
        idx = np.floor(shifted, out=shifted).astype(np.int64)
    finite = np.isfinite(pix)
    if clip:
        np.clip(idx, 0, npix - 1, out=idx)
        idx[~finite] = INVALID_INDEX
    else:
        idx[~((idx >= 0) & (idx < npix) & finite)] = INVALID_INDEX
    return idx


@functools.cache
def _init_parameters(cls):
    """Parameters of ``cls.__init__`` (by name), looked up once per class."""
    return dict(inspect.signature(cls.__init__).parameters)


def _axis_bin_width(axis):
    width = getattr(axis, "bin_width", None)
    if width is None:
        width = np.diff(axis.edges)
    return width


class Geom(abc.ABC):
    """Abstract base class of map geometries (spatial pixelisation + non-spatial axes)."""

    #: True for `~gammaray.maps.HpxGeom`.
    is_hpx = False
    #: True for `~gammaray.maps.RegionGeom`.
    is_region = False

    # ---- abstract interface -------------------------------------------------
    @property
    @abc.abstractmethod
    def data_shape(self):
        """Shape of the data array (numpy order: axes reversed, then spatial)."""

    @property
    @abc.abstractmethod
    def axes(self):
        """Non-spatial axes (`~gammaray.maps.MapAxes`)."""

    @property
    @abc.abstractmethod
    def frame(self):
        """Sky frame (``"icrs"`` or ``"galactic"``)."""

    @property
    @abc.abstractmethod
    def is_allsky(self):
        """Whether the geometry covers the whole sky."""

    @property
    @abc.abstractmethod
    def center_coord(self):
        """Coordinate tuple of the centre (lon, lat Quantities, axis centres)."""

    @property
    @abc.abstractmethod
    def center_pix(self):
        """Pixel tuple of the centre."""

    @property
    @abc.abstractmethod
    def center_skydir(self):
        """Sky position of the centre (`~astropy.coordinates.SkyCoord`)."""

    @abc.abstractmethod
    def coord_to_pix(self, coords):
        """Convert map coordinates to pixel coordinates (tuple of float arrays)."""

    @abc.abstractmethod
    def pix_to_coord(self, pix):
        """Convert pixel coordinates to map coordinates (tuple)."""

    @abc.abstractmethod
    def pix_to_idx(self, pix, clip=False):
        """Convert pixel coordinates to integer indices (``-1`` outside unless ``clip``)."""

    @abc.abstractmethod
    def get_idx(self, idx=None, flat=False):
        """Integer index arrays of all pixels (tuple in pixel order)."""

    @abc.abstractmethod
    def get_coord(self, mode="center", frame=None, sparse=False, axis_name=None):
        """Coordinates of all pixels as a `~gammaray.maps.MapCoord`."""

    @abc.abstractmethod
    def solid_angle(self):
        """Solid angle of the spatial pixels (`~astropy.units.Quantity` in sr)."""

    @abc.abstractmethod
    def _pad_spatial(self, pad_width):
        """Geometry padded by ``pad_width`` pixels on each spatial side."""

    @abc.abstractmethod
    def _crop_spatial(self, crop_width):
        """Geometry cropped by ``crop_width`` pixels on each spatial side."""

    def _downsample_spatial(self, factor):
        raise NotImplementedError(
            f"{type(self).__name__} cannot be downsampled spatially."
        )

    def _upsample_spatial(self, factor):
        raise NotImplementedError(
            f"{type(self).__name__} cannot be upsampled spatially."
        )

    @abc.abstractmethod
    def to_header(self):
        """FITS header describing the geometry."""

    @classmethod
    @abc.abstractmethod
    def from_header(cls, header, hdu_bands=None, format="gadf"):
        """Create the geometry from a FITS header (and optional BANDS HDU)."""

    # ---- copies -------------------------------------------------------------
    #: Constructor arguments the constructor copies itself (not deep-copied
    #: again by `_init_copy`).
    _init_copies = ()

    def _init_copy(self, **kwargs):
        """Rebuild the geometry with some constructor arguments replaced.

        Arguments not given are taken from ``self._<name>`` (or the property
        ``<name>``); parameters with a default and no stored value keep the
        default.
        """
        for name, param in _init_parameters(self.__class__).items():
            if name == "self" or name in kwargs:
                continue
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            sentinel = object()
            value = getattr(self, f"_{name}", sentinel)
            if value is sentinel:
                value = getattr(self, name, sentinel)
            if value is sentinel:
                if param.default is param.empty:
                    raise TypeError(
                        f"Cannot copy {type(self).__name__}: no attribute for {name!r}."
                    )
                continue
            if name not in self._init_copies:
                value = _copy.deepcopy(value)
            kwargs[name] = value
        return self.__class__(**kwargs)

    def copy(self, **kwargs):
        """Deep copy of the geometry, optionally replacing constructor arguments.

        Parameters
        ----------
        **kwargs : dict
            Constructor arguments to replace (e.g. ``axes=[...]``).

        Returns
        -------
        geom : `Geom`
            The copy.
        """
        return self._init_copy(**kwargs)

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        if not isinstance(other, self.__class__):
            return False
        return self.is_allclose(other)

    def __ne__(self, other):
        return not self.__eq__(other)

    @abc.abstractmethod
    def is_allclose(self, other, rtol_axes=1e-6, atol=1e-6):
        """Whether two geometries are equal within tolerances."""

    # ---- generic shape properties ------------------------------------------
    @property
    def data_shape_axes(self):
        """Shape of the non-spatial part of the data, broadcastable to ``data_shape``."""
        ndim_spatial = len(self.data_shape) - len(self.axes)
        return tuple(self.axes.shape)[::-1] + (1,) * ndim_spatial

    @property
    def ndim(self):
        """Number of dimensions of the data array."""
        return len(self.data_shape)

    @property
    def is_image(self):
        """Whether the geometry has no non-spatial axes."""
        return len(self.axes) == 0

    @property
    def is_flat(self):
        """Whether every non-spatial axis has a single bin (equivalent to an image)."""
        return all(ax.nbin == 1 for ax in self.axes)

    @property
    def is_regular(self):
        """Whether the spatial pixelisation is the same in every image plane (always True)."""
        return True

    @property
    def has_energy_axis(self):
        """Whether the geometry has exactly one of the ``energy``/``energy_true`` axes."""
        names = self.axes.names
        return ("energy" in names) ^ ("energy_true" in names)

    def data_nbytes(self, dtype="float32"):
        """Estimated memory of a data array of this geometry.

        Parameters
        ----------
        dtype : str or `~numpy.dtype`
            Data type.

        Returns
        -------
        memory : `~astropy.units.Quantity`
            Memory in MB.
        """
        nbytes = int(np.prod(self.data_shape)) * np.dtype(dtype).itemsize
        return (nbytes * u.byte).to("MB")

    # ---- coordinate helpers for subclasses ------------------------------------
    def _prepare_coords(self, coords):
        """Return ``coords`` as a `MapCoord` in the frame of this geometry."""
        coords = MapCoord.create(coords, frame=self.frame, axis_names=self.axes.names)
        if (
            coords.frame is not None
            and self.frame is not None
            and coords.frame != self.frame
        ):
            coords = coords.to_frame(self.frame)
        n_given = coords.ndim - 2
        if n_given < len(self.axes):
            missing = [n for n in self.axes.names if n not in coords.axis_names]
            raise ValueError(
                f"Coordinates lack values for the non-spatial axes {missing}; give one "
                f"array per axis in order {['lon', 'lat', *self.axes.names]}."
            )
        return coords

    def _axis_coord(self, coords, idx, axis):
        if coords.match_by_name:
            try:
                return coords[axis.name]
            except KeyError:
                raise ValueError(
                    f"Coordinates have no entry {axis.name!r}; available: {coords.axis_names}."
                ) from None
        return coords[idx + 2]

    def _coord_to_pix_axes(self, coords):
        """Pixel coordinates of the non-spatial axes (tuple)."""
        return tuple(
            np.asarray(ax.coord_to_pix(self._axis_coord(coords, i, ax)), dtype=float)
            for i, ax in enumerate(self.axes)
        )

    def _pix_to_coord_axes(self, pix):
        """Coordinates of the non-spatial axes for pixel tuple ``pix`` (spatial first)."""
        n_spatial = len(pix) - len(self.axes)
        return tuple(ax.pix_to_coord(p) for ax, p in zip(self.axes, pix[n_spatial:]))

    def _pix_to_idx_axes(self, pix, clip=False):
        n_spatial = len(pix) - len(self.axes)
        return tuple(
            np.asarray(ax.pix_to_idx(p, clip=clip))
            for ax, p in zip(self.axes, pix[n_spatial:])
        )

    def _get_coord_axes(self, mode="center", axis_name=None, ndim_spatial=2):
        """Axis coordinate arrays shaped for broadcasting against ``data_shape``."""
        result = {}
        n_axes = len(self.axes)
        for i, ax in enumerate(self.axes):
            values = (
                ax.edges if (mode == "edges" and ax.name == axis_name) else ax.center
            )
            shape = [1] * (n_axes + ndim_spatial)
            shape[n_axes - 1 - i] = -1
            result[ax.name] = values.reshape(shape)
        return result

    # ---- generic coordinate methods ---------------------------------------------
    def coord_to_idx(self, coords, clip=False):
        """Convert map coordinates to integer pixel indices.

        Parameters
        ----------
        coords : tuple, dict, `~astropy.coordinates.SkyCoord` or `~gammaray.maps.MapCoord`
            Coordinates (lon/lat in deg).
        clip : bool
            Clip out-of-range indices to the nearest valid one instead of ``-1``.

        Returns
        -------
        idx : tuple of `~numpy.ndarray`
            Indices in pixel order (``-1`` outside).
        """
        return self.pix_to_idx(self.coord_to_pix(coords), clip=clip)

    def contains(self, coords):
        """Whether coordinates lie inside the geometry.

        Parameters
        ----------
        coords : tuple, dict, `~astropy.coordinates.SkyCoord` or `~gammaray.maps.MapCoord`
            Coordinates.

        Returns
        -------
        contains : `~numpy.ndarray` of bool
            Mask of contained positions.
        """
        idx = self.coord_to_idx(coords)
        return np.all(np.stack([np.asarray(t) != INVALID_INDEX for t in idx]), axis=0)

    def contains_pix(self, pix):
        """Whether pixel coordinates lie inside the geometry.

        Parameters
        ----------
        pix : tuple of `~numpy.ndarray`
            Pixel coordinates.

        Returns
        -------
        contains : `~numpy.ndarray` of bool
            Mask of contained pixels.
        """
        idx = self.pix_to_idx(pix)
        return np.all(np.stack([np.asarray(t) != INVALID_INDEX for t in idx]), axis=0)

    def get_pix(self, idx=None, mode="center"):
        """Pixel coordinates of all pixels (tuple of float arrays in pixel order)."""
        pix = tuple(np.asarray(t, dtype=float) for t in self.get_idx(idx=idx))
        if mode == "edges":
            pix = tuple(p - 0.5 for p in pix)
        return pix

    # ---- axis manipulation --------------------------------------------------------
    def _make_axes(self, axes):
        from gammaray.maps.axes import MapAxes

        if isinstance(axes, MapAxes):
            return axes
        return MapAxes(list(axes) if axes is not None else [])

    def to_image(self):
        """Geometry with the non-spatial axes removed."""
        return self._init_copy(axes=None)

    def to_cube(self, axes):
        """Geometry with ``axes`` appended to the non-spatial axes.

        Parameters
        ----------
        axes : list of `~gammaray.maps.MapAxis`
            Axes to add.

        Returns
        -------
        geom : `Geom`
            The cube geometry.
        """
        return self._init_copy(axes=list(self.axes) + list(axes))

    def squash(self, axis_name):
        """Geometry with the axis ``axis_name`` squashed to a single bin."""
        return self._init_copy(axes=self.axes.squash(axis_name=axis_name))

    def drop(self, axis_name):
        """Geometry with the axis ``axis_name`` removed."""
        return self._init_copy(axes=self.axes.drop(axis_name))

    def replace_axis(self, axis):
        """Geometry with the axis of the same name replaced by ``axis``."""
        return self._init_copy(axes=self.axes.replace(axis))

    def rename_axes(self, names, new_names):
        """Geometry with axes renamed.

        Parameters
        ----------
        names : str or list of str
            Current names.
        new_names : str or list of str
            New names.
        """
        return self._init_copy(axes=self.axes.rename_axes(names, new_names))

    def resample_axis(self, axis):
        """Geometry with an axis resampled onto (a subset of) its own edges.

        The edges of ``axis`` are snapped to the nearest existing edges of the
        axis of the same name, so that each new bin is a group of old bins.

        Parameters
        ----------
        axis : `~gammaray.maps.MapAxis`
            Axis with the requested edges (name must match an existing axis).
        """
        from gammaray.maps.axes import MapAxis

        axis_self = self.axes[axis.name]
        edges_self = axis_self.edges
        target = axis.edges.to(edges_self.unit)
        idx = np.searchsorted(edges_self.value, target.value)
        idx = np.clip(idx, 1, len(edges_self) - 1)
        left, right = edges_self.value[idx - 1], edges_self.value[idx]
        idx = np.where(
            np.abs(target.value - left) <= np.abs(right - target.value), idx - 1, idx
        )
        idx = np.unique(idx)
        if len(idx) < 2:
            raise ValueError(
                f"Resampling axis {axis.name!r} leaves fewer than one bin; give edges "
                f"within {edges_self[0]} .. {edges_self[-1]}."
            )
        new_axis = MapAxis.from_edges(
            edges_self[idx], interp=axis_self.interp, name=axis.name
        )
        return self.replace_axis(new_axis)

    def slice_by_idx(self, slices):
        """Geometry sliced along non-spatial axes.

        Parameters
        ----------
        slices : dict
            Axis name -> int or `slice`. An integer drops the axis.

        Returns
        -------
        geom : `Geom`
            Sliced geometry.
        """
        return self._init_copy(axes=self.axes.slice_by_idx(slices))

    def as_energy_true(self):
        """Geometry with the ``energy`` axis renamed to ``energy_true``."""
        axes = [
            ax.copy(name="energy_true") if ax.name == "energy" else ax
            for ax in self.axes
        ]
        return self._init_copy(axes=axes)

    # ---- resampling -------------------------------------------------------------
    def pad(self, pad_width, axis_name=None):
        """Pad the geometry.

        Parameters
        ----------
        pad_width : int or tuple of int
            Number of pixels/bins added on each side.
        axis_name : str, optional
            Non-spatial axis to pad; None pads the spatial dimensions.

        Returns
        -------
        geom : `Geom`
            Padded geometry.
        """
        if axis_name is None:
            return self._pad_spatial(pad_width)
        return self._init_copy(axes=self.axes.pad(axis_name, pad_width))

    def crop(self, crop_width):
        """Crop the spatial dimensions by ``crop_width`` pixels on each side.

        Parameters
        ----------
        crop_width : int or tuple of int
            Number of pixels removed on each side.
        """
        return self._crop_spatial(crop_width)

    def downsample(self, factor, axis_name=None):
        """Downsample by an integer factor.

        Parameters
        ----------
        factor : int
            Factor (must divide the number of pixels/bins).
        axis_name : str, optional
            Non-spatial axis to downsample; None downsamples the spatial dimensions.
        """
        if axis_name is None:
            return self._downsample_spatial(int(factor))
        return self._init_copy(
            axes=self.axes.downsample(factor=factor, axis_name=axis_name)
        )

    def upsample(self, factor, axis_name=None):
        """Upsample by an integer factor.

        Parameters
        ----------
        factor : int
            Factor.
        axis_name : str, optional
            Non-spatial axis to upsample; None upsamples the spatial dimensions.
        """
        if axis_name is None:
            return self._upsample_spatial(int(factor))
        return self._init_copy(
            axes=self.axes.upsample(factor=factor, axis_name=axis_name)
        )

    # ---- derived quantities -----------------------------------------------------
    def bin_volume(self):
        """Bin volume: solid angle times the widths of the non-spatial bins.

        Returns
        -------
        volume : `~astropy.units.Quantity`
            Bin volume with shape ``data_shape`` (sr times axis units).
        """
        volume = self.solid_angle()
        n_axes = len(self.axes)
        for idx, ax in enumerate(self.axes):
            shape = [1] * self.ndim
            shape[n_axes - 1 - idx] = -1
            volume = volume * u.Quantity(_axis_bin_width(ax)).reshape(shape)
        return np.broadcast_to(volume, self.data_shape, subok=True)

    def energy_mask(self, energy_min=None, energy_max=None, round_to_edge=False):
        """Boolean mask map of the energy bins fully inside ``[energy_min, energy_max]``.

        Parameters
        ----------
        energy_min, energy_max : `~astropy.units.Quantity`, optional
            Energy range; None means unbounded.
        round_to_edge : bool
            Round the bounds to the nearest bin edges first.

        Returns
        -------
        mask : `~gammaray.maps.Map`
            Boolean mask map of this geometry.
        """
        from gammaray.maps.core import Map

        name = "energy" if "energy" in self.axes.names else "energy_true"
        if name not in self.axes.names:
            raise ValueError(
                "Geometry has no energy axis; create it with "
                "axes=[MapAxis.from_energy_bounds(...)]."
            )
        axis = self.axes[name]
        edges = axis.edges
        if round_to_edge:

            def _round(value):
                i = np.argmin(np.abs(edges - value))
                return edges[i]

            energy_min = None if energy_min is None else _round(u.Quantity(energy_min))
            energy_max = None if energy_max is None else _round(u.Quantity(energy_max))
        # bins are compared with a relative tolerance of 1e-10 so that bounds equal
        # to an edge up to rounding select the bin
        mask = np.ones(axis.nbin, dtype=bool)
        if energy_min is not None:
            mask &= edges[:-1] >= u.Quantity(energy_min) * (1 - 1e-10)
        if energy_max is not None:
            mask &= edges[1:] <= u.Quantity(energy_max) * (1 + 1e-10)
        shape = [1] * self.ndim
        shape[len(self.axes) - 1 - self.axes.index(name)] = -1
        data = np.empty(self.data_shape, dtype=bool)
        data[...] = mask.reshape(shape)
        return Map.from_geom(geom=self, data=data)

    # ---- FITS -----------------------------------------------------------------------
    def to_bands_hdu(self, hdu_bands=None, format="gadf"):
        """BANDS table HDU describing the non-spatial axes.

        Parameters
        ----------
        hdu_bands : str, optional
            Name of the HDU (default ``"BANDS"``, ``"EBOUNDS"`` for the Fermi formats).
        format : {"gadf", "fgst-ccube", "fgst-template", ...}
            Table format.

        Returns
        -------
        hdu : `~astropy.io.fits.BinTableHDU` or None
            The table HDU, or None for a geometry without axes.
        """
        if len(self.axes) == 0:
            return None
        if hdu_bands is None:
            hdu_bands = (
                "EBOUNDS" if format in ("fgst-ccube", "fgst-template") else "BANDS"
            )
        if format == "fgst-template" and hdu_bands == "EBOUNDS":
            hdu_bands = "ENERGIES"
        return self.axes.to_table_hdu(format=format, hdu_bands=hdu_bands)

    @classmethod
    def from_hdulist(cls, hdulist, hdu=None, hdu_bands=None, format="gadf"):
        """Create the geometry from an HDU list.

        Parameters
        ----------
        hdulist : `~astropy.io.fits.HDUList`
            HDU list.
        hdu : str or int, optional
            Map HDU (default: the primary HDU).
        hdu_bands : str, optional
            BANDS HDU (default: ``BANDSHDU`` keyword of the map header, else
            ``EBOUNDS`` or ``ENERGIES`` if present).
        format : str
            Format of the BANDS table (``"gadf"``; ``EBOUNDS``/``ENERGIES`` tables
            switch to the Fermi formats automatically).

        Returns
        -------
        geom : `Geom`
            The geometry.
        """
        header = hdulist[0 if hdu is None else hdu].header
        names = [h.name for h in hdulist]
        if hdu_bands is None:
            if "BANDSHDU" in header:
                hdu_bands = header["BANDSHDU"]
            elif "EBOUNDS" in names:
                hdu_bands = "EBOUNDS"
            elif "ENERGIES" in names:
                hdu_bands = "ENERGIES"
        band = None
        if hdu_bands is not None and hdu_bands in names:
            band = hdulist[hdu_bands]
            if band.name == "EBOUNDS" and format == "gadf":
                format = "fgst-ccube"
            elif band.name == "ENERGIES" and format == "gadf":
                format = "fgst-template"
        return cls.from_header(header, hdu_bands=band, format=format)
