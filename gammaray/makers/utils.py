"""Functions that turn IRF tables and events into maps (used by the makers).

All functions are vectorised over pixels and energies; IRFs are interpolated
once per call on the grid that is needed.
"""

import logging

import astropy.units as u
import numpy as np
from astropy.table import Table

from gammaray.maps import Map
from gammaray.utils.errors import AxisError

from ._irf_eval import (
    background_integral,
    evaluate_at_offsets,
    offset_lonlat,
    offsets_deg,
    pointing_icrs,
    region_average,
    spatial_coords,
)

__all__ = [
    "make_map_exposure_true_energy",
    "make_map_background_irf",
    "make_edisp_map",
    "make_edisp_kernel_map",
    "make_psf_map",
    "make_theta_squared_table",
    "make_counts_rad_max",
    "make_effective_livetime_map",
    "make_observation_time_map",
]

log = logging.getLogger(__name__)


def _require_axis(geom, name, what):
    if name not in geom.axes.names:
        raise AxisError(
            f"{what} needs a geometry with an {name!r} axis, got axes {geom.axes.names}; "
            f"create it with axes=[MapAxis.from_energy_bounds(..., name={name!r})]."
        )
    return geom.axes[name]


def _offsets(geom, pointing, use_region_center=True):
    """Pixel offsets from the pointing (deg) and region weights."""
    skycoord, weights = spatial_coords(geom, use_region_center)
    center = pointing_icrs(pointing)
    return offsets_deg(skycoord, center), weights


def _aeff_values(aeff, pointing, geom, use_region_center=True):
    """Effective area on the spatial pixels of ``geom`` (n_energy_true, ny, nx)."""
    energy = _require_axis(geom, "energy_true", "An exposure map").center
    offset, weights = _offsets(geom, pointing, use_region_center)
    if aeff.has_offset_axis:
        values = evaluate_at_offsets(aeff, offset, energy_true=energy)
    else:
        values = aeff.evaluate(energy_true=energy)
        values = values.reshape(values.shape + (1,) * offset.ndim)
        values = np.broadcast_to(values, values.shape[:1] + offset.shape)
    return region_average(values, weights)


def make_map_exposure_true_energy(
    pointing, livetime, aeff, geom, use_region_center=True
):
    """Exposure map: effective area times live time at every pixel.

    Parameters
    ----------
    pointing : `~astropy.coordinates.SkyCoord` or `~gammaray.data.FixedPointingInfo`
        Pointing position.
    livetime : `~astropy.units.Quantity`
        Live time (s).
    aeff : `~gammaray.irf.EffectiveAreaTable2D`
        Effective area.
    geom : `~gammaray.maps.Geom`
        Geometry with an ``energy_true`` axis (extra axes of length one, such
        as a squashed ``rad`` or ``migra`` axis, are allowed).
    use_region_center : bool
        For region geometries: evaluate at the region centre (True) or average
        over the region (False).

    Returns
    -------
    exposure : `~gammaray.maps.Map`
        Exposure in ``m2 s``.
    """
    values = _aeff_values(aeff, pointing, geom, use_region_center)
    factor = (u.Quantity(livetime, "s") * values.unit).to_value("m2 s")
    # one pass: the live time and the unit scale multiply into a new array
    exposure = np.multiply(np.asarray(values.value, dtype=float), factor)
    exposure = exposure.reshape(_energy_first_shape(geom, "energy_true"))
    if exposure.shape != geom.data_shape:
        exposure = np.array(np.broadcast_to(exposure, geom.data_shape), dtype=float)
    return Map.from_geom(geom, data=exposure, unit="m2 s")


def _energy_first_shape(geom, name):
    """Shape that places the ``name`` axis values at their position in ``geom.data_shape``."""
    n_axes = len(geom.axes)
    shape = [1] * n_axes
    idx = geom.axes.names.index(name)
    shape[n_axes - 1 - idx] = geom.axes[name].nbin
    return tuple(shape) + tuple(geom.data_shape[n_axes:])


