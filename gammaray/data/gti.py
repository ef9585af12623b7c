"""Good time intervals (GTI)."""

import copy
import functools
import logging
import warnings

import astropy.units as u
import numpy as np
from astropy.io import fits
from astropy.table import Table
from astropy.time import Time, TimeDelta

from gammaray.utils.errors import InvalidDataError, MissingColumnError
from gammaray.utils.fits import get_hdu, open_fits
from gammaray.utils.paths import atomic_write, make_path
from gammaray.utils.time import time_ref_from_dict, time_ref_to_dict

__all__ = ["GTI"]

log = logging.getLogger(__name__)

DEFAULT_REFERENCE_TIME = "2000-01-01"


def _as_time(value, reference_time):
    """Convert start/stop given as Time, TimeDelta or Quantity (w.r.t. reference) to Time."""
    if isinstance(value, Time):
        return value
    if isinstance(value, TimeDelta):
        return reference_time + value
    value = u.Quantity(value)
    if value.unit.is_equivalent("s"):
        return reference_time + TimeDelta(value.to_value("s"), format="sec")
    raise InvalidDataError(
        f"GTI start/stop must be Time or a time Quantity, got unit {value.unit!r}."
    )


@functools.lru_cache(maxsize=64)
def _parse_reference_time(text):
    return Time(text, scale="tt")


def _as_reference_time(reference_time):
    if reference_time is None:
        reference_time = DEFAULT_REFERENCE_TIME
    if isinstance(reference_time, Time):
        return reference_time
    if isinstance(reference_time, str):
        # parsed once; each GTI gets its own (mutable) copy
        return _parse_reference_time(reference_time).copy()
    return Time(reference_time, scale="tt")


