"""Vectorised evaluation of IRF tables on map geometries (private helpers of the makers).

The expensive part of reducing an observation is interpolating the IRF tables
at every pixel. Two facts make it cheap:

- IRFs that are interpolated linearly in offset (effective area, energy
  dispersion, PSF tables) are piecewise linear in offset between the offset
  nodes, so they are evaluated once on the nodes and then combined per pixel
  with two weights (exactly the same numbers as a direct interpolation);
- field-of-view coordinates are computed with plain spherical trigonometry
  instead of astropy frame transformations.
"""

import astropy.units as u
import numpy as np
from astropy.coordinates import SkyCoord

__all__ = []


# ----------------------------------------------------------------------------
# pointing and spatial coordinates
# ----------------------------------------------------------------------------
def pointing_icrs(pointing, obstime=None):
    """ICRS pointing position from a SkyCoord or a `~gammaray.data.FixedPointingInfo`."""
    if isinstance(pointing, SkyCoord):
        return pointing.icrs
    if hasattr(pointing, "get_icrs"):
        if obstime is None:
            obstime = getattr(pointing, "time_start", None)
        return pointing.get_icrs(obstime).icrs
    if hasattr(pointing, "fixed_icrs"):
        return pointing.fixed_icrs.icrs
    raise TypeError(
        f"pointing must be a SkyCoord or a FixedPointingInfo, got {type(pointing).__name__}."
    )


def spatial_coords(geom, use_region_center=True):
    """Sky positions where IRFs are evaluated for a geometry.

    Returns
    -------
    skycoord : `~astropy.coordinates.SkyCoord`
        Positions; image shape ``(ny, nx)`` for WCS/HEALPix geometries,
        ``(1, 1)`` for a region centre or ``(npix,)`` for region sampling.
    weights : `~numpy.ndarray` or None
        Region sampling weights (``(npix,)``) or None.
    """
    if geom.is_region:
        if use_region_center or geom.region is None:
            center = geom.center_skydir
            return center.reshape((1, 1)), None
        coords, weights = geom.get_wcs_coord_and_weights()
        return coords.skycoord, np.asarray(weights, dtype=float)
    return _image_skycoord(geom), None


_COORD_CACHE = {}
_COORD_CACHE_SIZE = 8
_LONLAT_CACHE = {}


def _wcs_key(geom):
    """Hashable key of a WCS geometry's image grid (or None if not available)."""
    wcs = getattr(geom, "wcs", None)
    if wcs is None or not hasattr(geom, "npix"):
        return None
    w = wcs.wcs
    npix = tuple(int(np.ravel(n)[0]) for n in geom.npix)
    return (
        npix,
        tuple(w.ctype),
        tuple(np.asarray(w.crval, dtype=float)),
        tuple(np.asarray(w.crpix, dtype=float)),
        tuple(np.asarray(w.cdelt, dtype=float)),
        tuple(np.asarray(w.get_pc(), dtype=float).ravel()),
        getattr(geom, "frame", None),
    )


def _image_skycoord(geom):
    """Pixel-centre sky positions of a geometry's image (cached per pixel grid)."""
    key = _wcs_key(geom)
    if key is not None and key in _COORD_CACHE:
        return _COORD_CACHE[key]
    skycoord = geom.to_image().get_coord().skycoord
    if key is not None:
        if len(_COORD_CACHE) >= _COORD_CACHE_SIZE:
            _COORD_CACHE.pop(next(iter(_COORD_CACHE)))
        _COORD_CACHE[key] = skycoord
    return skycoord


def region_average(values, weights):
    """Weighted average of ``values`` (..., npix) over the last axis, kept as (..., 1, 1)."""
    if weights is None:
        return values
    w = weights / np.sum(weights)
    avg = np.sum(values * w, axis=-1)
    return avg[..., np.newaxis, np.newaxis]