# ----------------------------------------------------------------------------
# background
# ----------------------------------------------------------------------------
def _fill_missing_energy(bkg):
    """Copy of a background IRF with interior zeros along energy filled (log-log)."""
    data = np.asarray(bkg.data, dtype=float)
    valid = data > 0
    if valid.all() or not valid.any():
        return bkg
    n = data.shape[0]
    idx = np.arange(n).reshape((n,) + (1,) * (data.ndim - 1))
    idx = np.broadcast_to(idx, data.shape)
    prev_idx = np.maximum.accumulate(np.where(valid, idx, -1), axis=0)
    next_idx = np.flip(
        np.minimum.accumulate(np.flip(np.where(valid, idx, n), axis=0), axis=0), axis=0
    )
    fill = ~valid & (prev_idx >= 0) & (next_idx < n)
    if not fill.any():
        return bkg
    log_e = np.log(bkg.axes["energy"].center.value)
    with np.errstate(divide="ignore"):
        log_d = np.log(np.where(valid, data, 1.0))
    p = np.clip(prev_idx, 0, n - 1)
    q = np.clip(next_idx, 0, n - 1)
    lp = np.take_along_axis(log_d, p, axis=0)
    lq = np.take_along_axis(log_d, q, axis=0)
    ep, eq, e = log_e[p], log_e[q], log_e[idx]
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(eq > ep, (e - ep) / (eq - ep), 0.0)
    filled = np.where(fill, np.exp(lp + w * (lq - lp)), data)
    new = bkg.copy()
    new.data = filled.astype(bkg.data.dtype)
    return new


def _altaz_rotations(pointing, times):
    """2x2 maps from RA/Dec offset-frame (y, z) to Alt/Az offset-frame (y, z) per time."""
    from astropy.coordinates import AltAz, SkyCoord

    center = pointing_icrs(pointing)
    location = pointing.location
    d = 1e-3  # rad
    north = SkyCoord(center.ra, center.dec + d * u.rad, frame="icrs")
    east = SkyCoord(
        center.ra + d * u.rad / np.cos(center.dec.rad), center.dec, frame="icrs"
    )
    points = SkyCoord(
        ra=u.Quantity([center.ra, north.ra, east.ra]),
        dec=u.Quantity([center.dec, north.dec, east.dec]),
        frame="icrs",
    )
    frame = AltAz(obstime=times[:, np.newaxis], location=location)
    altaz = points[np.newaxis, :].transform_to(frame)
    az = altaz.az.rad
    alt = altaz.alt.rad
    # offsets of the north/east probes in the Alt/Az offset frame (small angles)
    d_az = (az[:, 1:] - az[:, :1] + np.pi) % (2 * np.pi) - np.pi
    y = d_az * np.cos(alt[:, :1])
    z = alt[:, 1:] - alt[:, :1]
    # columns: image of the RA/Dec offset-frame unit vectors (east=y, north=z)
    matrices = np.empty((len(times), 2, 2))
    matrices[:, 0, 0] = y[:, 1] / d  # east -> y
    matrices[:, 1, 0] = z[:, 1] / d  # east -> z
    matrices[:, 0, 1] = y[:, 0] / d  # north -> y
    matrices[:, 1, 1] = z[:, 0] / d  # north -> z
    # remove the small scale error of the probe approximation
    scale = np.sqrt(np.abs(np.linalg.det(matrices)))[:, None, None]
    return matrices / scale, np.arctan2(matrices[:, 0, 1], matrices[:, 1, 1])


def _altaz_time_steps(pointing, time_start, time_stop, fov_rotation_step):
    """Times (mid-points) and weights such that the FoV rotates < step between them."""
    from astropy.time import Time

    step = u.Quantity(fov_rotation_step, "deg").to_value("rad")
    duration = (time_stop - time_start).to_value("s")
    probe = time_start + np.linspace(0, duration, 9) * u.s
    _, angles = _altaz_rotations(pointing, Time(probe))
    rotation = np.sum(np.abs(np.diff(np.unwrap(angles))))
    n_steps = max(int(np.ceil(rotation / step)), 1)
    t = time_start + (np.arange(n_steps) + 0.5) * (duration / n_steps) * u.s
    return Time(t), np.full(n_steps, 1.0 / n_steps)


