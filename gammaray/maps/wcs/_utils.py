"""Private helpers of `~gammaray.maps.WcsGeom`: argument checks, WCS creation, solid angles."""

import warnings

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle

from gammaray.utils.errors import InvalidFrameError, InvalidProjectionError

__all__ = [
    "VALID_PROJECTIONS",
    "check_frame",
    "check_projection",
    "deg_pair",
    "make_wcs",
    "wcs_frame",
    "solid_angle_image",
    "round_up_to_odd",
    "round_up_to_even",
    "read_wcs",
    "wcs_to_state",
    "wcs_from_state",
]

#: FITS celestial projection codes (Calabretta & Greisen 2002 + HEALPix).
VALID_PROJECTIONS = (
    "AZP", "SZP", "TAN", "STG", "SIN", "ARC", "ZPN", "ZEA", "AIR",  # zenithal
    "CYP", "CEA", "CAR", "MER",  # cylindrical
    "SFL", "PAR", "MOL", "AIT",  # pseudo-cylindrical
    "COP", "COE", "COD", "COO",  # conic
    "BON", "PCO", "TSC", "CSC", "QSC", "HPX", "XPH",
)  # fmt: skip

#: Projections whose pixel edges are lines of constant native longitude / latitude.
_CYLINDRICAL = ("CAR", "CEA", "CYP", "MER")

_FRAMES = {"icrs": "icrs", "galactic": "galactic", "cel": "icrs", "gal": "galactic"}


def check_frame(frame):
    """Return the canonical frame name or raise `InvalidFrameError`."""
    name = _FRAMES.get(str(frame).lower()) if frame is not None else None
    if name is None:
        raise InvalidFrameError(
            f"Invalid frame {frame!r}; WCS geometries support frame='icrs' or 'galactic'."
        )
    return name


def check_projection(proj):
    """Return the upper-case projection code or raise `InvalidProjectionError`."""
    code = str(proj).upper()
    if code not in VALID_PROJECTIONS:
        raise InvalidProjectionError(
            f"Invalid projection {proj!r}; use a FITS celestial projection code such as "
            f"'CAR', 'TAN', 'AIT', 'MOL' (valid: {', '.join(VALID_PROJECTIONS)})."
        )
    return code


def _deg_scalar(value):
    if isinstance(value, str):
        return Angle(value).deg if any(c.isalpha() for c in value) else float(value)
    if isinstance(value, u.Quantity):
        return float(value.to_value(u.deg))
    return float(value)


def deg_pair(value, name="value"):
    """Convert a float, Quantity, string or (x, y) pair to a float array of shape (2,) in deg."""
    if isinstance(value, (list, tuple)):
        values = [_deg_scalar(v) for v in value]
    elif isinstance(value, u.Quantity):
        values = list(np.atleast_1d(value.to_value(u.deg)).ravel())
    elif isinstance(value, np.ndarray):
        values = list(value.astype(float).ravel())
    else:
        values = [_deg_scalar(value)]
    if len(values) == 1:
        values = values * 2
    if len(values) != 2:
        raise ValueError(f"{name} must be a scalar or an (x, y) pair; got {value!r}.")
    return np.array(values, dtype=float)


def make_wcs(crval, cdelt, crpix, proj="CAR", frame="icrs"):
    """Create a 2D celestial `~astropy.wcs.WCS`.

    Parameters
    ----------
    crval : tuple of float
        Reference coordinate (deg).
    cdelt : tuple of float
        Pixel size (deg), usually ``(-binsz, binsz)``.
    crpix : tuple of float
        Reference pixel (FITS 1-based).
    proj : str
        Projection code.
    frame : {"icrs", "galactic"}
        Sky frame.
    """
    from astropy.wcs import WCS

    proj = check_projection(proj)
    frame = check_frame(frame)
    wcs = WCS(naxis=2)
    if frame == "galactic":
        wcs.wcs.ctype = [f"GLON-{proj}", f"GLAT-{proj}"]
    else:
        wcs.wcs.ctype = [f"RA---{proj}", f"DEC--{proj}"]
        wcs.wcs.radesys = "ICRS"
    wcs.wcs.crval = [float(crval[0]), float(crval[1])]
    wcs.wcs.cdelt = [float(cdelt[0]), float(cdelt[1])]
    wcs.wcs.crpix = [float(crpix[0]), float(crpix[1])]
    wcs.wcs.cunit = ["deg", "deg"]
    try:
        wcs.wcs.set()
    except Exception as exc:
        raise InvalidProjectionError(
            f"Projection {proj!r} could not be set up ({exc}); conic and some other "
            "projections need extra PV parameters: build the astropy WCS yourself "
            "and use WcsGeom(wcs, npix)."
        ) from exc
    return wcs


def wcs_frame(wcs):
    """Frame name (``"galactic"`` or ``"icrs"``) of a celestial WCS."""
    ctype = wcs.wcs.ctype[0].upper()
    if ctype.startswith("GLON"):
        return "galactic"
    if ctype.startswith("RA"):
        return "icrs"
    raise InvalidFrameError(
        f"Unsupported celestial axis type {wcs.wcs.ctype[0]!r}; only RA/DEC (icrs) "
        "and GLON/GLAT (galactic) maps are supported."
    )


def read_wcs(header):
    """2D celestial WCS from a FITS header, silencing astropy's fix-up warnings."""
    from astropy.wcs import WCS, FITSFixedWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FITSFixedWarning)
        wcs = WCS(header, naxis=2)
        wcs.wcs.set()
    return wcs


