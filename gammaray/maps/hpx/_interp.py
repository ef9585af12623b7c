"""Interpolation of HEALPix data and HEALPix -> WCS reprojection (vectorised)."""

import itertools

import numpy as np

from .utils import lonlat_to_frame, lonlat_to_ipix

__all__ = []

_SCALES = ("lin", "log", "sqrt")


def _scale_forward(values, values_scale):
    if values_scale == "lin":
        return values
    if values_scale == "log":
        tiny = np.finfo(float).tiny
        return np.log(np.clip(values, tiny, None))
    return np.sqrt(np.clip(values, 0, None))


def _scale_inverse(values, values_scale):
    if values_scale == "lin":
        return values
    if values_scale == "log":
        return np.exp(values)
    return values**2


def check_values_scale(values_scale):
    """Validate ``values_scale`` (``"lin"``, ``"log"`` or ``"sqrt"``)."""
    if values_scale not in _SCALES:
        raise ValueError(
            f"Unknown values_scale {values_scale!r}; use one of {list(_SCALES)}."
        )
    return values_scale


def spatial_weights(geom, lon, lat):
    """Bilinear HEALPix interpolation weights (healpy ``get_interp_weights``).

    Neighbours missing from a partial-sky geometry get weight 0 and the other
    weights are renormalised.

    Parameters
    ----------
    geom : `~gammaray.maps.HpxGeom`
        Geometry.
    lon, lat : `~numpy.ndarray`
        Flat coordinates (deg) in the frame of ``geom``.

    Returns
    -------
    local : `~numpy.ndarray`
        Local indices of the 4 neighbours, shape ``(4, n)`` (0 where unused).
    weights : `~numpy.ndarray`
        Normalised weights, shape ``(4, n)``.
    inside : `~numpy.ndarray`
        Whether the pixel containing each position belongs to the geometry and
        at least one neighbour has a value, shape ``(n,)``.
    """
    import healpy as hp

    lon = np.asarray(lon, dtype=float).ravel()
    lat = np.asarray(lat, dtype=float).ravel()
    n = lon.size
    local = np.zeros((4, n), dtype=np.int64)
    weights = np.zeros((4, n))
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90)
    if ok.any():
        gpix, w = hp.get_interp_weights(
            geom.nside, lon[ok], lat[ok], nest=geom.nest, lonlat=True
        )
        loc = geom.global_to_local(gpix)
        w = np.where(loc >= 0, w, 0.0)
        local[:, ok] = np.where(loc >= 0, loc, 0)
        weights[:, ok] = w
    wsum = weights.sum(axis=0)
    inside = ok & (wsum > 0)
    if not geom.is_allsky:
        own = geom.global_to_local(lonlat_to_ipix(geom.nside, geom.nest, lon, lat))
        inside &= own >= 0
    weights /= np.where(wsum > 0, wsum, 1.0)
    return local, weights, inside


def interp_hpx_data(geom, data, coords, fill_value=None, values_scale="lin"):
    """Multilinear interpolation of HEALPix data at map coordinates.

    Spatially bilinear on the sphere (healpy weights); linear in the pixel
    coordinates of the non-spatial axes (i.e. in the axis interpolation scale).

    Parameters
    ----------
    geom : `~gammaray.maps.HpxGeom`
        Geometry of ``data``.
    data : `~numpy.ndarray`
        Data of shape ``geom.data_shape``.
    coords : `~gammaray.maps.MapCoord`
        Coordinates in the frame of ``geom``.
    fill_value : float or None
        Value outside the geometry; None extrapolates along the axes and uses
        the available neighbours spatially (NaN where there are none).
    values_scale : {"lin", "log", "sqrt"}
        Scale in which the values are interpolated.

    Returns
    -------
    values : `~numpy.ndarray`
        Interpolated values, shape of the broadcast coordinates.
    """
    check_values_scale(values_scale)
    coords = coords.broadcasted
    shape = coords.shape
    lon = np.asarray(coords.lon.to_value("deg"), dtype=float).ravel()
    lat = np.asarray(coords.lat.to_value("deg"), dtype=float).ravel()
    local, weights, inside = spatial_weights(geom, lon, lat)
    values = _scale_forward(np.asarray(data, dtype=float), values_scale)
    axis_pix = [
        np.asarray(p, dtype=float).ravel() for p in geom._coord_to_pix_axes(coords)
    ]
    lower, frac = [], []
    outside = ~inside
    for ax, pix in zip(geom.axes, axis_pix):
        pix = np.broadcast_to(pix, lon.shape)
        if ax.nbin == 1:
            lower.append(np.zeros(lon.shape, dtype=np.int64))
            frac.append(np.zeros(lon.shape))
        else:
            safe = np.where(np.isfinite(pix), pix, 0.0)
            i0 = np.clip(np.floor(safe).astype(np.int64), 0, ax.nbin - 2)
            lower.append(i0)
            frac.append(safe - i0)
        outside |= ~((pix >= -0.5) & (pix <= ax.nbin - 0.5))
    result = np.zeros(lon.shape)
    for corner in itertools.product((0, 1), repeat=len(lower)):
        w_axes = np.ones(lon.shape)
        idx_axes = []
        for c, i0, f, ax in zip(corner, lower, frac, geom.axes):
            w_axes = w_axes * (f if c else 1.0 - f)
            idx_axes.append(np.minimum(i0 + c, ax.nbin - 1))
        if not np.any(w_axes):
            continue
        for k in range(4):
            idx = tuple(idx_axes[::-1]) + (local[k],)
            result += w_axes * weights[k] * values[idx]
    result = _scale_inverse(result, values_scale)
    if fill_value is not None:
        result[outside] = fill_value
    else:
        result[~inside & ~(weights.sum(axis=0) > 0)] = np.nan
    return result.reshape(shape)


