"""Abstract base class of all N-dimensional maps (WCS, HEALPix, region).

A map is an N-d data array, a geometry (``geom``) describing its spatial
pixelisation plus non-spatial axes, a unit and a ``meta`` dictionary. Generic
behaviour (arithmetic, units, coordinate look-ups, filling, interpolation,
reductions, slicing, FITS dispatch) lives here; kind-specific behaviour lives in
the subclasses, which are imported lazily by ``map_type`` / geometry kind.
"""

import copy as _copy
import importlib
import logging

import astropy.units as u
import numpy as np

from gammaray.maps._arithmetic import MapArithmeticMixin
from gammaray.maps._core_ops import MapOpsMixin
from gammaray.utils.errors import (
    GeometryMismatchError,
    MissingHDUError,
    UnitMismatchError,
)
from gammaray.utils.paths import atomic_write, make_path
from gammaray.utils.units import as_unit

__all__ = ["Map"]

log = logging.getLogger(__name__)

#: map_type -> (module, class name) of the concrete map classes
MAP_TYPES = {
    "wcs": ("gammaray.maps.wcs.ndmap", "WcsNDMap"),
    "hpx": ("gammaray.maps.hpx.ndmap", "HpxNDMap"),
    "region": ("gammaray.maps.region.ndmap", "RegionNDMap"),
}


def _map_class(map_type):
    """Import and return the map class for a ``map_type`` string."""
    try:
        module, name = MAP_TYPES[map_type]
    except KeyError:
        raise ValueError(
            f"Unknown map_type {map_type!r}; choose from {sorted(MAP_TYPES)}."
        ) from None
    return getattr(importlib.import_module(module), name)


def _geom_map_type(geom):
    """Map type ("wcs", "hpx", "region") of a geometry object."""
    if getattr(geom, "is_hpx", False):
        return "hpx"
    if getattr(geom, "is_region", False):
        return "region"
    name = type(geom).__name__
    if name.startswith("Hpx"):
        return "hpx"
    if name.startswith("Region"):
        return "region"
    return "wcs"


