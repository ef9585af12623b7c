"""HEALPix pixel math and helpers shared by `HpxGeom` and `HpxNDMap`.

All functions import healpy lazily so that ``import gammaray.maps`` stays cheap.
Angles are in degrees unless stated otherwise.
"""

import logging
import re

import numpy as np

from gammaray.utils.errors import InvalidFrameError

__all__ = [
    "HpxToWcsMapping",
    "check_nside",
    "coordsys_to_frame",
    "frame_to_coordsys",
    "get_nside_from_pix_size",
    "get_pix_size_from_nside",
    "get_region_ipix",
    "lonlat_to_frame",
    "nside_to_order",
    "order_to_nside",
    "parse_hpx_region",
]

log = logging.getLogger(__name__)

#: Largest HEALPix order supported by healpy (64-bit pixel indices).
MAX_ORDER = 29

_FRAME_TO_COORDSYS = {"icrs": "CEL", "galactic": "GAL"}
_COORDSYS_TO_FRAME = {
    "CEL": "icrs",
    "C": "icrs",
    "EQU": "icrs",
    "ICRS": "icrs",
    "FK5": "icrs",
    "GAL": "galactic",
    "G": "galactic",
    "GALACTIC": "galactic",
}

# Rounded pixel sizes (deg) of HEALPix orders 0..12, used to pick WCS bin sizes.
_NICE_PIX_SIZE = [64.0, 32.0, 16.0, 8.0, 4.0, 2.0, 1.0, 0.5, 0.25, 0.1, 0.05, 0.025]


def check_frame(frame):
    """Validate a sky frame name and return it in lower case.

    Parameters
    ----------
    frame : str
        ``"icrs"`` or ``"galactic"``.

    Returns
    -------
    frame : str
        The frame name.
    """
    name = str(frame).lower()
    if name not in _FRAME_TO_COORDSYS:
        raise InvalidFrameError(
            f"Unknown frame {frame!r} for a HEALPix geometry; use 'icrs' or 'galactic'."
        )
    return name


def frame_to_coordsys(frame):
    """Return the FITS ``COORDSYS`` value (``"CEL"`` or ``"GAL"``) of a frame name."""
    return _FRAME_TO_COORDSYS[check_frame(frame)]


def coordsys_to_frame(coordsys):
    """Return the frame name (``"icrs"`` or ``"galactic"``) of a ``COORDSYS`` value."""
    key = str(coordsys).strip().upper()
    if key not in _COORDSYS_TO_FRAME:
        raise InvalidFrameError(
            f"Unknown HEALPix coordinate system COORDSYS={coordsys!r}; "
            "expected 'CEL' or 'GAL'."
        )
    return _COORDSYS_TO_FRAME[key]


def check_nside(nside):
    """Validate a HEALPix ``nside`` (a power of two between 1 and 2**29).

    Parameters
    ----------
    nside : int
        HEALPix resolution parameter.

    Returns
    -------
    nside : int
        The validated ``nside`` as Python int.
    """
    arr = np.asarray(nside)
    if arr.size != 1:
        raise ValueError(
            f"HpxGeom supports one nside for all bins, got {arr.size} values; "
            "pass a single integer."
        )
    value = arr.reshape(()).item()
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"Invalid nside {nside!r}: it must be an integer power of 2.")
    value = int(value)
    if value < 1 or value > 2**MAX_ORDER or (value & (value - 1)) != 0:
        raise ValueError(
            f"Invalid nside {nside!r}: it must be a power of 2 between 1 and 2**{MAX_ORDER}."
        )
    return value


def nside_to_order(nside):
    """Return the HEALPix order ``log2(nside)`` of a valid ``nside``."""
    return int(check_nside(nside)).bit_length() - 1


