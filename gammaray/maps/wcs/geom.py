"""WCS (FITS World Coordinate System) map geometry."""

import copy as _copy
import logging
import os

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle, SkyCoord, angular_separation

from gammaray.maps.coord import MapCoord
from gammaray.maps.geom import Geom, pix_to_idx_spatial
from gammaray.maps.wcs._regions import WcsRegionMixin
from gammaray.maps.wcs._utils import (
    check_frame,
    deg_pair,
    make_wcs,
    read_wcs,
    round_up_to_even,
    round_up_to_odd,
    solid_angle_image,
    wcs_frame,
    wcs_from_state,
    wcs_to_state,
)
from gammaray.utils.errors import InvalidFileError

__all__ = ["WcsGeom"]

log = logging.getLogger(__name__)


#: Number of positions per wcslib call in `WcsGeom.coord_to_pix`.
_CHUNK = 262144
#: Inputs of at least this many positions are transformed in two threads.
_THREAD_MIN_SIZE = 2_000_000


def _npix_tuple(npix):
    if np.isscalar(npix):
        npix = (npix, npix)
    nx, ny = (int(np.max(n)) for n in npix)
    if nx < 1 or ny < 1:
        raise ValueError(f"Number of pixels must be positive, got npix={npix!r}.")
    return nx, ny


