"""Finders of OFF regions at the same offset from the pointing as an ON region.

The geometry is worked out in the pixel space of a tangent-plane (TAN) WCS
centred on the pointing position. In that projection the distance from the
centre pixel is a function of the offset angle only, so a rotation of a pixel
region about the centre pixel keeps its offset exactly. Overlap with the
exclusion mask is tested on the centres of the pixels of this reference grid.
"""

import abc
import logging
import warnings

import astropy.units as u
import numpy as np
from astropy.coordinates import Angle, SkyCoord

from gammaray.utils.errors import FormatWarning, GammarayWarning

__all__ = ["RegionsFinder", "ReflectedRegionsFinder", "WobbleRegionsFinder"]

log = logging.getLogger(__name__)

_TWO_PI = 2 * np.pi


class ExclusionReprojectionWarning(GammarayWarning):
    """An exclusion mask given in another sky frame is reprojected."""


def check_exclusion_mask(exclusion_mask, name="exclusion_mask"):
    """Validate an exclusion mask (True = usable for background, False = excluded).

    Integer and float masks are accepted and converted to boolean (non-zero is
    True) with a `~gammaray.utils.errors.FormatWarning`.

    Parameters
    ----------
    exclusion_mask : `~gammaray.maps.WcsNDMap` or None
        Mask on a WCS geometry.
    name : str
        Name used in messages.

    Returns
    -------
    mask : `~gammaray.maps.WcsNDMap` or None
        Boolean 2D mask (non-spatial axes are reduced: a pixel is usable only if
        it is usable in every bin).
    """
    if exclusion_mask is None:
        return None
    if not (hasattr(exclusion_mask, "geom") and hasattr(exclusion_mask, "data")):
        raise TypeError(
            f"{name} must be a WcsNDMap (True = usable, False = excluded), "
            f"got {type(exclusion_mask).__name__}; build one with "
            "geom.region_mask(regions, inside=False)."
        )
    if (
        not hasattr(exclusion_mask.geom, "wcs")
        or type(exclusion_mask.geom).__name__ != "WcsGeom"
    ):
        raise TypeError(
            f"{name} must be defined on a WcsGeom, got {type(exclusion_mask.geom).__name__}."
        )
    data = np.asarray(exclusion_mask.data)
    if data.dtype != bool:
        warnings.warn(
            f"The {name} has dtype {data.dtype}; it is converted to boolean "
            "(non-zero = usable for background, zero = excluded). "
            "Pass a boolean mask (e.g. mask.data.astype(bool)) to avoid this warning.",
            FormatWarning,
            stacklevel=3,
        )
        data = np.nan_to_num(data.astype(float), nan=0.0) != 0
    geom = exclusion_mask.geom
    if data.ndim > 2:
        data = np.all(data.reshape((-1,) + data.shape[-2:]), axis=0)
        geom = geom.to_image()
    from gammaray.maps import Map

    return Map.from_geom(geom, data=data.copy(), dtype=bool)


def _skydir_in_frame(coord, frame):
    """``coord`` transformed to ``frame`` (``"icrs"`` or ``"galactic"``)."""
    return coord.icrs if frame == "icrs" else coord.transform_to(frame)


def lookup_exclusion(exclusion_mask, coords):
    """Mask values at sky positions (True outside the mask's footprint).

    Parameters
    ----------
    exclusion_mask : `~gammaray.maps.WcsNDMap`
        Boolean 2D mask (see `check_exclusion_mask`).
    coords : `~astropy.coordinates.SkyCoord`
        Positions (any frame).

    Returns
    -------
    usable : `~numpy.ndarray`
        Boolean array, False where the position is excluded.
    """
    geom = exclusion_mask.geom
    coords = _skydir_in_frame(coords, geom.frame)
    wcs = geom.wcs
    x, y = wcs.world_to_pixel(coords)
    ix = np.floor(np.asarray(x) + 0.5).astype(int)
    iy = np.floor(np.asarray(y) + 0.5).astype(int)
    ny, nx = exclusion_mask.data.shape[-2:]
    inside = (
        (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny) & np.isfinite(x) & np.isfinite(y)
    )
    usable = np.ones(np.shape(x), dtype=bool)
    usable[inside] = exclusion_mask.data[iy[inside], ix[inside]]
    return usable