def _fov_coordinates(skycoord, bkg, pointing, time_start, time_stop, fov_rotation_step):
    """List of (fov_lon, fov_lat, weight) in deg at which to evaluate the background."""
    from gammaray.irf import FoVAlignment

    center = pointing_icrs(pointing, time_start)
    x, y, z = offset_lonlat(skycoord, center)
    if bkg.fov_alignment in (FoVAlignment.RADEC, FoVAlignment.REVERSE_LON_RADEC):
        lon = np.rad2deg(np.arctan2(y, x))
        lat = np.rad2deg(np.arcsin(np.clip(z, -1, 1)))
        if bkg.fov_alignment == FoVAlignment.REVERSE_LON_RADEC:
            lon = -lon
        return [(lon, lat, 1.0)]
    if bkg.fov_alignment != FoVAlignment.ALTAZ:
        raise NotImplementedError(
            f"Background FoV alignment {bkg.fov_alignment!r} is not supported; "
            "use RADEC or ALTAZ."
        )
    if not hasattr(pointing, "location") or pointing.location is None:
        raise ValueError(
            "An ALTAZ-aligned background needs the observatory location and "
            "times: pass a FixedPointingInfo with a location as pointing."
        )
    times, weights = _altaz_time_steps(
        pointing, time_start, time_stop, fov_rotation_step
    )
    matrices, _ = _altaz_rotations(pointing, times)
    out = []
    for matrix, weight in zip(matrices, weights, strict=True):
        yy = matrix[0, 0] * y + matrix[0, 1] * z
        zz = matrix[1, 0] * y + matrix[1, 1] * z
        # FoV longitude counts opposite to azimuth (GADF convention)
        lon = -np.rad2deg(np.arctan2(yy, x))
        lat = np.rad2deg(np.arcsin(np.clip(zz, -1, 1)))
        out.append((lon, lat, weight))
    return out


def make_map_background_irf(
    pointing,
    ontime,
    bkg,
    geom,
    oversampling=None,
    use_region_center=True,
    obstime=None,
    fov_rotation_step=1.0 * u.deg,
    time_start=None,
    time_stop=None,
    interp_missing_data=False,
    solid_angle=None,
):
    """Predicted background counts from a background IRF.

    The rate is evaluated at the field-of-view coordinates of every pixel,
    integrated over each reconstructed-energy bin (log-log trapezoidal rule on
    the bin edges) and multiplied by the time and the pixel solid angle. For
    ALTAZ-aligned models the field of view rotates on the sky during the
    observation: the rate is averaged over time steps chosen so that it rotates
    by less than ``fov_rotation_step`` between steps.

    Parameters
    ----------
    pointing : `~gammaray.data.FixedPointingInfo` or `~astropy.coordinates.SkyCoord`
        Pointing (a FixedPointingInfo with location for ALTAZ alignment).
    ontime : `~astropy.units.Quantity`
        Observation time (s).
    bkg : `~gammaray.irf.Background3D` or `~gammaray.irf.Background2D`
        Background rate.
    geom : `~gammaray.maps.Geom`
        Geometry with an ``energy`` axis.
    oversampling : int, optional
        Spatial oversampling factor (WCS geometries).
    use_region_center : bool
        For region geometries: evaluate at the centre (True) or average over
        the region (False).
    obstime : `~astropy.time.Time`, optional
        Mid time of the observation (default the pointing start plus half the ontime).
    fov_rotation_step : `~astropy.units.Quantity`
        Largest rotation of the FoV between two time steps (ALTAZ alignment).
    time_start, time_stop : `~astropy.time.Time`, optional
        Time range for ALTAZ alignment (default ``obstime -/+ ontime / 2``).
    interp_missing_data : bool
        Fill zero bins between non-zero ones along energy before evaluating.
    solid_angle : `~astropy.units.Quantity`, optional
        Solid angle per reconstructed-energy bin (shape ``(n_energy,)``) used
        instead of the pixel/region solid angle, e.g. ``2 pi (1 - cos
        rad_max(E))`` for point-like IRFs.

    Returns
    -------
    background : `~gammaray.maps.Map`
        Predicted counts (dimensionless).
    """
    energy_axis = _require_axis(geom, "energy", "A background map")
    ontime = u.Quantity(ontime, "s")
    if interp_missing_data:
        bkg = _fill_missing_energy(bkg)
    eval_geom = geom
    if oversampling is not None and not geom.is_region:
        eval_geom = geom.upsample(int(oversampling))

    time_start, time_stop = _time_range(
        pointing, ontime, obstime, time_start, time_stop
    )
    skycoord, weights = spatial_coords(eval_geom, use_region_center)
    edges = energy_axis.edges
    rate = 0
    for lon, lat, w in _fov_coordinates(
        skycoord, bkg, pointing, time_start, time_stop, fov_rotation_step
    ):
        rate = rate + w * background_integral(bkg, edges, lon, lat)
    rate = region_average(rate, weights)
    if solid_angle is not None:
        solid_angle = u.Quantity(solid_angle, "sr").reshape(
            (-1,) + (1,) * (rate.ndim - 1)
        )
    elif geom.is_region:
        solid_angle = geom.solid_angle() if geom.region is not None else 0 * u.sr
    else:
        solid_angle = eval_geom.to_image().solid_angle()
    counts = (rate * ontime * solid_angle).to_value("")
    shape = _energy_first_shape(eval_geom, "energy")
    counts = np.broadcast_to(counts.reshape(shape), eval_geom.data_shape)
    result = Map.from_geom(eval_geom, data=np.array(counts, dtype=float), unit="")
    if eval_geom is not geom:
        factor = int(oversampling)
        result = result.downsample(factor, preserve_counts=True)
    return result