class Map(MapArithmeticMixin, MapOpsMixin):
    """Abstract base class of N-dimensional maps.

    Do not instantiate directly; use `Map.create`, `Map.from_geom` or
    `Map.read`, or the concrete classes (`~gammaray.maps.WcsNDMap`,
    `~gammaray.maps.HpxNDMap`, `~gammaray.maps.RegionNDMap`).

    Parameters
    ----------
    geom : `~gammaray.maps.Geom`
        Geometry.
    data : `~numpy.ndarray` or `~astropy.units.Quantity`, optional
        Data array of shape ``geom.data_shape``; zeros of ``dtype`` if None.
    dtype : str or `~numpy.dtype`
        Data type of the default (zero) data.
    meta : dict, optional
        Meta data.
    unit : str or `~astropy.units.Unit`
        Unit of the data.
    """

    tag = "map"

    def __new__(cls, *args, **kwargs):
        if cls is Map:
            raise TypeError(
                "Map is abstract; use Map.create(...), Map.from_geom(geom) or "
                "Map.read(filename)."
            )
        return super().__new__(cls)

    def __init__(self, geom, data=None, dtype="float32", meta=None, unit=""):
        expected = self._geom_class()
        if expected is not None and not isinstance(geom, expected):
            raise TypeError(
                f"{type(self).__name__} needs a {expected.__name__}, got "
                f"{type(geom).__name__}; use Map.from_geom(geom) to pick the map class."
            )
        self._geom = geom
        if isinstance(data, u.Quantity) and unit in ("", None):
            unit = data.unit
        self._unit = as_unit(unit)
        if data is None:
            data = self._make_default_data(geom, dtype)
        self.data = data
        self.meta = {} if meta is None else meta

    @classmethod
    def _geom_class(cls):
        """Geometry class the map kind needs (None: any)."""
        return None

    @staticmethod
    def _make_default_data(geom, dtype):
        return np.zeros(geom.data_shape, dtype=dtype)

    # ---------------------------------------------------------------------
    # construction and dispatch
    # ---------------------------------------------------------------------
    @staticmethod
    def create(**kwargs):
        """Create an empty map.

        Parameters
        ----------
        map_type : {"wcs", "hpx", "region"}
            Kind of map; the remaining keyword arguments go to the ``create``
            method of `~gammaray.maps.WcsNDMap`, `~gammaray.maps.HpxNDMap` or
            `~gammaray.maps.RegionNDMap` (e.g. ``skydir``, ``width``, ``binsz``,
            ``frame``, ``proj``, ``axes``, ``region``, ``dtype``, ``unit``).

        Returns
        -------
        map : `Map`
            Empty map.
        """
        map_type = kwargs.pop("map_type", "wcs")
        return _map_class(map_type).create(**kwargs)

    @classmethod
    def from_geom(cls, geom, meta=None, data=None, unit="", dtype="float32", **kwargs):
        """Create a map from a geometry.

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Geometry; selects the map class (WCS, HEALPix, region).
        meta : dict, optional
            Meta data.
        data : `~numpy.ndarray`, optional
            Data array; zeros if None.
        unit : str or `~astropy.units.Unit`
            Data unit.
        dtype : str
            Data type of the default data.

        Returns
        -------
        map : `Map`
            The map.
        """
        map_type = kwargs.pop("map_type", None) or _geom_map_type(geom)
        if cls is Map or _geom_map_type(geom) != getattr(cls, "_map_type", None):
            klass = _map_class(map_type)
        else:
            klass = cls
        return klass(geom=geom, data=data, meta=meta, unit=unit, dtype=dtype, **kwargs)

    @staticmethod
    def read(
        filename,
        hdu=None,
        hdu_bands=None,
        map_type="auto",
        format=None,
        colname=None,
        checksum=False,
    ):
        """Read a map from a FITS file.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name (``$GAMMARAY_DATA`` is expanded).
        hdu : str, optional
            Name of the map HDU; the first HDU with data if None.
        hdu_bands : str, optional
            Name of the bands (``BANDS``/``EBOUNDS``/``ENERGIES``) HDU; from the
            ``BANDSHDU`` keyword or found automatically if None.
        map_type : {"auto", "wcs", "hpx", "region"}
            Kind of map; detected from the file by default.
        format : {None, "gadf", "fgst-ccube", "fgst-template", "ogip", ...}
            Format of the bands table; detected if None.
        colname : str, optional
            Column of a HEALPix table to read.
        checksum : bool
            Verify the ``CHECKSUM``/``DATASUM`` keywords.

        Returns
        -------
        map : `Map`
            The map.
        """
        from gammaray.maps.io import open_map_file

        path = make_path(filename)
        with open_map_file(path, checksum=checksum) as hdulist:
            return Map.from_hdulist(
                hdulist,
                hdu=hdu,
                hdu_bands=hdu_bands,
                map_type=map_type,
                format=format,
                colname=colname,
                filename=path,
            )

    @staticmethod
    def from_hdulist(
        hdulist,
        hdu=None,
        hdu_bands=None,
        map_type="auto",
        format=None,
        colname=None,
        filename=None,
    ):
        """Create a map from an `~astropy.io.fits.HDUList`.

        See `Map.read` for the parameters; ``filename`` is only used in messages.
        """
        from gammaray.maps.io import find_map_hdu, identify_map_type

        if map_type == "auto":
            hdu_obj = find_map_hdu(hdulist, hdu=hdu, filename=filename)
            try:
                map_type = identify_map_type(hdulist, hdu_obj)
            except MissingHDUError as exc:
                where = f"{filename}: " if filename else ""
                raise MissingHDUError(f"{where}{exc}") from None
            hdu = hdu_obj.name if hdu is None else hdu
        klass = _map_class(map_type)
        if map_type == "region":
            kwargs = {"hdu": hdu}
            if format is not None:
                kwargs["format"] = format
            return klass.from_hdulist(hdulist, **kwargs)
        kwargs = {
            "hdu": hdu,
            "hdu_bands": hdu_bands,
            "format": format,
            "filename": filename,
        }
        if map_type == "hpx":
            kwargs["colname"] = colname
        return klass.from_hdulist(hdulist, **kwargs)

    def to_hdulist(self, hdu=None, hdu_bands=None, format="gadf"):
        """Convert the map to an `~astropy.io.fits.HDUList` (kind-specific)."""
        raise NotImplementedError(
            f"{type(self).__name__} does not implement to_hdulist."
        )

    def write(
        self,
        filename,
        overwrite=False,
        hdu=None,
        hdu_bands=None,
        format="gadf",
        checksum=False,
    ):
        """Write the map to a FITS file (atomically).

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            Output file.
        overwrite : bool
            Replace an existing file; otherwise `~gammaray.utils.errors.OverwriteError`.
        hdu : str, optional
            Name of the map HDU (``PRIMARY`` if None).
        hdu_bands : str, optional
            Name of the bands HDU (``<HDU>_BANDS`` for "gadf", ``EBOUNDS`` for
            "fgst-ccube", ``ENERGIES`` for "fgst-template").
        format : {"gadf", "fgst-ccube", "fgst-template"}
            Output format.
        checksum : bool
            Add ``CHECKSUM``/``DATASUM`` keywords.
        """
        hdulist = self.to_hdulist(hdu=hdu, hdu_bands=hdu_bands, format=format)
        with atomic_write(filename, overwrite=overwrite) as tmp:
            hdulist.writeto(tmp, overwrite=True, checksum=checksum)

    # ---------------------------------------------------------------------
    # properties
    # ---------------------------------------------------------------------
    @property
    def geom(self):
        """Map geometry (`~gammaray.maps.Geom`)."""
        return self._geom

    @property
    def data(self):
        """Data array (`~numpy.ndarray`, shape ``geom.data_shape``)."""
        return self._data

    @data.setter
    def data(self, value):
        if isinstance(value, u.Quantity):
            try:
                value = value.to_value(self.unit)
            except u.UnitConversionError:
                raise UnitMismatchError(
                    f"Cannot set data with unit {value.unit.to_string()!r} on a map "
                    f"with unit {self.unit.to_string()!r}; set map.quantity instead "
                    "to change the unit."
                ) from None
        if np.isscalar(value):
            value = np.full(self.geom.data_shape, value)
        value = np.asarray(value)
        shape = tuple(self.geom.data_shape)
        if value.shape != shape:
            squeezed = tuple(s for s in value.shape if s != 1)
            if value.size == int(np.prod(shape)) and squeezed == tuple(
                s for s in shape if s != 1
            ):
                value = value.reshape(shape)
            else:
                raise GeometryMismatchError(
                    f"Data shape {value.shape} does not match the geometry data "
                    f"shape {shape}; create data with shape geom.data_shape."
                )
        self._data = value

    @property
    def unit(self):
        """Data unit (`~astropy.units.Unit`)."""
        return self._unit

    @unit.setter
    def unit(self, value):
        self._unit = u.Unit(value)

    @property
    def quantity(self):
        """Data as a `~astropy.units.Quantity` (no copy for float data)."""
        return u.Quantity(self.data, self.unit, copy=False)

    @quantity.setter
    def quantity(self, value):
        value = u.Quantity(value, copy=False)
        self._unit = value.unit
        self.data = value.value

    @property
    def meta(self):
        """Meta data dictionary."""
        return self._meta

    @meta.setter
    def meta(self, value):
        self._meta = {} if value is None else value

    @property
    def is_mask(self):
        """Whether the data are boolean."""
        return self.data.dtype == bool

    def to_unit(self, unit):
        """Return a copy converted to another unit.

        Parameters
        ----------
        unit : str or `~astropy.units.Unit`
            Target unit (must be convertible).
        """
        unit = u.Unit(unit)
        try:
            scale = self.unit.to(unit)
        except u.UnitConversionError:
            raise UnitMismatchError(
                f"Cannot convert map unit {self.unit.to_string()!r} to "
                f"{unit.to_string()!r}."
            ) from None
        data = self.data * scale if scale != 1 else self.data.copy()
        return self._init_copy(data=data, unit=unit)

    # ---------------------------------------------------------------------
    # copies
    # ---------------------------------------------------------------------
    def _init_copy(self, **kwargs):
        """New map of the same class; missing attributes are taken (not copied)."""
        kwargs.setdefault("geom", self.geom)
        kwargs.setdefault("unit", self.unit)
        kwargs.setdefault("meta", _copy.deepcopy(self.meta))
        if "data" not in kwargs:
            kwargs["data"] = self.data.copy()
        return self.__class__(**kwargs)

    def copy(self, **kwargs):
        """Copy the map, optionally replacing ``geom``, ``data``, ``unit`` or ``meta``.

        A new ``geom`` must have the same data shape (use `Map.from_geom` to
        change the shape).
        """
        if "geom" in kwargs and "data" not in kwargs:
            geom = kwargs["geom"]
            if tuple(geom.data_shape) != tuple(self.geom.data_shape):
                raise GeometryMismatchError(
                    f"Cannot copy with a geometry of data shape {geom.data_shape} "
                    f"(map data shape {self.geom.data_shape}); use Map.from_geom."
                )
        if "data" in kwargs and isinstance(kwargs["data"], np.ndarray):
            kwargs["data"] = kwargs["data"]
        return self._init_copy(**kwargs)

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self._init_copy(geom=_copy.deepcopy(self.geom, memo))

    # ---------------------------------------------------------------------
    # representation
    # ---------------------------------------------------------------------
    @property
    def _spatial_axes_names(self):
        return ["lon", "lat"]

    def __str__(self):
        axes = self._spatial_axes_names + list(self.geom.axes.names)
        skip = ("axes", "shape", "ndim")
        geom_lines = [
            line.strip()
            for line in repr(self.geom).splitlines()[1:]
            if line.strip() and not line.strip().startswith(skip)
        ]
        geom_text = "".join(f"\t  {line}\n" for line in geom_lines)
        axes_text = ""
        for axis in self.geom.axes:
            try:
                edges = axis.edges
                bounds = f"{edges[0].value:.4g} - {edges[-1].value:.4g} {axis.unit}"
                axes_text += (
                    f"\t  {axis.name:<11}: {axis.nbin} bins, {bounds} ({axis.interp})\n"
                )
            except (AttributeError, ValueError, TypeError, IndexError):
                axes_text += f"\t  {axis.name:<11}: {axis.nbin} bins\n"
        finite = (
            self.data[np.isfinite(self.data)]
            if self.data.dtype.kind == "f"
            else self.data
        )
        stats = ""
        if self.data.dtype != bool and finite.size:
            stats = f"\tsum   : {finite.sum():.6g} (min {finite.min():.4g}, max {finite.max():.4g})\n"
        elif self.data.dtype == bool:
            stats = f"\ttrue  : {int(self.data.sum())} of {self.data.size}\n"
        return (
            f"{type(self).__name__}\n\n"
            f"\tgeom  : {type(self.geom).__name__}\n"
            f"{geom_text}"
            f"\taxes  : {axes}\n"
            f"{axes_text}"
            f"\tshape : {tuple(self.geom.data_shape)[::-1]}\n"
            f"\tndim  : {getattr(self.geom, 'ndim', len(self.geom.data_shape))}\n"
            f"\tunit  : {self.unit}\n"
            f"\tdtype : {self.data.dtype}\n"
            f"{stats}"
        )

    __repr__ = __str__

    # ---------------------------------------------------------------------
    # coordinate access
    # ---------------------------------------------------------------------
    def _to_map_coord(self, coords):
        from gammaray.maps.coord import MapCoord

        return MapCoord.create(
            coords, frame=self.geom.frame, axis_names=self.geom.axes.names
        )

    def coord_to_pix_fast(self, coords):
        """Pixel coordinates of ``coords`` (hook for fast paths in subclasses)."""
        return self.geom.coord_to_pix(self._to_map_coord(coords))

    def get_by_coord(self, coords, fill_value=np.nan):
        """Values at coordinates (nearest pixel).

        Parameters
        ----------
        coords : tuple, dict, `~gammaray.maps.MapCoord` or `~astropy.coordinates.SkyCoord`
            Coordinates in pixel order ``(lon, lat, axis_0, ...)`` (deg for
            lon/lat, axis units for the axes).
        fill_value : float
            Value for coordinates outside the map.

        Returns
        -------
        vals : `~numpy.ndarray`
            Values.
        """
        pix = self.coord_to_pix_fast(coords)
        return self.get_by_pix(pix, fill_value=fill_value)

    def get_by_pix(self, pix, fill_value=np.nan):
        """Values at pixel coordinates (nearest pixel); ``fill_value`` outside."""
        pix = np.broadcast_arrays(*[np.asarray(p) for p in pix])
        idx = self.geom.pix_to_idx(pix, clip=False)
        return self.get_by_idx(idx, fill_value=fill_value)

    def get_by_idx(self, idx, fill_value=np.nan):
        """Values at integer pixel indices ``(idx_lon, idx_lat, idx_axis0, ...)``.

        Indices of -1 (outside the map) give ``fill_value``.
        """
        idx = [np.asarray(i, dtype=np.intp) for i in idx]
        idx = np.broadcast_arrays(*idx)
        shape = self.data.shape[::-1]
        valid = np.ones(idx[0].shape, dtype=bool)
        for i, n in zip(idx, shape):
            valid &= (i >= 0) & (i < n)
        if valid.all():
            return self.data[tuple(idx[::-1])]
        clipped = [np.where(valid, i, 0) for i in idx]
        vals = self.data[tuple(clipped[::-1])]
        dtype = np.result_type(vals.dtype, fill_value)
        vals = vals.astype(dtype)
        vals[~valid] = fill_value
        return vals

    def _fill_indices(self, pix):
        """Flat data index of pixel coordinates and in-bounds mask (vectorised).

        Pixel ``i`` covers ``[i - 0.5, i + 0.5)``; NaN is out of bounds.
        """
        shape = self.data.shape[::-1]
        flat = None
        valid = None
        stride = 1
        for p, n in zip(pix, shape):
            p = np.asarray(p)
            if p.dtype.kind in "iub":
                i = p.astype(np.intp, copy=True)
                ok = i >= 0
                ok &= i < n
            else:
                f = p + 0.5
                ok = f >= 0
                ok &= f < n
                i = f.astype(np.intp)
                del f
            if valid is None:
                valid = ok
            else:
                valid &= ok
            if flat is None:
                flat = i if stride == 1 else np.multiply(i, stride, out=i)
            else:
                if stride != 1:
                    np.multiply(i, stride, out=i)
                flat += i
            stride *= n
        return flat, valid

    def fill_by_coord(self, coords, weights=None):
        """Fill (add) events or weights at coordinates into the map.

        Parameters
        ----------
        coords : tuple, dict, `~gammaray.maps.MapCoord` or `~astropy.coordinates.SkyCoord`
            Coordinates in pixel order.
        weights : `~numpy.ndarray`, optional
            Weights (1 per coordinate if None).
        """
        pix = self.coord_to_pix_fast(coords)
        self.fill_by_pix(pix, weights=weights)

    def fill_by_pix(self, pix, weights=None):
        """Fill (add) events or weights at pixel coordinates (nearest pixel)."""
        pix = np.broadcast_arrays(*[np.asarray(p) for p in pix])
        flat, valid = self._fill_indices(pix)
        self._fill_flat(flat, valid, weights)

    def fill_by_idx(self, idx, weights=None):
        """Fill (add) events or weights at integer pixel indices (-1 ignored)."""
        idx = np.broadcast_arrays(*[np.asarray(i, dtype=np.intp) for i in idx])
        flat, valid = self._fill_indices(idx)
        self._fill_flat(flat, valid, weights)

    def _fill_flat(self, flat, valid, weights):
        flat = flat.ravel()
        valid = valid.ravel()
        if weights is not None:
            weights = np.broadcast_to(
                np.asarray(getattr(weights, "value", weights)), valid.shape
            ).ravel()
        if not valid.all():
            flat = flat[valid]
            if weights is not None:
                weights = weights[valid]
        if weights is not None and weights.dtype == bool:
            weights = weights.astype(np.float64)
        counts = np.bincount(flat, weights=weights, minlength=self.data.size)
        counts = counts.reshape(self.data.shape)
        if self.data.dtype == bool:
            self.data |= counts > 0
        else:
            self.data += counts.astype(self.data.dtype, copy=False)

    def set_by_coord(self, coords, vals):
        """Set values at coordinates (nearest pixel; outside coordinates ignored)."""
        pix = self.coord_to_pix_fast(coords)
        self.set_by_pix(pix, vals)

    def set_by_pix(self, pix, vals):
        """Set values at pixel coordinates (nearest pixel)."""
        pix = np.broadcast_arrays(*[np.asarray(p) for p in pix])
        idx = self.geom.pix_to_idx(pix, clip=False)
        self.set_by_idx(idx, vals)

    def set_by_idx(self, idx, vals):
        """Set values at integer pixel indices (indices of -1 are ignored)."""
        idx = np.broadcast_arrays(*[np.asarray(i, dtype=np.intp) for i in idx])
        vals = np.broadcast_to(np.asarray(getattr(vals, "value", vals)), idx[0].shape)
        shape = self.data.shape[::-1]
        valid = np.ones(idx[0].shape, dtype=bool)
        for i, n in zip(idx, shape):
            valid &= (i >= 0) & (i < n)
        idx = [i[valid] for i in idx]
        self.data[tuple(idx[::-1])] = vals[valid]

    # ---------------------------------------------------------------------
    # interpolation
    # ---------------------------------------------------------------------
    def interp_by_coord(
        self, coords, method="linear", fill_value=None, values_scale="lin"
    ):
        """Interpolate the map at coordinates.

        Parameters
        ----------
        coords : tuple, dict, `~gammaray.maps.MapCoord` or `~astropy.coordinates.SkyCoord`
            Coordinates in pixel order.
        method : {"linear", "nearest"}
            Interpolation method (multilinear in pixel coordinates of all dims).
        fill_value : float or None
            Value outside the map; None extrapolates.
        values_scale : {"lin", "log", "sqrt"}
            Scale in which the values are interpolated.

        Returns
        -------
        vals : `~numpy.ndarray`
            Interpolated values.
        """
        pix = self.coord_to_pix_fast(coords)
        return self.interp_by_pix(
            pix, method=method, fill_value=fill_value, values_scale=values_scale
        )

    def interp_by_pix(self, pix, method="linear", fill_value=None, values_scale="lin"):
        """Interpolate the map at pixel coordinates (see `interp_by_coord`).

        Linear interpolation is multilinear over all dimensions on the pixel
        grid (pixel centres at integer coordinates); inside the half-pixel
        border it extrapolates from the outermost pixels.
        """
        pix = np.broadcast_arrays(*[np.asarray(p, dtype=float) for p in pix])
        if method == "nearest":
            fill = np.nan if fill_value is None else fill_value
            shape = self.data.shape[::-1]
            idx = []
            for p, n in zip(pix, shape):
                i = np.floor(p + 0.5)
                if fill_value is None:
                    i = np.clip(i, 0, n - 1)
                i = np.where((i >= 0) & (i < n), i, -1)
                idx.append(np.nan_to_num(i, nan=-1).astype(np.intp))
            return self.get_by_idx(idx, fill_value=fill)
        if method != "linear":
            raise ValueError(
                f"Unknown interpolation method {method!r}; use 'linear' or 'nearest'."
            )
        return _interp_multilinear(
            self.data, pix, fill_value=fill_value, values_scale=values_scale
        )

    def interp_to_geom(
        self,
        geom,
        preserve_counts=False,
        fill_value=0,
        method="nearest",
        values_scale="lin",
    ):
        """Interpolate the map onto another geometry.

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Target geometry.
        preserve_counts : bool
            Treat the data as counts: interpolate the surface density (per deg2)
            and multiply by the target pixel solid angle.
        fill_value : float
            Value outside this map.
        method : {"nearest", "linear"}
            Interpolation method.
        values_scale : {"lin", "log", "sqrt"}
            Scale of the values for linear interpolation.

        Returns
        -------
        map : `Map`
            Interpolated map.
        """
        coords = geom.get_coord()
        data = self.data
        if preserve_counts:
            data = data / self.geom.solid_angle().to_value("deg2")
        src = self._init_copy(data=data)
        if self.is_mask:
            vals = src.get_by_coord(coords, fill_value=np.nan)
            vals = np.nan_to_num(vals, nan=fill_value).astype(bool)
        else:
            vals = src.interp_by_coord(
                coords, method=method, fill_value=fill_value, values_scale=values_scale
            )
        vals = np.asarray(vals)
        if preserve_counts:
            vals = vals * geom.solid_angle().to_value("deg2")
        vals = np.broadcast_to(vals, geom.data_shape)
        if not self.is_mask:
            vals = vals.astype(np.result_type(self.data.dtype, np.float32))
        return Map.from_geom(
            geom, data=np.array(vals), unit=self.unit, meta=_copy.deepcopy(self.meta)
        )

    def is_allclose(self, other, rtol=1e-5, atol=1e-8):
        """Whether two maps have equal geometry, unit and close data.

        Parameters
        ----------
        other : `Map`
            Other map.
        rtol, atol : float
            Tolerances of `numpy.allclose`.
        """
        if not isinstance(other, Map):
            return False
        if self.geom != other.geom or self.data.shape != other.data.shape:
            return False
        if self.unit != other.unit:
            return False
        if self.is_mask or other.is_mask:
            return bool(np.array_equal(self.data, other.data))
        return bool(
            np.allclose(self.data, other.data, rtol=rtol, atol=atol, equal_nan=True)
        )