def warn_if_other_frame(exclusion_mask, frame, what):
    """Warn that a mask in another frame than ``frame`` will be reprojected."""
    if exclusion_mask is not None and exclusion_mask.geom.frame != frame:
        warnings.warn(
            f"The exclusion mask is in frame {exclusion_mask.geom.frame!r} but {what} is in "
            f"frame {frame!r}; the mask is reprojected (nearest pixel). Create the mask "
            f"in frame {frame!r} to avoid this warning.",
            ExclusionReprojectionWarning,
            stacklevel=3,
        )


def _region_center(region):
    """Centre of a sky region (`~astropy.coordinates.SkyCoord`)."""
    center = getattr(region, "center", None)
    if center is None:
        vertices = getattr(region, "vertices", None)
        if vertices is None:
            raise TypeError(
                f"Cannot find the centre of a {type(region).__name__}; use a circle, "
                "ellipse, rectangle, polygon or point sky region."
            )
        from astropy.coordinates import (
            CartesianRepresentation,
            UnitSphericalRepresentation,
        )

        cart = vertices.cartesian
        mean = CartesianRepresentation(cart.x.mean(), cart.y.mean(), cart.z.mean())
        sph = mean.represent_as(UnitSphericalRepresentation)
        center = SkyCoord(sph.lon, sph.lat, frame=vertices.frame.name)
    return center


def _pix_center(region_pix):
    """Centre of a pixel region (mean of the vertices for polygons)."""
    from regions import PixCoord

    center = getattr(region_pix, "center", None)
    if center is None:
        vertices = region_pix.vertices
        center = PixCoord(np.mean(vertices.x), np.mean(vertices.y))
    return center