def order_to_nside(order):
    """Return ``nside = 2**order`` for a HEALPix order between 0 and 29."""
    arr = np.asarray(order)
    if arr.size != 1 or not float(arr.reshape(())).is_integer():
        raise ValueError(f"Invalid HEALPix order {order!r}: expected one integer.")
    value = int(arr.reshape(()))
    if value < 0 or value > MAX_ORDER:
        raise ValueError(
            f"Invalid HEALPix order {order!r}: it must be between 0 and {MAX_ORDER}."
        )
    return 2**value


def get_nside_from_pix_size(pixsz):
    """Return the ``nside`` whose pixel size is closest to ``pixsz``.

    The pixel size of an ``nside`` is ``sqrt(4 pi / (12 nside**2))`` (healpy's
    ``nside2resol``); for ``pixsz=0.1`` deg this gives ``nside=512``.

    Parameters
    ----------
    pixsz : float or `~astropy.units.Quantity`
        Pixel size (deg if a float).

    Returns
    -------
    nside : int
        HEALPix resolution parameter.
    """
    import astropy.units as u

    value = u.Quantity(pixsz, "deg").to_value("deg")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"Invalid pixel size {pixsz!r}: it must be positive.")
    nsides = 2 ** np.arange(MAX_ORDER + 1)
    resol = np.degrees(np.sqrt(4 * np.pi / (12.0 * nsides.astype(float) ** 2)))
    return int(nsides[np.argmin(np.abs(resol - value))])


def get_pix_size_from_nside(nside):
    """Return a rounded pixel size (deg) for an ``nside``, used for WCS bin sizes.

    Orders 0 to 11 map to 64, 32, 16, 8, 4, 2, 1, 0.5, 0.25, 0.1, 0.05, 0.025 deg;
    higher orders use the exact HEALPix resolution.
    """
    order = nside_to_order(nside)
    if order < len(_NICE_PIX_SIZE):
        return _NICE_PIX_SIZE[order]
    return float(np.degrees(np.sqrt(4 * np.pi / (12.0 * nside**2))))


_REGION_RE = re.compile(r"^\s*([A-Z_]+)\s*\((.*)\)\s*$")


def parse_hpx_region(region):
    """Parse a HEALPix region string.

    Supported: ``"DISK(lon,lat,radius)"`` (pixels whose centres lie in the disk),
    ``"DISK_INC(lon,lat,radius[,fact])"`` (pixels overlapping the disk) and
    ``"HPX_PIXEL(ordering,order,ipix)"`` (the sub-pixels of one coarser pixel).
    Angles are in deg, in the frame of the geometry.

    Returns
    -------
    kind : str
        ``"DISK"``, ``"DISK_INC"`` or ``"HPX_PIXEL"``.
    params : list
        Parsed parameters.
    """
    match = _REGION_RE.match(str(region).upper())
    if match is None:
        raise ValueError(
            f"Cannot parse HEALPix region {region!r}; expected e.g. 'DISK(lon,lat,radius)'."
        )
    kind = match.group(1)
    parts = [p.strip() for p in match.group(2).split(",")]
    try:
        if kind == "DISK" and len(parts) == 3:
            return kind, [float(p) for p in parts]
        if kind == "DISK_INC" and len(parts) in (3, 4):
            values = [float(p) for p in parts[:3]]
            values.append(int(parts[3]) if len(parts) == 4 else 4)
            return kind, values
        if kind == "HPX_PIXEL" and len(parts) == 3:
            if parts[0] not in ("NESTED", "NEST", "RING"):
                raise ValueError(parts[0])
            return kind, [parts[0], int(parts[1]), int(parts[2])]
    except ValueError:
        pass
    raise ValueError(
        f"Cannot parse HEALPix region {region!r}; supported are 'DISK(lon,lat,radius)', "
        "'DISK_INC(lon,lat,radius[,fact])' and 'HPX_PIXEL(ordering,order,ipix)'."
    )