def _interp_multilinear(data, pix, fill_value=None, values_scale="lin"):
    """Multilinear interpolation of ``data`` (numpy order) at pixel tuple ``pix``.

    Non-finite data values are treated as zero. Points outside the map
    (beyond the half-pixel border) get ``fill_value`` unless it is None
    (linear extrapolation).
    """
    from gammaray.utils.interpolation import interpolation_scale

    scale = interpolation_scale(values_scale)
    values = np.asarray(data, dtype=float)
    if not np.all(np.isfinite(values)):
        values = np.where(np.isfinite(values), values, 0.0)
    if scale.tag != "lin":
        values = scale(values)
    flat_values = values.ravel()
    shape = data.shape[::-1]
    out_shape = pix[0].shape
    base = np.zeros(out_shape, dtype=np.intp)
    weights = []
    strides = []
    stride = 1
    outside = np.zeros(out_shape, dtype=bool) if fill_value is not None else None
    for p, n in zip(pix, shape):
        if outside is not None:
            outside |= ~((p >= -0.5) & (p < n - 0.5))
        if n == 1:
            weights.append(None)
            strides.append(0)
        else:
            i0 = np.array(np.floor(p), dtype=float)  # 0-d array for scalars
            np.clip(i0, 0, n - 2, out=i0)
            i0 = np.nan_to_num(i0, nan=0.0).astype(np.intp)
            w = p - i0
            base += i0 * stride
            weights.append(w)
            strides.append(stride)
        stride *= n
    result = np.zeros(out_shape)
    active = [(w, s) for w, s in zip(weights, strides) if w is not None]
    for corner in range(1 << len(active)):
        offset = 0
        weight = None
        for bit, (w, s) in enumerate(active):
            if corner >> bit & 1:
                offset += s
                f = w
            else:
                f = 1.0 - w
            weight = f if weight is None else weight * f
        vals = flat_values[base + offset] if offset else flat_values[base]
        if weight is None:
            result += vals
        else:
            result += weight * vals
    if scale.tag != "lin":
        result = scale.inverse(result)
    if outside is not None and outside.any():
        result[outside] = fill_value
    return result
