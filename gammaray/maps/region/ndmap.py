"""Region map: an N-d map with a single spatial bin given by a sky region."""

import copy as _copy
import logging

import numpy as np
from astropy import units as u
from astropy.io import fits
from astropy.table import Table

from gammaray.maps.core import Map
from gammaray.utils.errors import (
    GeometryMismatchError,
    InvalidFileError,
    MissingColumnError,
    MissingHDUError,
)
from gammaray.utils.paths import atomic_write, make_path

from ._io import OGIP_FORMATS
from ._shapes import make_region, region_weights_on_wcs
from .geom import RegionGeom

__all__ = ["RegionNDMap"]

log = logging.getLogger(__name__)

_FORMATS = ("gadf", *OGIP_FORMATS)

#: default data HDU and column per format
_DEFAULTS = {
    "gadf": ("SPECTRUM", "DATA"),
    "ogip": ("SPECTRUM", "COUNTS"),
    "ogip-sherpa": ("SPECTRUM", "COUNTS"),
    "ogip-arf": ("SPECRESP", "SPECRESP"),
    "ogip-arf-sherpa": ("SPECRESP", "SPECRESP"),
}

#: header keywords never copied from ``meta`` into a written table
_STRUCTURAL = ("TTYPE", "TFORM", "TUNIT", "TDIM", "TNULL", "TSCAL", "TZERO", "NAXIS")


def _header_safe_meta(meta):
    """Scalar meta entries that can be written as FITS keywords."""
    result = {}
    for key, value in (meta or {}).items():
        key_up = str(key).upper()
        if key_up.startswith(_STRUCTURAL) or key_up in (
            "XTENSION",
            "BITPIX",
            "PCOUNT",
            "GCOUNT",
            "TFIELDS",
            "EXTNAME",
        ):
            continue
        if len(key_up) > 8:
            continue
        if isinstance(
            value, bool | int | float | str | np.integer | np.floating | np.bool_
        ):
            result[key_up] = value
    return result