class RegionsFinder(abc.ABC):
    """Base class of OFF-region finders.

    Parameters
    ----------
    binsz : `~astropy.coordinates.Angle` or str
        Pixel size of the reference grid on which overlaps with the exclusion
        mask are tested.
    """

    def __init__(self, binsz="0.01 deg"):
        self.binsz = Angle(binsz)

    def __repr__(self):
        items = ", ".join(
            f"{name}={value!r}"
            if not isinstance(value, u.Quantity)
            else f"{name}='{value}'"
            for name, value in vars(self).items()
            if not name.startswith("_")
        )
        return f"{type(self).__name__}({items})"

    @abc.abstractmethod
    def run(self, region, center, exclusion_mask=None):
        """Find OFF regions.

        Parameters
        ----------
        region : `~regions.SkyRegion`
            ON region.
        center : `~astropy.coordinates.SkyCoord`
            Rotation centre (the pointing position).
        exclusion_mask : `~gammaray.maps.WcsNDMap`, optional
            Boolean mask, False where OFF regions must not lie.

        Returns
        -------
        regions : list of `~regions.SkyRegion`
            OFF regions.
        wcs : `~astropy.wcs.WCS`
            WCS of the reference grid.
        """

    # ------------------------------------------------------------------ helpers
    def _reference_geom(self, region, center):
        """TAN geometry centred on ``center`` that contains the ON region at all angles."""
        from gammaray.maps import WcsGeom

        frame = "galactic" if center.frame.name == "galactic" else "icrs"
        center = _skydir_in_frame(center, frame)
        binsz = self.binsz.to_value("deg")
        probe = WcsGeom.create(
            skydir=center, binsz=binsz, npix=(3, 3), frame=frame, proj="TAN"
        )
        region_pix = region.to_pixel(probe.wcs)
        bbox = region_pix.bounding_box
        cx, cy = probe.wcs.world_to_pixel(center)
        corners_x = np.array([bbox.ixmin, bbox.ixmax]) - cx
        corners_y = np.array([bbox.iymin, bbox.iymax]) - cy
        rmax = np.sqrt(np.max(corners_x**2) + np.max(corners_y**2))
        npix = 2 * int(np.ceil(rmax)) + 5
        return WcsGeom.create(
            skydir=center, binsz=binsz, npix=(npix, npix), frame=frame, proj="TAN"
        )

    @staticmethod
    def _center_pixel(center, geom):
        from regions import PixCoord

        x, y = geom.wcs.world_to_pixel(_skydir_in_frame(center, geom.frame))
        return PixCoord(float(x), float(y))

    @staticmethod
    def _excluded_pixels(geom, exclusion_mask, center_pix, radius_range):
        """Pixel coordinates of excluded reference pixels in an annulus (or None)."""
        from regions import PixCoord

        if exclusion_mask is None:
            return None
        ny, nx = geom.data_shape[-2:]
        y, x = np.mgrid[:ny, :nx]
        r = np.hypot(x - center_pix.x, y - center_pix.y)
        sel = (r >= radius_range[0]) & (r <= radius_range[1])
        x, y = x[sel].astype(float), y[sel].astype(float)
        coords = SkyCoord.from_pixel(x, y, geom.wcs)
        excluded = ~lookup_exclusion(exclusion_mask, coords)
        if not np.any(excluded):
            return None
        return PixCoord(x[excluded], y[excluded])

    @staticmethod
    def _overlaps(region_pix, excluded):
        from regions import PointPixelRegion

        if excluded is None:
            return False
        if isinstance(region_pix, PointPixelRegion):
            # a point is excluded when its nearest reference pixel is excluded
            center = _pix_center(region_pix)
            dx = np.abs(excluded.x - center.x)
            dy = np.abs(excluded.y - center.y)
            return bool(np.any((dx <= 0.5) & (dy <= 0.5)))
        return bool(np.any(region_pix.contains(excluded)))

    @staticmethod
    def _radial_extent(region_pix, center_pix):
        """Range of distances from the centre covered by the region (pixels, padded)."""
        bbox = region_pix.bounding_box
        corners_x = np.array([bbox.ixmin - 1, bbox.ixmax + 1], float) - center_pix.x
        corners_y = np.array([bbox.iymin - 1, bbox.iymax + 1], float) - center_pix.y
        rmax = np.sqrt(np.max(corners_x**2) + np.max(corners_y**2))
        # the closest point of the bounding box to the centre
        dx = 0.0 if corners_x[0] <= 0 <= corners_x[1] else np.min(np.abs(corners_x))
        dy = 0.0 if corners_y[0] <= 0 <= corners_y[1] else np.min(np.abs(corners_y))
        return max(np.hypot(dx, dy) - 1, 0.0), rmax

    @staticmethod
    def _check_not_containing_center(region_pix, center_pix, region):
        if bool(np.all(region_pix.contains(center_pix))):
            raise ValueError(
                f"The ON region {region} contains the rotation centre (pointing position); "
                "OFF regions at the same offset cannot be defined. Use an ON region "
                "that does not contain the pointing position (e.g. a wobble observation)."
            )

    def _angular_size(self, region_pix, center_pix):
        """Angle (rad) subtended by the region seen from the centre."""
        from regions import CirclePixelRegion, PixCoord, PointPixelRegion

        region_center = _pix_center(region_pix)
        dx0, dy0 = region_center.x - center_pix.x, region_center.y - center_pix.y
        d = np.hypot(dx0, dy0)
        if isinstance(region_pix, PointPixelRegion):
            return 0.0
        if isinstance(region_pix, CirclePixelRegion):
            if region_pix.radius >= d:
                return _TWO_PI
            return 2 * np.arcsin(region_pix.radius / d)
        # general regions: points inside the region on a half-pixel grid
        bbox = region_pix.bounding_box
        step = 0.5
        xs = np.arange(bbox.ixmin - 1, bbox.ixmax + 1, step)
        ys = np.arange(bbox.iymin - 1, bbox.iymax + 1, step)
        xx, yy = (v.ravel() for v in np.meshgrid(xs, ys))
        inside = region_pix.contains(PixCoord(xx, yy))
        if not np.any(inside):
            return 0.0
        angles = np.arctan2(yy[inside] - center_pix.y, xx[inside] - center_pix.x)
        rel = np.angle(np.exp(1j * (angles - np.arctan2(dy0, dx0))))
        size = rel.max() - rel.min()
        # pad by the sampling step seen at the region's distance
        return float(min(size + 2 * step / max(d, step), _TWO_PI))