class GTI:
    """Good time intervals: a table of ``START``/``STOP`` times.

    Parameters
    ----------
    table : `~astropy.table.Table`
        Table with ``START`` and ``STOP`` columns as `~astropy.time.Time`.
    reference_time : `~astropy.time.Time` or str, optional
        Reference time used to write MET (seconds since reference); default
        2000-01-01 TT.
    """

    def __init__(self, table, reference_time=None):
        for name in ("START", "STOP"):
            if name not in table.colnames:
                raise MissingColumnError(
                    f"GTI table needs columns START and STOP; got {table.colnames}."
                )
        reference_time = _as_reference_time(reference_time)
        if not isinstance(table["START"], Time):
            table = table.copy(copy_data=False)
            table["START"] = _as_time(table["START"].quantity, reference_time)
            table["STOP"] = _as_time(table["STOP"].quantity, reference_time)
        self._reference_time = reference_time
        self.table = table

    @property
    def table(self):
        """Table with ``START``/``STOP`` `~astropy.time.Time` columns."""
        return self._table

    @table.setter
    def table(self, table):
        self._table = table
        # MET values exactly as read/computed (seconds since reference), so that
        # a read/write round trip is bitwise exact; cleared when the table changes.
        self._met_cache = None

    # ------------------------------------------------------------------ creation
    @classmethod
    def create(cls, start, stop, reference_time=DEFAULT_REFERENCE_TIME):
        """Create a GTI from start and stop times.

        Parameters
        ----------
        start, stop : `~astropy.time.Time` or `~astropy.units.Quantity`
            Interval starts and stops; quantities are times since ``reference_time``.
        reference_time : `~astropy.time.Time` or str
            Reference time (TT when given as a string).

        Returns
        -------
        gti : `GTI`
            Good time intervals.
        """
        reference_time = _as_reference_time(reference_time)
        start_in, stop_in = start, stop
        if isinstance(start, (Time, TimeDelta)) or isinstance(stop, (Time, TimeDelta)):
            start = np.atleast_1d(_as_time(start, reference_time))
            stop = np.atleast_1d(_as_time(stop, reference_time))
        else:
            # one conversion for both columns (the common case of MET quantities)
            start = np.atleast_1d(u.Quantity(start))
            stop = np.atleast_1d(u.Quantity(stop))
            if (
                start.ndim == 1
                and stop.ndim == 1
                and start.unit.is_equivalent(stop.unit)
            ):
                both = _as_time(
                    np.concatenate([start, stop.to(start.unit)]), reference_time
                )
                start, stop = both[: len(start)], both[len(start) :]
            else:
                start = _as_time(start, reference_time)
                stop = _as_time(stop, reference_time)
        if start.shape != stop.shape:
            raise InvalidDataError(
                f"GTI start and stop differ in shape: {start.shape} vs {stop.shape}."
            )
        table = Table({"START": start, "STOP": stop})
        gti = cls(table, reference_time=reference_time)
        if not isinstance(start_in, Time) and not isinstance(stop_in, Time):
            try:
                met = (
                    np.atleast_1d(u.Quantity(start_in).to_value("s")).astype(float),
                    np.atleast_1d(u.Quantity(stop_in).to_value("s")).astype(float),
                )
                gti._met_cache = met
            except (TypeError, u.UnitsError):
                pass
        return gti

    @classmethod
    def from_time_intervals(cls, time_intervals, reference_time=DEFAULT_REFERENCE_TIME):
        """Create a GTI from a list of ``[start, stop]`` `~astropy.time.Time` pairs.

        Parameters
        ----------
        time_intervals : list of `~astropy.time.Time`
            Each element is a Time of length 2.
        reference_time : `~astropy.time.Time` or str
            Reference time.

        Returns
        -------
        gti : `GTI`
            Good time intervals.
        """
        if len(time_intervals) == 0:
            raise InvalidDataError("No time intervals given.")
        start = Time([Time(interval[0]) for interval in time_intervals])
        stop = Time([Time(interval[1]) for interval in time_intervals])
        return cls.create(start, stop, reference_time=reference_time)

    # ---------------------------------------------------------------------- I/O
    @classmethod
    def from_table_hdu(cls, table_hdu, format="gadf"):
        """Create from a GTI `~astropy.io.fits.BinTableHDU` (MET ``START``/``STOP``)."""
        if format != "gadf":
            raise ValueError(
                f"Unknown GTI format {format!r}; only 'gadf' is supported."
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", u.UnitsWarning)
            table = Table.read(table_hdu)
        return cls.from_table(table)

    @classmethod
    def from_table(cls, table):
        """Create from a table with MET ``START``/``STOP`` and time reference keywords."""
        meta = table.meta
        reference_time = time_ref_from_dict(meta)
        unit = u.Unit(str(meta.get("TIMEUNIT", "s")).strip() or "s")
        result = Table(meta=dict(meta))
        mets = []
        for name in ("START", "STOP"):
            if name not in table.colnames:
                raise MissingColumnError(
                    f"GTI table needs columns START and STOP; got {table.colnames}."
                )
            column = table[name]
            col_unit = column.unit if column.unit is not None else unit
            value = np.asarray(column, dtype=np.float64) * u.Unit(col_unit).to("s")
            result[name] = reference_time + TimeDelta(value, format="sec")
            mets.append(value)
        gti = cls(result, reference_time=reference_time)
        gti._met_cache = (mets[0], mets[1])
        return gti

    @classmethod
    def read(cls, filename, hdu="GTI", format="gadf", checksum=False):
        """Read a GTI from a FITS file.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name.
        hdu : str or int
            HDU name or index.
        format : str
            File format (``"gadf"``).
        checksum : bool
            Verify the checksums of the file.

        Returns
        -------
        gti : `GTI`
            Good time intervals.
        """
        path = make_path(filename)
        with open_fits(path, checksum=checksum) as hdulist:
            table_hdu = get_hdu(hdulist, hdu, filename=path)
            return cls.from_table_hdu(table_hdu, format=format)

    def to_table(self):
        """Table of MET ``START``/``STOP`` in seconds, with time reference keywords."""
        meta = {k: v for k, v in self.table.meta.items() if k != "comments"}
        meta.update(time_ref_to_dict(self.time_ref, scale=self.time_ref.scale))
        meta["EXTNAME"] = "GTI"
        meta.setdefault("HDUCLASS", "GADF")
        meta.setdefault("HDUCLAS1", "GTI")
        table = Table(meta=meta)
        table["START"] = self.met_start
        table["STOP"] = self.met_stop
        return table

    def to_table_hdu(self, format="gadf"):
        """GTI as a `~astropy.io.fits.BinTableHDU` (format ``"gadf"``)."""
        if format != "gadf":
            raise ValueError(
                f"Unknown GTI format {format!r}; only 'gadf' is supported."
            )
        return fits.table_to_hdu(self.to_table())

    def write(self, filename, overwrite=False, format="gadf"):
        """Write the GTI to a FITS file (primary HDU + ``GTI`` table)."""
        hdulist = fits.HDUList([fits.PrimaryHDU(), self.to_table_hdu(format=format)])
        with atomic_write(filename, overwrite=overwrite) as tmp:
            hdulist.writeto(tmp, overwrite=True)

    # --------------------------------------------------------------- properties
    def __len__(self):
        return len(self.table)

    def __str__(self):
        if len(self) == 0:
            return "GTI info:\n- Number of GTIs: 0\n"
        return (
            "GTI info:\n"
            f"- Number of GTIs: {len(self)}\n"
            f"- Duration: {self.time_sum}\n"
            f"- Start: {self.time_start[0].iso} {self.time_start[0].scale.upper()} "
            f"(MJD {self.time_start[0].mjd:.5f})\n"
            f"- Stop: {self.time_stop[-1].iso} {self.time_stop[-1].scale.upper()} "
            f"(MJD {self.time_stop[-1].mjd:.5f})\n"
        )

    def __repr__(self):
        return f"{type(self).__name__}(n_intervals={len(self)}, time_sum={self.time_sum:.6g})"

    def copy(self):
        """A deep copy."""
        return copy.deepcopy(self)

    @property
    def time_ref(self):
        """Reference time (`~astropy.time.Time`)."""
        return self._reference_time

    @property
    def time_start(self):
        """Interval start times (`~astropy.time.Time`)."""
        return self.table["START"]

    @property
    def time_stop(self):
        """Interval stop times (`~astropy.time.Time`)."""
        return self.table["STOP"]

    @property
    def met_start(self):
        """Interval starts as seconds since the reference time (`~astropy.units.Quantity`)."""
        return self._met()[0] * u.s

    @property
    def met_stop(self):
        """Interval stops as seconds since the reference time (`~astropy.units.Quantity`)."""
        return self._met()[1] * u.s

    @property
    def time_delta(self):
        """Interval durations (`~astropy.units.Quantity`, s)."""
        start, stop = self._met()
        return (stop - start) * u.s

    @property
    def time_sum(self):
        """Total duration of the intervals (`~astropy.units.Quantity`, s)."""
        return self.time_delta.sum()

    @property
    def time_intervals(self):
        """List of ``Time([start, stop])`` pairs."""
        return [
            Time([start, stop])
            for start, stop in zip(self.time_start, self.time_stop, strict=True)
        ]

    # ---------------------------------------------------------------- operations
    def _met(self):
        """Start/stop as float64 seconds since reference (cached)."""
        if self._met_cache is None or len(self._met_cache[0]) != len(self._table):
            start = (self.time_start - self.time_ref).to_value("s")
            stop = (self.time_stop - self.time_ref).to_value("s")
            self._met_cache = (np.atleast_1d(start), np.atleast_1d(stop))
        return self._met_cache

    def _interval_met(self, time_interval):
        tmin = (Time(time_interval[0]) - self.time_ref).to_value("s")
        tmax = (Time(time_interval[1]) - self.time_ref).to_value("s")
        return float(tmin), float(tmax)

    def _new_from_met(self, start, stop):
        ref = self.time_ref
        table = Table(meta=dict(self.table.meta))
        table["START"] = ref + TimeDelta(np.asarray(start, dtype=float), format="sec")
        table["STOP"] = ref + TimeDelta(np.asarray(stop, dtype=float), format="sec")
        gti = self.__class__(table, reference_time=ref)
        gti._met_cache = (np.asarray(start, dtype=float), np.asarray(stop, dtype=float))
        return gti

    def select_time(self, time_interval):
        """Intersect the intervals with a time interval.

        Intervals are clipped to ``[time_interval[0], time_interval[1]]``; empty
        intervals are dropped. Intervals fully inside are kept unchanged (exact
        times).

        Parameters
        ----------
        time_interval : `~astropy.time.Time`
            ``[start, stop]``.

        Returns
        -------
        gti : `GTI`
            The selected intervals.
        """
        tmin, tmax = Time(time_interval[0]), Time(time_interval[1])
        start, stop = self.time_start, self.time_stop
        keep = (stop > tmin) & (start < tmax)
        start, stop = start[keep], stop[keep]
        if len(start):
            start = Time(start)
            stop = Time(stop)
            clip_start = start < tmin
            clip_stop = stop > tmax
            if clip_start.any():
                start[clip_start] = tmin
            if clip_stop.any():
                stop[clip_stop] = tmax
        table = Table(meta=dict(self.table.meta))
        table["START"] = start
        table["STOP"] = stop
        return self.__class__(table, reference_time=self.time_ref)

    def delete_interval(self, time_interval):
        """Remove a time interval from the GTIs, splitting intervals where needed.

        Parameters
        ----------
        time_interval : `~astropy.time.Time`
            ``[start, stop]`` to remove.

        Returns
        -------
        gti : `GTI`
            The remaining intervals.
        """
        tmin, tmax = self._interval_met(time_interval)
        start, stop = self._met()
        # part before the deleted interval and part after it
        before_start, before_stop = start, np.minimum(stop, tmin)
        after_start, after_stop = np.maximum(start, tmax), stop
        new_start = np.concatenate([before_start, after_start])
        new_stop = np.concatenate([before_stop, after_stop])
        order = np.concatenate([np.arange(len(start)), np.arange(len(start))])
        valid = new_stop > new_start
        new_start, new_stop, order = new_start[valid], new_stop[valid], order[valid]
        idx = np.lexsort((new_start, order))
        return self._new_from_met(new_start[idx], new_stop[idx])

    def union(self, overlap_ok=True, merge_equal=True):
        """Merge overlapping (and, optionally, touching) intervals.

        Parameters
        ----------
        overlap_ok : bool
            If False, raise `InvalidDataError` when intervals overlap.
        merge_equal : bool
            Also merge intervals that touch (stop of one equals start of the next).

        Returns
        -------
        gti : `GTI`
            Sorted, disjoint intervals.
        """
        start, stop = self._met()
        if len(start) == 0:
            return self.copy()
        order = np.argsort(start, kind="stable")
        start, stop = start[order], stop[order]
        running_stop = np.maximum.accumulate(stop)
        previous = running_stop[:-1]
        overlaps = start[1:] < previous
        if not overlap_ok and overlaps.any():
            raise InvalidDataError(
                "GTI intervals overlap; pass overlap_ok=True to merge them."
            )
        if merge_equal:
            new_group = start[1:] > previous
        else:
            new_group = start[1:] >= previous
        group_start_idx = np.concatenate([[0], np.nonzero(new_group)[0] + 1])
        group_stop_idx = np.concatenate([group_start_idx[1:] - 1, [len(start) - 1]])
        return self._new_from_met(start[group_start_idx], running_stop[group_stop_idx])

    def stack(self, other):
        """Append the intervals of another GTI in place (no merging; see `union`)."""
        start = Time(np.concatenate([self.time_start, other.time_start]))
        stop = Time(np.concatenate([self.time_stop, other.time_stop]))
        table = Table(meta=dict(self.table.meta))
        table["START"] = start
        table["STOP"] = stop
        met = None
        if other.time_ref == self.time_ref:
            (start1, stop1), (start2, stop2) = self._met(), other._met()
            met = (np.concatenate([start1, start2]), np.concatenate([stop1, stop2]))
        self.table = table
        self._met_cache = met

    @classmethod
    def from_stack(cls, gtis, **kwargs):
        """Stack a list of GTIs into one (reference time of the first).

        Parameters
        ----------
        gtis : list of `GTI`
            GTIs to stack.
        **kwargs : dict
            Ignored (compatibility).

        Returns
        -------
        gti : `GTI`
            Stacked intervals (not merged).
        """
        gtis = list(gtis)
        if not gtis:
            raise InvalidDataError("No GTI to stack.")
        stacked = gtis[0].copy()
        for gti in gtis[1:]:
            stacked.stack(gti)
        return stacked