class RegionNDMap(Map):
    """N-d map with one spatial bin given by a sky region (e.g. a 1D spectrum).

    Parameters
    ----------
    geom : `~gammaray.maps.RegionGeom`
        Region geometry.
    data : `~numpy.ndarray`, optional
        Data of shape ``geom.data_shape`` (arrays with the same non-unit
        dimensions, e.g. ``(nbin,)``, are reshaped).
    dtype : str
        Data type of the default (zero) data.
    meta : dict, optional
        Meta data (OGIP header keywords are kept here when reading).
    unit : str or `~astropy.units.Unit`
        Data unit.
    """

    _map_type = "region"
    tag = "region"

    @classmethod
    def _geom_class(cls):
        return RegionGeom

    @classmethod
    def create(
        cls,
        region,
        axes=None,
        dtype="float32",
        meta=None,
        unit="",
        wcs=None,
        binsz_wcs="0.1 deg",
        data=None,
    ):
        """Create a region map.

        Parameters
        ----------
        region : str, `~regions.SkyRegion`, `~gammaray.maps.RegionGeom` or None
            Region or ds9 string (e.g. ``"galactic;circle(0, 5, 1)"``).
        axes : list of `~gammaray.maps.MapAxis`, optional
            Non-spatial axes.
        dtype : str
            Data type.
        meta : dict, optional
            Meta data.
        unit : str or `~astropy.units.Unit`
            Data unit.
        wcs : `~astropy.wcs.WCS`, optional
            Local WCS of the region.
        binsz_wcs : str or `~astropy.units.Quantity`
            Pixel size of the default local WCS.
        data : `~numpy.ndarray`, optional
            Data.

        Returns
        -------
        map : `RegionNDMap`
            Region map.
        """
        if isinstance(region, RegionGeom):
            geom = region if axes is None else region.to_image().to_cube(axes)
        else:
            geom = RegionGeom.create(
                region=region, axes=axes, wcs=wcs, binsz_wcs=binsz_wcs
            )
        return cls(geom=geom, dtype=dtype, unit=unit, meta=meta, data=data)

    # ---- coordinates --------------------------------------------------------
    def coord_to_pix_fast(self, coords):
        """Pixel coordinates; coordinates without sky position use the region centre."""
        return self.geom.coord_to_pix(coords)

    def fill_by_coord(self, coords, weights=None):
        """Fill (add) weights at coordinates; coordinates outside the region are ignored.

        Parameters
        ----------
        coords : tuple, dict or `~gammaray.maps.MapCoord`
            Coordinates (without sky position: at the region centre).
        weights : `~numpy.ndarray`, optional
            Weights (1 per coordinate if None).
        """
        idx = self.geom.coord_to_idx(coords)
        self.fill_by_idx(idx, weights=weights)

    def fill_by_pix(self, pix, weights=None):
        """Fill (add) weights at pixel coordinates (NaN/outside ignored)."""
        pix = np.broadcast_arrays(*[np.asarray(p, dtype=float) for p in pix])
        self.fill_by_idx(self.geom.pix_to_idx(pix), weights=weights)

    # ---- map operations -------------------------------------------------------
    def cutout(self, *args, **kwargs):
        """Return a copy: a region map has a single spatial bin."""
        return self.copy()

    def to_region_nd_map(
        self, region=None, func=np.nansum, weights=None, method="nearest"
    ):
        """Return the map itself (it is already a region map)."""
        return self

    def _upsample_spatial(self, factor, order, preserve_counts):
        return self.copy()

    def _downsample_spatial(self, factor, preserve_counts, weights):
        return self.copy()

    def pad(self, pad_width, axis_name=None, mode="constant", cval=0, method=None):
        """Pad a non-spatial axis (spatial padding is not defined for regions).

        Parameters
        ----------
        pad_width : int or tuple of int
            Bins added on each side.
        axis_name : str
            Axis to pad.
        mode : {"constant", "edge"}
            Padding mode.
        cval : float
            Value for ``mode="constant"``.
        method : None
            Unused, for API compatibility.
        """
        geom = self.geom.pad(pad_width, axis_name=axis_name)
        idx = self._data_axis_index(axis_name)
        widths = [(0, 0)] * self.data.ndim
        widths[idx] = (
            (pad_width, pad_width) if np.isscalar(pad_width) else tuple(pad_width)
        )
        if mode == "constant":
            data = np.pad(self.data, widths, mode="constant", constant_values=cval)
        else:
            data = np.pad(self.data, widths, mode=mode)
        return self._init_copy(geom=geom, data=data)

    def crop(self, crop_width):
        """Not defined for region maps (single spatial bin)."""
        return self.geom.crop(crop_width)

    def stack(self, other, weights=None, nan_to_num=True):
        """Add another region map (in place); regions may differ, axes must match.

        Parameters
        ----------
        other : `RegionNDMap`
            Map to add.
        weights : `RegionNDMap` or `~numpy.ndarray`, optional
            Weights (e.g. a boolean safe mask) multiplied with ``other``.
        nan_to_num : bool
            Replace non-finite values of ``other`` by zero.
        """
        if other.data.shape != self.data.shape or not self.geom.axes.is_allclose(
            other.geom.axes
        ):
            raise GeometryMismatchError(
                f"Cannot stack region maps with axes {other.geom.axes.names} / shape "
                f"{other.data.shape} onto axes {self.geom.axes.names} / shape "
                f"{self.data.shape}; the non-spatial axes must match."
            )
        if other.is_mask:
            data = other.data.copy()
        else:
            data = other.quantity.to_value(self.unit).copy()
        if nan_to_num and data.dtype.kind == "f":
            data[~np.isfinite(data)] = 0
        if weights is not None:
            w = np.asarray(getattr(weights, "data", weights))
            if w.size == data.size:
                w = w.reshape(data.shape)
            try:  # image-shaped weights (e.g. a safe-mask image) broadcast over axes
                w = np.broadcast_to(w, data.shape)
            except ValueError:
                raise GeometryMismatchError(
                    f"Weights of shape {w.shape} do not match map shape {data.shape}."
                ) from None
            data = data * w
        if self.is_mask:
            self.data |= data.astype(bool)
        else:
            self.data += data.astype(self.data.dtype, copy=False)

    # ---- reduction of other maps --------------------------------------------------
    @classmethod
    def from_wcs_map(
        cls, wcs_map, region, func=np.nansum, weights=None, method="nearest"
    ):
        """Reduce a WCS (or HEALPix) map over a sky region.

        For extended regions the values of all pixels whose centre lies in
        the region are combined with ``func`` (along the spatial dimension).
        For point regions the map is interpolated at the point with
        ``method``.

        Parameters
        ----------
        wcs_map : `~gammaray.maps.Map`
            Map to reduce (WCS; HEALPix maps are supported through their pixel
            coordinates).
        region : str, `~regions.SkyRegion`, `~gammaray.maps.RegionGeom` or None
            Region; None uses the whole map.
        func : callable
            Reduction, called as ``func(values, axis=-1)`` (e.g. ``np.nansum``,
            ``np.nanmean``, ``np.any`` for masks).
        weights : `~gammaray.maps.Map` or `~numpy.ndarray`, optional
            Weights multiplied with the map first (same geometry).
        method : {"nearest", "linear"}
            Interpolation method for point regions.

        Returns
        -------
        map : `RegionNDMap`
            Reduced map with the axes of ``wcs_map`` and its local WCS.
        """
        geom_in = wcs_map.geom
        if isinstance(region, RegionGeom):
            region = region.region
        if region is None:
            region = _full_map_region(wcs_map)
        region = make_region(region)
        weights_data = None
        if weights is not None:
            weights_data = np.asarray(getattr(weights, "data", weights))
            if np.broadcast_shapes(weights_data.shape, wcs_map.data.shape) != (
                wcs_map.data.shape
            ):
                raise GeometryMismatchError(
                    f"Weights of shape {weights_data.shape} do not broadcast to the map "
                    f"shape {wcs_map.data.shape}."
                )
        wcs = (
            getattr(geom_in, "wcs", None)
            if not getattr(geom_in, "is_hpx", False)
            else None
        )
        if wcs is not None:
            wcs = wcs.deepcopy()
            wcs.pixel_shape = wcs_map.data.shape[-2:][::-1]
        geom = RegionGeom(region=region, axes=_copy.deepcopy(geom_in.axes), wcs=wcs)
        meta = _copy.deepcopy(wcs_map.meta)
        if geom.is_all_point_sky_regions:
            coords = geom.get_coord()
            data = np.asarray(wcs_map.interp_by_coord(coords, method=method))
            if weights is not None:
                w = weights if hasattr(weights, "interp_by_coord") else None
                if w is None:
                    raise TypeError("Weights must be a Map for point regions.")
                data = data * np.asarray(w.interp_by_coord(coords, method=method))
            return cls(
                geom=geom,
                data=data.reshape(geom.data_shape),
                unit=wcs_map.unit,
                meta=meta,
            )
        data = wcs_map.data
        if weights_data is not None:
            data = data * weights_data
        if wcs is not None:
            mask = (
                region_weights_on_wcs(region, wcs, factor=1, shape=data.shape[-2:]) > 0
            )
            iy, ix = np.nonzero(mask)
            values = data[..., iy, ix]
        else:
            image = geom_in.to_image()
            coords = image.get_coord()
            inside = RegionGeom(region=region).contains(coords.skycoord)
            values = data[..., inside.reshape(image.data_shape)]
        reduced = np.asarray(func(values, axis=-1))
        return cls(
            geom=geom,
            data=reduced.reshape(geom.data_shape),
            unit=wcs_map.unit,
            meta=meta,
        )

    # ---- tables -------------------------------------------------------------------
    def to_table(self, format="gadf"):
        """Table of the data.

        Parameters
        ----------
        format : {"gadf", "ogip", "ogip-sherpa", "ogip-arf", "ogip-arf-sherpa"}
            ``gadf``: columns ``CHANNEL``, ``DATA`` (data dtype kept);
            ``ogip``: OGIP PHA ``SPECTRUM`` table with ``CHANNEL`` and ``COUNTS``;
            ``ogip-arf``: ``SPECRESP`` table with ``ENERG_LO``, ``ENERG_HI``,
            ``SPECRESP`` (``-sherpa``: keV and cm2).

        Returns
        -------
        table : `~astropy.table.Table`
            Table (header keywords in ``table.meta``).
        """
        from ._io import ogip_energy_table

        if format in ("ogip", "ogip-sherpa"):
            axis = self._single_axis("energy", format)
            data = self.data.reshape(axis.nbin)
            data = _ogip_counts_dtype(data)
            table = Table()
            table["CHANNEL"] = np.arange(axis.nbin, dtype=np.int16)
            table["COUNTS"] = data
            if self.unit != u.dimensionless_unscaled:
                table["COUNTS"].unit = self.unit
            meta = {
                "EXTNAME": "SPECTRUM",
                "TELESCOP": "unknown",
                "INSTRUME": "unknown",
                "FILTER": "None",
                "EXPOSURE": 0,
                "CORRFILE": "",
                "CORRSCAL": "",
                "ANCRFILE": "",
                "HDUCLASS": "OGIP",
                "HDUCLAS1": "SPECTRUM",
                "HDUVERS": "1.2.1",
                "POISSERR": True,
                "CHANTYPE": "PHA",
                "DETCHANS": axis.nbin,
                "QUALITY": 0,
                "BACKSCAL": 1,
                "GROUPING": 0,
                "AREASCAL": 1,
            }
        elif format in ("ogip-arf", "ogip-arf-sherpa"):
            axis = self._single_axis("energy_true", format)
            table = ogip_energy_table(axis, format=format)
            quantity = self.quantity.reshape(axis.nbin)
            if format == "ogip-arf-sherpa":
                quantity = quantity.to("cm2")
            table["SPECRESP"] = quantity
            meta = dict(table.meta)
        elif format == "gadf":
            table = Table()
            data = self.data.reshape(-1)
            table["CHANNEL"] = np.arange(
                data.size, dtype=np.int16 if data.size < 2**15 else np.int32
            )
            table["DATA"] = data
            if self.unit != u.dimensionless_unscaled:
                table["DATA"].unit = self.unit
            meta = {"EXTNAME": "SPECTRUM"}
        else:
            raise ValueError(f"Unsupported format {format!r}; use one of {_FORMATS}.")
        meta.update(_header_safe_meta(self.meta))
        table.meta.update(meta)
        return table

    def _single_axis(self, name, format):
        axes = self.geom.axes
        if len(axes) != 1 or axes[0].name != name:
            raise ValueError(
                f"Format {format!r} needs a map with a single {name!r} axis; this map "
                f"has axes {axes.names}."
            )
        return axes[0]

    @classmethod
    def from_table(cls, table, format="", colname=None):
        """Region map (without region) from a flux-points or light-curve table.

        Parameters
        ----------
        table : `~astropy.table.Table`
            Table.
        format : {"gadf-sed", "lightcurve", "profile"}
            Table format; the axes are read with `~gammaray.maps.MapAxes.from_table`.
        colname : str
            Column holding the data.

        Returns
        -------
        map : `RegionNDMap`
            Map on a region-less `RegionGeom`.
        """
        from gammaray.maps.axes import MapAxes, MapAxis

        if format not in ("gadf-sed", "lightcurve", "profile"):
            raise ValueError(
                f"Unsupported format {format!r} for RegionNDMap.from_table; use "
                "'gadf-sed', 'lightcurve' or 'profile' (OGIP/gadf spectra are read "
                "with RegionNDMap.read / from_hdulist)."
            )
        if colname is None or colname not in table.colnames:
            raise MissingColumnError(
                f"Column {colname!r} not found; give colname= one of {table.colnames}."
            )
        axes = list(MapAxes.from_table(table, format=format))
        column = table[colname]
        data = np.asarray(column.data)
        unit = column.unit or ""
        if colname.endswith("_scan") and "norm_scan" in table.colnames:
            norm = np.asarray(table["norm_scan"].data)[0]
            axes.append(MapAxis.from_nodes(norm, name="norm", interp="lin"))
        geom = RegionGeom.create(region=None, axes=axes)
        names = [ax.name for ax in axes]
        row = "time" if format == "lightcurve" and "time" in names else names[0]
        # table data dims: (rows, other axes in axes order); data: reversed axes order
        dims = [row] + [n for n in names if n != row]
        if data.ndim == len(dims):
            data = np.transpose(data, [dims.index(n) for n in names[::-1]])
        data = data.reshape(geom.data_shape)
        return cls(geom=geom, data=data, unit=unit, meta=dict(table.meta))

    # ---- FITS ------------------------------------------------------------------
    def to_hdulist(
        self, hdu="SPECTRUM", hdu_bands=None, hdu_region=None, format="gadf"
    ):
        """Convert to an HDU list.

        Parameters
        ----------
        hdu : str
            Name of the data HDU (``SPECRESP`` for ARF formats).
        hdu_bands : str, optional
            Name of the axes HDU (default ``{hdu}_BANDS``; ``EBOUNDS`` for OGIP).
        hdu_region : str, optional
            Name of the region HDU (default ``{hdu}_REGION``; ``REGION`` for OGIP).
        format : {"gadf", "ogip", "ogip-sherpa", "ogip-arf", "ogip-arf-sherpa"}
            Format.

        Returns
        -------
        hdulist : `~astropy.io.fits.HDUList`
            Primary HDU, data table, axes table and region table.
        """
        if format not in _FORMATS:
            raise ValueError(f"Unsupported format {format!r}; use one of {_FORMATS}.")
        if hdu is None:
            hdu = _DEFAULTS[format][0]
        if hdu_bands is None:
            hdu_bands = f"{hdu.upper()}_BANDS"
        if hdu_region is None:
            hdu_region = f"{hdu.upper()}_REGION"
        table = self.to_table(format=format)
        table.meta["EXTNAME"] = (
            hdu.upper() if format == "gadf" else table.meta["EXTNAME"]
        )
        hdulist = fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU(table)])
        if format in ("ogip-arf", "ogip-arf-sherpa"):
            return hdulist
        geom_hdus = self.geom.to_hdulist(
            format=format, hdu_bands=hdu_bands, hdu_region=hdu_region
        )
        hdulist.extend(geom_hdus[1:])
        return hdulist

    @classmethod
    def from_hdulist(cls, hdulist, format="gadf", ogip_column=None, hdu=None):
        """Create a region map from an HDU list.

        Parameters
        ----------
        hdulist : `~astropy.io.fits.HDUList`
            HDUs.
        format : {"gadf", "ogip", "ogip-sherpa", "ogip-arf", "ogip-arf-sherpa"}
            Format. A "gadf" request on a file without ``{hdu}_BANDS`` but with
            ``EBOUNDS`` (or a ``SPECRESP`` table) is read as OGIP.
        ogip_column : str, optional
            OGIP column (or keyword) to read: ``COUNTS`` (default), ``QUALITY``
            (read as a boolean mask, True where quality is 0), ``BACKSCAL``,
            ``AREASCAL``; ``SPECRESP`` for ARFs.
        hdu : str, optional
            Data HDU (default ``SPECTRUM``; ``SPECRESP`` for ARFs).

        Returns
        -------
        map : `RegionNDMap`
            Region map; OGIP header keywords go to ``meta``.
        """
        format = _detect_format(hdulist, format, hdu)
        if format not in _FORMATS:
            raise ValueError(f"Unsupported format {format!r}; use one of {_FORMATS}.")
        default_hdu, default_column = _DEFAULTS[format]
        hdu = default_hdu if hdu is None else hdu
        column = default_column if ogip_column is None else ogip_column
        names = [h.name for h in hdulist]
        if hdu.upper() not in names:
            raise MissingHDUError(f"HDU {hdu!r} not found; available HDUs: {names}.")
        if format in ("ogip", "ogip-sherpa") and "EBOUNDS" not in names:
            raise MissingHDUError(
                f"HDU 'EBOUNDS' not found (HDUs: {names}); an OGIP PHA file needs it "
                "for the energy axis."
            )
        geom = RegionGeom.from_hdulist(hdulist, format=format, hdu=hdu)
        table = Table.read(hdulist[hdu])
        meta = dict(table.meta)
        if column in table.colnames:
            col = table[column]
            data = np.asarray(col.data)
            unit = col.unit or ""
            if hasattr(data, "mask"):
                data = np.asarray(data.data)
            if not data.dtype.isnative:
                # FITS is big-endian: keep the type, use native byte order
                data = data.astype(data.dtype.newbyteorder("="))
        elif column in meta:
            data = np.full(geom.data_shape, meta[column])
            unit = ""
        else:
            raise MissingColumnError(
                f"HDU {hdu!r} has neither a column nor a keyword {column!r}; columns: "
                f"{table.colnames}."
            )
        if column == "QUALITY":
            data, unit = np.logical_not(data.astype(bool)), ""
        if data.size != int(np.prod(geom.data_shape)):
            raise InvalidFileError(
                f"Column {column!r} has {data.size} values but the axes define "
                f"{int(np.prod(geom.data_shape))} bins."
            )
        return cls(geom=geom, data=data.reshape(geom.data_shape), meta=meta, unit=unit)

    @classmethod
    def read(cls, filename, format="gadf", ogip_column=None, hdu=None, checksum=False):
        """Read a region map from a FITS file.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File (``$GAMMARAY_DATA`` is expanded).
        format : {"gadf", "ogip", "ogip-sherpa", "ogip-arf", "ogip-arf-sherpa"}
            Format (see `from_hdulist`).
        ogip_column : str, optional
            OGIP column to read.
        hdu : str, optional
            Data HDU.
        checksum : bool
            Verify checksums.

        Returns
        -------
        map : `RegionNDMap`
            Region map.
        """
        path = make_path(filename)
        with fits.open(path, memmap=False, checksum=checksum) as hdulist:
            return cls.from_hdulist(
                hdulist, format=format, ogip_column=ogip_column, hdu=hdu
            )

    def write(
        self,
        filename,
        overwrite=False,
        format="gadf",
        hdu="SPECTRUM",
        checksum=False,
        **kwargs,
    ):
        """Write the map to a FITS file (atomically).

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            Output file.
        overwrite : bool
            Replace an existing file.
        format : {"gadf", "ogip", "ogip-sherpa", "ogip-arf", "ogip-arf-sherpa"}
            Format.
        hdu : str
            Name of the data HDU.
        checksum : bool
            Add checksums.
        **kwargs : dict
            ``hdu_bands``, ``hdu_region`` passed to `to_hdulist`.
        """
        hdulist = self.to_hdulist(hdu=hdu, format=format, **kwargs)
        with atomic_write(make_path(filename), overwrite=overwrite) as tmp:
            hdulist.writeto(tmp, overwrite=True, checksum=checksum)

    # ---- plotting -----------------------------------------------------------------
    def plot(self, ax=None, axis_name=None, **kwargs):
        """Plot the data along a non-spatial axis (e.g. a spectrum).

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        axis_name : str, optional
            Axis along the x axis (required if there are several axes).
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.errorbar` (``yerr`` may be an
            array of the data shape or a tuple of two).

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
            Axes.
        """
        from ._plot import plot_ndmap

        return plot_ndmap(self, ax=ax, axis_name=axis_name, **kwargs)

    def plot_hist(self, ax=None, **kwargs):
        """Plot the data as a step histogram along the (single) non-spatial axis."""
        from ._plot import plot_hist

        return plot_hist(self, ax=ax, **kwargs)

    def plot_mask(self, ax=None, **kwargs):
        """Shade the ranges of the axis where this boolean map is True."""
        from ._plot import plot_mask

        return plot_mask(self, ax=ax, **kwargs)

    def plot_region(self, ax=None, **kwargs):
        """Plot the region outline (see `~gammaray.maps.RegionGeom.plot_region`)."""
        return self.geom.plot_region(ax=ax, **kwargs)

    def plot_interactive(self, *args, **kwargs):
        """Not available for region maps; use `plot`."""
        raise NotImplementedError("Region maps have no interactive plot; use plot().")