def _triangle_solid_angle(a, b, c):
    """Solid angle of spherical triangles with unit-vector corners (..., 3) (Van Oosterom & Strackee)."""
    triple = np.einsum("...i,...i->...", a, np.cross(b, c))
    denom = 1.0 + np.einsum("...i,...i->...", a, b)
    denom += np.einsum("...i,...i->...", b, c)
    denom += np.einsum("...i,...i->...", c, a)
    return 2.0 * np.arctan2(np.abs(triple), denom)


def solid_angle_image(wcs, npix):
    """Per-pixel solid angle (sr) of a 2D celestial WCS image, shape ``(ny, nx)``.

    Cylindrical projections (CAR, CEA, CYP, MER) without rotation of the pixel
    grid: pixel edges are lines of constant native longitude/latitude, so the
    area is exact, ``dphi * (sin(theta_top) - sin(theta_bottom))``. Other
    projections: each pixel is the spherical quadrilateral through its four
    corners (exact for TAN, second order in the pixel size otherwise). Pixels
    with a corner outside the projection get NaN.
    """
    nx, ny = int(npix[0]), int(npix[1])
    x_edges = np.arange(nx + 1, dtype=float) - 0.5
    y_edges = np.arange(ny + 1, dtype=float) - 0.5
    code = wcs.wcs.ctype[0][5:8].upper()
    pc = wcs.wcs.get_pc()
    if code in _CYLINDRICAL and np.allclose(pc, np.diag(np.diag(pc))):
        # native coordinates: phi depends only on x, theta only on y
        pix_x = np.column_stack([x_edges, np.zeros_like(x_edges)])
        pix_y = np.column_stack([np.zeros_like(y_edges), y_edges])
        phi = wcs.wcs.p2s(pix_x, 0)["phi"]
        theta = wcs.wcs.p2s(pix_y, 0)["theta"]
        dphi = np.abs(np.diff(np.deg2rad(phi)))
        dsin = np.abs(np.diff(np.sin(np.deg2rad(theta))))
        return dsin[:, np.newaxis] * dphi[np.newaxis, :]

    xx, yy = np.meshgrid(x_edges, y_edges)
    world = wcs.wcs.p2s(np.column_stack([xx.ravel(), yy.ravel()]), 0)["world"]
    lon = np.deg2rad(world[:, 0]).reshape(ny + 1, nx + 1)
    lat = np.deg2rad(world[:, 1]).reshape(ny + 1, nx + 1)
    cos_lat = np.cos(lat)
    vec = np.stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)], axis=-1)
    v00, v10 = vec[:-1, :-1], vec[:-1, 1:]
    v01, v11 = vec[1:, :-1], vec[1:, 1:]
    return _triangle_solid_angle(v00, v10, v11) + _triangle_solid_angle(v00, v11, v01)


def round_up_to_odd(value):
    """Smallest odd integer >= value (element-wise)."""
    return (np.ceil(np.asarray(value) - 1e-9) // 2 * 2 + 1).astype(int)


def round_up_to_even(value):
    """Smallest even integer >= value (element-wise)."""
    return (np.ceil(np.asarray(value) / 2 - 1e-9) * 2).astype(int)


def wcs_to_state(wcs):
    """Binary parameters of a plain 2D celestial WCS, or None if it has distortions.

    Pickling an astropy WCS goes through FITS header text, which takes ~3 ms to
    parse again and rounds the parameters; this state is a small dict of the
    exact binary values, turned back into a WCS by `wcs_from_state`.
    """
    if wcs.naxis != 2 or wcs.sip is not None:
        return None
    if any(
        getattr(wcs, name, None) is not None
        for name in ("cpdis1", "cpdis2", "det2im1", "det2im2")
    ):
        return None
    prm = wcs.wcs
    return {
        "ctype": list(prm.ctype),
        "cunit": [str(unit) for unit in prm.cunit],
        "crval": np.array(prm.crval, dtype=float),
        "crpix": np.array(prm.crpix, dtype=float),
        "cdelt": np.array(prm.cdelt, dtype=float),
        "pc": np.array(prm.get_pc(), dtype=float) if not prm.has_cd() else None,
        "cd": np.array(prm.cd, dtype=float) if prm.has_cd() else None,
        "lonpole": float(prm.lonpole),
        "latpole": float(prm.latpole),
        "radesys": prm.radesys,
        "equinox": float(prm.equinox),
        "dateobs": prm.dateobs,
        "mjdobs": float(prm.mjdobs),
        "pixel_shape": wcs.pixel_shape,
    }


def wcs_from_state(state):
    """Rebuild a WCS from `wcs_to_state` (exact binary values, no header parsing)."""
    from astropy.wcs import WCS

    wcs = WCS(naxis=2)
    prm = wcs.wcs
    prm.ctype = state["ctype"]
    prm.cunit = state["cunit"]
    prm.crval = state["crval"]
    prm.crpix = state["crpix"]
    if state["cd"] is not None:
        prm.cd = state["cd"]
    else:
        prm.cdelt = state["cdelt"]
        prm.pc = state["pc"]
    prm.lonpole = state["lonpole"]
    prm.latpole = state["latpole"]
    prm.radesys = state["radesys"]
    if np.isfinite(state["equinox"]):
        prm.equinox = state["equinox"]
    if state["dateobs"]:
        prm.dateobs = state["dateobs"]
    if np.isfinite(state["mjdobs"]):
        prm.mjdobs = state["mjdobs"]
    prm.set()
    if state["pixel_shape"] is not None:
        wcs.pixel_shape = state["pixel_shape"]
    return wcs
