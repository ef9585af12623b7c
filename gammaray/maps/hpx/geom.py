"""HEALPix geometry: `HpxGeom`."""

import copy
import logging

import astropy.units as u
import numpy as np
from astropy.coordinates import Angle, SkyCoord

from gammaray.maps.axes import MapAxes
from gammaray.maps.coord import MapCoord
from gammaray.maps.geom import Geom

from .utils import (
    _lonlat_to_vec,
    check_frame,
    check_nside,
    get_nside_from_pix_size,
    get_pix_size_from_nside,
    get_region_ipix,
    ipix_to_lonlat,
    lonlat_to_ipix,
    nside_to_order,
    order_to_nside,
    parse_hpx_region,
)

__all__ = ["HpxGeom"]

log = logging.getLogger(__name__)


def _to_axes(axes):
    if isinstance(axes, MapAxes):
        return axes
    return MapAxes(list(axes) if axes is not None else [])


class HpxGeom(Geom):
    """Geometry of a HEALPix map, all-sky or partial-sky.

    Spatial pixels are HEALPix pixels; the geometry may have non-spatial axes
    (energy, time, ...). Data arrays have shape ``axes.shape[::-1] + (npix,)``
    where ``npix`` is the number of pixels of the (partial-sky) pixel list.

    Pixel and index conventions: the spatial pixel/index of a coordinate is its
    *local* index in the list of pixels of the geometry (`ipix`); for all-sky
    geometries it equals the global HEALPix index. Coordinates outside a
    partial-sky geometry have spatial pixel and index -1. `local_to_global` and
    `global_to_local` convert between the two.

    Parameters
    ----------
    nside : int
        HEALPix resolution parameter (a power of 2).
    nest : bool
        NESTED (True) or RING (False) pixel ordering.
    frame : {"icrs", "galactic"}
        Sky frame.
    region : str or array-like, optional
        Partial-sky region: a string (``"DISK(lon,lat,radius)"``,
        ``"DISK_INC(lon,lat,radius[,fact])"``, ``"HPX_PIXEL(ordering,order,ipix)"``;
        angles in deg in ``frame``) or an explicit list of global pixel indices.
        None means all-sky.
    axes : list of `~gammaray.maps.MapAxis` or `~gammaray.maps.MapAxes`, optional
        Non-spatial axes.
    """

    is_hpx = True
    is_region = False
    is_regular = True
    projection = "HPX"

    def __init__(self, nside, nest=True, frame="icrs", region=None, axes=None):
        self._nside = check_nside(nside)
        self._nest = bool(nest)
        self._frame = check_frame(frame)
        self._axes = _to_axes(axes)
        self._ipix = None
        if region is None:
            self._region = None
        elif isinstance(region, str):
            self._region = region
            self._ipix = get_region_ipix(self._nside, self._nest, region)
        else:
            ipix = np.unique(np.asarray(region, dtype=np.int64).ravel())
            if ipix.size == 0:
                raise ValueError(
                    "Explicit HEALPix region is empty; give pixel indices."
                )
            if ipix[0] < 0 or ipix[-1] >= self.npix_max:
                raise ValueError(
                    f"Explicit pixel indices must lie in [0, {self.npix_max - 1}] "
                    f"for nside={self._nside}."
                )
            self._region = "explicit"
            self._ipix = ipix
        if self._ipix is not None and self._ipix.size == 0:
            raise ValueError(
                f"HEALPix region {region!r} contains no pixel at nside={self._nside}; "
                "increase the radius or the nside."
            )

    # ------------------------------------------------------------------ basics
    @classmethod
    def create(
        cls,
        nside=None,
        binsz=None,
        nest=True,
        frame="icrs",
        region=None,
        axes=None,
        skydir=None,
        width=None,
    ):
        """Create a HEALPix geometry.

        Parameters
        ----------
        nside : int, optional
            HEALPix resolution parameter. Either ``nside`` or ``binsz`` is needed.
        binsz : float or `~astropy.units.Quantity`, optional
            Approximate pixel size (deg); the ``nside`` with the closest pixel size
            is used (0.1 deg gives ``nside=512``).
        nest : bool
            NESTED (True) or RING (False) ordering.
        frame : {"icrs", "galactic"}
            Sky frame.
        region : str or array-like, optional
            Partial-sky region (see `HpxGeom`).
        axes : list of `~gammaray.maps.MapAxis`, optional
            Non-spatial axes.
        skydir : `~astropy.coordinates.SkyCoord` or tuple, optional
            Centre of a partial-sky disk (with ``width``); a tuple is (lon, lat)
            in deg in ``frame``.
        width : float or `~astropy.units.Quantity`, optional
            Diameter (deg) of the disk region around ``skydir``. Without it the
            geometry is all-sky.

        Returns
        -------
        geom : `HpxGeom`
            The geometry.
        """
        if nside is None and binsz is None:
            raise ValueError("HpxGeom.create needs either nside or binsz.")
        if nside is None:
            nside = get_nside_from_pix_size(binsz)
        frame = check_frame(frame)
        if width is not None and region is None:
            width = np.max(u.Quantity(width, "deg").to_value("deg"))
            if skydir is None:
                lon, lat = 0.0, 0.0
            elif isinstance(skydir, SkyCoord):
                sky = skydir.transform_to(frame)
                lon, lat = sky.spherical.lon.deg, sky.spherical.lat.deg
            else:
                lon = u.Quantity(skydir[0], "deg").to_value("deg")
                lat = u.Quantity(skydir[1], "deg").to_value("deg")
            region = f"DISK({float(lon)},{float(lat)},{float(width) / 2})"
        return cls(nside, nest=nest, frame=frame, region=region, axes=axes)

    @property
    def nside(self):
        """HEALPix resolution parameter (int)."""
        return self._nside

    @property
    def order(self):
        """HEALPix order ``log2(nside)`` (int)."""
        return nside_to_order(self._nside)

    @property
    def nest(self):
        """True for NESTED ordering, False for RING."""
        return self._nest

    @property
    def ordering(self):
        """``"NESTED"`` or ``"RING"``."""
        return "NESTED" if self._nest else "RING"

    @property
    def frame(self):
        """Sky frame (``"icrs"`` or ``"galactic"``)."""
        return self._frame

    @property
    def axes(self):
        """Non-spatial axes (`~gammaray.maps.MapAxes`)."""
        return self._axes

    @property
    def region(self):
        """Region string, ``"explicit"`` for a pixel list, or None for all-sky."""
        return self._region

    @property
    def is_allsky(self):
        """True if the geometry covers the whole sky."""
        return self._ipix is None or self._ipix.size == self.npix_max

    @property
    def is_image(self):
        """True if the geometry has no non-spatial axes."""
        return len(self._axes) == 0

    @property
    def npix_max(self):
        """Number of pixels of the whole sky at this nside, ``12 nside**2``."""
        return 12 * self._nside * self._nside

    @property
    def npix(self):
        """Number of spatial pixels of the geometry (int)."""
        return self.npix_max if self._ipix is None else int(self._ipix.size)

    @property
    def ipix(self):
        """Global HEALPix indices of the pixels of the geometry (sorted int64 array)."""
        if self._ipix is None:
            return np.arange(self.npix_max, dtype=np.int64)
        return self._ipix

    @property
    def data_shape(self):
        """Shape of the data array, ``axes.shape[::-1] + (npix,)``."""
        return tuple(self._axes.shape)[::-1] + (self.npix,)

    @property
    def data_shape_axes(self):
        """Shape of the non-spatial part of the data, with 1 for the spatial dim."""
        return tuple(self._axes.shape)[::-1] + (1,)

    @property
    def data_shape_image(self):
        """Shape of one image, ``(npix,)``."""
        return (self.npix,)

    @property
    def ndim(self):
        """Number of dimensions of the data (1 spatial + number of axes)."""
        return 1 + len(self._axes)

    @property
    def shape_axes(self):
        """Shape of the non-spatial axes (pixel order)."""
        return tuple(self._axes.shape)

    @property
    def pixel_scales(self):
        """Pixel size ``sqrt(4 pi / npix_max)`` as an `~astropy.coordinates.Angle` (lon, lat)."""
        size = np.degrees(np.sqrt(4 * np.pi / self.npix_max))
        return Angle([size, size], "deg")

    @property
    def width(self):
        """Width (lon, lat) of the geometry as an `~astropy.units.Quantity` (deg).

        All-sky: (360, 180) deg; DISK regions: the disk diameter; explicit pixel
        lists: twice the largest distance of a pixel centre from the centre plus
        one pixel.
        """
        if self.is_allsky:
            return u.Quantity([360.0, 180.0], "deg")
        if self._region is not None and self._region.startswith("DISK"):
            _, params = parse_hpx_region(self._region)
            w = 2 * params[2]
        else:
            sep = self.separation(self.center_skydir).deg
            w = 2 * np.max(sep) + self.pixel_scales[0].deg
        w = min(w, 360.0)
        return u.Quantity([w, min(w, 180.0)], "deg")

    @property
    def center_skydir(self):
        """Centre of the geometry (`~astropy.coordinates.SkyCoord`)."""
        if self.is_allsky:
            lon, lat = 0.0, 0.0
        elif self._region.startswith("DISK"):
            _, params = parse_hpx_region(self._region)
            lon, lat = params[0], params[1]
        else:
            lon, lat = ipix_to_lonlat(self._nside, self._nest, self._ipix)
            vec = _lonlat_to_vec(lon, lat).mean(axis=1)
            lon = np.degrees(np.arctan2(vec[1], vec[0])) % 360
            lat = np.degrees(np.arctan2(vec[2], np.hypot(vec[0], vec[1])))
        return SkyCoord(lon, lat, unit="deg", frame=self._frame)

    @property
    def center_coord(self):
        """Coordinates of the centre: ``(lon, lat, *axis_centres)``, lon/lat Quantities in deg."""
        sky = self.center_skydir
        coords = [sky.spherical.lon.to("deg"), sky.spherical.lat.to("deg")]
        coords += [
            ax.pix_to_coord(np.array([(ax.nbin - 1) / 2.0]))[0] for ax in self._axes
        ]
        return tuple(coords)

    @property
    def center_pix(self):
        """Pixel coordinates of the centre (see `coord_to_pix`)."""
        return self.coord_to_pix(self.center_coord)

    # -------------------------------------------------------------- indexing
    def global_to_local(self, idx_global, ravel=False):
        """Convert global HEALPix indices to local indices of the geometry.

        Parameters
        ----------
        idx_global : array-like or tuple
            Global pixel indices, or an index tuple whose first element holds
            them (the other elements are passed through).
        ravel : bool
            Return raveled (flat) data indices instead of an index tuple.

        Returns
        -------
        idx_local : `~numpy.ndarray` or tuple
            Local indices; -1 for pixels not in the geometry.
        """
        is_tuple = isinstance(idx_global, tuple)
        idx = list(idx_global) if is_tuple else [idx_global]
        gpix = np.asarray(idx[0])
        gpix = np.where(np.isfinite(gpix), gpix, -1).astype(np.int64)
        if self._ipix is None:
            local = np.where((gpix >= 0) & (gpix < self.npix_max), gpix, -1)
        else:
            pos = np.searchsorted(self._ipix, gpix)
            pos_c = np.clip(pos, 0, self._ipix.size - 1)
            found = (gpix >= 0) & (self._ipix[pos_c] == gpix)
            local = np.where(found, pos_c, -1)
        idx[0] = local
        if ravel:
            idx = [np.asarray(i, dtype=np.int64) for i in np.broadcast_arrays(*idx)]
            bad = np.zeros(idx[0].shape, dtype=bool)
            for i in idx:
                bad |= i < 0
            flat = np.ravel_multi_index(
                tuple(np.clip(i, 0, None) for i in idx[::-1]), self.data_shape
            )
            return np.where(bad, -1, flat)
        return tuple(idx) if is_tuple else idx[0]

    def local_to_global(self, idx_local):
        """Convert local pixel indices of the geometry to global HEALPix indices.

        Parameters
        ----------
        idx_local : array-like or tuple
            Local indices, or an index tuple whose first element holds them.

        Returns
        -------
        idx_global : `~numpy.ndarray` or tuple
            Global indices; -1 where the local index is invalid.
        """
        is_tuple = isinstance(idx_local, tuple)
        idx = list(idx_local) if is_tuple else [idx_local]
        local = np.asarray(idx[0]).astype(np.int64)
        valid = (local >= 0) & (local < self.npix)
        if self._ipix is None:
            out = np.where(valid, local, -1)
        else:
            out = np.where(valid, self._ipix[np.clip(local, 0, self.npix - 1)], -1)
        idx[0] = out
        return tuple(idx) if is_tuple else idx[0]

    def coord_to_pix(self, coords):
        """Convert map coordinates to pixel coordinates.

        Parameters
        ----------
        coords : tuple, dict, `~gammaray.maps.MapCoord` or `~astropy.coordinates.SkyCoord`
            Coordinates ``(lon, lat, *axis_coords)``, lon/lat in deg.

        Returns
        -------
        pix : tuple of `~numpy.ndarray`
            ``(ipix_local, *axis_pix)`` as floats; the spatial pixel is the local
            index (-1 outside the geometry).
        """
        coords = self._prepare_coords(coords)
        lon = u.Quantity(coords.lon, "deg").value
        lat = u.Quantity(coords.lat, "deg").value
        gpix = lonlat_to_ipix(self._nside, self._nest, lon, lat)
        pix = [self.global_to_local(gpix).astype(float)]
        pix.extend(self._coord_to_pix_axes(coords))
        return tuple(np.broadcast_arrays(*pix))

    def pix_to_coord(self, pix):
        """Convert pixel coordinates to map coordinates.

        Parameters
        ----------
        pix : tuple of array-like
            ``(ipix_local, *axis_pix)``; the spatial pixel is rounded to the
            nearest integer local index.

        Returns
        -------
        coords : tuple
            ``(lon, lat, *axis_coords)``, lon/lat in deg (NaN for invalid pixels).
        """
        spix = np.asarray(pix[0], dtype=float)
        local = np.full(spix.shape, -1, dtype=np.int64)
        ok = np.isfinite(spix)
        local[ok] = np.rint(spix[ok]).astype(np.int64)
        lon, lat = ipix_to_lonlat(self._nside, self._nest, self.local_to_global(local))
        coords = [lon, lat]
        for ax, p in zip(self._axes, pix[1:]):
            coords.append(ax.pix_to_coord(p))
        return tuple(coords)

    def pix_to_idx(self, pix, clip=False):
        """Convert pixel coordinates to integer indices.

        Parameters
        ----------
        pix : tuple of array-like
            Pixel coordinates ``(ipix_local, *axis_pix)``.
        clip : bool
            Clip indices to the valid range instead of setting -1.

        Returns
        -------
        idx : tuple of `~numpy.ndarray`
            Integer indices; -1 outside the geometry unless ``clip``.
        """
        spix = np.asarray(pix[0], dtype=float)
        ok = np.isfinite(spix)
        sidx = np.full(spix.shape, -1, dtype=np.int64)
        sidx[ok] = np.rint(spix[ok]).astype(np.int64)
        if clip:
            sidx = np.clip(sidx, 0, self.npix - 1)
        else:
            sidx[(sidx < 0) | (sidx >= self.npix)] = -1
        idx = [sidx]
        for ax, p in zip(self._axes, pix[1:]):
            idx.append(np.asarray(ax.pix_to_idx(p, clip=clip), dtype=np.int64))
        return tuple(np.broadcast_arrays(*idx))

    def coord_to_idx(self, coords, clip=False):
        """Convert map coordinates to integer indices.

        The spatial index of a coordinate outside a partial-sky geometry is -1
        even with ``clip=True`` (``clip`` applies to the non-spatial axes).
        """
        pix = self.coord_to_pix(coords)
        idx = self.pix_to_idx(pix, clip=clip)
        if clip:
            sidx = np.where(pix[0] < 0, -1, idx[0])
            idx = (sidx,) + tuple(idx[1:])
        return idx

    def get_idx(self, idx=None, flat=False, local=True):
        """Indices of all pixels of the geometry.

        Parameters
        ----------
        idx : tuple of int, optional
            Indices of one image plane on the non-spatial axes; only that image.
        local : bool
            Return local spatial indices (True) or global HEALPix indices.
        flat : bool
            Return flattened arrays.

        Returns
        -------
        idx : tuple of `~numpy.ndarray`
            ``(ipix, *axis_idx)``, each of the data shape.
        """
        spatial = np.arange(self.npix, dtype=np.int64)
        if not local:
            spatial = self.local_to_global(spatial)
        if idx is None:
            grids = [spatial] + [np.arange(n, dtype=np.int64) for n in self._axes.shape]
            mesh = np.meshgrid(*grids[::-1], indexing="ij")[::-1]
        else:
            idx = tuple(np.atleast_1d(idx))
            mesh = [spatial] + [np.full(spatial.shape, int(i)) for i in idx]
        if flat:
            mesh = [m.ravel() for m in mesh]
        return tuple(mesh)

    def get_coord(
        self,
        mode="center",
        frame=None,
        sparse=False,
        axis_name=None,
        idx=None,
        flat=False,
    ):
        """Coordinates of the pixel centres.

        Parameters
        ----------
        idx : tuple of int, optional
            Indices of one image plane; only that image.
        flat : bool
            Return flattened arrays.
        sparse : bool
            Return sparse (broadcastable) arrays instead of full ones.
        mode : {"center", "edges"}
            Coordinates of bin centres, or of the edges of ``axis_name``.
        frame : str, optional
            Frame of the returned sky coordinates (default: the geometry frame).
        axis_name : str, optional
            Axis for ``mode="edges"``.

        Returns
        -------
        coords : `~gammaray.maps.MapCoord`
            Coordinates with keys ``lon``, ``lat`` and the axis names.
        """
        lon, lat = ipix_to_lonlat(self._nside, self._nest, self.ipix)
        if idx is not None:
            data = {"lon": lon, "lat": lat}
            for ax, i in zip(self._axes, np.atleast_1d(idx)):
                data[ax.name] = ax.pix_to_coord(np.full(lon.shape, float(i)))
        else:
            ndim = self.ndim
            shape = [1] * ndim
            shape[-1] = -1
            data = {"lon": lon.reshape(shape), "lat": lat.reshape(shape)}
            for i, ax in enumerate(self._axes):
                if mode == "edges" and ax.name == axis_name:
                    values = ax.edges
                elif mode in ("center", "edges"):
                    values = ax.center
                else:
                    raise ValueError(f"Invalid mode {mode!r}; use 'center' or 'edges'.")
                shape = [1] * ndim
                shape[-(i + 2)] = -1
                data[ax.name] = values.reshape(shape)
            if not sparse:
                keys = list(data)
                arrays = np.broadcast_arrays(*[data[k] for k in keys], subok=True)
                data = dict(zip(keys, arrays))
        if flat:
            data = {k: v.ravel() for k, v in data.items()}
        coords = MapCoord.create(data, frame=self._frame)
        if frame is not None and check_frame(frame) != self._frame:
            coords = coords.to_frame(frame)
        return coords

    # -------------------------------------------------------- solid angle etc.
    def solid_angle(self):
        """Solid angle of the pixels (all equal), `~astropy.units.Quantity` in sr, shape ``(npix,)``."""
        value = 4 * np.pi / self.npix_max
        return u.Quantity(np.full(self.npix, value), "sr")

    def separation(self, center):
        """Angular separation of the pixel centres from ``center`` (`~astropy.coordinates.Angle`, shape ``(npix,)``)."""
        lon, lat = ipix_to_lonlat(self._nside, self._nest, self.ipix)
        sky = center.transform_to(self._frame)
        clon, clat = sky.spherical.lon.rad, sky.spherical.lat.rad
        lon, lat = np.radians(lon), np.radians(lat)
        sdlon = np.sin(lon - clon)
        cdlon = np.cos(lon - clon)
        num1 = np.cos(lat) * sdlon
        num2 = np.cos(clat) * np.sin(lat) - np.sin(clat) * np.cos(lat) * cdlon
        den = np.sin(clat) * np.sin(lat) + np.cos(clat) * np.cos(lat) * cdlon
        return Angle(np.degrees(np.arctan2(np.hypot(num1, num2), den)), "deg")

    def region_mask(self, regions, inside=True):
        """Boolean mask map of the pixels whose centres lie inside sky regions.

        Parameters
        ----------
        regions : str, `~regions.SkyRegion` or list of them
            Regions (strings in DS9 format).
        inside : bool
            True marks pixels inside any region, False pixels outside all.

        Returns
        -------
        mask : `~gammaray.maps.HpxNDMap`
            Boolean map of this geometry.
        """
        from gammaray.maps.core import Map

        mask = self._region_image_mask(regions)
        if not inside:
            mask = ~mask
        data = np.broadcast_to(mask, self.data_shape).copy()
        return Map.from_geom(self, data=data, dtype=bool)

    def _region_image_mask(self, regions):
        from ._regions import region_image_mask

        return region_image_mask(self, regions)

    # ------------------------------------------------------- derived geometries
    def _init_copy(self, **kwargs):
        params = {
            "nside": self._nside,
            "nest": self._nest,
            "frame": self._frame,
            "region": self._region if self._region != "explicit" else self._ipix,
            "axes": copy.deepcopy(self._axes),
        }
        params.update(kwargs)
        return self.__class__(**params)

    def to_swapped(self):
        """Geometry with the other pixel ordering (NESTED <-> RING)."""
        import healpy as hp

        if self._region == "explicit":
            convert = hp.nest2ring if self._nest else hp.ring2nest
            region = convert(self._nside, self._ipix)
        else:
            region = self._region
        return self._init_copy(nest=not self._nest, region=region)

    def to_ud_graded(self, order):
        """Geometry at another HEALPix order (resolution).

        Parameters
        ----------
        order : int
            New HEALPix order (``nside = 2**order``).

        Returns
        -------
        geom : `HpxGeom`
            Up- or down-graded geometry. Partial-sky geometries become explicit
            pixel lists of the children or parents of their pixels, so that
            every pixel of the original geometry stays covered.
        """
        import healpy as hp

        nside = order_to_nside(order)
        if self.is_allsky:
            return self._init_copy(nside=nside, region=None)
        ipix = self._ipix if self._nest else hp.ring2nest(self._nside, self._ipix)
        if nside >= self._nside:
            f = (nside // self._nside) ** 2
            ipix = (ipix[:, None] * f + np.arange(f)[None, :]).ravel()
        else:
            ipix = np.unique(ipix // (self._nside // nside) ** 2)
        if not self._nest:
            ipix = hp.nest2ring(nside, ipix)
        return self._init_copy(nside=nside, region=ipix)

    def _upsample_spatial(self, factor):
        """Geometry with ``nside`` multiplied by ``factor`` (a power of 2)."""
        return self.to_ud_graded(nside_to_order(self._nside * check_nside(factor)))

    def _downsample_spatial(self, factor):
        """Geometry with ``nside`` divided by ``factor`` (a power of 2)."""
        factor = check_nside(factor)
        if factor > self._nside:
            raise ValueError(
                f"Cannot downsample nside={self._nside} by a factor {factor}; "
                f"the factor must be at most {self._nside}."
            )
        return self.to_ud_graded(nside_to_order(self._nside // factor))

    def cutout(self, position, width, **kwargs):
        """Partial-sky geometry of the pixels within ``width / 2`` of ``position``.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`
            Centre of the cutout.
        width : float or `~astropy.units.Quantity`
            Diameter of the cutout disk (deg if a float; the largest of several).

        Returns
        -------
        geom : `HpxGeom`
            Cutout geometry (the intersection with this geometry if partial-sky).
        """
        width = np.max(u.Quantity(width, "deg").to_value("deg"))
        sky = position.transform_to(self._frame)
        region = f"DISK({sky.spherical.lon.deg},{sky.spherical.lat.deg},{width / 2})"
        if self.is_allsky:
            return self._init_copy(region=region)
        ipix = get_region_ipix(self._nside, self._nest, region)
        ipix = np.intersect1d(ipix, self._ipix)
        if ipix.size == 0:
            raise ValueError("The cutout does not overlap the geometry.")
        return self._init_copy(region=ipix)

    def _pad_spatial(self, pad_width):
        """Partial-sky geometry grown by ``pad_width`` rings of neighbouring pixels."""
        from ._regions import grow_pixels

        if self.is_allsky:
            raise ValueError("Cannot pad an all-sky HEALPix geometry spatially.")
        return self._init_copy(region=grow_pixels(self, int(np.max(pad_width))))

    def _crop_spatial(self, crop_width):
        """Remove ``crop_width`` rings of boundary pixels from a partial-sky geometry."""
        from ._regions import shrink_pixels

        if self.is_allsky:
            raise ValueError("Cannot crop an all-sky HEALPix geometry spatially.")
        return self._init_copy(region=shrink_pixels(self, int(np.max(crop_width))))

    def to_wcs_geom(self, proj="AIT", oversample=2, width_pix=None):
        """WCS geometry covering this geometry, with the same axes.

        Parameters
        ----------
        proj : str
            WCS projection (e.g. ``"AIT"``, ``"CAR"``).
        oversample : float
            WCS pixels per (rounded) HEALPix pixel size along each dimension.
        width_pix : int, optional
            Maximum width in WCS pixels; the bin size grows to respect it.

        Returns
        -------
        geom : `~gammaray.maps.WcsGeom`
            WCS geometry centred on `center_skydir`.
        """
        from gammaray.maps.wcs import WcsGeom

        binsz = get_pix_size_from_nside(self._nside) / oversample
        if self.is_allsky:
            width = (360.0, 180.0)
        else:
            w = float(self.width[0].to_value("deg")) + 2 * self.pixel_scales[0].deg
            width = (min(w, 360.0), min(w, 180.0))
        if width_pix is not None and int(max(width) / binsz) > width_pix:
            binsz = max(width) / width_pix
        return WcsGeom.create(
            skydir=self.center_skydir,
            width=width,
            binsz=binsz,
            frame=self._frame,
            proj=proj,
            axes=copy.deepcopy(self._axes),
        )

    # ------------------------------------------------------------ comparison
    def is_allclose(self, other, rtol_axes=1e-6, atol=1e-6):
        """True if the geometries have the same pixels and close axes."""
        if not isinstance(other, HpxGeom):
            return False
        if (other.nside, other.nest, other.frame) != (
            self._nside,
            self._nest,
            self._frame,
        ):
            return False
        if self.npix != other.npix or not np.array_equal(self.ipix, other.ipix):
            return False
        if len(self._axes) != len(other.axes):
            return False
        return self._axes.is_allclose(other.axes, rtol=rtol_axes, atol=atol)

    def __repr__(self):
        lon, lat = (c.to_value("deg") for c in self.center_coord[:2])
        names = ["skycoord"] + list(self._axes.names)
        shape = (self.npix,) + tuple(self._axes.shape)
        region = "all-sky" if self.is_allsky else self._region
        return (
            f"{type(self).__name__}\n\n"
            f"\taxes       : {names}\n"
            f"\tshape      : {shape}\n"
            f"\tndim       : {self.ndim}\n"
            f"\tnside      : {self._nside}\n"
            f"\tnested     : {self._nest}\n"
            f"\tframe      : {self._frame}\n"
            f"\tprojection : HPX\n"
            f"\tregion     : {region}\n"
            f"\tcenter     : {lon:.1f} deg, {lat:.1f} deg\n"
        )

    # ------------------------------------------------------------------ FITS
    def to_header(self, format="gadf", **kwargs):
        """FITS header of the HEALPix table (see `gammaray.maps.hpx.io`)."""
        from .io import hpx_geom_to_header

        return hpx_geom_to_header(self, format=format)

    @classmethod
    def from_header(cls, header, hdu_bands=None, format=None, pix=None):
        """Create a geometry from a HEALPix table header (and a bands table HDU)."""
        from .io import hpx_geom_from_header

        return hpx_geom_from_header(
            cls, header, hdu_bands=hdu_bands, format=format, pix=pix
        )

    @classmethod
    def from_hdulist(cls, hdulist, hdu=None, hdu_bands=None, format=None):
        """Create a geometry from an HDU list (default HDU: the first HEALPix table)."""
        from .io import find_hpx_hdu, hpx_geom_from_hdulist

        hdu = find_hpx_hdu(hdulist, hdu)
        return hpx_geom_from_hdulist(
            cls, hdulist, hdu, hdu_bands=hdu_bands, format=format
        )

    def to_bands_hdu(self, hdu_bands=None, format="gadf"):
        """Table HDU describing the non-spatial axes (None for an image geometry)."""
        from .io import hpx_bands_hdu

        return hpx_bands_hdu(self, hdu_bands=hdu_bands, format=format)
