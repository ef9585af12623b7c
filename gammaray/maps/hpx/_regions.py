"""Sky-region masks of HEALPix geometries."""

import numpy as np
from astropy.coordinates import SkyCoord

from .utils import ipix_to_lonlat

__all__ = ["grow_pixels", "region_image_mask", "shrink_pixels"]


def region_image_mask(geom, regions):
    """Boolean image mask (shape ``(npix,)``) of pixel centres inside any region.

    Parameters
    ----------
    geom : `~gammaray.maps.HpxGeom`
        Geometry.
    regions : str, `~regions.SkyRegion` or list of them
        Regions (strings in DS9 format).

    Returns
    -------
    mask : `~numpy.ndarray`
        Mask of the pixels whose centres lie inside a region.
    """
    from astropy.wcs import WCS
    from regions import Regions, SkyRegion

    if isinstance(regions, (str, SkyRegion)):
        regions = [regions]
    parsed = []
    for region in regions:
        if isinstance(region, str):
            parsed.extend(Regions.parse(region, format="ds9"))
        else:
            parsed.append(region)
    lon, lat = ipix_to_lonlat(geom.nside, geom.nest, geom.ipix)
    points = SkyCoord(lon, lat, unit="deg", frame=geom.frame)
    mask = np.zeros(geom.npix, dtype=bool)
    for region in parsed:
        center = getattr(region, "center", None)
        radius = getattr(region, "radius", None)
        if (
            center is not None
            and radius is not None
            and type(region).__name__ == "CircleSkyRegion"
        ):
            mask |= geom.separation(center).deg <= radius.to_value("deg")
            continue
        if center is None:
            raise ValueError(f"Region {region!r} has no centre; cannot build a mask.")
        sky = center.transform_to(geom.frame)
        wcs = WCS(naxis=2)
        wcs.wcs.ctype = (
            ["RA---TAN", "DEC--TAN"]
            if geom.frame == "icrs"
            else ["GLON-TAN", "GLAT-TAN"]
        )
        wcs.wcs.crval = [sky.spherical.lon.deg, sky.spherical.lat.deg]
        wcs.wcs.cdelt = [-0.01, 0.01]
        wcs.wcs.crpix = [0, 0]
        near = geom.separation(center).deg < 90
        inside = np.zeros(geom.npix, dtype=bool)
        inside[near] = region.contains(points[near], wcs)
        mask |= inside
    return mask


def _neighbour_table(geom, ipix):
    import healpy as hp

    lon, lat = ipix_to_lonlat(geom.nside, geom.nest, ipix)
    return hp.get_all_neighbours(geom.nside, lon, lat, nest=geom.nest, lonlat=True)


def grow_pixels(geom, n):
    """Pixels of ``geom`` plus ``n`` rings of neighbours (sorted global indices)."""
    ipix = geom.ipix
    for _ in range(n):
        nb = _neighbour_table(geom, ipix)
        ipix = np.union1d(ipix, nb[nb >= 0])
    return ipix


def shrink_pixels(geom, n):
    """Pixels of ``geom`` without ``n`` rings of boundary pixels (sorted global indices)."""
    ipix = geom.ipix
    for _ in range(n):
        nb = _neighbour_table(geom, ipix)
        ipix = ipix[np.all(np.isin(nb, ipix) | (nb < 0), axis=0)]
        if ipix.size == 0:
            raise ValueError("Cropping removes all pixels of the geometry.")
    return ipix
