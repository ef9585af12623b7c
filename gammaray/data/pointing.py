"""Pointing information of an observation."""

import logging
from enum import Enum

import astropy.units as u
import numpy as np
from astropy.coordinates import AltAz, SkyCoord
from astropy.time import Time

from gammaray.utils.errors import InvalidDataError
from gammaray.utils.fits import earth_location_from_dict, get_hdu, open_fits
from gammaray.utils.paths import make_path
from gammaray.utils.time import absolute_time, time_ref_from_dict

__all__ = ["FixedPointingInfo", "PointingMode"]

log = logging.getLogger(__name__)


class PointingMode(Enum):
    """Pointing mode of an observation.

    ``POINTING``: fixed equatorial (RA/Dec) position, the telescopes track it.
    ``DRIFT``: fixed horizontal (Alt/Az) position, the sky drifts through the
    field of view (e.g. HAWC, LHAASO, zenith drift scans).
    ``RADEC`` and ``ALTAZ`` are aliases of ``POINTING`` and ``DRIFT``.
    """

    POINTING = "pointing"
    DRIFT = "drift"
    RADEC = "pointing"  # noqa: PIE796 (alias)
    ALTAZ = "drift"  # noqa: PIE796 (alias)

    @staticmethod
    def from_gadf_string(value):
        """Mode from the GADF ``OBS_MODE`` keyword (``DRIFT`` -> DRIFT, else POINTING)."""
        value = str(value).strip().upper()
        if value == "DRIFT":
            return PointingMode.DRIFT
        return PointingMode.POINTING