def interp_hpx_planes(geom, planes, lon, lat):
    """Bilinear interpolation of all image planes at flat positions.

    Parameters
    ----------
    geom : `~gammaray.maps.HpxGeom`
        Image geometry of the planes.
    planes : `~numpy.ndarray`
        Data of shape ``(nplanes, npix)``.
    lon, lat : `~numpy.ndarray`
        Flat positions (deg) in the frame of ``geom``.

    Returns
    -------
    values : `~numpy.ndarray`
        Shape ``(nplanes, n)``; NaN where the position is outside the geometry.
    inside : `~numpy.ndarray`
        Mask of positions inside the geometry.
    """
    local, weights, inside = spatial_weights(geom, lon, lat)
    values = np.zeros((planes.shape[0], local.shape[1]))
    for k in range(4):
        values += weights[k] * planes[:, local[k]]
    values[:, ~inside] = np.nan
    return values, inside


def wcs_subpixel_lonlat(wcs_image, frame, factor, dx, dy):
    """Sky positions (deg, in ``frame``) of one sub-pixel of every WCS pixel.

    The WCS pixel ``(x, y)`` is split into ``factor x factor`` sub-pixels;
    ``(dx, dy)`` selects one of them.
    """
    ny, nx = wcs_image.data_shape[-2:]
    yy, xx = np.indices((ny, nx), dtype=float)
    xx += (dx + 0.5) / factor - 0.5
    yy += (dy + 0.5) / factor - 0.5
    with np.errstate(invalid="ignore"):
        lon, lat = wcs_image.wcs.wcs_pix2world(xx.ravel(), yy.ravel(), 0)
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    lon[bad] = np.nan
    lat[bad] = np.nan
    return lonlat_to_frame(lon, lat, wcs_image.frame, frame)


def reproject_hpx_to_wcs(geom, data, wcs_geom, factor=1, preserve_counts=False):
    """Reproject HEALPix data onto a WCS geometry.

    Every WCS pixel is sampled at ``factor x factor`` sub-pixel centres where
    the HEALPix data are interpolated bilinearly; the samples are averaged.
    With ``factor=1`` the result is the interpolation at the pixel centres.

    Parameters
    ----------
    geom : `~gammaray.maps.HpxGeom`
        Source geometry.
    data : `~numpy.ndarray`
        Source data, shape ``geom.data_shape``.
    wcs_geom : `~gammaray.maps.WcsGeom`
        Target geometry (its axes must match the source axes).
    factor : int
        Number of sub-samples per WCS pixel along each dimension.
    preserve_counts : bool
        Treat the data as counts: interpolate the density per steradian and
        multiply by the WCS pixel solid angle.

    Returns
    -------
    out : `~numpy.ndarray`
        Float64 array of shape ``wcs_geom.data_shape``; 0 where the WCS pixel
        has no sky position or lies outside a partial-sky geometry.
    """
    image = wcs_geom.to_image()
    planes = np.asarray(data, dtype=float).reshape((-1, geom.npix))
    if preserve_counts:
        planes = planes / (4 * np.pi / geom.npix_max)
    planes = np.where(np.isfinite(planes), planes, 0.0)
    npix_wcs = int(np.prod(image.data_shape[-2:]))
    total = np.zeros((planes.shape[0], npix_wcs))
    nsample = np.zeros(npix_wcs)
    for dy in range(factor):
        for dx in range(factor):
            lon, lat = wcs_subpixel_lonlat(image, geom.frame, factor, dx, dy)
            values, inside = interp_hpx_planes(geom.to_image(), planes, lon, lat)
            total[:, inside] += values[:, inside]
            nsample += inside
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(nsample > 0, total / np.maximum(nsample, 1), 0.0)
    if preserve_counts:
        out = out * np.asarray(image.solid_angle().to_value("sr")).ravel()
    return out.reshape(tuple(wcs_geom.data_shape))