class WcsGeom(WcsRegionMixin, Geom):
    """Geometry of a map with a 2D celestial WCS projection plus non-spatial axes.

    Parameters
    ----------
    wcs : `~astropy.wcs.WCS`
        Celestial WCS (only the two celestial axes are used).
    npix : int or tuple of int
        Number of pixels ``(nx, ny)``.
    cdelt : tuple of float, optional
        Pixel size (deg) overriding the one of ``wcs``.
    crpix : tuple of float, optional
        Reference pixel (FITS 1-based) overriding the one of ``wcs``.
    axes : list of `~gammaray.maps.MapAxis` or `~gammaray.maps.MapAxes`, optional
        Non-spatial axes.
    """

    is_hpx = False
    is_region = False
    _init_copies = ("wcs",)

    def __init__(self, wcs, npix, cdelt=None, crpix=None, axes=None):
        from gammaray.maps.axes import MapAxes

        wcs = wcs.celestial if wcs.naxis > 2 else wcs.deepcopy()
        if wcs.naxis != 2 or not wcs.has_celestial:
            raise InvalidFileError("WcsGeom needs a WCS with two celestial axes.")
        if cdelt is not None:
            wcs.wcs.cdelt = np.asarray(cdelt, dtype=float).reshape(-1, 2)[0]
        if crpix is not None:
            wcs.wcs.crpix = np.asarray(crpix, dtype=float).reshape(-1, 2)[0]
        wcs.wcs.set()
        self._npix = _npix_tuple(npix)
        wcs.pixel_shape = self._npix
        self._wcs = wcs
        self._frame = wcs_frame(wcs)
        self._axes = MapAxes.from_default(
            list(axes) if axes is not None else [], n_spatial_axes=2
        )
        self._cache = {}

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_cache"] = {}
        # the WCS travels as its binary parameters: exact, and ~50x faster to
        # unpickle than astropy's FITS-header text (matters when geometries are
        # sent to worker processes)
        wcs_state = wcs_to_state(self._wcs)
        if wcs_state is not None:
            del state["_wcs"]
            state["_wcs_state"] = wcs_state
        return state

    def __setstate__(self, state):
        state = dict(state)
        wcs_state = state.pop("_wcs_state", None)
        if wcs_state is not None:
            state["_wcs"] = wcs_from_state(wcs_state)
        self.__dict__.update(state)

    def __deepcopy__(self, memo):
        new = self.__class__.__new__(self.__class__)
        for key, value in self.__dict__.items():
            setattr(new, key, {} if key == "_cache" else _copy.deepcopy(value, memo))
        return new

    # ---- creation -------------------------------------------------------------
    @classmethod
    def create(
        cls,
        npix=None,
        binsz=0.5,
        proj="CAR",
        frame="icrs",
        refpix=None,
        axes=None,
        skydir=None,
        width=None,
    ):
        """Create a WCS geometry.

        Parameters
        ----------
        npix : int or tuple of int, optional
            Number of pixels ``(nx, ny)``; ignored when ``width`` is given.
        binsz : float, `~astropy.units.Quantity` or tuple
            Pixel size (deg).
        proj : str
            FITS projection code (``"CAR"``, ``"TAN"``, ``"AIT"``, ...).
        frame : {"icrs", "galactic"}
            Sky frame.
        refpix : tuple of float, optional
            Reference pixel (FITS 1-based); default the map centre.
        axes : list of `~gammaray.maps.MapAxis`, optional
            Non-spatial axes.
        skydir : `~astropy.coordinates.SkyCoord` or tuple of float, optional
            Map centre (reference point); a tuple is (lon, lat) in deg in ``frame``.
            Default (0, 0).
        width : float, `~astropy.units.Quantity` or tuple, optional
            Map width (deg), rounded to a whole number of pixels. When neither
            ``npix`` nor ``width`` is given the map covers the whole sky.

        Returns
        -------
        geom : `WcsGeom`
            The geometry.
        """
        frame = check_frame(frame)
        if skydir is None:
            crval = (0.0, 0.0)
        elif isinstance(skydir, SkyCoord):
            sky = skydir.transform_to(frame)
            crval = (float(sky.spherical.lon.deg), float(sky.spherical.lat.deg))
        else:
            crval = tuple(deg_pair(skydir, "skydir"))
        binsz = deg_pair(binsz, "binsz")
        if width is not None:
            width = deg_pair(width, "width")
            npix = tuple(int(n) for n in np.maximum(np.rint(width / binsz - 1e-9), 1))
        elif npix is None:
            npix = tuple(int(n) for n in np.rint(np.array([360.0, 180.0]) / binsz))
        npix = _npix_tuple(npix)
        if refpix is None:
            refpix = ((npix[0] + 1) / 2.0, (npix[1] + 1) / 2.0)
        wcs = make_wcs(crval, (-binsz[0], binsz[1]), refpix, proj=proj, frame=frame)
        return cls(wcs, npix, axes=axes)

    # ---- basic properties -------------------------------------------------------
    @property
    def wcs(self):
        """2D celestial WCS (`~astropy.wcs.WCS`)."""
        return self._wcs

    @property
    def npix(self):
        """Number of pixels ``(nx, ny)``."""
        return self._npix

    @property
    def axes(self):
        """Non-spatial axes (`~gammaray.maps.MapAxes`)."""
        return self._axes

    @property
    def frame(self):
        """Sky frame (``"icrs"`` or ``"galactic"``)."""
        return self._frame

    @property
    def projection(self):
        """Projection code (e.g. ``"CAR"``)."""
        return self._wcs.wcs.ctype[0][5:].strip("-")

    @property
    def data_shape(self):
        """Shape of the data array, ``axes.shape[::-1] + (ny, nx)``."""
        return tuple(self._axes.shape)[::-1] + self._npix[::-1]

    @property
    def data_shape_image(self):
        """Shape of the spatial part of the data, ``(ny, nx)``."""
        return self._npix[::-1]

    @property
    def shape_axes(self):
        """Shape of the non-spatial axes (pixel order)."""
        return tuple(self._axes.shape)

    @property
    def pixel_scales(self):
        """Pixel sizes along lon and lat (`~astropy.coordinates.Angle`, shape (2,))."""
        return Angle(np.abs(self._wcs.wcs.cdelt), "deg")

    @property
    def width(self):
        """Map width along lon and lat (`~astropy.units.Quantity` in deg, shape (2,))."""
        return np.abs(self._wcs.wcs.cdelt) * np.array(self._npix) * u.deg

    @property
    def is_allsky(self):
        """Whether the map covers the whole sky (width >= 360 x 180 deg)."""
        width = self.width.to_value(u.deg)
        return bool(width[0] >= 360.0 - 1e-6 and width[1] >= 180.0 - 1e-6)

    @property
    def center_pix(self):
        """Pixel coordinates of the centre (tuple, pixel order)."""
        return tuple((np.array(self.data_shape, dtype=float) - 1.0) / 2.0)[::-1]

    @property
    def center_coord(self):
        """Coordinates of the centre: lon, lat (deg Quantities) and axis coordinates."""
        coords = self.pix_to_coord(tuple(np.atleast_1d(p) for p in self.center_pix))
        return tuple(c[0] for c in coords)

    @property
    def center_skydir(self):
        """Sky position of the map centre (`~astropy.coordinates.SkyCoord`)."""
        lon, lat = self.center_coord[:2]
        return SkyCoord(lon, lat, frame=self.frame)

    @property
    def footprint(self):
        """Sky positions of the four outer corners (`~astropy.coordinates.SkyCoord`)."""
        corners = self._wcs.calc_footprint(center=False)
        return SkyCoord(corners[:, 0], corners[:, 1], unit="deg", frame=self.frame)

    @property
    def footprint_rectangle_sky_region(self):
        """Footprint as a `~regions.RectangleSkyRegion` centred on the map centre."""
        from regions import RectangleSkyRegion

        width = self.width
        return RectangleSkyRegion(
            center=self.center_skydir, width=width[0], height=width[1]
        )

    # ---- pixel <-> sky ------------------------------------------------------------
    def _lonlat_to_pix(self, lon, lat):
        """Pixel coordinates (0-based) of lon/lat in deg (NaN outside the projection).

        Calls wcslib's ``s2p`` directly on chunks of ``_CHUNK`` positions: this
        keeps the temporaries in cache and is faster and steadier than one call
        on huge arrays. Large inputs are split over two threads (wcslib releases
        the GIL), each with its own copy of the WCS parameters.
        """
        lon, lat = np.broadcast_arrays(
            np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        )
        shape = lon.shape
        lon, lat = lon.ravel(), lat.ravel()
        n = lon.size
        x, y = np.empty(n), np.empty(n)
        if n == 0:
            return x.reshape(shape), y.reshape(shape)

        def work(start, stop, wcsprm):
            chunk = min(stop - start, _CHUNK)
            buf = np.empty((chunk, 2))
            for i in range(start, stop, chunk):
                j = min(i + chunk, stop)
                m = j - i
                buf[:m, 0] = lon[i:j]
                buf[:m, 1] = lat[i:j]
                pixcrd = wcsprm.s2p(buf[:m], 0)["pixcrd"]
                x[i:j] = pixcrd[:, 0]
                y[i:j] = pixcrd[:, 1]

        if n >= _THREAD_MIN_SIZE and (os.cpu_count() or 1) > 1:
            from concurrent.futures import ThreadPoolExecutor

            half = n // 2
            wcs_copy = self._wcs.deepcopy()
            with ThreadPoolExecutor(max_workers=2) as pool:
                futures = [
                    pool.submit(work, 0, half, self._wcs.wcs),
                    pool.submit(work, half, n, wcs_copy.wcs),
                ]
                for future in futures:
                    future.result()
        else:
            work(0, n, self._wcs.wcs)
        return x.reshape(shape), y.reshape(shape)

    def _pix_to_lonlat(self, x, y):
        x, y = np.broadcast_arrays(
            np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        )
        if x.size == 0:
            return np.zeros(x.shape), np.zeros(y.shape)
        lon, lat = self._wcs.wcs_pix2world(x.ravel(), y.ravel(), 0)
        return lon.reshape(x.shape), lat.reshape(x.shape)

    def coord_to_pix(self, coords):
        """Convert map coordinates to pixel coordinates.

        Pixel ``(0, 0)`` is the centre of the first pixel. Coordinates in
        another frame are transformed to the frame of the geometry first.

        Parameters
        ----------
        coords : tuple, dict, `~astropy.coordinates.SkyCoord` or `~gammaray.maps.MapCoord`
            Coordinates (lon/lat in deg, then one entry per axis).

        Returns
        -------
        pix : tuple of `~numpy.ndarray`
            Float pixel coordinates in pixel order (NaN where undefined).
        """
        coords = self._prepare_coords(coords)
        x, y = self._lonlat_to_pix(coords.lon.value, coords.lat.value)
        return (x, y) + self._coord_to_pix_axes(coords)

    def pix_to_coord(self, pix):
        """Convert pixel coordinates to map coordinates.

        Parameters
        ----------
        pix : tuple of array-like
            Pixel coordinates in pixel order.

        Returns
        -------
        coords : tuple
            lon, lat (`~astropy.units.Quantity` in deg) and axis coordinates.
        """
        lon, lat = self._pix_to_lonlat(pix[0], pix[1])
        return (
            u.Quantity(lon, u.deg, copy=None),
            u.Quantity(lat, u.deg, copy=None),
        ) + (self._pix_to_coord_axes(pix))

    def pix_to_idx(self, pix, clip=False):
        """Convert pixel coordinates to integer indices.

        Parameters
        ----------
        pix : tuple of array-like
            Pixel coordinates.
        clip : bool
            Clip out-of-range indices instead of returning ``-1``.

        Returns
        -------
        idx : tuple of `~numpy.ndarray` of int
            Indices in pixel order (``-1`` outside).
        """
        nx, ny = self._npix
        return (
            pix_to_idx_spatial(pix[0], nx, clip=clip),
            pix_to_idx_spatial(pix[1], ny, clip=clip),
        ) + self._pix_to_idx_axes(pix, clip=clip)

    def get_idx(self, idx=None, flat=False):
        """Integer indices of all pixels.

        Parameters
        ----------
        idx : tuple of int, optional
            Indices of one image plane (non-spatial axes); default all planes.
        flat : bool
            Return flattened arrays.

        Returns
        -------
        idx : tuple of `~numpy.ndarray`
            Indices in pixel order, shape ``data_shape`` (or ``(ny, nx)`` for one plane).
        """
        if idx is None:
            grids = np.indices(self.data_shape)[::-1]
        else:
            yy, xx = np.indices(self.data_shape_image)
            grids = (xx, yy) + tuple(
                np.full(xx.shape, int(i)) for i in np.atleast_1d(idx)
            )
        if flat:
            grids = tuple(g.ravel() for g in grids)
        return tuple(grids)

    def _image_lonlat(self):
        """Cached lon/lat (deg) of the pixel centres, shape (ny, nx), read-only."""
        if "lonlat" not in self._cache:
            nx, ny = self._npix
            x = np.broadcast_to(np.arange(nx, dtype=float), (ny, nx))
            y = np.broadcast_to(np.arange(ny, dtype=float)[:, None], (ny, nx))
            lon, lat = self._pix_to_lonlat(x, y)
            lon.flags.writeable = False
            lat.flags.writeable = False
            self._cache["lonlat"] = (lon, lat)
        return self._cache["lonlat"]

    def get_coord(self, mode="center", frame=None, sparse=False, axis_name=None):
        """Coordinates of all pixel centres.

        Parameters
        ----------
        mode : {"center", "edges"}
            With ``"edges"`` the axis ``axis_name`` gives its bin edges.
        frame : {"icrs", "galactic"}, optional
            Frame of lon/lat (default the geometry frame).
        sparse : bool
            Return arrays that broadcast against each other instead of arrays of
            the full data shape.
        axis_name : str, optional
            Non-spatial axis for ``mode="edges"``.

        Returns
        -------
        coords : `~gammaray.maps.MapCoord`
            Coordinates (lon/lat in deg). Arrays are read-only.
        """
        if mode == "edges" and axis_name is None:
            raise ValueError("mode='edges' requires axis_name (a non-spatial axis).")
        lon, lat = self._image_lonlat()
        n_axes = len(self._axes)
        shape_image = (1,) * n_axes + lon.shape
        data = {"lon": lon.reshape(shape_image), "lat": lat.reshape(shape_image)}
        data.update(
            self._get_coord_axes(mode=mode, axis_name=axis_name, ndim_spatial=2)
        )
        coords = MapCoord(data, frame=self.frame, match_by_name=True)
        if not sparse:
            coords = coords.broadcasted
        if frame is not None and check_frame(frame) != self.frame:
            coords = coords.to_frame(check_frame(frame))
        return coords

    # ---- solid angle, separation -------------------------------------------------------
    def solid_angle(self):
        """Solid angle of each spatial pixel.

        Computed exactly from the pixel corners (see the module ``_utils``);
        pixels with corners outside the projection (e.g. beyond the edge of an
        all-sky AIT map) are NaN.

        Returns
        -------
        solid_angle : `~astropy.units.Quantity`
            Solid angle in sr, shape ``(ny, nx)`` (broadcasts against data).
        """
        if "solid_angle" not in self._cache:
            value = solid_angle_image(self._wcs, self._npix)
            value.flags.writeable = False
            self._cache["solid_angle"] = value
        return u.Quantity(self._cache["solid_angle"], u.sr, copy=None)

    def separation(self, center):
        """Angular distance of every pixel centre from a position.

        Parameters
        ----------
        center : `~astropy.coordinates.SkyCoord`
            Position.

        Returns
        -------
        separation : `~astropy.coordinates.Angle`
            Separation in deg, shape ``(ny, nx)``.
        """
        lon, lat = self._image_lonlat()
        center = center.transform_to(self.frame)
        sep = angular_separation(
            np.deg2rad(lon),
            np.deg2rad(lat),
            center.spherical.lon.rad,
            center.spherical.lat.rad,
        )
        return Angle(np.rad2deg(sep), "deg")

    # ---- spatial resampling (used by Geom.pad/crop/downsample/upsample) -----------------
    def _pad_spatial(self, pad_width):
        pad = self._spatial_width_to_pix(pad_width)
        npix = (self._npix[0] + 2 * pad[0], self._npix[1] + 2 * pad[1])
        wcs = self._wcs.deepcopy()
        wcs.wcs.crpix = wcs.wcs.crpix + np.array(pad, dtype=float)
        return self._init_copy(wcs=wcs, npix=npix)

    def _crop_spatial(self, crop_width):
        crop = self._spatial_width_to_pix(crop_width)
        npix = (self._npix[0] - 2 * crop[0], self._npix[1] - 2 * crop[1])
        if min(npix) < 1:
            raise ValueError(
                f"Cropping {crop} pixels per side leaves no pixels of npix={self._npix}."
            )
        wcs = self._wcs.deepcopy()
        wcs.wcs.crpix = wcs.wcs.crpix - np.array(crop, dtype=float)
        return self._init_copy(wcs=wcs, npix=npix)

    def _spatial_width_to_pix(self, width):
        if isinstance(width, u.Quantity) or (
            isinstance(width, (tuple, list))
            and any(isinstance(w, u.Quantity) for w in width)
        ):
            width = np.ceil(deg_pair(width) / self.pixel_scales.deg - 1e-9).astype(int)
        if np.isscalar(width):
            width = (width, width)
        return int(width[0]), int(width[1])

    def _downsample_spatial(self, factor):
        if np.any(np.mod(self._npix, factor) > 0):
            raise ValueError(
                f"Spatial shape {self._npix} is not divisible by factor {factor}; pad the "
                "geometry first (geom.pad) or choose another factor."
            )
        wcs = self._wcs.deepcopy()
        wcs.wcs.cdelt = wcs.wcs.cdelt * factor
        wcs.wcs.crpix = (wcs.wcs.crpix - 0.5) / factor + 0.5
        npix = (self._npix[0] // factor, self._npix[1] // factor)
        return self._init_copy(wcs=wcs, npix=npix)

    def _upsample_spatial(self, factor):
        wcs = self._wcs.deepcopy()
        wcs.wcs.cdelt = wcs.wcs.cdelt / factor
        wcs.wcs.crpix = (wcs.wcs.crpix - 0.5) * factor + 0.5
        npix = (self._npix[0] * factor, self._npix[1] * factor)
        return self._init_copy(wcs=wcs, npix=npix)

    def to_image(self):
        """Geometry without non-spatial axes."""
        return self._init_copy(axes=None)

    def to_cube(self, axes):
        """Geometry with ``axes`` appended to the non-spatial axes."""
        return self._init_copy(axes=list(self._axes) + list(axes))

    def to_wcs_geom(self, *args, **kwargs):
        """Return a copy of this geometry (for API symmetry with other geometries)."""
        return self.copy()

    # ---- cutouts ---------------------------------------------------------------------
    def cutout(self, position, width, mode="trim", odd_npix=False, min_npix=1):
        """Geometry of a cutout around a position.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`
            Centre of the cutout.
        width : float, `~astropy.units.Quantity` or tuple
            Width (deg) of the cutout, (lon, lat).
        mode : {"trim", "partial", "strict"}
            Mode of `~astropy.nddata.utils.Cutout2D`: ``"trim"`` clips the cutout
            to the parent map, ``"partial"`` keeps the full size.
        odd_npix : bool
            Round the number of pixels up to an odd number.
        min_npix : int
            Minimum number of pixels per dimension.

        Returns
        -------
        geom : `WcsGeom`
            Cutout geometry (pixels aligned with this one).
        """
        from astropy.nddata import Cutout2D

        width_npix = np.clip(
            deg_pair(width, "width") / self.pixel_scales.deg, min_npix, None
        )
        if odd_npix:
            width_npix = round_up_to_odd(width_npix)
        size = tuple(int(n) for n in np.rint(width_npix - 1e-9)[::-1])
        dummy = np.empty(self.data_shape_image, dtype=bool)
        c2d = Cutout2D(
            data=dummy, wcs=self._wcs, position=position, size=size, mode=mode
        )
        return self._init_copy(wcs=c2d.wcs, npix=c2d.shape[::-1])

    def cutout_slices(self, geom, mode="partial"):
        """Array slices of a cutout geometry in this (parent) geometry.

        Parameters
        ----------
        geom : `WcsGeom`
            Cutout geometry aligned with this one.
        mode : {"partial", "trim"}
            Only slices of overlapping pixels are returned in either mode.

        Returns
        -------
        slices : dict
            ``"parent-slices"`` and ``"cutout-slices"``: tuples ``(slice_y, slice_x)``.
        """
        lon, lat = geom._pix_to_lonlat(np.array([0.0]), np.array([0.0]))
        x0, y0 = self._lonlat_to_pix(lon, lat)
        offsets = (int(np.rint(x0[0])), int(np.rint(y0[0])))
        parent, cutout = [], []
        for off, n_cut, n_par in zip(offsets, geom.npix, self._npix):
            start, stop = max(off, 0), min(off + n_cut, n_par)
            if stop <= start:
                raise ValueError(
                    "Cutout geometry does not overlap with the parent geometry."
                )
            parent.append(slice(start, stop))
            cutout.append(slice(start - off, stop - off))
        return {
            "parent-slices": tuple(parent[::-1]),
            "cutout-slices": tuple(cutout[::-1]),
        }

    def to_odd_npix(self, max_radius=None):
        """Geometry with the same centre and an odd number of pixels.

        Parameters
        ----------
        max_radius : `~astropy.units.Quantity`, optional
            Maximum radius (the width becomes at most ``2 * max_radius``).
        """
        width = (
            self.width.max()
            if max_radius is None
            else 2 * u.Quantity(max_radius, "deg")
        )
        return self._to_square_npix(width, round_up_to_odd)

    def to_even_npix(self):
        """Geometry with the same centre and an even number of pixels."""
        return self._to_square_npix(self.width.max(), round_up_to_even)

    def _to_square_npix(self, width, round_up):
        """Square geometry of ``round_up(width / binsz)`` pixels, same centre."""
        binsz = self.pixel_scales.max()
        npix = int(round_up((width / binsz).to_value("")))
        return WcsGeom.create(
            skydir=self.center_skydir,
            binsz=binsz,
            npix=npix,
            proj=self.projection,
            frame=self.frame,
            axes=self._axes,
        )

    def to_binsz(self, binsz):
        """Geometry with the same centre and width and another pixel size.

        Parameters
        ----------
        binsz : float, `~astropy.units.Quantity` or tuple
            New pixel size (deg).
        """
        return WcsGeom.create(
            skydir=self.center_skydir,
            binsz=binsz,
            width=self.width,
            proj=self.projection,
            frame=self.frame,
            axes=self._axes,
        )

    # ---- comparisons -------------------------------------------------------------------
    def is_aligned(self, other, tolerance=1e-6):
        """Whether the pixel grids of two geometries coincide (up to integer shifts).

        Parameters
        ----------
        other : `WcsGeom`
            Other geometry.
        tolerance : float
            Tolerance of the WCS comparison.
        """
        from astropy.wcs import WCSCOMPARE_ANCILLARY, WCSCOMPARE_TILING

        return bool(
            self._wcs.wcs.compare(
                other.wcs.wcs,
                cmp=WCSCOMPARE_ANCILLARY | WCSCOMPARE_TILING,
                tolerance=tolerance,
            )
        )

    def is_allclose(self, other, rtol_axes=1e-6, atol=1e-6):
        """Whether two geometries agree (shape, WCS within ``atol``, axes within ``rtol_axes``).

        Parameters
        ----------
        other : `WcsGeom`
            Other geometry.
        rtol_axes : float
            Relative tolerance of the axes comparison.
        atol : float
            Tolerance of the WCS comparison.
        """
        if not isinstance(other, WcsGeom):
            return False
        if self.data_shape != other.data_shape:
            return False
        if not self._axes.is_allclose(other.axes, rtol=rtol_axes):
            return False
        from astropy.wcs import WCSCOMPARE_ANCILLARY

        return bool(
            self._wcs.wcs.compare(
                other.wcs.wcs, cmp=WCSCOMPARE_ANCILLARY, tolerance=atol
            )
        )

    # ---- FITS -----------------------------------------------------------------------------
    def to_header(self):
        """FITS header of the geometry (WCS keywords, axis keywords, ``WCSSHAPE``).

        Returns
        -------
        header : `~astropy.io.fits.Header`
            Header.
        """
        header = self._wcs.to_header()
        header.update(self._axes.to_header())
        shape = ",".join(str(n) for n in self._npix + tuple(self._axes.shape))
        header["WCSSHAPE"] = f"({shape})"
        return header

    @classmethod
    def from_header(cls, header, hdu_bands=None, format="gadf"):
        """Create the geometry from a FITS image header and an optional BANDS HDU.

        Parameters
        ----------
        header : `~astropy.io.fits.Header`
            Image header.
        hdu_bands : `~astropy.io.fits.BinTableHDU`, optional
            Table describing the non-spatial axes (``BANDS``, ``EBOUNDS``, ``ENERGIES``).
        format : {"gadf", "fgst-ccube", "fgst-template"}
            Format of the table.

        Returns
        -------
        geom : `WcsGeom`
            The geometry.
        """
        from gammaray.maps.axes import MapAxes

        wcs = read_wcs(header)
        if not wcs.has_celestial or wcs.wcs.lng != 0 or wcs.wcs.lat != 1:
            raise InvalidFileError(
                f"Header does not describe a celestial image in its first two axes "
                f"(CTYPE = {list(wcs.wcs.ctype)})."
            )
        if "NAXIS1" in header and "NAXIS2" in header and header.get("NAXIS", 0) >= 2:
            npix = (header["NAXIS1"], header["NAXIS2"])
        elif "WCSSHAPE" in header:
            shape = [int(v) for v in header["WCSSHAPE"].strip("()").split(",")]
            npix = (shape[0], shape[1])
        else:
            raise InvalidFileError("Header has neither NAXIS1/NAXIS2 nor WCSSHAPE.")
        axes = (
            MapAxes.from_table_hdu(hdu_bands, format=format)
            if hdu_bands is not None
            else []
        )
        return cls(wcs, npix, axes=axes)

    # ---- text ---------------------------------------------------------------------------------
    def __repr__(self):
        lon, lat = (
            self.center_skydir.spherical.lon.deg,
            self.center_skydir.spherical.lat.deg,
        )
        width = self.width.to_value(u.deg)
        binsz = self.pixel_scales.deg
        crval = self._wcs.wcs.crval
        names = ["lon", "lat", *self._axes.names]
        shape = self._npix + tuple(self._axes.shape)
        return (
            f"{self.__class__.__name__}\n\n"
            f"\taxes       : {names}\n"
            f"\tshape      : {shape}\n"
            f"\tndim       : {len(shape)}\n"
            f"\tframe      : {self.frame}\n"
            f"\tprojection : {self.projection}\n"
            f"\tcenter     : {lon:.1f} deg, {lat:.1f} deg\n"
            f"\twidth      : {width[0]:.1f} deg x {width[1]:.1f} deg\n"
            f"\tpixel size : {binsz[0]:.3g} deg x {binsz[1]:.3g} deg\n"
            f"\twcs ref    : {crval[0]:.1f} deg, {crval[1]:.1f} deg\n"
        )
