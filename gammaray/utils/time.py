"""Time helpers: mission elapsed time (MET) <-> `~astropy.time.Time`.

FITS files give times as MET, i.e. seconds (``TIMEUNIT``) since a reference
epoch ``MJDREFI + MJDREFF`` (days, MJD) in the time scale ``TIMESYS``.
"""

import logging
import warnings

import astropy.units as u
import numpy as np
from astropy.time import Time, TimeDelta

from .errors import FormatWarning

__all__ = [
    "TIME_REF_DEFAULT",
    "time_ref_from_dict",
    "time_ref_to_dict",
    "time_relative_to_ref",
    "absolute_time",
]

log = logging.getLogger(__name__)

#: Default reference time when a header gives none (as Gammapy: 2001-01-01 TT).
TIME_REF_DEFAULT = Time("2001-01-01T00:00:00", scale="tt")

_VALID_SCALES = {"tt", "utc", "tai", "tcg", "tcb", "tdb", "ut1"}


def _scale_from_meta(meta, default="tt"):
    value = meta.get("TIMESYS", default)
    scale = str(value).strip().lower()
    if scale not in _VALID_SCALES:
        warnings.warn(
            f"Unknown time system TIMESYS={value!r}; assuming {default.upper()}.",
            FormatWarning,
        )
        scale = default
    return scale


def _time_unit(meta):
    unit = str(meta.get("TIMEUNIT", "s")).strip() or "s"
    return u.Unit(unit)


def time_ref_from_dict(meta, format="mjd", scale="tt"):
    """Reference time from the ``MJDREFI``/``MJDREFF``/``TIMESYS`` keywords.

    Parameters
    ----------
    meta : dict-like
        Header or table meta. ``MJDREF`` (single number) is accepted too.
    format : str
        Format of the returned time.
    scale : str
        Time scale used when ``TIMESYS`` is absent.

    Returns
    -------
    time : `~astropy.time.Time`
        The reference time (full double-double precision).
    """
    scale = _scale_from_meta(meta, default=scale)
    if "MJDREFI" in meta:
        mjdrefi = float(meta["MJDREFI"])
        mjdreff = float(meta.get("MJDREFF", 0.0))
    elif "MJDREF" in meta:
        mjdrefi, mjdreff = float(meta["MJDREF"]), 0.0
    else:
        log.debug("No MJDREF keywords found, using default reference time.")
        return Time(TIME_REF_DEFAULT, format=format, scale=scale)
    time = Time(mjdrefi, mjdreff, format="mjd", scale=scale)
    time.format = format
    return time


def time_ref_to_dict(time=None, scale="tt"):
    """Header keywords ``MJDREFI``, ``MJDREFF``, ``TIMESYS``, ``TIMEUNIT`` of a reference time.

    Parameters
    ----------
    time : `~astropy.time.Time`, optional
        Reference time; default `TIME_REF_DEFAULT`.
    scale : str
        Time scale of the keywords.

    Returns
    -------
    meta : dict
        The keywords.
    """
    if time is None:
        time = TIME_REF_DEFAULT
    time = Time(time).tt if scale == "tt" else getattr(Time(time), scale)
    # split into integer day and fraction exactly using the two-double representation
    jd1, jd2 = time.jd1 - 2400000.5, time.jd2
    mjd_int = np.floor(jd1 + jd2)
    frac = (jd1 - mjd_int) + jd2
    return {
        "MJDREFI": int(mjd_int),
        "MJDREFF": float(frac),
        "TIMESYS": scale.upper(),
        "TIMEUNIT": "s",
    }


def time_relative_to_ref(time, meta):
    """Time difference to the reference time of a header, in the header's time unit.

    Parameters
    ----------
    time : `~astropy.time.Time`
        Time(s).
    meta : dict-like
        Header with the time reference keywords.

    Returns
    -------
    time_delta : `~astropy.time.TimeDelta`
        ``time - time_ref`` (format ``"sec"``).
    """
    time_ref = time_ref_from_dict(meta)
    delta = Time(time) - time_ref
    return TimeDelta(delta, format="sec")


def absolute_time(time_delta, meta):
    """Absolute time from a MET (time since the header's reference time).

    Parameters
    ----------
    time_delta : `~astropy.units.Quantity`, `~astropy.time.TimeDelta` or array
        Time since reference; plain numbers are in the header's ``TIMEUNIT``.
    meta : dict-like
        Header with the time reference keywords.

    Returns
    -------
    time : `~astropy.time.Time`
        Absolute time(s), in the scale of the reference time, format ``"mjd"``.
    """
    time_ref = time_ref_from_dict(meta)
    if not isinstance(time_delta, TimeDelta):
        if isinstance(time_delta, u.Quantity):
            value = time_delta.to_value("s")
        else:
            value = np.asarray(time_delta, dtype=float) * _time_unit(meta).to("s")
        time_delta = TimeDelta(value, format="sec")
    return time_ref + time_delta
