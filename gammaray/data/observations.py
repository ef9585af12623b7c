"""Observations: events, GTI, pointing and IRFs of one DL3 run, loaded lazily."""

import collections.abc
import logging

import astropy.units as u
import numpy as np
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.time import Time

from gammaray.utils.errors import (
    GammarayError,
    InvalidDataError,
    ObservationNotFoundError,
)
from gammaray.utils.fits import earth_location_to_dict
from gammaray.utils.paths import atomic_write
from gammaray.utils.time import time_ref_to_dict

from .event_list import EventList
from .filters import ObservationFilter
from .gti import GTI
from .hdu_index_table import HDULocation
from .pointing import FixedPointingInfo, PointingMode

__all__ = ["Observation", "Observations"]

log = logging.getLogger(__name__)

IRF_NAMES = ("aeff", "edisp", "psf", "bkg", "rad_max")
HDU_NAMES = ("events", "gti", *IRF_NAMES)
DEFAULT_REFERENCE_TIME = Time("2000-01-01 00:00:00", scale="tt")


class _Lazy:
    """Holder of an object or of an `HDULocation` loaded on first access.

    Copies of an observation share holders, so each HDU is read at most once.
    """

    __slots__ = ("source", "value", "loaded", "label")

    def __init__(self, source, label=None):
        self.label = label
        if isinstance(source, HDULocation):
            self.source, self.value, self.loaded = source, None, False
        else:
            self.source, self.value, self.loaded = None, source, True

    @property
    def present(self):
        return self.source is not None or self.value is not None

    def get(self):
        if not self.loaded:
            try:
                self.value = self.source.load()
            except GammarayError as exc:
                if self.label is None:
                    raise
                # name the observation in the message, keep the exception type
                raise type(exc)(f"{self.label}: {exc}") from exc
            self.loaded = True
        return self.value