def _time_range(pointing, ontime, obstime, time_start, time_stop):
    if time_start is not None and time_stop is not None:
        return time_start, time_stop
    if obstime is None:
        start = getattr(pointing, "time_start", None)
        if start is None:
            return None, None
        obstime = start + ontime / 2
    return obstime - ontime / 2, obstime + ontime / 2


# ----------------------------------------------------------------------------
# energy dispersion and PSF
# ----------------------------------------------------------------------------
def _edisp_values(edisp, pointing, geom, use_region_center):
    """Migration pdf on geom (n_true, n_migra, ny, nx)."""
    energy = geom.axes["energy_true"].center
    migra = geom.axes["migra"].center
    offset, weights = _offsets(geom, pointing, use_region_center)
    values = evaluate_at_offsets(
        edisp, offset, energy_true=energy[:, np.newaxis], migra=migra[np.newaxis, :]
    )
    return region_average(values.to_value(""), weights)


def make_edisp_map(edisp, pointing, geom, exposure_map=None, use_region_center=True):
    """Energy-dispersion map (migration pdf per pixel).

    Parameters
    ----------
    edisp : `~gammaray.irf.EnergyDispersion2D`
        Energy dispersion.
    pointing : `~astropy.coordinates.SkyCoord` or `~gammaray.data.FixedPointingInfo`
        Pointing position.
    geom : `~gammaray.maps.Geom`
        Geometry with axes ``migra`` and ``energy_true``.
    exposure_map : `~gammaray.maps.Map`, optional
        Exposure map (``migra`` squashed), the stacking weight.
    use_region_center : bool
        For region geometries: centre (True) or region average (False).

    Returns
    -------
    edisp_map : `~gammaray.irf.EDispMap`
        Energy-dispersion map.
    """
    from gammaray.irf import EDispMap

    _require_axis(geom, "energy_true", "An energy-dispersion map")
    _require_axis(geom, "migra", "An energy-dispersion map")
    geom = geom.to_image().to_cube([geom.axes["migra"], geom.axes["energy_true"]])
    data = _edisp_values(edisp, pointing, geom, use_region_center)
    edisp_map = Map.from_geom(geom, data=data.reshape(geom.data_shape), unit="")
    return EDispMap(edisp_map, exposure_map)


