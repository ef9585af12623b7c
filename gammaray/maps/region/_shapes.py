"""Sky-region helpers: parsing, compound regions, local WCS, area and pixel weights.

These functions work on `regions` sky regions and plain `astropy.wcs.WCS`
objects only, so that they can be used by `RegionGeom` and by map reductions
without importing the rest of the maps package.
"""

import logging
import operator
import warnings
from functools import reduce

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.wcs import WCS
from astropy.wcs.utils import wcs_to_celestial_frame

__all__ = [
    "make_region",
    "compound_region_to_regions",
    "regions_to_compound_region",
    "is_point_region",
    "region_center",
    "make_region_wcs",
    "region_pixel_extent",
    "region_solid_angle",
    "region_weights_on_wcs",
    "region_contains_skycoord",
    "frame_name",
]

log = logging.getLogger(__name__)

#: Frames for which a local WCS can be built, with their WCS axis types.
_FRAME_CTYPES = {
    "icrs": ("RA---", "DEC--"),
    "fk5": ("RA---", "DEC--"),
    "fk4": ("RA---", "DEC--"),
    "galactic": ("GLON-", "GLAT-"),
}


def frame_name(skycoord):
    """Return the lower-case frame name of a `SkyCoord` (e.g. ``"icrs"``, ``"galactic"``)."""
    return skycoord.frame.name


def make_region(region):
    """Convert the accepted region specifications to a single sky region.

    Parameters
    ----------
    region : str, `~regions.SkyRegion`, `~regions.Regions`, list or None
        A ds9 region string (e.g. ``"galactic;circle(0, 5, 1)"``; several shapes
        are joined into a compound region), a sky region, a list of sky regions
        (joined into a compound region) or None.

    Returns
    -------
    region : `~regions.SkyRegion` or None
        The sky region.

    Raises
    ------
    ValueError
        If a string cannot be parsed or describes pixel regions.
    """
    from regions import Regions, SkyRegion

    if region is None:
        return None
    if isinstance(region, str):
        text = region
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                parsed = Regions.parse(text, format="ds9")
            except Exception as exc:  # regions raises several error types
                raise ValueError(
                    f"Could not parse region string {text!r}: {exc}. Use the ds9 "
                    'syntax with a sky frame, e.g. "icrs;circle(83.63, 22.01, 0.11)".'
                ) from None
        problems = [str(w.message) for w in caught]
        if problems or len(parsed) == 0:
            detail = "; ".join(problems) if problems else "no region found"
            raise ValueError(
                f"Could not parse region string {text!r} ({detail}). Use the ds9 "
                'syntax with a sky frame, e.g. "galactic;circle(0, 5, 1)" or '
                '"icrs;circle(83.63, 22.01, 0.11)".'
            )
        region = list(parsed)
        pixel = [type(r).__name__ for r in region if not isinstance(r, SkyRegion)]
        if pixel:
            raise ValueError(
                f"Region string {text!r} describes pixel regions ({', '.join(pixel)}); "
                'give a sky frame, e.g. "icrs;circle(83.63, 22.01, 0.11)".'
            )
    if isinstance(region, Regions):
        region = list(region)
    if isinstance(region, list | tuple):
        if len(region) == 0:
            raise ValueError("Empty list of regions; give at least one sky region.")
        region = regions_to_compound_region(list(region))
    if not isinstance(region, SkyRegion):
        raise TypeError(
            f"Expected a sky region, a ds9 region string or None, got "
            f"{type(region).__name__}. Pixel regions must be converted with "
            "region.to_sky(wcs) first."
        )
    return region


def compound_region_to_regions(region):
    """Split a (possibly nested) compound region into its simple components.

    Parameters
    ----------
    region : `~regions.SkyRegion` or `~regions.PixelRegion` or None
        Region.

    Returns
    -------
    regions : list
        The simple regions (empty list for None).
    """
    from regions import CompoundPixelRegion, CompoundSkyRegion

    if region is None:
        return []
    if isinstance(region, CompoundSkyRegion | CompoundPixelRegion):
        return compound_region_to_regions(region.region1) + compound_region_to_regions(
            region.region2
        )
    return [region]


def regions_to_compound_region(regions):
    """Join a list of regions into one region with the ``|`` (union) operator.

    Parameters
    ----------
    regions : list of `~regions.SkyRegion`
        Regions; all must be sky regions.

    Returns
    -------
    region : `~regions.SkyRegion`
        The union (the region itself for a single region).
    """
    from regions import SkyRegion

    for reg in regions:
        if not isinstance(reg, SkyRegion):
            raise TypeError(
                f"Expected sky regions, got {type(reg).__name__}; convert pixel "
                "regions with region.to_sky(wcs)."
            )
    return reduce(operator.or_, regions)