def _ogip_counts_dtype(data):
    """OGIP counts are 32-bit integers: convert integer(-valued) data when exact."""
    if data.dtype == np.int32 or data.dtype == bool:
        return data
    finite = np.all(np.isfinite(data)) if data.dtype.kind == "f" else True
    if data.dtype.kind in "iuf" and finite and np.all(data == np.round(data)):
        info = np.iinfo(np.int32)
        if data.size == 0 or (data.min() >= info.min and data.max() <= info.max):
            return data.astype(np.int32)
    return data


def _detect_format(hdulist, format, hdu):
    names = [h.name for h in hdulist]
    if format is None:
        format = "gadf"
    if format != "gadf":
        return format
    hdu_name = (hdu or "SPECTRUM").upper()
    if f"{hdu_name}_BANDS" in names:
        return "gadf"
    if "EBOUNDS" in names:
        return "ogip"
    target = hdu_name if hdu_name in names else "SPECRESP"
    if target in names and "ENERG_LO" in hdulist[target].columns.names:
        return "ogip-arf"
    return format


def _full_map_region(wcs_map):
    from regions import RectangleSkyRegion

    geom = wcs_map.geom
    width = u.Quantity(geom.width).to("deg").reshape(-1)
    return RectangleSkyRegion(
        center=geom.center_skydir, width=width[0], height=width[-1]
    )
