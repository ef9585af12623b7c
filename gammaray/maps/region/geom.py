"""Region geometry: one spatial bin (a sky region) plus non-spatial axes."""

import copy
import logging

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits

from gammaray.maps.geom import Geom
from gammaray.utils.errors import AxisError

from ._io import OGIP_FORMATS, ogip_energy_table, read_geom_hdus
from ._io import region_to_table as _region_to_table
from ._shapes import (
    compound_region_to_regions,
    is_point_region,
    make_region,
    make_region_wcs,
    region_center,
    region_contains_skycoord,
    region_pixel_extent,
    region_solid_angle,
    region_weights_on_wcs,
)

__all__ = ["RegionGeom"]

log = logging.getLogger(__name__)


def _make_axes(axes):
    from gammaray.maps.axes import MapAxes

    return MapAxes.from_default(
        list(axes) if axes is not None else [], n_spatial_axes=2
    )


def _spatial_inside(pix):
    pix = np.asarray(pix, dtype=float)
    return np.isfinite(pix) & (np.abs(pix) <= 0.5)


class RegionGeom(Geom):
    """Geometry of a map with a single spatial bin given by a sky region.

    The data of a region map have shape ``axes.shape[::-1] + (1, 1)``. A
    local TAN WCS centred on the region is kept for plotting, containment
    tests and to average WCS maps over the region.

    Parameters
    ----------
    region : `~regions.SkyRegion`, str or None
        Sky region, a ds9 region string (e.g. ``"galactic;circle(0, 5, 1)"``;
        several shapes become a compound region) or None for a geometry
        without spatial extent information (e.g. flux points).
    axes : list of `~gammaray.maps.MapAxis` or `~gammaray.maps.MapAxes`, optional
        Non-spatial axes.
    wcs : `~astropy.wcs.WCS`, optional
        Local WCS; by default a TAN WCS centred on the region with pixel size
        ``binsz_wcs`` just covering the region.
    binsz_wcs : str or `~astropy.units.Quantity`
        Pixel size of the default WCS (angle, default ``"0.1 deg"``).
    """

    is_hpx = False
    is_region = True
    is_allsky = False
    is_regular = True
    projection = "TAN"
    _slice_spatial_axes = slice(0, 2)
    _slice_non_spatial_axes = slice(2, None)

    def __init__(self, region, axes=None, wcs=None, binsz_wcs="0.1 deg"):
        self._region = make_region(region)
        self._axes = _make_axes(axes)
        self._binsz_wcs = u.Quantity(binsz_wcs).to("deg")
        if wcs is None and self._region is not None:
            wcs = make_region_wcs(self._region, self._binsz_wcs)
        elif wcs is not None:
            self._binsz_wcs = u.Quantity(
                np.abs(wcs.wcs.cdelt[1]), wcs.wcs.cunit[1] or "deg"
            ).to("deg")
        self._wcs = wcs
        self._center = None
        self._solid_angle = None

    # ---- constructors -------------------------------------------------------
    @classmethod
    def create(cls, region, **kwargs):
        """Create a region geometry.

        Parameters
        ----------
        region : `~regions.SkyRegion`, str or None
            Region or ds9 region string (e.g. ``"icrs;circle(83.63, 22.01, 0.11)"``).
        **kwargs : dict
            ``axes``, ``wcs`` and ``binsz_wcs`` passed to `RegionGeom`.

        Returns
        -------
        geom : `RegionGeom`
            Region geometry.
        """
        if isinstance(region, cls):
            return region.copy(**kwargs) if kwargs else region.copy()
        return cls(region, **kwargs)

    @classmethod
    def from_regions(cls, regions, **kwargs):
        """Create a region geometry from a list of regions (joined by union).

        Parameters
        ----------
        regions : str, `~regions.Regions` or list of `~regions.SkyRegion`
            Regions.
        **kwargs : dict
            Passed to `RegionGeom`.

        Returns
        -------
        geom : `RegionGeom`
            Region geometry.
        """
        return cls(make_region(regions), **kwargs)

    @property
    def region(self):
        """Sky region (`~regions.SkyRegion` or None)."""
        return self._region

    @property
    def axes(self):
        """Non-spatial axes (`~gammaray.maps.MapAxes`)."""
        return self._axes

    @property
    def wcs(self):
        """Local WCS of the region (`~astropy.wcs.WCS` or None)."""
        return self._wcs

    @property
    def binsz_wcs(self):
        """Pixel size of the local WCS (`~astropy.units.Quantity`, deg)."""
        return self._binsz_wcs

    @property
    def frame(self):
        """Sky frame name of the region (``"icrs"`` if there is no region)."""
        if self.region is None:
            if self.wcs is not None:
                from astropy.wcs.utils import wcs_to_celestial_frame

                return wcs_to_celestial_frame(self.wcs).name
            return "icrs"
        return compound_region_to_regions(self.region)[0].center.frame.name

    @property
    def _shape(self):
        return (1, 1) + tuple(self.axes.shape)

    @property
    def data_shape(self):
        """Shape of the data array: ``axes.shape[::-1] + (1, 1)``."""
        return self._shape[::-1]

    @property
    def data_shape_image(self):
        """Spatial shape of the data, ``(1, 1)``."""
        return (1, 1)

    @property
    def npix(self):
        """Number of spatial pixels along each spatial dimension, ``(1, 1)``."""
        return (1, 1)

    @property
    def is_all_point_sky_regions(self):
        """True if the region consists only of point regions."""
        return self.region is not None and is_point_region(self.region)

    @property
    def center_skydir(self):
        """Centre of the region (`~astropy.coordinates.SkyCoord`; NaN without region)."""
        if self.region is None:
            return SkyCoord(np.nan * u.deg, np.nan * u.deg, frame=self.frame)
        if self._center is None:
            self._center = region_center(self.region)
        return self._center

    @property
    def center_pix(self):
        """Pixel coordinates of the geometry centre (tuple, pixel order)."""
        return tuple((np.array(self.data_shape) - 1.0) / 2)[::-1]

    @property
    def center_coord(self):
        """Coordinates of the geometry centre (tuple ``(lon, lat, axis centres...)``)."""
        return self.pix_to_coord(self.center_pix)

    @property
    def width(self):
        """Width and height of the region's bounding box (`~astropy.units.Quantity`, deg)."""
        if self.region is None:
            raise ValueError("Region definition required to compute the width.")
        if self.is_all_point_sky_regions:
            return u.Quantity([0.0, 0.0], "deg") + self.binsz_wcs
        xmin, xmax, ymin, ymax = region_pixel_extent(self.region, self.wcs)
        scale = np.abs(self.wcs.wcs.cdelt)
        return u.Quantity([(xmax - xmin) * scale[0], (ymax - ymin) * scale[1]], "deg")

    def _require_region(self, what):
        if self.region is None:
            raise ValueError(
                f"{what} needs a region; this RegionGeom was created with region=None."
            )

    def contains(self, coords):
        """Check whether sky coordinates lie inside the region.

        Parameters
        ----------
        coords : `~astropy.coordinates.SkyCoord`, `~gammaray.maps.MapCoord`, tuple or dict
            Coordinates; only the spatial part is used.

        Returns
        -------
        contains : `~numpy.ndarray`
            Boolean array, True inside the region.
        """
        self._require_region("contains()")
        if not isinstance(coords, SkyCoord):
            from gammaray.maps.coord import MapCoord

            coords = MapCoord.create(
                coords, frame=self.frame, axis_names=self.axes.names
            )
            coords = coords.skycoord
        return region_contains_skycoord(self.region, coords, self.wcs)

    def contains_wcs_pix(self, pix):
        """Check whether pixel coordinates of the local WCS lie inside the region.

        Parameters
        ----------
        pix : tuple of `~numpy.ndarray`
            Pixel coordinates ``(x, y)`` of `wcs` (0-based).

        Returns
        -------
        contains : `~numpy.ndarray`
            Boolean array.
        """
        self._require_region("contains_wcs_pix()")
        x, y = (np.asarray(p, dtype=float) for p in pix[:2])
        skycoord = SkyCoord.from_pixel(x, y, self.wcs)
        return region_contains_skycoord(self.region, skycoord, self.wcs)

    def contains_pix(self, pix):
        """Check whether pixel coordinates lie inside the geometry.

        Parameters
        ----------
        pix : tuple
            Pixel coordinates in pixel order ``(x, y, axis_0, ...)``.

        Returns
        -------
        contains : `~numpy.ndarray`
            Boolean array.
        """
        pix = [np.asarray(p, dtype=float) for p in pix]
        inside = _spatial_inside(pix[0]) & _spatial_inside(pix[1])
        for p, ax in zip(pix[2:], self.axes):
            inside = inside & np.isfinite(p) & (p >= -0.5) & (p <= ax.nbin - 0.5)
        return inside

    def separation(self, position):
        """Angular distance between the region centre and ``position``.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`
            Position(s).

        Returns
        -------
        separation : `~astropy.coordinates.Angle`
            Separation.
        """
        return self.center_skydir.separation(position)

    def solid_angle(self):
        """Solid angle of the region (`~astropy.units.Quantity`, sr, scalar).

        Exact for circles and annuli (``2 pi (1 - cos r)``), tangent-plane
        area for ellipses, rectangles and polygons, numerical integration for
        compound regions; zero for point regions.
        """
        self._require_region("solid_angle()")
        if self._solid_angle is None:
            self._solid_angle = region_solid_angle(self.region)
        return self._solid_angle.copy()

    def get_idx(self, idx=None, flat=False):
        """Index arrays of all bins (tuple in pixel order, shape ``data_shape``).

        Parameters
        ----------
        idx : tuple, optional
            Not supported for region geometries (must be None).
        flat : bool
            Return flattened arrays.
        """
        if idx is not None:
            raise ValueError(
                "RegionGeom.get_idx does not support idx; use slice_by_idx."
            )
        idxs = [np.arange(n, dtype=int) for n in self.data_shape[::-1]]
        result = tuple(np.meshgrid(*idxs[::-1], indexing="ij")[::-1])
        if flat:
            result = tuple(r.ravel() for r in result)
        return result

    def get_coord(self, mode="center", frame=None, sparse=False, axis_name=None):
        """Coordinates of the bins: the region centre plus axis coordinates.

        Parameters
        ----------
        mode : {"center", "edges"}
            Axis coordinates at bin centres or edges (for ``axis_name``).
        frame : str, optional
            Sky frame of the result (default: the geometry frame).
        sparse : bool
            Return arrays that only broadcast to the data shape.
        axis_name : str, optional
            Axis for which to return edges when ``mode="edges"``.

        Returns
        -------
        coords : `~gammaray.maps.MapCoord`
            Coordinates.
        """
        from gammaray.maps.coord import MapCoord

        shape = (1,) * self.ndim
        data = {
            "skycoord": self.center_skydir.reshape(shape),
        }
        for name, value in self._axes_coords(mode=mode, axis_name=axis_name).items():
            data[name] = value
        coords = MapCoord.create(data, frame=self.frame)
        if frame is not None:
            coords = coords.to_frame(frame)
        if not sparse:
            coords = coords.broadcasted
        return coords

    def _axes_coords(self, mode="center", axis_name=None):
        coords = {}
        for idx, ax in enumerate(self.axes):
            if mode == "edges" and (axis_name is None or ax.name == axis_name):
                values = ax.edges
            else:
                values = ax.center
            shape = [1] * self.ndim
            shape[-(idx + 3)] = -1
            coords[ax.name] = values.reshape(shape)
        return coords

    def _coords_with_center(self, coords):
        if isinstance(coords, tuple | list) and len(coords) == len(self.axes):
            skydir = self.center_skydir.transform_to(self.frame)
            coords = (skydir.spherical.lon, skydir.spherical.lat, *coords)
        elif isinstance(coords, dict) and not any(
            k in coords for k in ("lon", "lat", "skycoord")
        ):
            coords = dict(coords)
            coords["skycoord"] = self.center_skydir
        from gammaray.maps.coord import MapCoord

        return MapCoord.create(coords, frame=self.frame, axis_names=self.axes.names)

    def coord_to_pix(self, coords):
        """Convert coordinates to pixel coordinates.

        Spatial pixel coordinates are 0 inside the region and NaN outside.
        Coordinates given without a sky position (a dict without ``lon``/``lat``/
        ``skycoord`` or a tuple of axis coordinates only) are taken at the
        region centre.

        Parameters
        ----------
        coords : tuple, dict, `~gammaray.maps.MapCoord`
            Coordinates.

        Returns
        -------
        pix : tuple of `~numpy.ndarray`
            Pixel coordinates in pixel order.
        """
        coords = self._coords_with_center(coords)
        if self.region is None:
            shape = np.shape(coords.lon)
            x = np.zeros(shape)
            y = np.zeros(shape)
        else:
            inside = self.contains(coords.skycoord)
            x = np.where(inside, 0.0, np.nan)
            y = np.where(inside, 0.0, np.nan)
        pix = (x, y)
        for idx, ax in enumerate(self.axes):
            try:
                value = self._axis_coord(coords, idx, ax)
            except (KeyError, ValueError, IndexError):
                raise AxisError(
                    f"Coordinate for axis {ax.name!r} missing; coordinates have "
                    f"{coords.axis_names}."
                ) from None
            pix += (np.asarray(ax.coord_to_pix(value), dtype=float),)
        return pix

    def pix_to_coord(self, pix):
        """Convert pixel coordinates to coordinates.

        Spatial pixels within 0.5 of 0 map to the region centre, others to NaN.

        Parameters
        ----------
        pix : tuple
            Pixel coordinates in pixel order.

        Returns
        -------
        coords : tuple of `~astropy.units.Quantity`
            ``(lon, lat, axis coordinates...)``.
        """
        center = self.center_skydir.transform_to(self.frame).spherical
        inside = _spatial_inside(pix[0]) & _spatial_inside(pix[1])
        lon = np.where(inside, center.lon.deg, np.nan) * u.deg
        lat = np.where(inside, center.lat.deg, np.nan) * u.deg
        coords = (lon, lat)
        for p, ax in zip(pix[self._slice_non_spatial_axes], self.axes):
            coords += (ax.pix_to_coord(p),)
        return coords

    def pix_to_idx(self, pix, clip=False):
        """Convert pixel coordinates to integer indices (-1 outside).

        Parameters
        ----------
        pix : tuple
            Pixel coordinates.
        clip : bool
            Clip non-spatial indices to the valid range.

        Returns
        -------
        idx : tuple of `~numpy.ndarray`
            Indices.
        """
        idx = []
        for p in pix[self._slice_spatial_axes]:
            p = np.asarray(p, dtype=float)
            if clip:
                idx.append(np.zeros(p.shape, dtype=int))
            else:
                idx.append(np.where(_spatial_inside(p), 0, -1))
        for p, ax in zip(pix[self._slice_non_spatial_axes], self.axes):
            idx.append(ax.pix_to_idx(p, clip=clip))
        return tuple(idx)

    def coord_to_idx(self, coords, clip=False):
        """Convert coordinates to integer indices (-1 outside).

        Parameters
        ----------
        coords : tuple, dict, `~gammaray.maps.MapCoord`
            Coordinates.
        clip : bool
            Clip non-spatial indices to the valid range.

        Returns
        -------
        idx : tuple of `~numpy.ndarray`
            Indices.
        """
        pix = self.coord_to_pix(coords)
        return self.pix_to_idx(pix, clip=clip)

    def get_wcs_coord_and_weights(self, factor=10):
        """WCS pixel centres inside the region with their covered fractions.

        Pixels of the local WCS grid (`to_wcs_geom`) that overlap the region are
        returned with weights equal to the fraction of the pixel covered by
        the region (estimated with ``factor x factor`` sub-pixels), so that
        the weighted mean of a WCS map approximates its region average.

        Parameters
        ----------
        factor : int
            Oversampling factor per axis.

        Returns
        -------
        coords : `~gammaray.maps.MapCoord`
            Coordinates: sky positions of shape ``(npix,)``; axis coordinates
            shaped to broadcast against them (axis ``i`` along dimension
            ``-(i + 2)``).
        weights : `~numpy.ndarray`
            Weights of shape ``(npix,)``.
        """
        from gammaray.maps.coord import MapCoord

        self._require_region("get_wcs_coord_and_weights()")
        wcs = self._cutout_wcs()
        if self.is_all_point_sky_regions:
            skycoord = self.center_skydir.reshape((1,))
            weights = np.ones(1)
        else:
            weights = region_weights_on_wcs(self.region, wcs, factor=factor)
            mask = weights > 0
            iy, ix = np.nonzero(mask)
            skycoord = SkyCoord.from_pixel(ix.astype(float), iy.astype(float), wcs)
            weights = weights[mask]
        data = {"skycoord": skycoord}
        for idx, ax in enumerate(self.axes):
            shape = [1] * (len(self.axes) + 1)
            shape[-(idx + 2)] = -1
            data[ax.name] = ax.center.reshape(shape)
        return MapCoord.create(data, frame=self.frame), weights

    # ---- conversions --------------------------------------------------------
    def to_wcs_geom(self, width_min=None):
        """WCS geometry covering the region, with the same non-spatial axes.

        Parameters
        ----------
        width_min : `~astropy.units.Quantity`, optional
            Minimal width of the WCS geometry.

        Returns
        -------
        geom : `~gammaray.maps.WcsGeom`
            WCS geometry on the pixel grid of the local WCS.
        """
        from gammaray.maps.wcs.geom import WcsGeom

        self._require_region("to_wcs_geom()")
        wcs = self._cutout_wcs(width_min=width_min)
        nx, ny = wcs.pixel_shape
        return WcsGeom(wcs=wcs, npix=(nx, ny), axes=copy.deepcopy(self.axes))

    def _cutout_wcs(self, width_min=None):
        """Local WCS cut to the pixels overlapping the region (same pixel grid)."""
        wcs = self.wcs.deepcopy()
        xmin, xmax, ymin, ymax = region_pixel_extent(self.region, wcs)
        ix0, ix1 = int(np.floor(xmin + 0.5)), int(np.floor(xmax + 0.5)) + 1
        iy0, iy1 = int(np.floor(ymin + 0.5)), int(np.floor(ymax + 0.5)) + 1
        if width_min is not None:
            width_min = u.Quantity(width_min).to_value("deg") * np.ones(2)
            binsz = np.abs(wcs.wcs.cdelt)
            nmin = np.ceil(width_min / binsz - 1e-9).astype(int)
            extra_x = max(nmin[0] - (ix1 - ix0), 0)
            extra_y = max(nmin[1] - (iy1 - iy0), 0)
            ix0, ix1 = ix0 - extra_x // 2, ix1 + extra_x - extra_x // 2
            iy0, iy1 = iy0 - extra_y // 2, iy1 + extra_y - extra_y // 2
        wcs.wcs.crpix = np.asarray(wcs.wcs.crpix) - np.array([ix0, iy0])
        wcs.wcs.set()
        wcs.pixel_shape = (max(ix1 - ix0, 1), max(iy1 - iy0, 1))
        return wcs

    def _pad_spatial(self, pad_width):
        raise ValueError(
            "A RegionGeom has a single spatial bin and cannot be padded spatially; "
            "give axis_name to pad a non-spatial axis."
        )

    def _crop_spatial(self, crop_width):
        raise ValueError(
            "A RegionGeom has a single spatial bin and cannot be cropped; convert it "
            "with to_wcs_geom() first."
        )

    def _downsample_spatial(self, factor):
        # a region has one spatial bin: spatial resampling is the identity
        return self.copy()

    def _upsample_spatial(self, factor):
        return self.copy()

    def to_header(self):
        """FITS header of the local WCS (with ``WCSSHAPE``); empty without region."""
        if self.wcs is None:
            return fits.Header()
        table = self._to_region_table()
        return fits.Header({k: v for k, v in table.meta.items()})

    @classmethod
    def from_header(cls, header, hdu_bands=None, format="gadf"):
        """Not available: region geometries are read with `from_hdulist`."""
        raise NotImplementedError(
            "RegionGeom cannot be built from a header alone; use RegionGeom.from_hdulist."
        )

    def union(self, other):
        """Geometry of the union of both regions (same axes as ``self``).

        Parameters
        ----------
        other : `RegionGeom`
            Other geometry.
        """
        if self.region is None or other.region is None:
            raise ValueError("union() needs two geometries with regions.")
        region = self.region | other.region
        return self._init_copy(region=region, wcs=None, binsz_wcs=self.binsz_wcs)

    # ---- comparison ----------------------------------------------------------
    def is_allclose(self, other, rtol_axes=1e-6, atol=1e-6):
        """Compare two region geometries.

        Parameters
        ----------
        other : `RegionGeom`
            Other geometry.
        rtol_axes : float
            Relative tolerance for the axes comparison.
        atol : float
            Absolute tolerance for the axes comparison and for the region
            parameters (in pixels of the local WCS).

        Returns
        -------
        is_allclose : bool
            Whether the geometries are equal within tolerances.
        """
        if not isinstance(other, RegionGeom):
            return False
        if self.data_shape != other.data_shape:
            return False
        if not self.axes.is_allclose(other.axes, rtol=rtol_axes, atol=atol):
            return False
        return self._region_allclose(other, atol=max(atol, 1e-6))

    def _region_allclose(self, other, atol):
        if self.region is None or other.region is None:
            return self.region is None and other.region is None
        try:
            t1 = _region_to_table(self.region, self.wcs)
            t2 = _region_to_table(other.region, self.wcs)
        except Exception:  # regions not serialisable: fall back to equality
            return self.region == other.region
        if len(t1) != len(t2) or list(t1["SHAPE"]) != list(t2["SHAPE"]):
            return False
        for name in ("X", "Y", "R", "ROTANG"):
            if name in t1.colnames:
                a, b = np.asarray(t1[name], float), np.asarray(t2[name], float)
                if a.shape != b.shape or not np.allclose(
                    a, b, atol=1e3 * atol, rtol=1e-6
                ):
                    return False
        return True

    def __repr__(self):
        axes = ["lon", "lat", *self.axes.names]
        lines = [
            f"{self.__class__.__name__}",
            "",
            f"\tregion     : {type(self.region).__name__}",
            f"\taxes       : {axes}",
            f"\tshape      : {self._shape}",
            f"\tndim       : {self.ndim}",
            f"\tframe      : {self.frame}",
        ]
        if self.region is not None:
            c = self.center_skydir.spherical
            lines.append(f"\tcenter     : {c.lon.deg:.1f} deg, {c.lat.deg:.1f} deg")
        return "\n".join(lines) + "\n"

    def plot_region(self, ax=None, kwargs_point=None, path_effect=None, **kwargs):
        """Plot the region outline on a sky image (WCSAxes).

        Parameters
        ----------
        ax : `~astropy.visualization.wcsaxes.WCSAxes`, optional
            Axes; a new one with the local WCS is created if None.
        kwargs_point : dict, optional
            Keyword arguments for point regions (e.g. ``marker``).
        path_effect : `~matplotlib.patheffects.AbstractPathEffect`, optional
            Path effect applied to the patches.
        **kwargs : dict
            Passed to the matplotlib patch (e.g. ``edgecolor``).

        Returns
        -------
        ax : `~astropy.visualization.wcsaxes.WCSAxes`
            Axes.
        """
        from ._plot import plot_region

        return plot_region(
            self, ax=ax, kwargs_point=kwargs_point, path_effect=path_effect, **kwargs
        )

    # ---- I/O ---------------------------------------------------------------------
    def _to_region_table(self):
        self._require_region("Writing the REGION table")
        return _region_to_table(self.region, self.wcs)

    def to_bands_hdu(self, hdu_bands=None, format="gadf"):
        """Table HDU describing the non-spatial axes.

        Parameters
        ----------
        hdu_bands : str, optional
            HDU name (default ``"BANDS"``; ``"EBOUNDS"``/``"SPECRESP"`` for OGIP).
        format : {"gadf", "ogip", "ogip-sherpa", "ogip-arf", "ogip-arf-sherpa"}
            Format.

        Returns
        -------
        hdu : `~astropy.io.fits.BinTableHDU`
            Bands HDU.
        """
        if format in OGIP_FORMATS:
            name = "energy" if format in ("ogip", "ogip-sherpa") else "energy_true"
            if self.axes.names != [name]:
                raise AxisError(
                    f"Format {format!r} needs a single {name!r} axis; geometry has "
                    f"axes {self.axes.names}."
                )
            hdu = fits.BinTableHDU(ogip_energy_table(self.axes[0], format=format))
            if hdu_bands is not None:
                hdu.name = hdu_bands
            return hdu
        if hdu_bands is None:
            hdu_bands = "BANDS"
        return self.axes.to_table_hdu(format=format, hdu_bands=hdu_bands)

    def to_hdulist(self, format="ogip", hdu_bands=None, hdu_region=None):
        """HDUs describing the geometry: axes table and ``REGION`` table.

        Parameters
        ----------
        format : {"ogip", "ogip-sherpa", "gadf", "ogip-arf", "ogip-arf-sherpa"}
            Format; OGIP formats write ``EBOUNDS`` and ``REGION``.
        hdu_bands : str, optional
            Name of the axes HDU (default ``"HDU_BANDS"`` for gadf).
        hdu_region : str, optional
            Name of the region HDU (default ``"HDU_REGION"`` for gadf,
            always ``"REGION"`` for OGIP formats).

        Returns
        -------
        hdulist : `~astropy.io.fits.HDUList`
            An empty primary HDU followed by the axes and region HDUs.
        """
        if hdu_bands is None:
            hdu_bands = "HDU_BANDS"
        if hdu_region is None:
            hdu_region = "HDU_REGION"
        if format != "gadf":
            hdu_region = "REGION"
            hdu_bands = None if format in OGIP_FORMATS else hdu_bands
        hdulist = fits.HDUList([fits.PrimaryHDU()])
        if len(self.axes) > 0:
            hdulist.append(self.to_bands_hdu(hdu_bands=hdu_bands, format=format))
        if self.region is not None:
            hdulist.append(fits.BinTableHDU(self._to_region_table(), name=hdu_region))
        return hdulist

    @classmethod
    def from_hdulist(cls, hdulist, format="ogip", hdu=None):
        """Read a region geometry from HDUs.

        Parameters
        ----------
        hdulist : `~astropy.io.fits.HDUList`
            HDUs.
        format : {"ogip", "ogip-sherpa", "ogip-arf", "ogip-arf-sherpa", "gadf"}
            Format: OGIP PHA reads ``EBOUNDS``, ARF reads ``SPECRESP``, gadf
            reads ``{hdu}_BANDS``; the region is read from ``REGION``
            (``{hdu}_REGION`` for gadf) if present.
        hdu : str, optional
            Name of the data HDU (default ``"SPECTRUM"``; ``"SPECRESP"`` for ARF).

        Returns
        -------
        geom : `RegionGeom`
            Geometry.
        """
        region, wcs, axes = read_geom_hdus(hdulist, format=format, hdu=hdu)
        return cls(region=region, axes=axes, wcs=wcs)