def offset_lonlat(skycoord, center):
    """Coordinates of positions in the offset frame centred on ``center`` (rad).

    Same convention as `~astropy.coordinates.SkyOffsetFrame` (no rotation):
    ``lon`` grows with the longitude of the centre's frame, ``lat`` towards
    its north pole.

    Returns
    -------
    x, y, z : `~numpy.ndarray`
        Cartesian unit vectors in the offset frame (x towards the centre).
    """
    frame = center.frame.name if center.frame.name in ("icrs", "galactic") else "icrs"
    if frame == "galactic":
        center = center.galactic
        lon0, lat0 = center.l.rad, center.b.rad
    else:
        center = center.icrs
        lon0, lat0 = center.ra.rad, center.dec.rad
    lon, lat = _lonlat_rad(skycoord, frame)
    dlon = lon - lon0
    cos_lat = np.cos(lat)
    x = cos_lat * np.cos(dlon)
    y = cos_lat * np.sin(dlon)
    z = np.sin(lat)
    xr = x * np.cos(lat0) + z * np.sin(lat0)
    zr = -x * np.sin(lat0) + z * np.cos(lat0)
    return xr, y, zr


def _lonlat_rad(skycoord, frame):
    """Longitude and latitude (rad) of positions in ``frame`` (memoised for cached grids)."""
    key = (id(skycoord), frame)
    cached = _LONLAT_CACHE.get(key)
    if cached is not None and cached[0] is skycoord:
        return cached[1], cached[2]
    sph = (skycoord.galactic if frame == "galactic" else skycoord.icrs).spherical
    lon, lat = sph.lon.rad, sph.lat.rad
    if any(skycoord is value for value in _COORD_CACHE.values()):
        if len(_LONLAT_CACHE) >= 2 * _COORD_CACHE_SIZE:
            _LONLAT_CACHE.pop(next(iter(_LONLAT_CACHE)))
        _LONLAT_CACHE[key] = (skycoord, lon, lat)
    return lon, lat


def offsets_deg(skycoord, center):
    """Angular distance (deg) of positions from ``center`` (vectorised, float64)."""
    x, y, z = offset_lonlat(skycoord, center)
    return np.rad2deg(np.arctan2(np.hypot(y, z), x))


# ----------------------------------------------------------------------------
# IRF evaluation piecewise linear in offset
# ----------------------------------------------------------------------------
def _offset_nodes(axis):
    edges = axis.edges.to_value("deg")
    centers = axis.center.to_value("deg")
    nodes = np.unique(np.concatenate([[edges[0]], centers, [edges[-1]]]))
    return nodes


def _linear_offset(irf):
    axis = irf.axes["offset"]
    return (
        axis.interp == "lin"
        and irf.interp_kwargs.get("values_scale", "lin") == "lin"
        and irf.interp_kwargs.get("method", "linear") == "linear"
    )