def is_point_region(region):
    """True if all components of ``region`` are `~regions.PointSkyRegion`."""
    from regions import PointPixelRegion, PointSkyRegion

    parts = compound_region_to_regions(region)
    return bool(parts) and all(
        isinstance(p, PointSkyRegion | PointPixelRegion) for p in parts
    )


def _tan_wcs(center, binsz_deg, npix=(1, 1)):
    """Build a TAN WCS centred on ``center`` with square pixels of ``binsz_deg``."""
    name = frame_name(center)
    if name not in _FRAME_CTYPES:
        center = center.icrs
        name = "icrs"
    lon_type, lat_type = _FRAME_CTYPES[name]
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = [lon_type + "TAN", lat_type + "TAN"]
    sph = center.spherical
    wcs.wcs.crval = [sph.lon.deg, sph.lat.deg]
    wcs.wcs.cdelt = [-binsz_deg, binsz_deg]
    wcs.wcs.crpix = [(npix[0] + 1) / 2.0, (npix[1] + 1) / 2.0]
    wcs.wcs.cunit = ["deg", "deg"]
    if name in ("icrs", "fk5", "fk4"):
        wcs.wcs.radesys = name.upper()
        if name in ("fk5", "fk4"):
            wcs.wcs.equinox = center.equinox.jyear
    wcs.wcs.set()
    wcs.pixel_shape = tuple(int(n) for n in npix)
    return wcs


def _component_extent(pixel):
    """Exact pixel extent ``(xmin, xmax, ymin, ymax)`` of a simple pixel region."""
    from regions import (
        CircleAnnulusPixelRegion,
        CirclePixelRegion,
        EllipsePixelRegion,
        PointPixelRegion,
        PolygonPixelRegion,
        RectanglePixelRegion,
    )

    if isinstance(pixel, PolygonPixelRegion):
        x, y = pixel.vertices.x, pixel.vertices.y
        return x.min(), x.max(), y.min(), y.max()
    cx, cy = pixel.center.x, pixel.center.y
    if isinstance(pixel, PointPixelRegion):
        hx = hy = 0.0
    elif isinstance(pixel, CirclePixelRegion):
        hx = hy = pixel.radius
    elif isinstance(pixel, CircleAnnulusPixelRegion):
        hx = hy = pixel.outer_radius
    elif isinstance(pixel, EllipsePixelRegion | RectanglePixelRegion):
        a, b = pixel.width / 2.0, pixel.height / 2.0
        theta = pixel.angle.to_value("rad")
        c, s = np.abs(np.cos(theta)), np.abs(np.sin(theta))
        if isinstance(pixel, EllipsePixelRegion):
            hx = np.sqrt((a * c) ** 2 + (b * s) ** 2)
            hy = np.sqrt((a * s) ** 2 + (b * c) ** 2)
        else:
            hx, hy = a * c + b * s, a * s + b * c
    else:
        bbox = pixel.bounding_box
        return bbox.ixmin - 0.5, bbox.ixmax - 0.5, bbox.iymin - 0.5, bbox.iymax - 0.5
    return cx - hx, cx + hx, cy - hy, cy + hy


def region_pixel_extent(region, wcs):
    """Return the pixel extent ``(xmin, xmax, ymin, ymax)`` of a sky region.

    Exact for circles, annuli, ellipses, rectangles and polygons (the
    bounding box of the shape in the pixel frame), the `regions` bounding
    box otherwise. Pixel centres are at integers (0-based).

    Parameters
    ----------
    region : `~regions.SkyRegion`
        Region.
    wcs : `~astropy.wcs.WCS`
        WCS.

    Returns
    -------
    extent : tuple of float
        Extent in pixel coordinates.
    """
    extents = np.array(
        [
            _component_extent(reg.to_pixel(wcs))
            for reg in compound_region_to_regions(region)
        ]
    )
    return (
        extents[:, 0].min(),
        extents[:, 1].max(),
        extents[:, 2].min(),
        extents[:, 3].max(),
    )


def region_center(region, binsz_deg=0.01):
    """Return the centre of a sky region.

    Simple shapes have a ``center`` attribute; for compound regions the centre
    of the union of the component bounding boxes is used.

    Parameters
    ----------
    region : `~regions.SkyRegion`
        Region.
    binsz_deg : float
        Pixel size (deg) of the auxiliary WCS used for compound regions.

    Returns
    -------
    center : `~astropy.coordinates.SkyCoord`
        Centre (scalar).
    """
    center = getattr(region, "center", None)
    if center is not None:
        return center
    parts = compound_region_to_regions(region)
    ref = parts[0].center
    wcs = _tan_wcs(ref, binsz_deg)
    xmin, xmax, ymin, ymax = region_pixel_extent(region, wcs)
    return SkyCoord.from_pixel(0.5 * (xmin + xmax), 0.5 * (ymin + ymax), wcs)


