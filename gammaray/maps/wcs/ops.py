"""Spatial operations of `~gammaray.maps.WcsNDMap`: padding, cropping, cutouts,
resampling, convolution, smoothing, reprojection and region reduction.

A mixin; scipy is imported lazily inside the functions that need it.
"""

import copy as _copy
import logging

import astropy.units as u
import numpy as np

from gammaray.utils.errors import GeometryMismatchError

__all__ = ["WcsMapOpsMixin"]

log = logging.getLogger(__name__)


def _pair(value):
    """(x, y) pair from an int or a 2-sequence."""
    if np.isscalar(value):
        return int(value), int(value)
    value = tuple(int(v) for v in value)
    if len(value) != 2:
        raise ValueError(f"Expected an int or an (x, y) pair, got {value}.")
    return value


def _overlap_slices(offset_x, offset_y, shape_small, shape_large):
    """Slices of two aligned images where ``small`` starts at pixel ``offset`` of ``large``."""
    ny_s, nx_s = shape_small
    ny_l, nx_l = shape_large
    x0, y0 = max(offset_x, 0), max(offset_y, 0)
    x1, y1 = min(offset_x + nx_s, nx_l), min(offset_y + ny_s, ny_l)
    if x1 <= x0 or y1 <= y0:
        return None
    large = (Ellipsis, slice(y0, y1), slice(x0, x1))
    small = (
        Ellipsis,
        slice(y0 - offset_y, y1 - offset_y),
        slice(x0 - offset_x, x1 - offset_x),
    )
    return large, small


def _disk_kernel(radius):
    """Normalised top-hat disk kernel with radius in pixels."""
    n = int(np.ceil(radius))
    y, x = np.mgrid[-n : n + 1, -n : n + 1]
    kernel = (x**2 + y**2 <= radius**2).astype(float)
    return kernel / kernel.sum()