def make_edisp_kernel_map(
    edisp, pointing, geom, exposure_map=None, use_region_center=True
):
    """Energy-dispersion kernel map (reconstructed vs. true energy per pixel).

    The migration pdf is integrated over the migra range of each
    reconstructed-energy bin at the true-energy bin centres.

    Parameters
    ----------
    edisp : `~gammaray.irf.EnergyDispersion2D`
        Energy dispersion.
    pointing : `~astropy.coordinates.SkyCoord` or `~gammaray.data.FixedPointingInfo`
        Pointing position.
    geom : `~gammaray.maps.Geom`
        Geometry with axes ``energy`` and ``energy_true``.
    exposure_map : `~gammaray.maps.Map`, optional
        Exposure map (``energy`` squashed), the stacking weight.
    use_region_center : bool
        For region geometries: centre (True) or region average (False).

    Returns
    -------
    edisp_map : `~gammaray.irf.EDispKernelMap`
        Kernel map.
    """
    from gammaray.irf import EDispKernelMap

    energy_axis = _require_axis(geom, "energy", "An energy-dispersion kernel map")
    energy_axis_true = _require_axis(
        geom, "energy_true", "An energy-dispersion kernel map"
    )
    offset, weights = _offsets(geom, pointing, use_region_center)
    kernel = _edisp_kernel_values(edisp, offset, energy_axis, energy_axis_true)
    kernel = region_average(kernel, weights)  # (n_true, n_reco, ny, nx)
    out_geom = geom.to_image().to_cube([energy_axis, energy_axis_true])
    edisp_map = Map.from_geom(
        out_geom, data=kernel.reshape(out_geom.data_shape), unit=""
    )
    return EDispKernelMap(edisp_map, exposure_map)


def _edisp_kernel_values(edisp, offset, energy_axis, energy_axis_true):
    """Kernel (n_true, n_reco, offset.shape) integrating the migration pdf.

    The pdf is linear in offset between the offset nodes, and so is the
    kernel: it is computed on the nodes and combined per pixel.
    """
    from ._irf_eval import _linear_offset, _offset_nodes

    migra_axis = edisp.axes["migra"]
    m_edges = migra_axis.edges.to_value("").astype(float)
    e_true = energy_axis_true.center
    e_reco = energy_axis.edges.to(e_true.unit)
    migra = (e_reco[np.newaxis, :] / e_true[:, np.newaxis]).to_value("")

    def kernel_at(off):
        pdf = edisp.evaluate(
            energy_true=e_true[:, None, None],
            migra=migra_axis.center[None, :, None],
            offset=u.Quantity(off, "deg")[None, None, :],
        ).to_value("")
        steps = pdf * np.diff(m_edges)[None, :, None]
        cdf = np.concatenate(
            [np.zeros(steps[:, :1].shape), np.cumsum(steps, axis=1)], axis=1
        )
        # cdf at migra values (n_true, n_reco+1) for each offset column, linear in migra
        idx = np.clip(
            np.searchsorted(m_edges, migra, side="right") - 1, 0, m_edges.size - 2
        )
        w = np.clip((migra - m_edges[idx]) / (m_edges[idx + 1] - m_edges[idx]), 0, 1)
        w = np.where(migra < m_edges[0], 0.0, w)
        rows = np.arange(e_true.size)[:, None]
        c0 = cdf[rows, idx]
        c1 = cdf[rows, idx + 1]
        values = c0 * (1 - w[..., None]) + c1 * w[..., None]
        return np.diff(values, axis=1)  # (n_true, n_reco, n_off)

    flat = np.asarray(offset, dtype=float).ravel()
    if not _linear_offset(edisp) or flat.size <= 8:
        kernel = kernel_at(flat)
    else:
        nodes = _offset_nodes(edisp.axes["offset"])
        table = kernel_at(nodes)
        j = np.clip(np.searchsorted(nodes, flat, side="right") - 1, 0, nodes.size - 2)
        wj = np.clip((flat - nodes[j]) / (nodes[j + 1] - nodes[j]), 0, 1)
        kernel = table[..., j] * (1 - wj) + table[..., j + 1] * wj
        outside = (flat < nodes[0]) | (flat > nodes[-1])
        if np.any(outside):
            kernel[..., outside] = kernel_at(flat[outside])
    return kernel.reshape(kernel.shape[:2] + np.shape(offset))