def make_region_wcs(region, binsz_wcs="0.1 deg", center=None):
    """Build the local TAN WCS of a region geometry.

    The WCS is centred on the region centre, has square pixels of size
    ``binsz_wcs`` and covers the region with a margin of one pixel on each
    side (``npix = rint(extent / binsz + 2)``, the layout of the ``REGION``
    tables in files written by Gammapy).

    Parameters
    ----------
    region : `~regions.SkyRegion`
        Region.
    binsz_wcs : str or `~astropy.units.Quantity`
        Pixel size (angle).
    center : `~astropy.coordinates.SkyCoord`, optional
        Centre (defaults to `region_center`).

    Returns
    -------
    wcs : `~astropy.wcs.WCS`
        The WCS, with ``pixel_shape`` set.
    """
    binsz = u.Quantity(binsz_wcs).to_value("deg")
    if center is None:
        center = region_center(region, binsz_deg=binsz)
    wcs = _tan_wcs(center, binsz)
    xmin, xmax, ymin, ymax = region_pixel_extent(region, wcs)
    half = np.array([max(-xmin, xmax), max(-ymin, ymax)])
    # full extent plus one pixel margin on each side (as in files written by Gammapy)
    npix = np.maximum(np.rint(2 * half + 2), 1).astype(int)
    return _tan_wcs(center, binsz, npix=tuple(npix))


def region_contains_skycoord(region, skycoord, wcs):
    """Vectorised sky containment, with a rule for point regions.

    A coordinate is inside a point region if it falls in the same pixel of
    ``wcs`` as the point (pixel distance below 0.5 in both axes).

    Parameters
    ----------
    region : `~regions.SkyRegion`
        Region.
    skycoord : `~astropy.coordinates.SkyCoord`
        Coordinates (any shape).
    wcs : `~astropy.wcs.WCS`
        WCS used to convert the region to pixels.

    Returns
    -------
    contains : `~numpy.ndarray`
        Boolean array of the shape of ``skycoord``.
    """
    from regions import PixCoord, PointSkyRegion

    shape = skycoord.shape
    skycoord = skycoord.ravel() if shape else skycoord.reshape((1,))
    x, y = skycoord.to_pixel(wcs)
    result = np.zeros(x.shape, dtype=bool)
    finite = np.isfinite(x) & np.isfinite(y)
    pix = PixCoord(np.where(finite, x, 0.0), np.where(finite, y, 0.0))
    for part in compound_region_to_regions(region):
        if isinstance(part, PointSkyRegion):
            px, py = part.center.to_pixel(wcs)
            inside = (np.abs(pix.x - px) < 0.5) & (np.abs(pix.y - py) < 0.5)
        else:
            inside = np.asarray(part.to_pixel(wcs).contains(pix), dtype=bool)
        result |= inside
    # components joined with operators other than "or" need the full region
    if not _is_pure_union(region):
        result = np.asarray(region.to_pixel(wcs).contains(pix), dtype=bool)
    result &= finite
    return result.reshape(shape)


def _is_pure_union(region):
    from regions import CompoundSkyRegion

    if isinstance(region, CompoundSkyRegion):
        return (
            region.operator is operator.or_
            and _is_pure_union(region.region1)
            and _is_pure_union(region.region2)
        )
    return True


def region_solid_angle(region, wcs=None, npix_fine=400):
    """Solid angle of a sky region.

    Circles and annuli use the exact spherical formula
    (``2 pi (1 - cos r)``); ellipses, rectangles and polygons their analytic
    area in the tangent plane at the region centre; a union of components
    with disjoint bounding boxes the sum of the component solid angles; other
    compound regions are integrated numerically on a fine TAN grid
    (``npix_fine`` pixels across, sum of the solid angles of the pixels whose
    centre is inside).

    Parameters
    ----------
    region : `~regions.SkyRegion`
        Region.
    wcs : `~astropy.wcs.WCS`, optional
        Unused (kept for API symmetry): a local TAN WCS is always used.
    npix_fine : int
        Grid size for the numerical integration.

    Returns
    -------
    solid_angle : `~astropy.units.Quantity`
        Solid angle in sr (scalar).
    """
    from regions import (
        CircleAnnulusSkyRegion,
        CircleSkyRegion,
        CompoundSkyRegion,
        PointSkyRegion,
    )

    if isinstance(region, PointSkyRegion):
        return u.Quantity(0.0, "sr")
    if isinstance(region, CircleSkyRegion):
        r = region.radius.to_value("rad")
        return u.Quantity(2 * np.pi * (1 - np.cos(r)), "sr")
    if isinstance(region, CircleAnnulusSkyRegion):
        r_in = region.inner_radius.to_value("rad")
        r_out = region.outer_radius.to_value("rad")
        return u.Quantity(2 * np.pi * (np.cos(r_in) - np.cos(r_out)), "sr")
    binsz = 0.01
    local = _tan_wcs(region_center(region), binsz)
    if not isinstance(region, CompoundSkyRegion):
        try:
            area = region.to_pixel(local).area
            return u.Quantity(area * binsz**2, "deg2").to("sr")
        except (NotImplementedError, AttributeError):
            pass
    parts = compound_region_to_regions(region)
    if _is_pure_union(region) and _disjoint_bboxes(parts, local):
        return u.Quantity(
            sum(region_solid_angle(p).to_value("sr") for p in parts), "sr"
        )
    # numerical integration on a fine grid
    xmin, xmax, ymin, ymax = region_pixel_extent(region, local)
    extent = max(xmax - xmin, ymax - ymin) * binsz
    fine = make_region_wcs(
        region, binsz_wcs=extent / npix_fine * u.deg, center=region_center(region)
    )
    weights = region_weights_on_wcs(region, fine, factor=1)
    iy, ix = np.nonzero(weights)
    omega = _pixel_solid_angles(fine, ix.astype(float), iy.astype(float))
    return u.Quantity(np.sum(weights[iy, ix] * omega), "sr")