def evaluate_at_offsets(irf, offset, **kwargs):
    """Evaluate an IRF with an ``offset`` axis at many offsets.

    Parameters
    ----------
    irf : `~gammaray.irf.IRF`
        IRF table with an ``offset`` axis.
    offset : `~numpy.ndarray`
        Offsets in deg, any shape ``S``.
    **kwargs : `~astropy.units.Quantity`
        Other coordinates; they must broadcast to a shape ``K`` that does not
        involve the offset (e.g. ``energy_true`` of shape ``(n, 1)``).

    Returns
    -------
    values : `~astropy.units.Quantity`
        Values of shape ``K + S``.
    """
    offset = np.asarray(offset, dtype=float)
    kshape = np.broadcast_shapes(*[np.shape(v) for v in kwargs.values()])
    if not _linear_offset(irf) or offset.size <= 8:
        direct = {
            k: u.Quantity(v).reshape(
                (1,) * (len(kshape) - np.ndim(v)) + np.shape(v) + (1,) * offset.ndim
            )
            for k, v in kwargs.items()
        }
        off = offset.reshape((1,) * len(kshape) + offset.shape) * u.deg
        values = irf.evaluate(offset=off, **direct)
        return np.broadcast_to(values, kshape + offset.shape, subok=True)
    axis = irf.axes["offset"]
    nodes = _offset_nodes(axis)
    node_kwargs = {
        k: u.Quantity(v).reshape((1,) * (len(kshape) - np.ndim(v)) + np.shape(v) + (1,))
        for k, v in kwargs.items()
    }
    table = irf.evaluate(offset=nodes * u.deg, **node_kwargs)  # K + (n_nodes,)
    unit = table.unit
    table = np.broadcast_to(
        np.asarray(table.value, dtype=float), kshape + (nodes.size,)
    )
    flat = offset.ravel()
    idx = np.clip(np.searchsorted(nodes, flat, side="right") - 1, 0, nodes.size - 2)
    x0, x1 = nodes[idx], nodes[idx + 1]
    w = np.clip((flat - x0) / (x1 - x0), 0.0, 1.0)
    # table[..., idx] * (1 - w) + table[..., idx + 1] * w, in place
    values = table.take(idx, axis=-1)
    values *= 1 - w
    upper = table.take(idx + 1, axis=-1)
    upper *= w
    values += upper
    del upper
    outside = (flat < nodes[0]) | (flat > nodes[-1])
    if np.any(outside):
        fill_value = irf.interp_kwargs.get("fill_value")
        if fill_value is not None:
            values[..., outside] = fill_value
        else:
            out_kwargs = {
                k: u.Quantity(v).reshape(
                    (1,) * (len(kshape) - np.ndim(v)) + np.shape(v) + (1,)
                )
                for k, v in kwargs.items()
            }
            direct = irf.evaluate(offset=flat[outside] * u.deg, **out_kwargs)
            values[..., outside] = np.broadcast_to(
                direct.to_value(unit), kshape + (int(outside.sum()),)
            )
    return u.Quantity(values.reshape(kshape + offset.shape), unit, copy=False)


# ----------------------------------------------------------------------------
# background rate integrated over energy bins at field-of-view coordinates
# ----------------------------------------------------------------------------
_TINY = np.finfo(np.float64).tiny


def _outside_edges(axis, values):
    """True where ``values`` (deg) lie outside the axis edges (with the
    tolerance of `~gammaray.irf.IRF` evaluation)."""
    edges = axis.edges.to_value("deg")
    tol = 1e-9 * abs(edges[-1] - edges[0])
    return (values < edges[0] - tol) | (values > edges[-1] + tol)


def _fast_background_ok(bkg):
    names = list(bkg.axes.names)
    return (
        names == ["energy", "fov_lon", "fov_lat"]
        and bkg.interp_kwargs.get("values_scale") == "log"
        and bkg.interp_kwargs.get("fill_value") in (None, 0)
        and bkg.interp_kwargs.get("method", "linear") == "linear"
        and bkg.axes["fov_lon"].interp == "lin"
        and bkg.axes["fov_lat"].interp == "lin"
    )


def _bilinear_rows(table, x_nodes, y_nodes, x, y):
    """Bilinear interpolation (linear extrapolation) of ``table`` (nx, ny, K) at points.

    Returns ``(n_points, K)``: the values of a point are contiguous.
    """
    nx, ny, k = table.shape
    ix = np.clip(np.searchsorted(x_nodes, x, side="right") - 1, 0, nx - 2)
    iy = np.clip(np.searchsorted(y_nodes, y, side="right") - 1, 0, ny - 2)
    wx = ((x - x_nodes[ix]) / (x_nodes[ix + 1] - x_nodes[ix]))[:, np.newaxis]
    wy = ((y - y_nodes[iy]) / (y_nodes[iy + 1] - y_nodes[iy]))[:, np.newaxis]
    rows = np.ascontiguousarray(table).reshape(nx * ny, k)
    idx = ix * ny + iy
    v00 = rows.take(idx, axis=0)
    v10 = rows.take(idx + ny, axis=0)
    v01 = rows.take(idx + 1, axis=0)
    v11 = rows.take(idx + ny + 1, axis=0)
    return (v00 * (1 - wx) + v10 * wx) * (1 - wy) + (v01 * (1 - wx) + v11 * wx) * wy