def make_psf_map(psf, pointing, geom, exposure_map=None):
    """PSF map on a geometry with axes ``rad`` and ``energy_true``.

    Parameters
    ----------
    psf : `~gammaray.irf.PSF3D` or parametric PSF
        Point spread function.
    pointing : `~astropy.coordinates.SkyCoord` or `~gammaray.data.FixedPointingInfo`
        Pointing position.
    geom : `~gammaray.maps.Geom`
        Geometry with axes ``rad`` and ``energy_true``.
    exposure_map : `~gammaray.maps.Map`, optional
        Exposure map (``rad`` squashed), the stacking weight.

    Returns
    -------
    psf_map : `~gammaray.irf.PSFMap`
        PSF map (``sr-1``).
    """
    from gammaray.irf import PSFMap

    rad_axis = _require_axis(geom, "rad", "A PSF map")
    energy_axis_true = _require_axis(geom, "energy_true", "A PSF map")
    geom = geom.to_image().to_cube([rad_axis, energy_axis_true])
    offset, _ = _offsets(geom, pointing, True)
    energy = energy_axis_true.center[:, np.newaxis]
    rad = rad_axis.center[np.newaxis, :]
    if "rad" in psf.axes.names:
        values = evaluate_at_offsets(psf, offset, energy_true=energy, rad=rad)
    else:
        values = psf.evaluate(
            rad=rad[..., None, None],
            energy_true=energy[..., None, None],
            offset=offset * u.deg,
        )
    data = np.asarray(values.to_value("sr-1"), dtype=float).reshape(geom.data_shape)
    if not data.flags.writeable:  # a broadcast view: make it an array of its own
        data = np.array(data)
    psf_map = Map.from_geom(geom, data=data, unit="sr-1")
    return PSFMap(psf_map, exposure_map)


# ----------------------------------------------------------------------------
# counts, tables and time maps
# ----------------------------------------------------------------------------
def make_counts_rad_max(geom, rad_max, events):
    """Counts within an energy-dependent direction cut (point-like IRFs).

    For every reconstructed-energy bin the events of that bin within
    ``rad_max`` (evaluated at the bin centre and the offset of the region
    centre) of the region centre are counted.

    Parameters
    ----------
    geom : `~gammaray.maps.RegionGeom`
        Region geometry (its centre is used) with an ``energy`` axis.
    rad_max : `~gammaray.irf.RadMax2D`
        Direction cut.
    events : `~gammaray.data.EventList`
        Events.

    Returns
    -------
    counts : `~gammaray.maps.RegionNDMap`
        Counts.
    """
    energy_axis = _require_axis(geom, "energy", "make_counts_rad_max")
    center = geom.center_skydir
    pointing = events.pointing_radec
    offset = center.separation(pointing)
    cut = rad_max.evaluate(method="nearest", energy=energy_axis.center, offset=offset)
    cut = np.broadcast_to(u.Quantity(cut).to_value("deg").ravel(), (energy_axis.nbin,))
    energy = events.energy
    idx = energy_axis.coord_to_idx(energy, clip=False)
    idx = np.asarray(idx)
    inside = (idx >= 0) & (idx < energy_axis.nbin)
    sep = offsets_deg(events.radec, center)
    keep = inside.copy()
    keep[inside] = sep[inside] <= cut[idx[inside]]
    data = np.bincount(idx[keep], minlength=energy_axis.nbin).astype(float)
    shape = _energy_first_shape(geom, "energy")
    counts = Map.from_geom(
        geom, data=data.reshape(shape) * np.ones(geom.data_shape), unit=""
    )
    return counts


def make_theta_squared_table(
    observations, theta_squared_axis, position, position_off=None
):
    """Counts per bin of squared angular distance from ON and OFF positions.

    Parameters
    ----------
    observations : `~gammaray.data.Observations`
        Observations.
    theta_squared_axis : `~gammaray.maps.MapAxis`
        Axis of theta^2 (deg2).
    position : `~astropy.coordinates.SkyCoord`
        ON position.
    position_off : `~astropy.coordinates.SkyCoord`, optional
        OFF position; default the ON position mirrored about each pointing.

    Returns
    -------
    table : `~astropy.table.Table`
        Columns ``theta2_min``, ``theta2_max``, ``counts``, ``counts_off``,
        ``acceptance``, ``acceptance_off``, ``alpha``, ``excess``, ``sqrt_ts``,
        ``livetime``; meta ``ON_RA``/``ON_DEC``.
    """
    from astropy.coordinates import SkyCoord

    from gammaray.stats import WStatCountsStatistic

    edges = theta_squared_axis.edges.to_value("deg2")
    nbin = edges.size - 1
    counts = np.zeros(nbin)
    counts_off = np.zeros(nbin)
    livetime = 0 * u.s
    for obs in observations:
        events = obs.events
        pointing = pointing_icrs(obs.pointing)
        sep = offsets_deg(events.radec, position) ** 2
        counts += np.histogram(sep, bins=edges)[0]
        off = position_off
        if off is None:
            # mirror the ON position about the pointing
            pa = pointing.position_angle(position)
            dist = pointing.separation(position)
            off = pointing.directional_offset_by(pa + 180 * u.deg, dist)
        off = SkyCoord(off).icrs
        sep_off = offsets_deg(events.radec, off) ** 2
        counts_off += np.histogram(sep_off, bins=edges)[0]
        livetime = livetime + obs.observation_live_time_duration
    acceptance = np.ones(nbin)
    acceptance_off = np.ones(nbin)
    alpha = acceptance / acceptance_off
    stat = WStatCountsStatistic(n_on=counts, n_off=counts_off, alpha=alpha)
    table = Table()
    table["theta2_min"] = edges[:-1] * u.deg**2
    table["theta2_max"] = edges[1:] * u.deg**2
    table["counts"] = counts
    table["counts_off"] = counts_off
    table["acceptance"] = acceptance
    table["acceptance_off"] = acceptance_off
    table["alpha"] = alpha
    table["excess"] = np.asarray(stat.n_sig)
    table["sqrt_ts"] = np.asarray(stat.sqrt_ts)
    table["livetime"] = np.full(nbin, livetime.to_value("s")) * u.s
    table.meta["ON_RA"] = position.icrs.ra
    table.meta["ON_DEC"] = position.icrs.dec
    return table