class ReflectedRegionsFinder(RegionsFinder):
    """Reflected OFF regions: the ON region rotated about the pointing position.

    Starting at ``angular size + min_distance_input`` from the ON region, the
    ON region is rotated in steps: a candidate that overlaps the exclusion mask
    is skipped by ``angle_increment``; an accepted one advances the angle by
    ``angular size + min_distance`` so that OFF regions never overlap. The last
    region keeps ``min_distance_input`` from the ON region on the other side.

    Parameters
    ----------
    angle_increment : `~astropy.coordinates.Angle` or str
        Rotation step after a rejected candidate.
    min_distance : `~astropy.coordinates.Angle` or str
        Minimal angle between two OFF regions (edge to edge, seen from the pointing).
    min_distance_input : `~astropy.coordinates.Angle` or str
        Minimal angle between the ON region and an OFF region.
    max_region_number : int
        Maximal number of OFF regions.
    binsz : `~astropy.coordinates.Angle` or str
        Pixel size of the reference grid used to test the exclusion mask.
    """

    def __init__(
        self,
        angle_increment="0.1 rad",
        min_distance="0 rad",
        min_distance_input="0.1 rad",
        max_region_number=10000,
        binsz="0.01 deg",
    ):
        super().__init__(binsz=binsz)
        self.angle_increment = Angle(angle_increment)
        if self.angle_increment.to_value("rad") <= 0:
            raise ValueError(
                f"angle_increment must be positive, got {self.angle_increment}."
            )
        self.min_distance = Angle(min_distance)
        self.min_distance_input = Angle(min_distance_input)
        self.max_region_number = int(max_region_number)

    def run(self, region, center, exclusion_mask=None):
        """Find reflected OFF regions (see `RegionsFinder.run`)."""
        exclusion_mask = check_exclusion_mask(exclusion_mask)
        geom = self._reference_geom(region, center)
        center_pix = self._center_pixel(center, geom)
        region_pix = region.to_pixel(geom.wcs)
        self._check_not_containing_center(region_pix, center_pix, region)
        size = self._angular_size(region_pix, center_pix)
        if size >= _TWO_PI:
            raise ValueError(
                f"The ON region {region} contains the pointing position; "
                "reflected regions cannot be defined."
            )
        excluded = self._excluded_pixels(
            geom,
            exclusion_mask,
            center_pix,
            self._radial_extent(region_pix, center_pix),
        )
        angle_min = size + self.min_distance_input.to_value("rad")
        angle_max = _TWO_PI - angle_min
        step_accept = size + self.min_distance.to_value("rad")
        if step_accept <= 0:
            raise ValueError(
                f"The ON region {region} has no angular extent; give min_distance > 0 "
                "(or use a circle of radius rad_max for point-like analyses)."
            )
        step_reject = self.angle_increment.to_value("rad")
        regions = []
        angle = angle_min
        eps = 1e-10
        while angle <= angle_max + eps and len(regions) < self.max_region_number:
            test = region_pix.rotate(center_pix, angle * u.rad)
            if self._overlaps(test, excluded):
                angle += step_reject
            else:
                regions.append(test)
                angle += step_accept
        log.debug("Found %d reflected regions for %s", len(regions), region)
        return [r.to_sky(geom.wcs) for r in regions], geom.wcs


class WobbleRegionsFinder(RegionsFinder):
    """OFF regions at ``n_off_regions`` equally spaced angles around the pointing.

    With the ON region at angle 0, candidates are at angles
    ``2 pi i / (n_off_regions + 1)``, ``i = 1 ... n_off_regions``; candidates
    that overlap the exclusion mask are dropped (not moved).

    Parameters
    ----------
    n_off_regions : int
        Number of OFF regions.
    binsz : `~astropy.coordinates.Angle` or str
        Pixel size of the reference grid used to test the exclusion mask.
    """

    def __init__(self, n_off_regions, binsz="0.01 deg"):
        super().__init__(binsz=binsz)
        self.n_off_regions = int(n_off_regions)
        if self.n_off_regions < 1:
            raise ValueError(f"n_off_regions must be >= 1, got {n_off_regions}.")

    def run(self, region, center, exclusion_mask=None):
        """Find wobble OFF regions (see `RegionsFinder.run`)."""
        exclusion_mask = check_exclusion_mask(exclusion_mask)
        geom = self._reference_geom(region, center)
        center_pix = self._center_pixel(center, geom)
        region_pix = region.to_pixel(geom.wcs)
        self._check_not_containing_center(region_pix, center_pix, region)
        size = self._angular_size(region_pix, center_pix)
        spacing = _TWO_PI / (self.n_off_regions + 1)
        if size > spacing:
            log.warning(
                "With %d OFF regions the regions overlap each other and the ON region "
                "(angular size %.3f rad > spacing %.3f rad); use fewer OFF regions.",
                self.n_off_regions,
                size,
                spacing,
            )
        excluded = self._excluded_pixels(
            geom,
            exclusion_mask,
            center_pix,
            self._radial_extent(region_pix, center_pix),
        )
        regions = []
        for i in range(1, self.n_off_regions + 1):
            test = region_pix.rotate(center_pix, spacing * i * u.rad)
            if not self._overlaps(test, excluded):
                regions.append(test)
        return [r.to_sky(geom.wcs) for r in regions], geom.wcs
