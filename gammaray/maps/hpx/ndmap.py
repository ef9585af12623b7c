"""N-dimensional HEALPix map: `HpxNDMap`."""

import copy as _copy
import logging

import astropy.units as u
import numpy as np

from gammaray.maps.core import Map
from gammaray.utils.errors import GeometryMismatchError

from ._interp import interp_hpx_data, reproject_hpx_to_wcs
from .geom import HpxGeom
from .utils import HpxToWcsMapping, nside_to_order

__all__ = ["HpxNDMap"]

log = logging.getLogger(__name__)


class HpxNDMap(Map):
    """N-dimensional HEALPix map.

    Data have shape ``axes.shape[::-1] + (npix,)``: the last dimension runs
    over the pixels of the geometry (`HpxGeom.ipix`, global HEALPix indices in
    increasing order), the others over the non-spatial axes.

    Parameters
    ----------
    geom : `~gammaray.maps.HpxGeom`
        HEALPix geometry.
    data : `~numpy.ndarray`, optional
        Data array; zeros of ``dtype`` if None.
    dtype : str
        Data type of the default data.
    meta : dict, optional
        Meta data.
    unit : str or `~astropy.units.Unit`
        Data unit.
    """

    tag = "map"
    _map_type = "hpx"

    @classmethod
    def _geom_class(cls):
        return HpxGeom

    @property
    def _spatial_axes_names(self):
        return ["skycoord"]

    # ------------------------------------------------------------------ create
    @classmethod
    def create(
        cls,
        nside=None,
        binsz=None,
        nest=True,
        map_type="hpx",
        frame="icrs",
        data=None,
        skydir=None,
        width=None,
        dtype="float32",
        region=None,
        axes=None,
        meta=None,
        unit="",
    ):
        """Create an empty HEALPix map.

        Parameters
        ----------
        nside : int, optional
            HEALPix resolution parameter (a power of 2).
        binsz : float or `~astropy.units.Quantity`, optional
            Approximate pixel size (deg), used when ``nside`` is None.
        nest : bool
            NESTED (True) or RING (False) ordering.
        map_type : str
            Must be ``"hpx"``.
        frame : {"icrs", "galactic"}
            Sky frame.
        data : `~numpy.ndarray`, optional
            Data array.
        skydir : `~astropy.coordinates.SkyCoord`, optional
            Centre of a partial-sky disk (with ``width``).
        width : float or `~astropy.units.Quantity`, optional
            Diameter (deg) of the disk; all-sky if None.
        dtype : str
            Data type.
        region : str or array-like, optional
            Partial-sky region (see `~gammaray.maps.HpxGeom`).
        axes : list of `~gammaray.maps.MapAxis`, optional
            Non-spatial axes.
        meta : dict, optional
            Meta data.
        unit : str or `~astropy.units.Unit`
            Data unit.

        Returns
        -------
        map : `HpxNDMap`
            The map.
        """
        if map_type != "hpx":
            raise ValueError(f"HpxNDMap.create needs map_type='hpx', got {map_type!r}.")
        geom = HpxGeom.create(
            nside=nside,
            binsz=binsz,
            nest=nest,
            frame=frame,
            region=region,
            axes=axes,
            skydir=skydir,
            width=width,
        )
        return cls(geom, data=data, dtype=dtype, meta=meta, unit=unit)

    # ------------------------------------------------------------------ I/O
    @classmethod
    def from_hdulist(
        cls, hdulist, hdu=None, hdu_bands=None, format=None, colname=None, filename=None
    ):
        """Create a map from an HDU list (GADF or Fermi-LAT HEALPix conventions).

        Parameters
        ----------
        hdulist : `~astropy.io.fits.HDUList`
            HDU list.
        hdu : str, optional
            Map HDU; the first HEALPix table if None.
        hdu_bands : str, optional
            Bands HDU; from ``BANDSHDU`` or the convention if None.
        format : str, optional
            ``"gadf"``, ``"fgst-ccube"``, ``"fgst-template"``, ``"fgst-bexpcube"``;
            detected if None.
        colname : str, optional
            Read only this data column.
        filename : str, optional
            Used in messages only.

        Returns
        -------
        map : `HpxNDMap`
            The map.
        """
        from .io import find_hpx_hdu, identify_hpx_format

        hdu = find_hpx_hdu(hdulist, hdu)
        if format is None:
            format = identify_hpx_format(hdulist, hdu)
        return cls.from_hdu(
            hdu, hdulist=hdulist, hdu_bands=hdu_bands, format=format, colname=colname
        )

    @classmethod
    def from_hdu(cls, hdu, hdulist=None, hdu_bands=None, format="gadf", colname=None):
        """Create a map from a HEALPix table HDU.

        Parameters
        ----------
        hdu : `~astropy.io.fits.BinTableHDU`
            HEALPix table.
        hdulist : `~astropy.io.fits.HDUList`, optional
            File holding the bands table (needed for maps with axes).
        hdu_bands : str, optional
            Name of the bands table.
        format : str
            Convention (see `from_hdulist`).
        colname : str, optional
            Read only this data column (as an image unless it is a vector column).

        Returns
        -------
        map : `HpxNDMap`
            The map.
        """
        from astropy.io import fits

        from .io import hpx_geom_from_hdulist, hpx_map_data_from_hdu

        hdulist = (
            hdulist if hdulist is not None else fits.HDUList([fits.PrimaryHDU(), hdu])
        )
        geom = hpx_geom_from_hdulist(
            HpxGeom, hdulist, hdu, hdu_bands=hdu_bands, format=format
        )
        if colname is not None:
            column = hdu.columns[colname] if colname in hdu.columns.names else None
            if column is None or np.prod(hdu.data[colname].shape[1:]) != np.prod(
                geom.axes.shape
            ):
                geom = geom.to_image()
        data, unit = hpx_map_data_from_hdu(hdu, geom, colname=colname, format=format)
        meta = {}
        for key in ("TELESCOP", "INSTRUME", "OBJECT"):
            if key in hdu.header and str(hdu.header[key]).strip():
                meta[key] = hdu.header[key]
        return cls(geom, data=data, unit=_parse_unit(unit), meta=meta)

    def to_hdulist(self, hdu=None, hdu_bands=None, format="gadf", sparse=False):
        """Convert the map to an `~astropy.io.fits.HDUList`.

        Parameters
        ----------
        hdu : str, optional
            Name of the map table (``SKYMAP`` by default).
        hdu_bands : str, optional
            Name of the bands table (``<HDU>_BANDS`` for GADF).
        format : {"gadf", "fgst-ccube", "fgst-template", "fgst-bexpcube"}
            Convention.
        sparse : bool
            Not supported; must be False.

        Returns
        -------
        hdulist : `~astropy.io.fits.HDUList`
            Primary HDU, HEALPix table and bands table.
        """
        from .io import hpx_map_to_hdulist

        if sparse:
            raise NotImplementedError(
                "Writing SPARSE HEALPix tables is not supported; use a partial-sky "
                "geometry (region=...) to store only part of the sky."
            )
        return hpx_map_to_hdulist(self, hdu=hdu, hdu_bands=hdu_bands, format=format)

    # -------------------------------------------------------------- interpolation
    def interp_by_coord(
        self, coords, method="linear", fill_value=None, values_scale="lin"
    ):
        """Interpolate the map at coordinates.

        ``"linear"`` is bilinear on the sphere (healpy ``get_interp_weights``)
        and linear in the pixel coordinates of the non-spatial axes; ``"nearest"``
        takes the value of the pixel containing the position.

        Parameters
        ----------
        coords : tuple, dict, `~gammaray.maps.MapCoord` or `~astropy.coordinates.SkyCoord`
            Coordinates ``(lon, lat, *axis_coords)``, lon/lat in deg.
        method : {"linear", "nearest"}
            Interpolation method.
        fill_value : float or None
            Value outside the map; None extrapolates along the axes (and uses
            the available neighbours at the border of a partial-sky map).
        values_scale : {"lin", "log", "sqrt"}
            Scale in which values are interpolated.

        Returns
        -------
        values : `~numpy.ndarray`
            Interpolated values (shape of the broadcast coordinates).
        """
        coords = self.geom._prepare_coords(coords)
        if method == "nearest":
            fill = np.nan if fill_value is None else fill_value
            return self.get_by_coord(coords, fill_value=fill)
        if method != "linear":
            raise ValueError(
                f"Unknown interpolation method {method!r}; use 'linear' or 'nearest'."
            )
        return interp_hpx_data(
            self.geom,
            self.data,
            coords,
            fill_value=fill_value,
            values_scale=values_scale,
        )

    def interp_by_pix(self, pix, method="linear", fill_value=None, values_scale="lin"):
        """Interpolate the map at pixel coordinates (see `interp_by_coord`).

        The spatial pixel is a local pixel index (rounded); the axis pixels may
        be fractional.
        """
        coords = self.geom.pix_to_coord(pix)
        return self.interp_by_coord(
            coords, method=method, fill_value=fill_value, values_scale=values_scale
        )

    # ---------------------------------------------------------------- to WCS
    def to_wcs(
        self,
        sum_bands=False,
        normalize=True,
        proj="AIT",
        oversample=2,
        width_pix=None,
        hpx2wcs=None,
        fill_nan=True,
    ):
        """Project the map onto a WCS geometry (nearest HEALPix pixel).

        Parameters
        ----------
        sum_bands : bool
            Sum over the non-spatial axes first.
        normalize : bool
            Divide each value by the number of WCS pixels sharing its HEALPix
            pixel, so that the sum over the map is preserved (counts).
        proj : str
            WCS projection.
        oversample : float
            WCS pixels per rounded HEALPix pixel size.
        width_pix : int, optional
            Maximum width of the WCS image in pixels.
        hpx2wcs : `~gammaray.maps.hpx.utils.HpxToWcsMapping`, optional
            Precomputed mapping (its WCS geometry is used).
        fill_nan : bool
            NaN (True) or 0 (False) for WCS pixels without a HEALPix pixel.

        Returns
        -------
        map : `~gammaray.maps.WcsNDMap`
            The WCS map.
        """
        hpx_map = (
            self.sum_over_axes(keepdims=False) if sum_bands and self.geom.axes else self
        )
        if hpx2wcs is None:
            wcs_geom = hpx_map.geom.to_wcs_geom(
                proj=proj, oversample=oversample, width_pix=width_pix
            )
            hpx2wcs = HpxToWcsMapping.create(hpx_map.geom, wcs_geom)
        else:
            wcs_geom = hpx2wcs.wcs.to_image()
            if hpx_map.geom.axes:
                wcs_geom = wcs_geom.to_cube(list(hpx_map.geom.axes))
        dtype = np.result_type(hpx_map.data.dtype, np.float32)
        if hpx_map.is_mask:
            dtype = np.float32
        wcs_data = np.zeros(wcs_geom.data_shape, dtype=dtype)
        hpx2wcs.fill_wcs_map_from_hpx_data(
            hpx_map.data, wcs_data, normalize=normalize, fill_nan=fill_nan
        )
        return Map.from_geom(
            wcs_geom, data=wcs_data, unit=self.unit, meta=_copy.deepcopy(self.meta)
        )

    def reproject_to_geom(self, geom, preserve_counts=False, precision_factor=10):
        """Reproject the map onto another geometry with the same non-spatial axes.

        - WCS target: when the WCS pixels are no larger than the HEALPix pixels
          the map is interpolated bilinearly at the WCS pixel centres; otherwise
          each WCS pixel averages ``n x n`` interpolated sub-samples with
          ``n = min(precision_factor, ceil(2 * wcs_pixel / hpx_pixel))``.
        - HEALPix target: up/down-grading (`to_ud_graded`) to the target
          ``nside`` and ordering, then selection of the target pixels.

        Parameters
        ----------
        geom : `~gammaray.maps.WcsGeom` or `~gammaray.maps.HpxGeom`
            Target geometry; an image geometry takes this map's axes.
        preserve_counts : bool
            Treat the data as counts (preserve the total).
        precision_factor : int
            Maximum number of sub-samples per WCS pixel along each dimension.

        Returns
        -------
        map : `~gammaray.maps.Map`
            Reprojected map (float data, 0 outside this map).
        """
        if getattr(geom, "is_region", False):
            raise TypeError(
                "Cannot reproject onto a RegionGeom; use map.to_region_nd_map(region)."
            )
        if geom.is_image and self.geom.axes:
            geom = geom.to_cube(list(_copy.deepcopy(self.geom.axes)))
        if list(geom.axes.names) != list(self.geom.axes.names) or tuple(
            geom.axes.shape
        ) != tuple(self.geom.axes.shape):
            raise GeometryMismatchError(
                "reproject_to_geom needs the same non-spatial axes; use interp_to_geom "
                "to change the axes."
            )
        dtype = np.result_type(self.data.dtype, np.float32)
        if isinstance(geom, HpxGeom):
            out = self._reproject_to_hpx(geom, preserve_counts)
        else:
            src_scale = self.geom.pixel_scales[0].deg
            dst_scale = float(
                np.min(np.abs(geom.to_image().pixel_scales.to_value("deg")))
            )
            factor = 1
            if dst_scale > src_scale:
                factor = int(min(precision_factor, np.ceil(2 * dst_scale / src_scale)))
            factor = max(factor, 1)
            out = reproject_hpx_to_wcs(
                self.geom,
                self.data,
                geom,
                factor=factor,
                preserve_counts=preserve_counts,
            )
        return Map.from_geom(
            geom, data=out.astype(dtype), unit=self.unit, meta=_copy.deepcopy(self.meta)
        )

    def _reproject_to_hpx(self, geom, preserve_counts):
        if geom.frame != self.geom.frame:
            raise GeometryMismatchError(
                "Reprojection between HEALPix frames is not supported; create the "
                f"target geometry in frame {self.geom.frame!r}."
            )
        src = self
        if geom.nest != self.geom.nest:
            src = src.to_swapped()
        if geom.nside != src.geom.nside:
            src = src.to_ud_graded(geom.nside, preserve_counts=preserve_counts)
        local = src.geom.global_to_local(geom.ipix)
        ok = local >= 0
        data = np.asarray(src.data, dtype=float)
        out = np.zeros(geom.data_shape)
        out[..., ok] = data[..., local[ok]]
        return out

    # ---------------------------------------------------------- re-pixelisation
    def to_swapped(self):
        """Map with the other pixel ordering (NESTED <-> RING)."""
        import healpy as hp

        geom = self.geom.to_swapped()
        convert = hp.nest2ring if geom.nest else hp.ring2nest
        old_global = convert(geom.nside, geom.ipix)
        idx = self.geom.global_to_local(old_global)
        return self._init_copy(geom=geom, data=self.data[..., idx])

    def to_ud_graded(self, nside, preserve_counts=False):
        """Map at another HEALPix resolution.

        Parameters
        ----------
        nside : int
            New ``nside``.
        preserve_counts : bool
            Counts-like data: sum children when degrading and split values
            between children when upgrading. Otherwise average / repeat.

        Returns
        -------
        map : `HpxNDMap`
            The re-gridded map.
        """
        import healpy as hp

        order = nside_to_order(nside)
        geom = self.geom.to_ud_graded(order)
        nside_old = self.geom.nside
        data = self.data
        if nside == nside_old:
            return self.copy()
        old_nest = self.geom.ipix
        if not self.geom.nest:
            old_nest = hp.ring2nest(nside_old, old_nest)
        if nside < nside_old:
            factor = (nside_old // nside) ** 2
            parent = old_nest // factor
            if not geom.nest:
                parent = hp.nest2ring(nside, parent)
            local = geom.global_to_local(parent)
            ok = local >= 0
            planes = np.asarray(data, dtype=float).reshape((-1, self.geom.npix))
            out = np.zeros((planes.shape[0], geom.npix))
            for i, plane in enumerate(planes):
                out[i] = np.bincount(local[ok], weights=plane[ok], minlength=geom.npix)
            if not preserve_counts:
                out /= factor
            out = out.reshape(geom.data_shape)
        else:
            factor = (nside // nside_old) ** 2
            new_nest = geom.ipix if geom.nest else hp.ring2nest(nside, geom.ipix)
            parent = new_nest // factor
            if not self.geom.nest:
                parent = hp.nest2ring(nside_old, parent)
            local = self.geom.global_to_local(parent)
            ok = local >= 0
            out = np.zeros(
                geom.data_shape, dtype=np.result_type(data.dtype, np.float32)
            )
            out[..., ok] = data[..., local[ok]]
            if preserve_counts:
                out = out / factor
        if self.is_mask:
            out = out > 0
        elif data.dtype.kind == "f":
            out = out.astype(data.dtype)
        return self._init_copy(geom=geom, data=out)

    def _upsample_spatial(self, factor, order, preserve_counts):
        return self.to_ud_graded(
            self.geom.nside * int(factor), preserve_counts=preserve_counts
        )

    def _downsample_spatial(self, factor, preserve_counts, weights):
        m = self if weights is None else self._init_copy(data=self.data * weights)
        return m.to_ud_graded(
            self.geom.nside // int(factor), preserve_counts=preserve_counts
        )

    def cutout(self, position, width, mode="trim", **kwargs):
        """Partial-sky map of the pixels within ``width / 2`` of ``position``.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`
            Centre.
        width : float or `~astropy.units.Quantity`
            Diameter of the disk (deg if a float).
        mode : str
            Unused (kept for API compatibility).

        Returns
        -------
        map : `HpxNDMap`
            The cutout.
        """
        geom = self.geom.cutout(position, width)
        idx = self.geom.global_to_local(geom.ipix)
        return self._init_copy(geom=geom, data=self.data[..., idx])

    def pad(self, pad_width, axis_name=None, mode="constant", cval=0, method=None):
        """Pad the map: a non-spatial axis, or rings of pixels around a partial-sky map.

        New pixels/bins get ``cval`` (only ``mode="constant"`` is supported).
        """
        if mode != "constant":
            raise NotImplementedError(
                f"HpxNDMap.pad supports mode='constant' only, got {mode!r}."
            )
        geom = self.geom.pad(pad_width, axis_name=axis_name)
        if axis_name is not None:
            i = self._data_axis_index(axis_name)
            widths = [(0, 0)] * self.data.ndim
            pw = (pad_width, pad_width) if np.isscalar(pad_width) else tuple(pad_width)
            widths[i] = pw
            data = np.pad(self.data, widths, mode="constant", constant_values=cval)
            return self._init_copy(geom=geom, data=data)
        data = np.full(geom.data_shape, cval, dtype=self.data.dtype)
        idx = geom.global_to_local(self.geom.ipix)
        data[..., idx] = self.data
        return self._init_copy(geom=geom, data=data)

    def crop(self, crop_width):
        """Remove ``crop_width`` rings of boundary pixels from a partial-sky map."""
        geom = self.geom.crop(crop_width)
        idx = self.geom.global_to_local(geom.ipix)
        return self._init_copy(geom=geom, data=self.data[..., idx])

    # ------------------------------------------------------------- smoothing
    def smooth(self, width, kernel="gauss", **kwargs):
        """Smooth every image with a Gaussian (healpy ``smoothing``).

        Parameters
        ----------
        width : `~astropy.units.Quantity`, str or float
            Gaussian sigma; a float is in pixels (of size ``pixel_scales``).
        kernel : {"gauss"}
            Only Gaussian smoothing is available for HEALPix maps.
        **kwargs : dict
            Passed to `healpy.smoothing` (e.g. ``lmax``, ``iter``).

        Returns
        -------
        map : `HpxNDMap`
            Smoothed map (partial-sky maps are zero outside their pixels).
        """
        import healpy as hp

        if kernel != "gauss":
            raise ValueError(
                f"HpxNDMap.smooth supports kernel='gauss' only, got {kernel!r}; "
                "use map.to_wcs() for other kernels."
            )
        if isinstance(width, (u.Quantity, str)):
            sigma = u.Quantity(width).to_value("rad")
        else:
            sigma = float(width) * self.geom.pixel_scales[0].rad
        geom = self.geom
        planes = np.asarray(self.data, dtype=float).reshape((-1, geom.npix))
        out = np.empty_like(planes)
        full = np.zeros(geom.npix_max)
        for i, plane in enumerate(planes):
            full[:] = 0.0
            full[geom.ipix] = np.where(np.isfinite(plane), plane, 0.0)
            smoothed = hp.smoothing(
                full, sigma=sigma, pol=False, nest=geom.nest, **kwargs
            )
            out[i] = smoothed[geom.ipix]
        dtype = np.result_type(self.data.dtype, np.float32)
        return self._init_copy(data=out.reshape(self.data.shape).astype(dtype))

    def convolve(self, kernel):
        """Not available for HEALPix maps.

        Use `smooth` (Gaussian, in harmonic space) or convert with `to_wcs`
        and convolve the WCS map.
        """
        raise NotImplementedError(
            "Convolution of HEALPix maps with a kernel is not implemented; use "
            "map.smooth(width) for Gaussian smoothing, or map.to_wcs().convolve(kernel)."
        )

    # --------------------------------------------------------------- regions
    def to_region_nd_map(self, region, func=np.nansum, weights=None, method="nearest"):
        """Reduce the map over a sky region into a `~gammaray.maps.RegionNDMap`.

        Parameters
        ----------
        region : `~regions.SkyRegion` or str
            Region (DS9 string).
        func : callable
            Reduction over the pixels with centres in the region
            (``method="nearest"``), called as ``func(values, axis=-1)``.
        weights : `~gammaray.maps.Map` or `~numpy.ndarray`, optional
            Weights multiplied with the data first.
        method : {"nearest", "linear"}
            ``"linear"`` interpolates at the region centre instead.

        Returns
        -------
        map : `~gammaray.maps.RegionNDMap`
            Region map with this map's axes.
        """
        from gammaray.maps.region import RegionGeom

        geom = RegionGeom.create(region, axes=list(_copy.deepcopy(self.geom.axes)))
        data = np.asarray(self.data)
        if weights is not None:
            data = data * np.asarray(getattr(weights, "data", weights))
        if method == "linear":
            center = geom.center_skydir
            coords = {"skycoord": center}
            for i, ax in enumerate(self.geom.axes):
                shape = [1] * len(self.geom.axes)
                shape[len(self.geom.axes) - 1 - i] = -1
                coords[ax.name] = ax.center.reshape(shape)
            vals = self._init_copy(data=data).interp_by_coord(coords)
        elif method == "nearest":
            mask = self.geom._region_image_mask(geom.region)
            if not mask.any():
                idx = self.geom.coord_to_idx(geom.center_skydir)[0]
                mask[idx[idx >= 0]] = True
            vals = func(data[..., mask], axis=-1)
        else:
            raise ValueError(f"Unknown method {method!r}; use 'nearest' or 'linear'.")
        vals = np.asarray(vals).reshape(geom.data_shape)
        return Map.from_geom(
            geom, data=vals, unit=self.unit, meta=_copy.deepcopy(self.meta)
        )

    # --------------------------------------------------------------- plotting
    def plot(
        self,
        method="raster",
        ax=None,
        normalize=False,
        proj="AIT",
        oversample=2,
        width_pix=1000,
        **kwargs,
    ):
        """Plot an image map by projecting it onto a WCS geometry.

        Parameters
        ----------
        method : {"raster", "poly"}
            ``"raster"`` projects onto a WCS image (nearest pixel); ``"poly"``
            draws every HEALPix pixel as a polygon.
        ax : `~astropy.visualization.wcsaxes.WCSAxes`, optional
            Axes to draw into.
        normalize : bool
            Divide values between WCS pixels sharing a HEALPix pixel (raster).
        proj : str
            WCS projection.
        oversample : float
            WCS pixels per HEALPix pixel (raster).
        width_pix : int
            Maximum WCS width in pixels (raster).
        **kwargs : dict
            Passed to ``imshow`` (raster) or the polygon collection (poly).

        Returns
        -------
        ax : `~astropy.visualization.wcsaxes.WCSAxes`
            The axes.
        """
        from .plot import plot_hpx

        return plot_hpx(
            self,
            method=method,
            ax=ax,
            normalize=normalize,
            proj=proj,
            oversample=oversample,
            width_pix=width_pix,
            **kwargs,
        )

    def plot_mask(self, ax=None, proj="AIT", oversample=2, width_pix=1000, **kwargs):
        """Plot a boolean mask (projected onto a WCS geometry) as hatched contours."""
        if not self.is_mask:
            raise ValueError("plot_mask needs a boolean mask map (data.dtype == bool).")
        wcs_map = self.to_wcs(
            normalize=False,
            proj=proj,
            oversample=oversample,
            width_pix=width_pix,
            fill_nan=False,
        )
        wcs_map = wcs_map._init_copy(data=wcs_map.data > 0.5)
        return wcs_map.plot_mask(ax=ax, **kwargs)


def _parse_unit(unit):
    try:
        return u.Unit(unit)
    except ValueError:
        import warnings

        from gammaray.utils.errors import FormatWarning

        warnings.warn(
            f"Unparseable unit {unit!r} in HEALPix map; using dimensionless.",
            FormatWarning,
            stacklevel=3,
        )
        return u.dimensionless_unscaled
