"""`TimeMapAxis`: time intervals (contiguous or with gaps) relative to a reference time."""

import astropy.units as u
import numpy as np
from astropy.io import fits
from astropy.table import Table
from astropy.time import Time, TimeDelta

from gammaray.utils.errors import AxisError, MissingColumnError, UnitMismatchError
from gammaray.utils.time import time_ref_from_dict, time_ref_to_dict

from ._axis_utils import INVALID_INDEX, pix_to_idx_array, unique_in_order

__all__ = ["TimeMapAxis"]


def _as_time_quantity(value, unit=None, label="edges"):
    q = u.Quantity(value, unit) if unit is not None else u.Quantity(value)
    if q.unit == u.dimensionless_unscaled and not isinstance(value, u.Quantity):
        q = u.Quantity(q.value, "d")
    if not q.unit.is_equivalent("s"):
        raise UnitMismatchError(
            f"Time axis {label} must be a time Quantity, got unit {q.unit!r}."
        )
    return q


class TimeMapAxis:
    """Map axis of time intervals.

    Bins are intervals ``[reference_time + edges_min, reference_time + edges_max]``;
    they need not be contiguous (gaps are allowed) but must be sorted and must
    not overlap. Pixel ``i - 0.5 ... i + 0.5`` maps linearly onto bin ``i``;
    times in gaps have no pixel (NaN) and index ``-1``.

    Parameters
    ----------
    edges_min, edges_max : `~astropy.units.Quantity`
        Start and stop of each interval, relative to ``reference_time``.
    reference_time : `~astropy.time.Time`
        Reference time.
    name : str
        Axis name (default ``"time"``).
    interp : str
        Interpolation (only ``"lin"``).
    """

    node_type = "intervals"
    time_format = "iso"

    def __init__(self, edges_min, edges_max, reference_time, name="time", interp="lin"):
        if interp != "lin":
            raise AxisError(f"TimeMapAxis supports only interp='lin', got {interp!r}.")
        edges_min = _as_time_quantity(edges_min, label="edges_min")
        edges_max = _as_time_quantity(edges_max, label="edges_max").to(edges_min.unit)
        edges_min = np.atleast_1d(edges_min).astype(float)
        edges_max = np.atleast_1d(edges_max).astype(float)
        if (
            edges_min.shape != edges_max.shape
            or edges_min.ndim != 1
            or len(edges_min) == 0
        ):
            raise AxisError(
                "edges_min and edges_max must be one-dimensional with the same, non-zero "
                f"length; got shapes {edges_min.shape} and {edges_max.shape}."
            )
        if np.any(edges_max <= edges_min):
            raise AxisError("Time bins must have edges_max > edges_min.")
        if np.any(np.diff(edges_min.value) <= 0):
            raise AxisError(
                "Time bins must be sorted by start time (strictly increasing)."
            )
        if np.any(edges_min.value[1:] < edges_max.value[:-1]):
            raise AxisError("Time bins must not overlap.")
        self._edges_min = edges_min
        self._edges_max = edges_max
        self._reference_time = Time(reference_time)
        if not self._reference_time.isscalar:
            raise AxisError("reference_time must be a scalar Time.")
        self._name = name
        self._interp = interp

    # ------------------------------------------------------------------ factories
    @classmethod
    def from_time_edges(cls, time_min, time_max, unit="d", interp="lin", name="time"):
        """Axis from interval start and stop times.

        Parameters
        ----------
        time_min, time_max : `~astropy.time.Time`
            Start and stop of each interval.
        unit : str
            Unit of the relative edges.
        interp : str
            Interpolation (``"lin"``).
        name : str
            Axis name.
        """
        time_min, time_max = Time(time_min), Time(time_max)
        time_min, time_max = np.atleast_1d(time_min), np.atleast_1d(time_max)
        reference_time = Time(time_min[0], format="mjd")
        edges_min = (time_min - reference_time).to(unit)
        edges_max = (time_max - reference_time).to(unit)
        return cls(edges_min, edges_max, reference_time, interp=interp, name=name)

    @classmethod
    def from_time_bounds(cls, time_min, time_max, nbin, unit="d", name="time"):
        """Contiguous axis of ``nbin`` equal bins between two times.

        Parameters
        ----------
        time_min, time_max : `~astropy.time.Time`
            Bounds.
        nbin : int
            Number of bins.
        unit : str
            Unit of the relative edges.
        name : str
            Axis name.
        """
        nbin = int(nbin)
        if nbin < 1:
            raise AxisError(f"Number of bins must be positive, got {nbin}.")
        reference_time = Time(Time(time_min), format="mjd")
        duration = (Time(time_max) - reference_time).to_value(unit)
        if duration <= 0:
            raise AxisError("time_max must be later than time_min.")
        edges = np.linspace(0.0, duration, nbin + 1)
        return cls(
            u.Quantity(edges[:-1], unit),
            u.Quantity(edges[1:], unit),
            reference_time,
            name=name,
        )

    @classmethod
    def from_gti(cls, gti, name="time"):
        """Axis with one bin per good time interval.

        Parameters
        ----------
        gti : object
            Good time intervals with ``time_start`` and ``time_stop``
            (`~astropy.time.Time` arrays), e.g. `gammaray.data.GTI`.
        name : str
            Axis name.
        """
        return cls.from_time_edges(gti.time_start, gti.time_stop, name=name)

    @classmethod
    def from_gti_bounds(cls, gti, t_delta, name="time"):
        """Contiguous axis of bins of duration ``t_delta`` spanning the GTIs.

        Parameters
        ----------
        gti : object
            Good time intervals (``time_start``/``time_stop`` Time arrays).
        t_delta : `~astropy.units.Quantity`
            Bin duration; the number of bins is the total span divided by it,
            rounded down (at least one).
        name : str
            Axis name.
        """
        time_min = Time(gti.time_start).min()
        time_max = Time(gti.time_stop).max()
        span = (time_max - time_min).to_value("s")
        nbin = max(1, int(np.floor(span / u.Quantity(t_delta).to_value("s") + 1e-9)))
        return cls.from_time_bounds(time_min, time_max, nbin=nbin, name=name)

    # ------------------------------------------------------------------ properties
    @property
    def name(self):
        """Axis name (str)."""
        return self._name

    @property
    def interp(self):
        """Interpolation scale (``"lin"``)."""
        return self._interp

    @property
    def unit(self):
        """Unit of the relative edges."""
        return self._edges_min.unit

    @property
    def reference_time(self):
        """Reference time (`~astropy.time.Time`)."""
        return self._reference_time

    @property
    def nbin(self):
        """Number of time bins."""
        return len(self._edges_min)

    @property
    def edges_min(self):
        """Interval starts relative to the reference time (Quantity)."""
        return self._edges_min.copy()

    @property
    def edges_max(self):
        """Interval stops relative to the reference time (Quantity)."""
        return self._edges_max.copy()

    @property
    def edges(self):
        """Contiguous edges relative to the reference time (Quantity, ``nbin + 1``).

        Raises
        ------
        AxisError
            If the axis has gaps.
        """
        if not self.is_contiguous:
            raise AxisError(
                "Time axis has gaps; use edges_min/edges_max or to_contiguous()."
            )
        return np.append(self._edges_min, self._edges_max[-1:])

    @property
    def bounds(self):
        """First start and last stop relative to the reference time (Quantity)."""
        return u.Quantity([self._edges_min[0], self._edges_max[-1]])

    def _mid_quantity(self):
        return 0.5 * (self._edges_min + self._edges_max)

    @property
    def center(self):
        """Interval mid-points relative to the reference time (Quantity)."""
        return self._mid_quantity()

    @property
    def time_delta(self):
        """Interval durations (Quantity)."""
        return self._edges_max - self._edges_min

    @property
    def bin_width(self):
        """Interval durations (Quantity)."""
        return self.time_delta

    def _to_time(self, rel):
        return self._reference_time + TimeDelta(
            u.Quantity(rel).to_value("s"), format="sec"
        )

    @property
    def time_min(self):
        """Interval starts (`~astropy.time.Time`)."""
        return self._to_time(self._edges_min)

    @property
    def time_max(self):
        """Interval stops (`~astropy.time.Time`)."""
        return self._to_time(self._edges_max)

    @property
    def time_mid(self):
        """Interval mid-points (`~astropy.time.Time`)."""
        return self._to_time(self._mid_quantity())

    @property
    def time_bounds(self):
        """First start and last stop (`~astropy.time.Time`, shape (2,))."""
        return self._to_time(self.bounds)

    @property
    def time_edges(self):
        """Contiguous edges as `~astropy.time.Time` (``nbin + 1``); requires no gaps."""
        return self._to_time(self.edges)

    @property
    def is_contiguous(self):
        """Whether every interval starts where the previous one stopped (1 us tolerance)."""
        gaps = (self._edges_min[1:] - self._edges_max[:-1]).to_value("s")
        return bool(np.all(np.abs(gaps) < 1e-6))

    @property
    def is_energy_axis(self):
        """Always False."""
        return False

    @property
    def iter_by_edges(self):
        """Iterate over ``(time_min, time_max)`` pairs of `~astropy.time.Time`."""
        tmin, tmax = self.time_min, self.time_max
        for idx in range(self.nbin):
            yield tmin[idx], tmax[idx]

    # ------------------------------------------------------------------ conversions
    def _relative_value(self, coord):
        """Coordinates as float offsets from the reference time in the axis unit."""
        if isinstance(coord, Time):
            return (coord - self._reference_time).to_value(self.unit)
        if isinstance(coord, TimeDelta):
            return coord.to_value(self.unit)
        if isinstance(coord, u.Quantity):
            try:
                return coord.to_value(self.unit)
            except u.UnitConversionError as exc:
                raise UnitMismatchError(
                    f"Time coordinates must be Time or time Quantities, got unit {coord.unit!r}."
                ) from exc
        return np.asarray(coord, dtype=float)

    def _bin_of(self, value):
        """Bin index of relative times (``-1`` in gaps/outside) and validity mask."""
        value = np.asarray(value, dtype=float)
        starts = self._edges_min.value
        stops = self._edges_max.value
        # times within 1 microsecond of an edge count as on the edge (the
        # conversion Time -> offset is not bit-exact)
        tol = self._tolerance
        finite = np.isfinite(value)
        safe = np.where(finite, value, starts[0] - 1.0)
        idx = np.searchsorted(starts - tol, safe, side="right") - 1
        idx_c = np.clip(idx, 0, self.nbin - 1)
        valid = finite & (idx >= 0) & (safe <= stops[idx_c] + tol)
        return idx_c, valid

    @property
    def _tolerance(self):
        return 1e-6 * u.s.to(self.unit)

    def coord_to_pix(self, coord):
        """Pixel coordinates of times (NaN in gaps and outside the axis).

        Parameters
        ----------
        coord : `~astropy.time.Time`, `~astropy.units.Quantity` or array
            Times; Quantities / numbers are offsets from ``reference_time``.
        """
        value = self._relative_value(coord)
        idx, valid = self._bin_of(value)
        start = self._edges_min.value[idx]
        delta = self.time_delta.value[idx]
        with np.errstate(invalid="ignore"):
            pix = idx - 0.5 + np.clip((value - start) / delta, 0.0, 1.0)
        return np.where(valid, pix, np.nan)

    def coord_to_idx(self, coord, clip=False):
        """Bin indices of times: ``-1`` in gaps; outside the axis ``-1`` unless ``clip``.

        Parameters
        ----------
        coord : `~astropy.time.Time`, `~astropy.units.Quantity` or array
            Times.
        clip : bool
            Map times before the first / after the last bin to that bin.
        """
        value = np.asarray(self._relative_value(coord), dtype=float)
        idx, valid = self._bin_of(value)
        out = np.where(valid, idx, INVALID_INDEX)
        if clip:
            tol = self._tolerance
            out = np.where(value < self._edges_min.value[0] - tol, 0, out)
            out = np.where(value > self._edges_max.value[-1] + tol, self.nbin - 1, out)
        return out.astype(int)

    def pix_to_idx(self, pix, clip=False):
        """Bin indices of pixel coordinates (``-1`` outside unless ``clip``)."""
        return pix_to_idx_array(pix, self.nbin, clip=clip)

    def pix_to_coord(self, pix):
        """Times at pixel coordinates (`~astropy.time.Time`; NaN outside the axis)."""
        pix = np.asarray(pix, dtype=float)
        idx = self.pix_to_idx(pix)
        valid = idx >= 0
        idx_c = np.where(valid, idx, 0)
        frac = pix - idx_c + 0.5
        rel = self._edges_min.value[idx_c] + frac * self.time_delta.value[idx_c]
        rel = np.where(valid, rel, np.nan)
        return self._to_time(u.Quantity(rel, self.unit))

    # ------------------------------------------------------------------ manipulations
    def copy(self, **kwargs):
        """Copy with any of ``edges_min``, ``edges_max``, ``reference_time``, ``name``, ``interp`` replaced."""
        kwargs.setdefault("edges_min", self._edges_min)
        kwargs.setdefault("edges_max", self._edges_max)
        kwargs.setdefault("reference_time", self._reference_time)
        kwargs.setdefault("name", self._name)
        kwargs.setdefault("interp", self._interp)
        return self.__class__(**kwargs)

    def rename(self, new_name):
        """Copy with a new name."""
        return self.copy(name=new_name)

    def slice(self, idx):
        """Axis with a subset of the bins (slice, int or index array)."""
        if isinstance(idx, (int, np.integer)):
            idx = slice(int(idx), int(idx) + 1 if int(idx) != -1 else None)
        return self.copy(
            edges_min=np.atleast_1d(self._edges_min[idx]),
            edges_max=np.atleast_1d(self._edges_max[idx]),
        )

    def squash(self):
        """Axis with a single bin from the first start to the last stop."""
        return self.copy(edges_min=self._edges_min[:1], edges_max=self._edges_max[-1:])

    def downsample(self, factor, strict=True):
        """Axis merging every ``factor`` consecutive bins (gaps inside a merged bin are kept in it).

        Parameters
        ----------
        factor : int
            Number of bins merged.
        strict : bool
            Require ``nbin`` divisible by ``factor``; otherwise the last merged
            bin is partial.
        """
        factor = int(factor)
        if factor < 1:
            raise AxisError(f"Downsampling factor must be positive, got {factor}.")
        if self.nbin % factor and strict:
            raise AxisError(
                f"Number of time bins ({self.nbin}) is not divisible by {factor}; "
                "pass strict=False to keep a partial last bin."
            )
        starts = self._edges_min[::factor]
        stops = self._edges_max[factor - 1 :: factor]
        if len(stops) < len(starts):
            stops = np.append(stops, self._edges_max[-1:])
        return self.copy(edges_min=starts, edges_max=stops)

    def upsample(self, factor):
        """Axis with every bin split into ``factor`` equal bins."""
        factor = int(factor)
        if factor < 1:
            raise AxisError(f"Upsampling factor must be positive, got {factor}.")
        frac = np.arange(factor) / factor
        starts = self._edges_min[:, None] + frac * self.time_delta[:, None]
        stops = (
            self._edges_min[:, None] + (frac + 1.0 / factor) * self.time_delta[:, None]
        )
        stops[:, -1] = self._edges_max
        return self.copy(edges_min=starts.ravel(), edges_max=stops.ravel())

    def pad(self, *args, **kwargs):
        """Not supported for time axes."""
        raise NotImplementedError("Padding a TimeMapAxis is not supported.")

    def to_contiguous(self):
        """Contiguous axis in which every gap becomes a bin of its own."""
        values = np.concatenate([self._edges_min.value, self._edges_max.value])
        values = np.unique(values)
        keep = np.concatenate([[True], np.diff(values) > self._tolerance])
        edges = values[keep]
        edges[-1] = self._edges_max.value[-1]
        return self.copy(
            edges_min=u.Quantity(edges[:-1], self.unit),
            edges_max=u.Quantity(edges[1:], self.unit),
        )

    def group_table(self, interval_edges):
        """Groups of bins falling inside consecutive time intervals.

        Parameters
        ----------
        interval_edges : `~astropy.time.Time` or list of `~astropy.time.Time`
            Edges of the target intervals (consecutive pairs define an interval);
            Quantities are taken relative to the reference time.

        Returns
        -------
        groups : `~astropy.table.Table`
            Columns ``idx_min``, ``idx_max`` (inclusive bin indices of the bins
            fully inside the interval, ``-1`` if none), ``time_min``,
            ``time_max`` (MJD of the interval) and ``bin_type`` (``"normal   "``
            or ``"overflow"`` when no bin is inside).
        """
        if isinstance(interval_edges, Time):
            edges = np.atleast_1d(self._relative_value(interval_edges))
        else:
            edges = np.array(
                [np.ravel(self._relative_value(e))[0] for e in interval_edges]
            )
        lo, hi = edges[:-1, None], edges[1:, None]
        tol = self._tolerance
        inside = (self._edges_min.value >= lo - tol) & (
            self._edges_max.value <= hi + tol
        )
        has = inside.any(axis=1)
        idx_min = np.where(has, np.argmax(inside, axis=1), -1)
        idx_max = np.where(has, self.nbin - 1 - np.argmax(inside[:, ::-1], axis=1), -1)
        table = Table()
        table["idx_min"] = idx_min.astype(int)
        table["idx_max"] = idx_max.astype(int)
        table["time_min"] = self._to_time(u.Quantity(edges[:-1], self.unit)).mjd
        table["time_max"] = self._to_time(u.Quantity(edges[1:], self.unit)).mjd
        table["bin_type"] = np.where(has, "normal   ", "overflow ")
        return table

    # ------------------------------------------------------------------ comparisons
    def is_allclose(self, other, **kwargs):
        """Whether two time axes have the same bins (compared as absolute times).

        Keyword arguments (``rtol``, ``atol`` in seconds) go to `numpy.allclose`;
        default ``atol`` is 1 microsecond.
        """
        if not isinstance(other, TimeMapAxis) or self.nbin != other.nbin:
            return False
        kwargs.setdefault("atol", 1e-6)
        kwargs.setdefault("rtol", 0)
        shift = (other.reference_time - self.reference_time).to_value("s")
        mins = other._edges_min.to_value("s") + shift
        maxs = other._edges_max.to_value("s") + shift
        return bool(
            self.name.upper() == other.name.upper()
            and np.allclose(self._edges_min.to_value("s"), mins, **kwargs)
            and np.allclose(self._edges_max.to_value("s"), maxs, **kwargs)
        )

    def __eq__(self, other):
        if not isinstance(other, TimeMapAxis):
            return NotImplemented
        return self.is_allclose(other)

    def __hash__(self):
        return id(self)

    def __repr__(self):
        bounds = self.time_bounds
        return (
            f"TimeMapAxis\n\n"
            f"\tname       : {self.name}\n"
            f"\tnbins      : {self.nbin}\n"
            f"\treference  : {self._reference_time.isot} ({self._reference_time.scale})\n"
            f"\ttime min.  : {bounds[0].isot}\n"
            f"\ttime max.  : {bounds[1].isot}\n"
            f"\ttotal time : {np.sum(self.time_delta).to('h'):.4g}\n"
            f"\tcontiguous : {self.is_contiguous}\n"
        )

    # ------------------------------------------------------------------ plotting
    @property
    def as_plot_xerr(self):
        """Half interval durations on both sides, in days (Quantity)."""
        half = (0.5 * self.time_delta).to("d")
        return half, half

    @property
    def as_plot_center(self):
        """Interval mid-points (`~astropy.time.Time`)."""
        return self.time_mid

    @property
    def as_plot_edges(self):
        """Contiguous time edges (`~astropy.time.Time`)."""
        return self.time_edges

    @property
    def as_plot_labels(self):
        """Interval labels ``"<start> - <stop>"`` in ISO format (list of str)."""
        return [f"{a.iso} - {b.iso}" for a, b in zip(self.time_min, self.time_max)]

    def format_plot_xaxis(self, ax):
        """Label a matplotlib x axis with times in MJD."""
        ax.set_xlabel(f"Time [MJD, {self._reference_time.scale}]")
        return ax

    # ------------------------------------------------------------------ I/O
    def _reference_header(self):
        meta = time_ref_to_dict(self._reference_time, scale=self._reference_time.scale)
        meta["TIMEUNIT"] = self.unit.to_string()
        return meta

    def to_header(self, format="gadf", idx=0):
        """Header with ``AXCOLS<idx>``/``INTERP<idx>`` and the reference time keywords."""
        header = fits.Header()
        name = self.name.upper()
        header[f"AXCOLS{idx}"] = f"{name}_MIN,{name}_MAX"
        header[f"INTERP{idx}"] = self.interp
        header.update(self._reference_header())
        return header

    def to_table(self, format="gadf"):
        """Table of the axis.

        Parameters
        ----------
        format : {"gadf", "lightcurve"}
            ``"gadf"``: BANDS table with ``TIME_MIN``/``TIME_MAX`` relative to
            ``MJDREFI``/``MJDREFF`` in ``TIMEUNIT``; ``"lightcurve"``:
            ``time_min``/``time_max`` columns in MJD (``MJDREFI = 0``).
        """
        if format == "lightcurve":
            table = Table()
            table["time_min"] = self.time_min.mjd
            table["time_max"] = self.time_max.mjd
            table.meta.update(time_ref_to_dict(Time(0.0, format="mjd", scale="tt")))
            table.meta["TIMESYS"] = "tt"
            table.meta["TIMEUNIT"] = "d"
            return table
        from ._axis_axes import MapAxes

        return MapAxes([self]).to_table(format=format)

    @classmethod
    def from_table(cls, table, format="gadf", idx=0):
        """Axis from a table (``"gadf"`` BANDS or ``"lightcurve"`` format)."""
        if format == "lightcurve":
            for col in ("time_min", "time_max"):
                if col not in table.colnames:
                    raise MissingColumnError(f"Light curve table lacks column {col!r}.")
            meta = dict(table.meta)
            meta.setdefault("MJDREFI", 0)
            meta.setdefault("MJDREFF", 0.0)
            meta.setdefault("TIMESYS", "tt")
            unit = u.Unit(str(meta.get("TIMEUNIT", "d")).strip() or "d")
            reference_time = time_ref_from_dict(meta)
            edges_min = _column_time(table["time_min"], unit)
            edges_max = _column_time(table["time_max"], unit)
            mins, first = unique_in_order(edges_min.value)
            maxs = edges_max.value[first]
            return cls(
                u.Quantity(mins, edges_min.unit),
                u.Quantity(maxs, edges_min.unit),
                reference_time,
                name="time",
            )
        if format != "gadf":
            raise AxisError(
                f"TimeMapAxis supports formats 'gadf' and 'lightcurve', got {format!r}."
            )
        axcols = table.meta[f"AXCOLS{idx + 1}"]
        colnames = [c.strip() for c in str(axcols).split(",")]
        if len(colnames) != 2:
            raise AxisError(
                f"Time axis needs two columns in AXCOLS{idx + 1}, got {axcols!r}."
            )
        for col in colnames:
            if col not in table.colnames:
                raise MissingColumnError(f"BANDS table lacks time column {col!r}.")
        unit = u.Unit(str(table.meta.get("TIMEUNIT", "s")).strip() or "s")
        reference_time = time_ref_from_dict(table.meta)
        edges_min = _column_time(table[colnames[0]], unit)
        edges_max = _column_time(table[colnames[1]], unit).to(edges_min.unit)
        mins, first = unique_in_order(edges_min.value)
        maxs = edges_max.value[first]
        name = (
            colnames[0][: -len("_MIN")].lower()
            if colnames[0].endswith("_MIN")
            else "time"
        )
        return cls(
            u.Quantity(mins, edges_min.unit),
            u.Quantity(maxs, edges_min.unit),
            reference_time,
            name=name,
        )


def _column_time(column, default_unit):
    values = np.asarray(column, dtype=float)
    if values.ndim > 1:
        values = values[:, 0]
    unit = column.unit if column.unit is not None else default_unit
    return u.Quantity(values, unit)