class FixedPointingInfo:
    """Fixed pointing of an observation: RA/Dec (tracking) or Alt/Az (drift).

    Parameters
    ----------
    fixed_icrs : `~astropy.coordinates.SkyCoord`, optional
        Fixed ICRS position (tracking mode).
    fixed_altaz : `~astropy.coordinates.SkyCoord` or `~astropy.coordinates.AltAz`, optional
        Fixed horizontal position (drift mode).
    location : `~astropy.coordinates.EarthLocation`, optional
        Observatory location (needed for Alt/Az <-> ICRS).
    time_start, time_stop : `~astropy.time.Time`, optional
        Observation start and stop.
    time_ref : `~astropy.time.Time`, optional
        Reference time of the MET values of the file.
    legacy_altaz : `~astropy.coordinates.SkyCoord`, optional
        Mean Alt/Az from the header (``ALT_PNT``/``AZ_PNT``) of tracking runs,
        kept for information.
    """

    def __init__(
        self,
        *,
        fixed_icrs=None,
        fixed_altaz=None,
        location=None,
        time_start=None,
        time_stop=None,
        time_ref=None,
        legacy_altaz=None,
    ):
        if (fixed_icrs is None) == (fixed_altaz is None):
            raise InvalidDataError(
                "Give exactly one of fixed_icrs (tracking) or fixed_altaz (drift)."
            )
        if fixed_icrs is not None:
            fixed_icrs = SkyCoord(fixed_icrs).icrs
        self._fixed_icrs = fixed_icrs
        self._fixed_altaz = fixed_altaz
        self._location = location
        self._time_start = time_start
        self._time_stop = time_stop
        self._time_ref = time_ref
        self._legacy_altaz = legacy_altaz

    @property
    def mode(self):
        """Pointing mode (`PointingMode`)."""
        return (
            PointingMode.POINTING
            if self._fixed_icrs is not None
            else PointingMode.DRIFT
        )

    @property
    def fixed_icrs(self):
        """Fixed ICRS position (`~astropy.coordinates.SkyCoord`), None in drift mode."""
        return self._fixed_icrs

    @property
    def fixed_altaz(self):
        """Fixed Alt/Az position (`~astropy.coordinates.SkyCoord`), None in tracking mode."""
        return self._fixed_altaz

    @property
    def location(self):
        """Observatory location (`~astropy.coordinates.EarthLocation`)."""
        return self._location

    @property
    def time_start(self):
        """Observation start (`~astropy.time.Time`)."""
        return self._time_start

    @property
    def time_stop(self):
        """Observation stop (`~astropy.time.Time`)."""
        return self._time_stop

    @property
    def time_ref(self):
        """MET reference time (`~astropy.time.Time`)."""
        return self._time_ref

    @property
    def legacy_altaz(self):
        """Mean Alt/Az of a tracking run from the header (`~astropy.coordinates.SkyCoord`)."""
        if self._legacy_altaz is None:
            return SkyCoord(np.nan * u.deg, np.nan * u.deg, frame=AltAz())
        return self._legacy_altaz

    def __str__(self):
        lines = [f"{type(self).__name__}:", f"  mode: {self.mode.name}"]
        if self.fixed_icrs is not None:
            lines.append(
                f"  fixed_icrs: RA {self.fixed_icrs.ra.deg:.4f} deg, "
                f"Dec {self.fixed_icrs.dec.deg:.4f} deg"
            )
        if self.fixed_altaz is not None:
            lines.append(
                f"  fixed_altaz: Alt {self.fixed_altaz.alt.deg:.4f} deg, "
                f"Az {self.fixed_altaz.az.deg:.4f} deg"
            )
        if self.location is not None:
            lines.append(
                f"  location: lon {self.location.lon.deg:.4f} deg, "
                f"lat {self.location.lat.deg:.4f} deg, "
                f"height {self.location.height.to_value('m'):.1f} m"
            )
        if self.time_start is not None:
            lines.append(f"  time_start: {Time(self.time_start).isot}")
        return "\n".join(lines) + "\n"

    __repr__ = __str__

    # ---------------------------------------------------------------------- I/O
    @classmethod
    def from_fits_header(cls, header):
        """Create from a GADF events header.

        ``OBS_MODE = 'DRIFT'`` gives drift mode with ``ALT_PNT``/``AZ_PNT``;
        otherwise ``RA_PNT``/``DEC_PNT`` give the tracked position (and
        ``ALT_PNT``/``AZ_PNT``, if present, the legacy mean Alt/Az).

        Parameters
        ----------
        header : `~astropy.io.fits.Header` or dict
            Header.

        Returns
        -------
        pointing : `FixedPointingInfo`
            Pointing information.
        """
        location = earth_location_from_dict(header)
        time_ref = time_ref_from_dict(header)
        time_start = time_stop = None
        if "TSTART" in header:
            time_start = absolute_time(float(header["TSTART"]), header)
        if "TSTOP" in header:
            time_stop = absolute_time(float(header["TSTOP"]), header)

        mode = PointingMode.from_gadf_string(header.get("OBS_MODE", "POINTING"))
        altaz = None
        if "ALT_PNT" in header and "AZ_PNT" in header:
            altaz = SkyCoord(
                alt=float(header["ALT_PNT"]) * u.deg,
                az=float(header["AZ_PNT"]) * u.deg,
                frame=AltAz(location=location),
            )
        if mode == PointingMode.DRIFT:
            if altaz is None:
                raise InvalidDataError(
                    "Drift-mode header (OBS_MODE='DRIFT') lacks ALT_PNT/AZ_PNT."
                )
            return cls(
                fixed_altaz=altaz,
                location=location,
                time_start=time_start,
                time_stop=time_stop,
                time_ref=time_ref,
            )
        if "RA_PNT" not in header or "DEC_PNT" not in header:
            raise InvalidDataError(
                "Header lacks RA_PNT/DEC_PNT (and OBS_MODE is not 'DRIFT'): "
                "cannot determine the pointing."
            )
        icrs = SkyCoord(
            float(header["RA_PNT"]) * u.deg,
            float(header["DEC_PNT"]) * u.deg,
            frame="icrs",
        )
        return cls(
            fixed_icrs=icrs,
            location=location,
            time_start=time_start,
            time_stop=time_stop,
            time_ref=time_ref,
            legacy_altaz=altaz,
        )

    @classmethod
    def read(cls, filename, hdu="EVENTS"):
        """Read the pointing from the header of an HDU (default ``EVENTS``).

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name.
        hdu : str or int
            HDU name or index.
        """
        path = make_path(filename)
        with open_fits(path) as hdulist:
            header = get_hdu(hdulist, hdu, filename=path).header
            return cls.from_fits_header(header)

    def to_fits_header(self):
        """Header keywords (``OBS_MODE``, ``RA_PNT``/``DEC_PNT`` or ``ALT_PNT``/``AZ_PNT``)."""
        header = {}
        if self.mode == PointingMode.POINTING:
            header["OBS_MODE"] = "POINTING"
            header["RA_PNT"] = self.fixed_icrs.ra.deg
            header["DEC_PNT"] = self.fixed_icrs.dec.deg
            if self._legacy_altaz is not None:
                header["ALT_PNT"] = self._legacy_altaz.alt.deg
                header["AZ_PNT"] = self._legacy_altaz.az.deg
        else:
            header["OBS_MODE"] = "DRIFT"
            header["ALT_PNT"] = self.fixed_altaz.alt.deg
            header["AZ_PNT"] = self.fixed_altaz.az.deg
        return header

    # -------------------------------------------------------------- evaluation
    def _check_location(self):
        if self.location is None:
            raise InvalidDataError(
                "Pointing has no observatory location; Alt/Az <-> ICRS needs one "
                "(GEOLON/GEOLAT/ALTITUDE keywords or location=...)."
            )

    def get_icrs(self, obstime=None):
        """ICRS pointing position at the given time(s).

        Parameters
        ----------
        obstime : `~astropy.time.Time`, optional
            Time(s); needed in drift mode.

        Returns
        -------
        icrs : `~astropy.coordinates.SkyCoord`
            Pointing position(s).
        """
        if self.mode == PointingMode.POINTING:
            icrs = self.fixed_icrs
            if obstime is not None and np.ndim(obstime.jd1) > 0:
                ones = np.ones(np.shape(obstime.jd1))
                icrs = SkyCoord(icrs.ra * ones, icrs.dec * ones, frame="icrs")
            return icrs
        if obstime is None:
            raise InvalidDataError("Drift-mode pointing needs obstime for get_icrs.")
        return self.get_altaz(obstime).icrs

    def get_altaz(self, obstime):
        """Alt/Az pointing position at the given time(s).

        Parameters
        ----------
        obstime : `~astropy.time.Time`
            Time(s).

        Returns
        -------
        altaz : `~astropy.coordinates.SkyCoord`
            Pointing position(s) in the `~astropy.coordinates.AltAz` frame.
        """
        self._check_location()
        frame = AltAz(obstime=obstime, location=self.location)
        if self.mode == PointingMode.POINTING:
            return self.fixed_icrs.transform_to(frame)
        ones = np.ones(np.shape(obstime.jd1))
        return SkyCoord(
            alt=self.fixed_altaz.alt * ones, az=self.fixed_altaz.az * ones, frame=frame
        )