def _offset_max_default(obs):
    aeff = obs.aeff
    if aeff is not None and aeff.has_offset_axis:
        return aeff.axes["offset"].edges[-1]
    return 2.5 * u.deg


def make_observation_time_map(observations, geom, offset_max=None):
    """Map of the summed observation time of the observations covering each pixel.

    Parameters
    ----------
    observations : `~gammaray.data.Observations`
        Observations.
    geom : `~gammaray.maps.WcsGeom`
        Geometry (only its image is used).
    offset_max : `~astropy.units.Quantity`, optional
        Pixels within this offset of the pointing count; default the largest
        offset of each observation's effective area.

    Returns
    -------
    time_map : `~gammaray.maps.Map`
        Observation time (h).
    """
    geom = geom.to_image()
    skycoord, _ = spatial_coords(geom)
    total = np.zeros(geom.data_shape)
    for obs in observations:
        limit = _offset_max_default(obs) if offset_max is None else offset_max
        offset = offsets_deg(skycoord, pointing_icrs(obs.pointing))
        inside = offset < u.Quantity(limit, "deg").value
        total += inside * obs.observation_time_duration.to_value("h")
    return Map.from_geom(geom, data=total, unit="h")


def make_effective_livetime_map(observations, geom, offset_max=None):
    """Effective live time: exposure divided by the on-axis effective area.

    Parameters
    ----------
    observations : `~gammaray.data.Observations`
        Observations.
    geom : `~gammaray.maps.WcsGeom`
        Geometry with an ``energy_true`` axis.
    offset_max : `~astropy.units.Quantity`, optional
        Pixels beyond this offset from the pointing get no live time; default
        the largest offset of the effective area.

    Returns
    -------
    livetime_map : `~gammaray.maps.Map`
        Effective live time (h) per true energy and pixel.
    """
    energy_axis_true = _require_axis(geom, "energy_true", "make_effective_livetime_map")
    skycoord, _ = spatial_coords(geom)
    total = np.zeros(geom.data_shape)
    for obs in observations:
        limit = _offset_max_default(obs) if offset_max is None else offset_max
        pointing = pointing_icrs(obs.pointing)
        offset = offsets_deg(skycoord, pointing)
        exposure = make_map_exposure_true_energy(
            pointing, obs.observation_live_time_duration, obs.aeff, geom
        )
        on_axis = obs.aeff.evaluate(
            energy_true=energy_axis_true.center, offset=0 * u.deg
        )
        shape = _energy_first_shape(geom, "energy_true")
        on_axis = on_axis.reshape(
            shape[: len(geom.axes)] + (1,) * (len(shape) - len(geom.axes))
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            lt = (exposure.quantity / on_axis).to_value("h")
        lt = np.where(np.isfinite(lt), lt, 0.0)
        lt = np.where(offset < u.Quantity(limit, "deg").value, lt, 0.0)
        total += lt
    return Map.from_geom(geom, data=total, unit="h")