def _disjoint_bboxes(parts, wcs):
    """True if the pixel bounding boxes of the regions do not overlap pairwise."""
    ext = np.array([region_pixel_extent(p, wcs) for p in parts])
    x_overlap = (ext[:, None, 0] < ext[None, :, 1]) & (
        ext[None, :, 0] < ext[:, None, 1]
    )
    y_overlap = (ext[:, None, 2] < ext[None, :, 3]) & (
        ext[None, :, 2] < ext[:, None, 3]
    )
    overlap = x_overlap & y_overlap
    np.fill_diagonal(overlap, False)
    return not overlap.any()


def _pixel_solid_angles(wcs, x, y):
    """Solid angle (sr) of pixels with centres ``(x, y)`` from their corner vectors."""
    corners = []
    for dx, dy in ((-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)):
        c = SkyCoord.from_pixel(x + dx, y + dy, wcs)
        corners.append(c.cartesian.xyz.value)
    # split quadrilateral in two spherical triangles (Van Oosterom & Strackee)
    return _triangle_solid_angle(corners[0], corners[1], corners[2]) + (
        _triangle_solid_angle(corners[0], corners[2], corners[3])
    )


def _triangle_solid_angle(a, b, c):
    num = np.abs(np.einsum("i...,i...->...", a, np.cross(b, c, axis=0)))
    den = (
        1
        + np.einsum("i...,i...->...", a, b)
        + np.einsum("i...,i...->...", b, c)
        + np.einsum("i...,i...->...", c, a)
    )
    return 2 * np.arctan2(num, den)


def region_weights_on_wcs(region, wcs, factor=10, shape=None):
    """Fraction of each WCS pixel covered by a region, from sub-pixel sampling.

    Parameters
    ----------
    region : `~regions.SkyRegion`
        Region.
    wcs : `~astropy.wcs.WCS`
        WCS of the pixel grid.
    factor : int
        Sub-pixel oversampling factor per axis (1: pixel centres only).
    shape : tuple of int, optional
        Image shape ``(ny, nx)``; defaults to ``wcs.array_shape``.

    Returns
    -------
    weights : `~numpy.ndarray`
        Array of shape ``(ny, nx)`` with values in [0, 1].
    """
    if shape is None:
        shape = wcs.array_shape
    ny, nx = shape
    weights = np.zeros((ny, nx), dtype=float)
    if region is None or is_point_region(region):
        return weights
    xmin, xmax, ymin, ymax = region_pixel_extent(region, wcs)
    ix0 = int(max(np.floor(xmin + 0.5), 0))
    ix1 = int(min(np.ceil(xmax + 0.5), nx))
    iy0 = int(max(np.floor(ymin + 0.5), 0))
    iy1 = int(min(np.ceil(ymax + 0.5), ny))
    if ix1 <= ix0 or iy1 <= iy0:
        return weights
    factor = int(factor)
    offsets = (np.arange(factor) + 0.5) / factor - 0.5
    xs = (np.arange(ix0, ix1)[:, None] + offsets[None, :]).ravel()
    ys = (np.arange(iy0, iy1)[:, None] + offsets[None, :]).ravel()
    xx, yy = np.meshgrid(xs, ys)
    sky = SkyCoord.from_pixel(xx, yy, wcs)
    inside = region_contains_skycoord(region, sky, wcs)
    inside = inside.reshape(iy1 - iy0, factor, ix1 - ix0, factor)
    weights[iy0:iy1, ix0:ix1] = inside.mean(axis=(1, 3))
    return weights


def wcs_frame_name(wcs):
    """Frame name (``"icrs"``, ``"galactic"``, ...) of a celestial WCS."""
    return wcs_to_celestial_frame(wcs).name