class Observation:
    """One observation (run): events, GTI, pointing and IRFs.

    Each of ``events``, ``gti``, ``aeff``, ``edisp``, ``psf``, ``bkg``,
    ``rad_max`` and ``pointing`` may be an object or an
    `~gammaray.data.HDULocation`; locations are read on first access and
    cached.

    Parameters
    ----------
    obs_id : int, optional
        Observation id.
    meta : dict, optional
        Metadata (events header keywords: ``LIVETIME``, ``DEADC``, ...);
        read from the events header when None.
    gti : `~gammaray.data.GTI` or `HDULocation`, optional
        Good time intervals.
    aeff, edisp, psf, bkg, rad_max : IRF or `HDULocation`, optional
        Instrument response functions.
    events : `~gammaray.data.EventList` or `HDULocation`, optional
        Events.
    obs_filter : `~gammaray.data.ObservationFilter`, optional
        Filter applied to events and GTI on access.
    pointing : `~gammaray.data.FixedPointingInfo` or `HDULocation`, optional
        Pointing; read from the events header when None.
    location : `~astropy.coordinates.EarthLocation`, optional
        Observatory location.
    """

    def __init__(
        self,
        obs_id=None,
        meta=None,
        gti=None,
        aeff=None,
        edisp=None,
        psf=None,
        bkg=None,
        rad_max=None,
        events=None,
        obs_filter=None,
        pointing=None,
        location=None,
    ):
        self.obs_id = obs_id
        self._meta = dict(meta) if meta is not None else None
        label = f"Observation {obs_id}" if obs_id is not None else None
        self._hdus = {
            "events": _Lazy(events, label=label),
            "gti": _Lazy(gti, label=label),
            "aeff": _Lazy(aeff, label=label),
            "edisp": _Lazy(edisp, label=label),
            "psf": _Lazy(psf, label=label),
            "bkg": _Lazy(bkg, label=label),
            "rad_max": _Lazy(rad_max, label=label),
            "pointing": _Lazy(pointing, label=label),
        }
        self.obs_filter = obs_filter or ObservationFilter()
        self._location = location

    # ------------------------------------------------------------ lazy access
    @property
    def meta(self):
        """Metadata dict (events header keywords), read lazily."""
        if self._meta is None:
            holder = self._hdus["events"]
            if holder.loaded and holder.value is not None:
                self._meta = dict(holder.value.table.meta)
            elif holder.source is not None:
                self._meta = {
                    k: v
                    for k, v in holder.source._header_items()
                    if k not in ("COMMENT", "HISTORY", "")
                }
            else:
                self._meta = {}
        return self._meta

    @meta.setter
    def meta(self, value):
        self._meta = dict(value) if value is not None else None

    @property
    def events(self):
        """Events after the observation filter (`~gammaray.data.EventList`)."""
        return self.obs_filter.filter_events(self._hdus["events"].get())

    @property
    def gti(self):
        """Good time intervals after the time filter (`~gammaray.data.GTI`)."""
        gti = self._hdus["gti"].get()
        if gti is None and self._hdus["events"].present:
            meta = self.meta
            if "TSTART" in meta and "TSTOP" in meta:
                from gammaray.utils.time import time_ref_from_dict

                gti = GTI.create(
                    [float(meta["TSTART"])] * u.s,
                    [float(meta["TSTOP"])] * u.s,
                    reference_time=time_ref_from_dict(meta),
                )
        return self.obs_filter.filter_gti(gti)

    @property
    def aeff(self):
        """Effective area IRF (or None)."""
        return self._hdus["aeff"].get()

    @property
    def edisp(self):
        """Energy dispersion IRF (or None)."""
        return self._hdus["edisp"].get()

    @property
    def psf(self):
        """Point spread function IRF (or None)."""
        return self._hdus["psf"].get()

    @property
    def bkg(self):
        """Background IRF (or None)."""
        return self._hdus["bkg"].get()

    @property
    def rad_max(self):
        """Direction cut of point-like IRFs (or None).

        Without a ``RAD_MAX`` HDU, a global cut given by the ``RAD_MAX``
        keyword of the effective-area header is used (``RadMax2D.from_irf``).
        """
        rad_max = self._hdus["rad_max"].get()
        if rad_max is None and self._hdus["aeff"].present:
            aeff = self.aeff
            meta = getattr(aeff, "meta", None) or {}
            if "RAD_MAX" in meta:
                from gammaray.irf import RadMax2D

                rad_max = RadMax2D.from_irf(aeff)
                self._hdus["rad_max"] = _Lazy(rad_max)
        return rad_max

    @property
    def pointing(self):
        """Pointing information (`~gammaray.data.FixedPointingInfo`)."""
        holder = self._hdus["pointing"]
        pointing = holder.get()
        if pointing is None:
            meta = self.meta
            if not meta:
                return None
            pointing = FixedPointingInfo.from_fits_header(meta)
            self._hdus["pointing"] = _Lazy(pointing)
        return pointing

    @property
    def fixed_pointing_info(self):
        """Alias of `pointing`."""
        return self.pointing

    @property
    def available_hdus(self):
        """HDU types available (objects or locations): list of str."""
        return [name for name in HDU_NAMES if self._hdus[name].present]

    @property
    def available_irfs(self):
        """IRF types available: list of str."""
        return [name for name in IRF_NAMES if self._hdus[name].present]

    # -------------------------------------------------------------- times
    @property
    def tstart(self):
        """Start of the first GTI (`~astropy.time.Time`)."""
        return self.gti.time_start[0]

    @property
    def tstop(self):
        """Stop of the last GTI (`~astropy.time.Time`)."""
        return self.gti.time_stop[-1]

    @property
    def tmid(self):
        """Midpoint between `tstart` and `tstop` (`~astropy.time.Time`)."""
        return self.tstart + (self.tstop - self.tstart) / 2

    @property
    def observation_time_duration(self):
        """Duration ``tstop - tstart`` (`~astropy.units.Quantity`, s)."""
        return (self.tstop - self.tstart).to("s")

    @property
    def observation_dead_time_fraction(self):
        """Dead-time fraction: ``1 - DEADC`` (or ``1 - LIVETIME/ONTIME``)."""
        meta = self.meta
        if "DEADC" in meta:
            return 1.0 - float(meta["DEADC"])
        if "LIVETIME" in meta and "ONTIME" in meta and float(meta["ONTIME"]) > 0:
            return 1.0 - float(meta["LIVETIME"]) / float(meta["ONTIME"])
        return float(meta.get("deadtime_fraction", 0.0))

    @property
    def observation_live_time_duration(self):
        """Live time (`~astropy.units.Quantity`, s).

        ``LIVETIME`` from the header for an unfiltered observation; with a time
        filter the summed GTI times ``(1 - dead-time fraction)``.
        """
        meta = self.meta
        if self.obs_filter.time_filter is None and "LIVETIME" in meta:
            return float(meta["LIVETIME"]) * u.s
        return self.gti.time_sum * (1 - self.observation_dead_time_fraction)

    # ------------------------------------------------------------ pointing
    def get_pointing_icrs(self, time):
        """ICRS pointing position at ``time`` (`~astropy.coordinates.SkyCoord`)."""
        return self.pointing.get_icrs(time)

    def get_pointing_altaz(self, time):
        """Alt/Az pointing position at ``time`` (`~astropy.coordinates.SkyCoord`)."""
        return self.pointing.get_altaz(time)

    @property
    def observatory_earth_location(self):
        """Observatory location (`~astropy.coordinates.EarthLocation` or None)."""
        if self._location is not None:
            return self._location
        pointing = self.pointing
        return pointing.location if pointing is not None else None

    @property
    def target_radec(self):
        """Target position from ``RA_OBJ``/``DEC_OBJ`` (`~astropy.coordinates.SkyCoord`)."""
        meta = self.meta
        lon = meta.get("RA_OBJ", np.nan)
        lat = meta.get("DEC_OBJ", np.nan)
        return SkyCoord(float(lon), float(lat), unit="deg", frame="icrs")

    @property
    def muoneff(self):
        """Muon efficiency (``MUONEFF`` keyword; NaN if absent)."""
        return float(self.meta.get("MUONEFF", np.nan))

    # --------------------------------------------------------------- copies
    def copy(self, in_memory=False, **kwargs):
        """Copy of the observation, optionally replacing attributes.

        Parameters
        ----------
        in_memory : bool
            Load all HDUs into the copy (no lazy locations left); this
            observation is not loaded by it.
        **kwargs : dict
            Attributes to replace (``events``, ``gti``, ``aeff``, ...,
            ``obs_id``, ``meta``, ``obs_filter``, ``pointing``).

        Returns
        -------
        observation : `Observation`
            The copy (unloaded HDUs are shared with this observation).
        """
        new = self.__class__.__new__(self.__class__)
        new.obs_id = kwargs.pop("obs_id", self.obs_id)
        meta = kwargs.pop("meta", self._meta)
        new._meta = dict(meta) if meta is not None else None
        new.obs_filter = kwargs.pop("obs_filter", self.obs_filter)
        new._location = kwargs.pop("location", self._location)
        new._hdus = dict(self._hdus)
        for name, value in kwargs.items():
            if name not in new._hdus:
                raise TypeError(
                    f"Observation.copy() got an unexpected argument {name!r}."
                )
            new._hdus[name] = _Lazy(value)
        if in_memory:
            # load into new holders, so that this observation stays unloaded
            # (an in-memory generator then frees each copy after use)
            for name, holder in new._hdus.items():
                if not holder.loaded:
                    new._hdus[name] = _Lazy(holder.source.load())
            new.meta  # noqa: B018  (load meta)
        return new

    def select_time(self, time_interval):
        """Observation restricted to a time interval (events and GTIs filtered).

        Parameters
        ----------
        time_interval : `~astropy.time.Time`
            ``[start, stop]``.

        Returns
        -------
        observation : `Observation`
            The restricted observation.
        """
        obs_filter = self.obs_filter.copy()
        time_interval = Time(time_interval)
        if obs_filter.time_filter is not None:
            old = obs_filter.time_filter
            start = max(Time(old[0]), Time(time_interval[0]))
            stop = min(Time(old[1]), Time(time_interval[1]))
            time_interval = Time([start, stop])
        obs_filter.time_filter = time_interval
        return self.copy(obs_filter=obs_filter)

    # --------------------------------------------------------------- creation
    @classmethod
    def create(
        cls,
        pointing,
        location=None,
        obs_id=0,
        livetime=None,
        tstart=None,
        tstop=None,
        irfs=None,
        deadtime_fraction=0.0,
        reference_time=DEFAULT_REFERENCE_TIME,
    ):
        """Create an observation (for simulations) from a pointing and IRFs.

        Parameters
        ----------
        pointing : `~astropy.coordinates.SkyCoord` or `~gammaray.data.FixedPointingInfo`
            Pointing position (ICRS) or pointing information.
        location : `~astropy.coordinates.EarthLocation`, optional
            Observatory location.
        obs_id : int
            Observation id.
        livetime : `~astropy.units.Quantity`, optional
            Live time; default ``(tstop - tstart) * (1 - deadtime_fraction)``.
        tstart, tstop : `~astropy.units.Quantity` or `~astropy.time.Time`, optional
            Start (default 0 s after reference) and stop (default
            ``tstart + livetime / (1 - deadtime_fraction)``).
        irfs : dict, optional
            IRFs by name: ``aeff``, ``edisp``, ``psf``, ``bkg``, ``rad_max``.
        deadtime_fraction : float
            Dead-time fraction.
        reference_time : `~astropy.time.Time`
            MET reference time.

        Returns
        -------
        observation : `Observation`
            The observation (no events).
        """
        reference_time = Time(reference_time)
        irfs = dict(irfs or {})
        unknown = set(irfs) - set(IRF_NAMES)
        if unknown:
            raise InvalidDataError(
                f"Unknown IRF names {sorted(unknown)}; valid are {list(IRF_NAMES)}."
            )
        if tstart is None:
            tstart = 0 * u.s
        tstart_time = (
            tstart if isinstance(tstart, Time) else reference_time + u.Quantity(tstart)
        )
        if tstop is None:
            if livetime is None:
                raise InvalidDataError(
                    "Give livetime or tstop to create an observation."
                )
            duration = u.Quantity(livetime, "s") / (1 - deadtime_fraction)
            tstop_time = tstart_time + duration
        else:
            tstop_time = (
                tstop if isinstance(tstop, Time) else reference_time + u.Quantity(tstop)
            )
        ontime = (tstop_time - tstart_time).to("s")
        if livetime is None:
            livetime = ontime * (1 - deadtime_fraction)
        livetime = u.Quantity(livetime, "s")
        gti = GTI.create(tstart_time, tstop_time, reference_time=reference_time)

        meta = time_ref_to_dict(reference_time, scale=reference_time.scale)
        meta.update(
            {
                "OBS_ID": obs_id,
                "TSTART": (tstart_time - reference_time).to_value("s"),
                "TSTOP": (tstop_time - reference_time).to_value("s"),
                "ONTIME": ontime.to_value("s"),
                "LIVETIME": livetime.to_value("s"),
                "DEADC": 1 - deadtime_fraction,
            }
        )
        if location is not None:
            meta.update(earth_location_to_dict(location))
        if not isinstance(pointing, FixedPointingInfo):
            pointing = FixedPointingInfo(
                fixed_icrs=SkyCoord(pointing).icrs,
                location=location,
                time_start=tstart_time,
                time_stop=tstop_time,
                time_ref=reference_time,
            )
        meta.update(pointing.to_fits_header())
        return cls(
            obs_id=obs_id,
            meta=meta,
            gti=gti,
            pointing=pointing,
            location=location,
            **irfs,
        )

    # -------------------------------------------------------------------- I/O
    def write(
        self, path, overwrite=False, format="gadf", include_irfs=True, checksum=False
    ):
        """Write events, GTI and (optionally) IRFs into one DL3 FITS file.

        Parameters
        ----------
        path : str or `~pathlib.Path`
            File name.
        overwrite : bool
            Replace an existing file.
        format : str
            ``"gadf"``.
        include_irfs : bool
            Write the IRFs (each via its ``to_table_hdu()``).
        checksum : bool
            Add checksums.
        """
        hdus = [fits.PrimaryHDU()]
        events = self.events if self._hdus["events"].present else None
        if events is not None:
            hdus.append(events.to_table_hdu(format=format))
        gti = self.gti
        if gti is not None:
            gti_hdu = gti.to_table_hdu(format=format)
            if events is None:
                # no events header: the GTI header carries the observation
                # metadata (times, pointing, location) so the file reads back
                gti_hdu.header.update(self._meta_cards())
            hdus.append(gti_hdu)
        if include_irfs:
            for name in IRF_NAMES:
                if not self._hdus[name].present:
                    continue
                irf = self._hdus[name].get()
                hdus.append(irf.to_table_hdu(format=format))
        if self.obs_id is not None:
            for hdu in hdus[1:]:
                hdu.header["OBS_ID"] = self.obs_id
        with atomic_write(path, overwrite=overwrite) as tmp:
            fits.HDUList(hdus).writeto(tmp, overwrite=True, checksum=checksum)

    def _meta_cards(self):
        """Observation metadata as FITS header cards (scalar keywords only)."""
        meta = dict(self.meta)
        if self.pointing is not None:
            meta.update(self.pointing.to_fits_header())
        skip = {"EXTNAME", "XTENSION", "BITPIX", "NAXIS", "PCOUNT", "GCOUNT"}
        return {
            key: value
            for key, value in meta.items()
            if len(key) <= 8
            and key not in skip
            and not key.startswith(("TTYPE", "TFORM", "TUNIT", "NAXIS", "TFIELDS"))
            and isinstance(value, str | int | float | bool | np.number)
        }

    @classmethod
    def read(cls, event_file, irf_file=None, checksum=False):
        """Read an observation from a DL3 file (events, GTI and IRFs found in it).

        Parameters
        ----------
        event_file : str or `~pathlib.Path`
            File with ``EVENTS`` (and ``GTI``, and possibly IRFs).
        irf_file : str or `~pathlib.Path`, optional
            File with the IRFs if they are not in ``event_file``.
        checksum : bool
            Verify checksums of the events.

        Returns
        -------
        observation : `Observation`
            The observation (IRFs loaded lazily).
        """
        from .hdu_index_table import scan_dl3_file

        rows = scan_dl3_file(event_file)
        if irf_file is not None:
            rows += [
                r
                for r in scan_dl3_file(irf_file)
                if r["HDU_TYPE"] not in ("events", "gti")
            ]
        kwargs = {}
        for row in rows:
            if row["HDU_TYPE"] in kwargs:
                continue
            kwargs[row["HDU_TYPE"]] = HDULocation(
                row["HDU_CLASS"],
                base_dir="",
                file_dir=row["FILE_DIR"],
                file_name=row["FILE_NAME"],
                hdu_name=row["HDU_NAME"],
            )
        if "events" in kwargs:
            kwargs["events"] = EventList.read(
                kwargs["events"].path(), checksum=checksum
            )
        obs_id = rows[0]["OBS_ID"] if rows else None
        meta = None
        if "events" not in kwargs and "gti" in kwargs:
            # simulated observation without events: metadata in the GTI header
            gti = kwargs["gti"]
            meta = {
                k: v
                for k, v in gti.get_header().items()
                if k not in ("COMMENT", "HISTORY", "")
            }
            if "RA_PNT" in meta or "ALT_PNT" in meta:
                kwargs["pointing"] = FixedPointingInfo.from_fits_header(meta)
        return cls(obs_id=obs_id, meta=meta, **kwargs)

    # ---------------------------------------------------------- representation
    def __str__(self):
        lines = [f"{type(self).__name__}", ""]
        lines.append(f"\tobs id            : {self.obs_id}")
        try:
            lines.append(f"\ttstart            : {self.tstart.mjd:.2f}")
            lines.append(f"\ttstop             : {self.tstop.mjd:.2f}")
            lines.append(f"\tduration          : {self.observation_time_duration:.2f}")
        except (TypeError, AttributeError, IndexError):
            lines.append("\ttimes             : unknown (no GTI)")
        pointing = self.pointing
        if pointing is not None and pointing.mode == PointingMode.POINTING:
            icrs = pointing.fixed_icrs
            lines.append(
                f"\tpointing (icrs)   : {icrs.ra.deg:.1f} deg, {icrs.dec.deg:.1f} deg"
            )
        elif pointing is not None:
            altaz = pointing.fixed_altaz
            lines.append(
                f"\tpointing (altaz)  : {altaz.alt.deg:.1f} deg, {altaz.az.deg:.1f} deg"
            )
        lines.append(
            f"\tdeadtime fraction : {100 * self.observation_dead_time_fraction:.1f}%"
        )
        lines.append(f"\tavailable HDUs    : {self.available_hdus}")
        return "\n".join(lines) + "\n"

    def __repr__(self):
        return f"{type(self).__name__}(obs_id={self.obs_id!r})"

    def peek(self, figsize=(15, 10)):
        """Quick-look figure: one panel per available HDU.

        As in Gammapy: the events (energy, offset^2), the effective area, the
        energy-dispersion bias, the PSF containment radius, the background
        rate (all versus energy) and ``RAD_MAX`` where present; IRF maps (HAWC)
        are drawn at the map centre.

        Parameters
        ----------
        figsize : tuple of float
            Figure size in inches.

        Returns
        -------
        fig : `~matplotlib.figure.Figure`
            The figure.
        """
        from .observation_plot import plot_observation

        return plot_observation(self, figsize=figsize)