class WcsMapOpsMixin:
    """Spatial operations of WCS maps."""

    # -- alignment -------------------------------------------------------------
    def _pixel_offset(self, other_geom):
        """Integer pixel offset of ``other_geom``'s pixel (0, 0) in this map's grid."""
        geom = self.geom.to_image()
        other = other_geom.to_image()
        if other.frame != geom.frame:
            raise GeometryMismatchError(
                f"Geometries have different frames ({other.frame} and {geom.frame})."
            )
        nx, ny = other.data_shape[-1], other.data_shape[-2]
        pix_probe = (np.array([0.0, nx - 1.0]), np.array([0.0, ny - 1.0]))
        coords = other.pix_to_coord(pix_probe)
        px, py = geom.coord_to_pix((coords[0], coords[1]))
        px, py = np.asarray(px), np.asarray(py)
        ox, oy = np.rint(px[0]), np.rint(py[0])
        aligned = np.allclose(px - ox, [0, nx - 1], atol=1e-3) and np.allclose(
            py - oy, [0, ny - 1], atol=1e-3
        )
        if not aligned:
            raise GeometryMismatchError(
                "The WCS geometries are not aligned (different pixel grids); "
                "reproject one map first (map.reproject_to_geom(...))."
            )
        return int(ox), int(oy)

    def _stack_slices(self, other):
        if self.geom == other.geom:
            return Ellipsis, Ellipsis
        if self.geom.axes.names != other.geom.axes.names or tuple(
            self.geom.data_shape[:-2]
        ) != tuple(other.geom.data_shape[:-2]):
            raise GeometryMismatchError(
                "Cannot stack maps with different non-spatial axes "
                f"({list(other.geom.axes.names)} vs {list(self.geom.axes.names)})."
            )
        ox, oy = self._pixel_offset(other.geom)
        slices = _overlap_slices(ox, oy, other.data.shape[-2:], self.data.shape[-2:])
        if slices is None:
            return (Ellipsis, slice(0, 0)), (Ellipsis, slice(0, 0))
        return slices

    # -- pad / crop / cutout ------------------------------------------------------
    def pad(self, pad_width, axis_name=None, mode="constant", cval=0, method=None):
        """Pad the map.

        Parameters
        ----------
        pad_width : int or tuple of int
            Pixels (bins) added on each side; ``(x, y)`` for the spatial dims.
        axis_name : str, optional
            Non-spatial axis to pad; None pads the spatial dimensions.
        mode : {"constant", "edge"}
            Padding mode.
        cval : float
            Constant value for ``mode="constant"``.
        """
        if axis_name is not None:
            geom = self.geom.pad(pad_width, axis_name=axis_name)
            idx = self._data_axis_index(axis_name)
            pw = [(0, 0)] * self.data.ndim
            pw[idx] = (
                (int(pad_width), int(pad_width))
                if np.isscalar(pad_width)
                else tuple(pad_width)
            )
        else:
            px, py = _pair(pad_width)
            geom = self.geom.pad((px, py))
            pw = [(0, 0)] * (self.data.ndim - 2) + [(py, py), (px, px)]
        if mode == "constant":
            data = np.pad(self.data, pw, mode="constant", constant_values=cval)
        elif mode == "edge":
            data = np.pad(self.data, pw, mode="edge")
        else:
            raise ValueError(f"Unknown pad mode {mode!r}; use 'constant' or 'edge'.")
        return self._init_copy(geom=geom, data=data)

    def crop(self, crop_width):
        """Crop ``crop_width`` pixels (int or ``(x, y)``) from each spatial edge."""
        cx, cy = _pair(crop_width)
        geom = self.geom.crop((cx, cy))
        ny, nx = self.data.shape[-2:]
        data = self.data[..., cy : ny - cy, cx : nx - cx]
        return self._init_copy(geom=geom, data=data.copy())

    def cutout(self, position, width, mode="trim", odd_npix=False, min_npix=1):
        """Cut out a rectangular part of the map.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`
            Centre of the cutout.
        width : `~astropy.units.Quantity` or tuple
            Width (or (width_lon, width_lat)) of the cutout (angle).
        mode : {"trim", "partial", "strict"}
            Behaviour at the map border (as `astropy.nddata.Cutout2D`); pixels
            outside the map are zero (``"partial"``).
        odd_npix : bool
            Force an odd number of pixels.
        min_npix : int
            Minimum number of pixels per dimension.
        """
        kwargs = {"position": position, "width": width, "mode": mode}
        if odd_npix:
            kwargs["odd_npix"] = odd_npix
        if min_npix != 1:
            kwargs["min_npix"] = min_npix
        geom = self.geom.cutout(**kwargs)
        ox, oy = self._pixel_offset(geom)
        data = np.zeros(geom.data_shape, dtype=self.data.dtype)
        slices = _overlap_slices(ox, oy, data.shape[-2:], self.data.shape[-2:])
        if slices is not None:
            parent, small = slices
            data[small] = self.data[parent]
        return self._init_copy(geom=geom, data=data)

    # -- resampling ---------------------------------------------------------------
    def _upsample_spatial(self, factor, order, preserve_counts):
        geom = self.geom.upsample(factor)
        if order == 0:
            data = np.repeat(np.repeat(self.data, factor, axis=-1), factor, axis=-2)
        elif order == 1:
            ny, nx = self.data.shape[-2:]
            y = np.clip((np.arange(ny * factor) + 0.5) / factor - 0.5, 0, ny - 1)
            x = np.clip((np.arange(nx * factor) + 0.5) / factor - 0.5, 0, nx - 1)
            data = self.data.astype(float)
            y0 = np.clip(np.floor(y).astype(int), 0, max(ny - 2, 0))
            x0 = np.clip(np.floor(x).astype(int), 0, max(nx - 2, 0))
            wy = (y - y0)[:, None]
            wx = x - x0
            y1 = np.minimum(y0 + 1, ny - 1)
            x1 = np.minimum(x0 + 1, nx - 1)
            top = data[..., y0, :][..., x0] * (1 - wx) + data[..., y0, :][..., x1] * wx
            bottom = (
                data[..., y1, :][..., x0] * (1 - wx) + data[..., y1, :][..., x1] * wx
            )
            data = top * (1 - wy) + bottom * wy
        else:
            raise ValueError(f"Upsampling order must be 0 or 1, got {order}.")
        if preserve_counts:
            data = data / factor**2
        if self.data.dtype.kind == "f":
            data = data.astype(self.data.dtype, copy=False)
        return self._init_copy(geom=geom, data=data)

    def _downsample_spatial(self, factor, preserve_counts, weights):
        geom = self.geom.downsample(factor)
        data = self.data if weights is None else self.data * weights
        ny_new, nx_new = geom.data_shape[-2:]
        ny, nx = data.shape[-2:]
        pad_y, pad_x = ny_new * factor - ny, nx_new * factor - nx
        if pad_y > 0 or pad_x > 0:
            pw = [(0, 0)] * (data.ndim - 2) + [(0, max(pad_y, 0)), (0, max(pad_x, 0))]
            data = np.pad(data, pw)
        data = data[..., : ny_new * factor, : nx_new * factor]
        shape = data.shape[:-2] + (ny_new, factor, nx_new, factor)
        if data.dtype == bool:
            data = data.reshape(shape).any(axis=(-3, -1))
        else:
            data = np.nansum(data.reshape(shape), axis=(-3, -1))
            if not preserve_counts:
                data = data / factor**2
            if self.data.dtype.kind == "f":
                data = data.astype(self.data.dtype, copy=False)
        return self._init_copy(geom=geom, data=data)

    # -- convolution / smoothing ----------------------------------------------------
    def _pixel_width(self, width):
        if isinstance(width, str):
            width = u.Quantity(width)
        if isinstance(width, u.Quantity):
            scale = np.mean(np.abs(self.geom.pixel_scales.to_value("deg")))
            return float(width.to_value("deg")) / scale
        return float(width)

    def convolve(self, kernel):
        """Convolve each image with a kernel (FFT, same output size).

        Parameters
        ----------
        kernel : `~numpy.ndarray`, `~gammaray.maps.Map` or PSF kernel
            2D kernel applied to every image, or a 3D kernel with one image per
            bin of the first non-spatial axis. Objects with a ``psf_kernel_map``
            attribute (PSF kernels) are accepted.

        Returns
        -------
        map : `WcsNDMap`
            Convolved map (float data).
        """
        from scipy.signal import fftconvolve

        kernel = getattr(kernel, "psf_kernel_map", kernel)
        kdata = np.asarray(getattr(kernel, "data", kernel), dtype=float)
        data = np.asarray(self.data, dtype=float)
        if kdata.ndim == 2:
            kdata = kdata.reshape((1,) * (data.ndim - 2) + kdata.shape)
        elif kdata.ndim == 3 and data.ndim >= 3:
            if kdata.shape[0] == 1:
                kdata = kdata.reshape((1,) * (data.ndim - 2) + kdata.shape[-2:])
            elif kdata.shape[0] != data.shape[-3]:
                raise GeometryMismatchError(
                    f"Kernel has {kdata.shape[0]} planes but the map has "
                    f"{data.shape[-3]} bins along its first non-spatial axis."
                )
            else:
                kdata = kdata.reshape((1,) * (data.ndim - 3) + kdata.shape)
        else:
            raise GeometryMismatchError(
                f"Kernel of shape {kdata.shape} does not fit map data shape {data.shape}."
            )
        kdata = np.broadcast_to(kdata, data.shape[:-2] + kdata.shape[-2:])
        out = fftconvolve(data, kdata, mode="same", axes=(-2, -1))
        if self.data.dtype.kind == "f":
            out = out.astype(self.data.dtype, copy=False)
        return self._init_copy(data=out)

    def smooth(self, width, kernel="gauss", **kwargs):
        """Smooth each image.

        Parameters
        ----------
        width : `~astropy.units.Quantity` or float
            Smoothing width: an angle or a number of pixels. It is the Gaussian
            sigma (``"gauss"``), the disk radius (``"disk"``) or the box size
            (``"box"``).
        kernel : {"gauss", "box", "disk"}
            Kernel type.
        **kwargs : dict
            Passed to `scipy.ndimage.gaussian_filter`, `~scipy.ndimage.uniform_filter`
            or `~scipy.ndimage.convolve` (default ``mode="constant"``).

        Returns
        -------
        map : `WcsNDMap`
            Smoothed map.
        """
        import scipy.ndimage as ndi

        width = self._pixel_width(width)
        kwargs.setdefault("mode", "constant")
        data = np.asarray(self.data, dtype=float)
        out = np.empty_like(data)
        for idx in np.ndindex(data.shape[:-2]):
            img = data[idx]
            if kernel == "gauss":
                out[idx] = ndi.gaussian_filter(img, width, **kwargs)
            elif kernel == "box":
                out[idx] = ndi.uniform_filter(img, int(round(width)), **kwargs)
            elif kernel == "disk":
                out[idx] = ndi.convolve(img, _disk_kernel(width), **kwargs)
            else:
                raise ValueError(
                    f"Unknown smoothing kernel {kernel!r}; use 'gauss', 'box' or 'disk'."
                )
        if self.data.dtype.kind == "f":
            out = out.astype(self.data.dtype, copy=False)
        return self._init_copy(data=out)

    # -- morphology -----------------------------------------------------------------
    def _structure(self, width, kernel):
        width = self._pixel_width(width)
        if kernel == "disk":
            return _disk_kernel(width) > 0
        if kernel == "box":
            n = max(int(round(width)), 1)
            return np.ones((n, n), dtype=bool)
        raise ValueError(f"Unknown structure kernel {kernel!r}; use 'disk' or 'box'.")

    def _binary_morphology(self, func_name, width, kernel, use_fft):
        import scipy.ndimage as ndi

        if not self.is_mask:
            raise ValueError(
                f"{func_name} needs a boolean mask map; convert with "
                "map.copy(data=map.data.astype(bool))."
            )
        structure = self._structure(width, kernel)
        out = np.empty_like(self.data)
        for idx in np.ndindex(self.data.shape[:-2]):
            image = self.data[idx]
            if use_fft:
                from scipy.signal import fftconvolve

                conv = fftconvolve(
                    image.astype(float), structure.astype(float), mode="same"
                )
                if func_name == "binary_erode":
                    out[idx] = conv > structure.sum() - 0.5
                else:
                    out[idx] = conv > 0.5
            elif func_name == "binary_erode":
                out[idx] = ndi.binary_erosion(image, structure, border_value=0)
            else:
                out[idx] = ndi.binary_dilation(image, structure)
        return self._init_copy(data=out)

    def binary_erode(self, width, kernel="disk", use_fft=False):
        """Binary erosion of a boolean mask.

        Parameters
        ----------
        width : `~astropy.units.Quantity` or float
            Radius of the disk (or size of the box), angle or pixels.
        kernel : {"disk", "box"}
            Structuring element.
        use_fft : bool
            Use an FFT convolution (faster for large structures).
        """
        return self._binary_morphology("binary_erode", width, kernel, use_fft)

    def binary_dilate(self, width, kernel="disk", use_fft=False):
        """Binary dilation of a boolean mask (see `binary_erode`)."""
        return self._binary_morphology("binary_dilate", width, kernel, use_fft)

    def get_spectrum(self, region=None, func=np.nansum, weights=None):
        """Spectrum (region map) of the data inside ``region`` (see `to_region_nd_map`)."""
        return self.to_region_nd_map(region=region, func=func, weights=weights)

    # -- reprojection -----------------------------------------------------------------
    def reproject_to_geom(self, geom, preserve_counts=False, precision_factor=10):
        """Reproject onto another geometry by oversampled nearest binning.

        Each input pixel is split into sub-pixels small enough that about
        ``precision_factor`` of them fit into an output pixel; sub-pixels are
        binned into the output pixel containing their centre. Values are
        averaged (surface-brightness-like data) or summed
        (``preserve_counts=True``).

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Target geometry; an image geometry takes this map's axes.
        preserve_counts : bool
            Preserve the total (counts-like data).
        precision_factor : int
            Minimal number of sub-pixels per output pixel along each dimension.

        Returns
        -------
        map : `~gammaray.maps.Map`
            Reprojected map.
        """
        from gammaray.maps.core import Map

        if geom.is_image and self.geom.axes:
            geom = geom.to_cube(list(self.geom.axes))
        if list(geom.axes.names) != list(self.geom.axes.names) or tuple(
            geom.axes.shape
        ) != tuple(self.geom.axes.shape):
            raise GeometryMismatchError(
                "reproject_to_geom needs the same non-spatial axes; use "
                "interp_to_geom to change the axes."
            )
        src_image = self.geom.to_image()
        dst_image = geom.to_image()
        src_scale = np.min(np.abs(src_image.pixel_scales.to_value("deg")))
        try:
            dst_scale = np.min(np.abs(dst_image.pixel_scales.to_value("deg")))
        except AttributeError:
            dst_scale = np.sqrt(np.min(dst_image.solid_angle().to_value("deg2")))
        factor = int(np.ceil(precision_factor * src_scale / dst_scale))
        n_src = int(np.prod(src_image.data_shape))
        max_factor = max(1, int(np.sqrt(2e7 / max(n_src, 1))))
        if factor > max_factor:
            log.info(
                "Reprojection oversampling reduced from %d to %d.", factor, max_factor
            )
            factor = max_factor
        factor = max(factor, 1)
        up = src_image.upsample(factor) if factor > 1 else src_image
        coords = up.get_coord()
        src_idx = src_image.coord_to_idx(coords)
        src_flat = np.ravel_multi_index(
            (src_idx[1].ravel(), src_idx[0].ravel()), src_image.data_shape[-2:]
        )
        dst_idx = dst_image.coord_to_idx(
            coords.to_frame(dst_image.frame)
            if coords.frame != dst_image.frame
            else coords
        )
        dst_idx = [np.asarray(i).ravel() for i in dst_idx]
        valid = np.all([i >= 0 for i in dst_idx], axis=0)
        dst_shape_img = tuple(dst_image.data_shape)
        dst_flat = np.ravel_multi_index(
            tuple(i[valid] for i in dst_idx[::-1]), dst_shape_img
        )
        src_flat = src_flat[valid]
        n_dst = int(np.prod(dst_shape_img))
        hits = np.bincount(dst_flat, minlength=n_dst)
        data = self.data.astype(float) if not self.is_mask else self.data.astype(float)
        data = data.reshape(data.shape[:-2] + (-1,))
        out = np.zeros(data.shape[:-1] + (n_dst,))
        for idx in np.ndindex(data.shape[:-1]):
            values = data[idx][src_flat]
            values = np.where(np.isfinite(values), values, 0.0)
            out[idx] = np.bincount(dst_flat, weights=values, minlength=n_dst)
        if preserve_counts:
            out /= factor**2
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                out = np.where(hits > 0, out / np.maximum(hits, 1), 0.0)
        out = out.reshape(tuple(geom.data_shape))
        if self.is_mask:
            out = out > 0.5
        elif self.data.dtype.kind == "f":
            out = out.astype(self.data.dtype)
        return Map.from_geom(
            geom, data=out, unit=self.unit, meta=_copy.deepcopy(self.meta)
        )

    # -- region reduction -----------------------------------------------------------------
    def to_region_nd_map(
        self, region=None, func=np.nansum, weights=None, method="nearest"
    ):
        """Reduce the map inside a sky region into a `~gammaray.maps.RegionNDMap`.

        Parameters
        ----------
        region : `~regions.SkyRegion`, `~gammaray.maps.RegionGeom` or str, optional
            Region; the whole map footprint if None. Point regions are
            interpolated with ``method``.
        func : callable
            Reduction over the pixels inside the region (``np.nansum``,
            ``np.nanmean``, ``np.any``, ...).
        weights : `~gammaray.maps.Map`, optional
            Weights (e.g. a mask) multiplied with the data first.
        method : {"nearest", "linear"}
            Interpolation method for point regions.

        Returns
        -------
        map : `~gammaray.maps.RegionNDMap`
            Region map with the axes of this map.
        """
        from gammaray.maps.region.ndmap import RegionNDMap

        return RegionNDMap.from_wcs_map(
            self, region=region, func=func, weights=weights, method=method
        )