def _lonlat_to_vec(lon, lat):
    lon, lat = np.radians(lon), np.radians(lat)
    return np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def get_region_ipix(nside, nest, region):
    """Return the sorted global pixel indices selected by a region string.

    Parameters
    ----------
    nside : int
        HEALPix resolution parameter.
    nest : bool
        NESTED (True) or RING (False) ordering.
    region : str
        Region string (see `parse_hpx_region`).

    Returns
    -------
    ipix : `~numpy.ndarray`
        Sorted int64 pixel indices.
    """
    import healpy as hp

    kind, params = parse_hpx_region(region)
    if kind in ("DISK", "DISK_INC"):
        lon, lat, radius = params[:3]
        if radius <= 0:
            raise ValueError(f"Region {region!r} has a non-positive radius.")
        vec = _lonlat_to_vec(lon, lat)
        if kind == "DISK":
            ipix = hp.query_disc(nside, vec, np.radians(radius), nest=nest)
        else:
            ipix = hp.query_disc(
                nside,
                vec,
                np.radians(radius),
                inclusive=True,
                fact=params[3],
                nest=nest,
            )
    else:
        ordering, order, pix = params
        nside_pix = order_to_nside(order)
        if nside_pix > nside:
            raise ValueError(
                f"Region {region!r} is finer than the geometry (nside={nside})."
            )
        if ordering == "RING":
            pix = hp.ring2nest(nside_pix, pix)
        factor = (nside // nside_pix) ** 2
        ipix = np.arange(pix * factor, (pix + 1) * factor, dtype=np.int64)
        if not nest:
            ipix = hp.nest2ring(nside, ipix)
    return np.unique(np.asarray(ipix, dtype=np.int64))


def lonlat_to_frame(lon, lat, frame_in, frame_out):
    """Transform longitudes and latitudes (deg) from one frame to another.

    Non-finite inputs stay NaN in the output.

    Returns
    -------
    lon, lat : `~numpy.ndarray`
        Transformed coordinates (deg), longitude in [0, 360).
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    lon, lat = np.broadcast_arrays(lon, lat)
    if frame_in == frame_out:
        return lon.copy(), lat.copy()
    from astropy.coordinates import SkyCoord

    out_lon = np.full(lon.shape, np.nan)
    out_lat = np.full(lon.shape, np.nan)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if ok.any():
        coord = SkyCoord(lon[ok], lat[ok], unit="deg", frame=frame_in)
        coord = coord.transform_to(frame_out)
        out_lon[ok] = coord.spherical.lon.wrap_at("360d").deg
        out_lat[ok] = coord.spherical.lat.deg
    return out_lon, out_lat


def lonlat_to_ipix(nside, nest, lon, lat):
    """Global pixel index of (lon, lat) in deg; -1 where a coordinate is not finite."""
    import healpy as hp

    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    lon, lat = np.broadcast_arrays(lon, lat)
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90)
    ipix = np.full(lon.shape, -1, dtype=np.int64)
    if ok.any():
        ipix[ok] = hp.ang2pix(nside, lon[ok], lat[ok], nest=nest, lonlat=True)
    return ipix


def ipix_to_lonlat(nside, nest, ipix):
    """Centre (lon, lat) in deg of global pixel indices; NaN where ``ipix < 0``."""
    import healpy as hp

    ipix = np.asarray(ipix, dtype=np.int64)
    lon = np.full(ipix.shape, np.nan)
    lat = np.full(ipix.shape, np.nan)
    ok = (ipix >= 0) & (ipix < 12 * nside * nside)
    if ok.any():
        lon[ok], lat[ok] = hp.pix2ang(nside, ipix[ok], nest=nest, lonlat=True)
    return lon, lat


class HpxToWcsMapping:
    """Nearest-pixel mapping of a HEALPix geometry onto a WCS geometry.

    Each WCS pixel takes the value of the HEALPix pixel that contains its centre.

    Parameters
    ----------
    hpx : `~gammaray.maps.HpxGeom`
        HEALPix geometry.
    wcs : `~gammaray.maps.WcsGeom`
        WCS geometry.
    ipix : `~numpy.ndarray`
        Local HEALPix index of each WCS image pixel (flat, C order of the WCS
        image array); -1 where the WCS pixel is outside the sky or the geometry.
    mult_val : `~numpy.ndarray`
        ``1 / n`` where ``n`` is the number of WCS pixels that map to the same
        HEALPix pixel (used by ``normalize=True``).
    """

    def __init__(self, hpx, wcs, ipix, mult_val):
        self._hpx = hpx
        self._wcs = wcs
        self._ipix = ipix
        self._mult_val = mult_val

    @property
    def hpx(self):
        """HEALPix geometry (`~gammaray.maps.HpxGeom`)."""
        return self._hpx

    @property
    def wcs(self):
        """WCS geometry (`~gammaray.maps.WcsGeom`)."""
        return self._wcs

    @property
    def ipix(self):
        """Local HEALPix index of each WCS image pixel (-1 for none)."""
        return self._ipix

    @property
    def mult_val(self):
        """Normalisation factor ``1/n`` of each WCS image pixel."""
        return self._mult_val

    @property
    def valid(self):
        """Mask of WCS image pixels that map to a HEALPix pixel."""
        return self._ipix >= 0

    @classmethod
    def create(cls, hpx, wcs):
        """Create the mapping between a HEALPix and a WCS geometry.

        Parameters
        ----------
        hpx : `~gammaray.maps.HpxGeom`
            HEALPix geometry.
        wcs : `~gammaray.maps.WcsGeom`
            WCS geometry.

        Returns
        -------
        mapping : `HpxToWcsMapping`
            The mapping.
        """
        lon, lat = wcs_pixel_centers(wcs, hpx.frame)
        gpix = lonlat_to_ipix(hpx.nside, hpx.nest, lon.ravel(), lat.ravel())
        ipix = hpx.global_to_local(gpix)
        ipix = np.where(gpix < 0, -1, ipix)
        mult_val = np.zeros(ipix.shape)
        valid = ipix >= 0
        if valid.any():
            uniq, inverse, counts = np.unique(
                ipix[valid], return_inverse=True, return_counts=True
            )
            mult_val[valid] = 1.0 / counts[inverse]
        return cls(hpx, wcs, ipix, mult_val)

    def fill_wcs_map_from_hpx_data(
        self, hpx_data, wcs_data, normalize=True, fill_nan=True
    ):
        """Fill WCS data from HEALPix data.

        Parameters
        ----------
        hpx_data : `~numpy.ndarray`
            HEALPix data, shape ``(..., npix)``.
        wcs_data : `~numpy.ndarray`
            Output WCS data, shape ``(..., ny, nx)``; filled in place.
        normalize : bool
            Divide each value by the number of WCS pixels sharing its HEALPix
            pixel, so that the sum is preserved.
        fill_nan : bool
            Set WCS pixels without a HEALPix pixel to NaN (else 0).

        Returns
        -------
        wcs_data : `~numpy.ndarray`
            The filled array.
        """
        shape = wcs_data.shape
        flat = wcs_data.reshape(shape[:-2] + (-1,))
        valid = self.valid
        values = hpx_data[..., self._ipix[valid]]
        if normalize:
            values = values * self._mult_val[valid]
        flat[..., valid] = values
        flat[..., ~valid] = np.nan if fill_nan else 0
        return flat.reshape(shape)


def wcs_pixel_centers(wcs_geom, frame):
    """Centre (lon, lat) in deg, in ``frame``, of the pixels of a WCS image.

    Returns arrays of the image shape ``(ny, nx)``; NaN outside the projection.
    """
    image = wcs_geom.to_image()
    ny, nx = image.data_shape[-2:]
    yy, xx = np.indices((ny, nx), dtype=float)
    with np.errstate(invalid="ignore"):
        lon, lat = image.wcs.wcs_pix2world(xx, yy, 0)
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    lon[bad] = np.nan
    lat[bad] = np.nan
    return lonlat_to_frame(lon, lat, image.frame, frame)