class Observations(collections.abc.MutableSequence):
    """A list of `Observation` objects.

    Parameters
    ----------
    observations : list of `Observation`, optional
        Observations.
    """

    def __init__(self, observations=None):
        self._observations = list(observations) if observations is not None else []

    def __len__(self):
        return len(self._observations)

    def _index(self, key):
        if isinstance(key, (int, np.integer)):
            return int(key)
        if isinstance(key, str):
            ids = self.ids
            if key in ids:
                return ids.index(key)
            raise ObservationNotFoundError(
                f"Observation {key!r} not in the list; ids are {ids[:10]}"
                + ("..." if len(ids) > 10 else "")
            )
        raise TypeError(f"Invalid observation index type {type(key).__name__}.")

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self.__class__(self._observations[key])
        if isinstance(key, (list, np.ndarray)) and not isinstance(key, str):
            return self.__class__([self[k] for k in key])
        return self._observations[self._index(key)]

    def __setitem__(self, key, obs):
        if not isinstance(obs, Observation):
            raise TypeError(f"Observations holds Observation objects, got {type(obs)}.")
        self._observations[self._index(key)] = obs

    def __delitem__(self, key):
        del self._observations[self._index(key)]

    def insert(self, idx, obs):
        """Insert an observation before ``idx``."""
        if not isinstance(obs, Observation):
            raise TypeError(f"Observations holds Observation objects, got {type(obs)}.")
        self._observations.insert(idx, obs)

    def index(self, key, *args):
        """Position of an observation (object or obs-id string)."""
        if isinstance(key, Observation):
            return self._observations.index(key, *args)
        return self._index(key)

    @property
    def ids(self):
        """Observation ids as strings (list)."""
        return [str(obs.obs_id) for obs in self._observations]

    def __str__(self):
        lines = [f"{type(self).__name__}", f"Number of observations: {len(self)}"]
        lines += [str(obs) for obs in self._observations]
        return "\n".join(lines)

    def __repr__(self):
        return f"{type(self).__name__}(n_observations={len(self)})"

    def select_time(self, time_intervals):
        """Split / restrict the observations to time intervals.

        Parameters
        ----------
        time_intervals : `~astropy.time.Time` or list of `~astropy.time.Time`
            One ``[start, stop]`` interval or a list of them.

        Returns
        -------
        observations : `Observations`
            One observation per (interval, overlapping observation), ordered by
            interval then observation; their GTIs lie inside the interval.
        """
        if isinstance(time_intervals, Time) and time_intervals.shape == (2,):
            time_intervals = [time_intervals]
        selected = []
        for interval in time_intervals:
            tmin, tmax = Time(interval[0]), Time(interval[1])
            for obs in self._observations:
                if obs.tstart < tmax and obs.tstop > tmin:
                    new = obs.select_time(Time([tmin, tmax]))
                    if len(new.gti) > 0:
                        selected.append(new)
        return self.__class__(selected)

    def in_memory_generator(self):
        """Yield in-memory copies of the observations, one at a time."""
        for obs in self._observations:
            yield obs.copy(in_memory=True)

    @classmethod
    def from_stack(cls, observations_list):
        """Concatenate several `Observations` into one."""
        result = []
        for observations in observations_list:
            result.extend(observations)
        return cls(result)

    def group_by_label(self, labels):
        """Group observations by label.

        Parameters
        ----------
        labels : array-like
            One label per observation.

        Returns
        -------
        groups : dict
            ``{"group_<label>": Observations}``.
        """
        labels = np.asarray(labels)
        if len(labels) != len(self):
            raise InvalidDataError(
                f"Got {len(labels)} labels for {len(self)} observations."
            )
        groups = {}
        for label in np.unique(labels):
            idx = np.nonzero(labels == label)[0]
            groups[f"group_{label}"] = self.__class__(
                [self._observations[i] for i in idx]
            )
        return groups