def _integrate_loglog_rows(log_values, x):
    """Log-log trapezoidal integral along rows of ``exp(log_values)`` (n_points, K).

    The same rule as `~gammaray.utils.integrate.trapz_loglog` (power law
    between nodes, linear trapezoid where a value is zero), computed from the
    logarithms directly with few temporaries. Values below ``1e3 * tiny``
    count as zero.
    """
    x0, x1 = x[:-1], x[1:]
    log_rx = np.log(x1 / x0)
    y = np.exp(log_values)
    zero = y <= 1e3 * _TINY
    any_zero = bool(zero.any())
    if any_zero:
        y[zero] = 0.0
    y0, y1 = y[:, :-1], y[:, 1:]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # g = 1 - index of the power law through the two nodes
        g = np.subtract(log_values[:, 1:], log_values[:, :-1])
        g /= log_rx
        g += 1.0
        term = np.multiply(g, log_rx)
        np.expm1(term, out=term)
        term /= g
        small = np.abs(g) <= 1e-10
        if small.any():
            limit = log_rx * (1 + 0.5 * g * log_rx)
            term[small] = limit[small]
        term *= y0
        term *= x0
    if any_zero:
        positive = ~(zero[:, :-1] | zero[:, 1:])
        lin = 0.5 * (x1 - x0) * (y0 + y1)
        term = np.where(positive, term, lin)
    return term


def background_integral(bkg, edges, lon, lat):
    """Background rate integrated over energy bins at field-of-view coordinates.

    Parameters
    ----------
    bkg : `~gammaray.irf.Background3D` or `~gammaray.irf.Background2D`
        Background rate.
    edges : `~astropy.units.Quantity`
        Energy bin edges, shape ``(n + 1,)``.
    lon, lat : `~numpy.ndarray`
        FoV coordinates in deg (same shape ``S``).

    Returns
    -------
    integral : `~astropy.units.Quantity`
        Shape ``(n,) + S``, unit ``bkg.unit * energy``.

    Notes
    -----
    For a `Background3D` interpolated log-linearly (the default) the rate is
    first interpolated in energy on the model's own FoV grid and then
    bilinearly at the pixels: trilinear interpolation is separable, so the
    numbers equal a direct evaluation at every pixel and edge, at a fraction
    of the cost. The integral over each bin uses the log-log trapezoidal rule.
    """
    edges = u.Quantity(edges)
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if not _fast_background_ok(bkg):
        return bkg.integrate_log_log(
            axis_name="energy",
            energy=edges.reshape((-1,) + (1,) * lon.ndim),
            fov_lon=lon[np.newaxis] * u.deg,
            fov_lat=lat[np.newaxis] * u.deg,
        )
    lon_nodes = bkg.axes["fov_lon"].center.to_value("deg")
    lat_nodes = bkg.axes["fov_lat"].center.to_value("deg")
    table = bkg.evaluate(
        energy=edges[None, None, :],
        fov_lon=lon_nodes[:, None, None] * u.deg,
        fov_lat=lat_nodes[None, :, None] * u.deg,
    )
    unit = table.unit
    # (fov_lon, fov_lat, energy): the energies of a node are contiguous, so
    # that the pixel values are gathered row by row and integrated along rows
    log_table = np.log(np.clip(table.value, _TINY, None))
    log_values = _bilinear_rows(
        log_table, lon_nodes, lat_nodes, lon.ravel(), lat.ravel()
    )
    if bkg.interp_kwargs.get("fill_value") is not None:
        # zero outside the model's field of view (as `Background3D.evaluate`):
        # only the half bins between the outermost centres and edges are
        # extrapolated
        outside = _outside_edges(bkg.axes["fov_lon"], lon.ravel()) | _outside_edges(
            bkg.axes["fov_lat"], lat.ravel()
        )
        log_values[outside] = np.log(_TINY)
    integral = _integrate_loglog_rows(log_values, edges.value)  # (npix, n)
    shape = (edges.size - 1,) + lon.shape
    return u.Quantity(integral.T.reshape(shape), unit * edges.unit, copy=False)
