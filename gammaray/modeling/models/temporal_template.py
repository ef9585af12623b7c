"""Tabulated temporal models: light-curve and phase-curve templates."""

import logging

import numpy as np
from astropy import units as u
from astropy.table import Table
from astropy.time import Time

from gammaray.utils.errors import InvalidModelError, MissingColumnError
from gammaray.utils.paths import make_path
from gammaray.utils.time import time_ref_from_dict, time_ref_to_dict

from ..parameter import Parameter
from .temporal import T_REF_DEFAULT, TemporalModel

__all__ = ["LightCurveTemplateTemporalModel", "TemplatePhaseCurveTemporalModel"]

log = logging.getLogger(__name__)


def _require_columns(table, names, what):
    missing = [n for n in names if n not in table.colnames]
    if missing:
        raise MissingColumnError(
            f"{what} table needs columns {names}; missing {missing} "
            f"(has {table.colnames})."
        )


class LightCurveTemplateTemporalModel(TemporalModel):
    """Light curve given as a table of norms, linearly interpolated in time.

    The norm is zero outside the tabulated time range.

    Parameters
    ----------
    map : `~gammaray.maps.RegionNDMap`
        Norm on a region geometry with a ``time`` axis (`~gammaray.maps.TimeMapAxis`).
    t_ref : `~astropy.time.Time`, optional
        Reference time (default: that of the time axis).
    filename : str, optional
        File name stored in the YAML.
    method : {"linear", "nearest"}
        Interpolation in time.
    """

    tag = ["LightCurveTemplateTemporalModel", "template"]
    t_ref = Parameter("t_ref", T_REF_DEFAULT.mjd, unit="d", frozen=True)

    def __init__(self, map, t_ref=None, filename=None, method="linear", **kwargs):
        if "time" not in map.geom.axes.names:
            raise InvalidModelError(
                f"Light-curve template map needs a 'time' axis, got {map.geom.axes.names}."
            )
        axis = map.geom.axes["time"]
        self.map = map
        self.filename = None if filename is None else str(filename)
        self.method = method
        self._time_mjd = axis.time_mid.tt.mjd
        data = np.asarray(map.quantity.to_value(""), dtype=float)
        # keep the time axis last, squash other non-spatial axes by taking the first bin
        idx = map.geom.axes.names.index("time")
        data = np.moveaxis(data.reshape(data.shape[: len(map.geom.axes)]), -1 - idx, -1)
        self._norm = data.reshape(-1, data.shape[-1])[0]
        if t_ref is None:
            t_ref = axis.reference_time
        t_ref = Time(t_ref)
        kwargs.setdefault("scale", t_ref.scale)
        t_ref = getattr(t_ref, kwargs["scale"])
        self.format = "table"
        super().__init__(t_ref=t_ref.mjd * u.d, **kwargs)

    @classmethod
    def from_table(cls, table, filename=None, **kwargs):
        """Create from a table with ``TIME`` and ``NORM`` columns.

        ``TIME`` is relative to the reference time of the table meta
        (``MJDREFI``/``MJDREFF``/``TIMESYS``, unit ``TIMEUNIT`` or the column
        unit, seconds by default).

        Parameters
        ----------
        table : `~astropy.table.Table`
            Table.
        filename : str, optional
            File name stored in the YAML.
        """
        from gammaray.maps import RegionGeom, RegionNDMap, TimeMapAxis

        _require_columns(table, ["TIME", "NORM"], "Light-curve template")
        meta = dict(table.meta)
        if not any(k in meta for k in ("MJDREFI", "MJDREF")):
            meta.update(time_ref_to_dict(T_REF_DEFAULT))
        t_ref = time_ref_from_dict(meta)
        col = table["TIME"]
        unit = col.unit or u.Unit(str(meta.get("TIMEUNIT", "s")))
        rel = u.Quantity(np.asarray(col, dtype=float), unit).to("d")
        if rel.size > 1:
            mid = 0.5 * (rel[1:] + rel[:-1])
            edges = np.concatenate(
                [[rel[0] - (mid[0] - rel[0])], mid, [rel[-1] + (rel[-1] - mid[-1])]]
            )
        else:
            edges = u.Quantity([rel[0].value - 0.5, rel[0].value + 0.5], "d")
        axis = TimeMapAxis(edges[:-1], edges[1:], reference_time=t_ref)
        geom = RegionGeom(region=None, axes=[axis])
        norm = np.asarray(table["NORM"], dtype=float)
        m = RegionNDMap.from_geom(geom, data=norm.reshape(geom.data_shape), dtype=float)
        model = cls(m, filename=filename, **kwargs)
        # use the exact node times (mid of the reconstructed bins equals them)
        model._time_mjd = (t_ref + rel).tt.mjd
        return model

    def to_table(self):
        """Table with ``TIME`` (s since the reference time) and ``NORM``."""
        t_ref = self.reference_time
        rel = (Time(self._time_mjd, format="mjd", scale="tt") - t_ref).to("s")
        table = Table()
        table["TIME"] = rel
        table["NORM"] = self._norm
        table.meta.update(time_ref_to_dict(t_ref))
        table.meta["TIMEUNIT"] = "s"
        return table

    @classmethod
    def read(cls, filename, format="table", **kwargs):
        """Read from a FITS table (``TIME``/``NORM``) or a region map with a time axis."""
        path = make_path(filename)
        if format == "table":
            table = Table.read(path)
            return cls.from_table(table, filename=filename, **kwargs)
        from gammaray.maps import RegionNDMap

        model = cls(RegionNDMap.read(path), filename=filename, **kwargs)
        model.format = "map"
        return model

    def write(self, filename=None, format="table", overwrite=False):
        """Write the template (as a table by default)."""
        from gammaray.utils.paths import atomic_write

        filename = filename or self.filename
        if filename is None:
            raise ValueError("No filename given; set `filename`.")
        path = make_path(filename)
        if format == "table":
            with atomic_write(path, overwrite=overwrite) as tmp:
                self.to_table().write(tmp, format="fits", overwrite=True)
        else:
            self.map.write(path, overwrite=overwrite)
        self.filename = str(filename)
        self.format = format

    def evaluate(self, time, t_ref=None):
        """Interpolated norm at ``time`` (MJD Quantity); zero outside the range."""
        mjd = np.asarray(u.Quantity(time, "d").value, dtype=float)
        nodes = self._time_mjd
        if self.method == "nearest":
            idx = np.clip(np.searchsorted(nodes, mjd), 0, len(nodes) - 1)
            values = self._norm[idx]
        else:
            values = np.interp(mjd, nodes, self._norm)
        return np.where((mjd < nodes[0]) | (mjd > nodes[-1]), 0.0, values)

    def _time_mjd_of(self, time):
        return u.Quantity(Time(time).tt.mjd, "d")

    def __call__(self, time, energy=None):
        """Norm at ``time`` (`~astropy.time.Time`)."""
        return self.evaluate(self._time_mjd_of(time))

    def _integral_mjd(self, t_min, t_max, oversampling_factor=100):
        # exact integral of the piecewise-linear curve (times in TT MJD)
        nodes, norm = self._time_mjd, self._norm
        cum = np.concatenate(
            [[0.0], np.cumsum(0.5 * (norm[1:] + norm[:-1]) * np.diff(nodes))]
        )

        def primitive(t):
            t = np.clip(t, nodes[0], nodes[-1])
            idx = np.clip(np.searchsorted(nodes, t) - 1, 0, max(len(nodes) - 2, 0))
            if len(nodes) < 2:
                return np.zeros_like(t)
            v = np.interp(t, nodes, norm)
            return cum[idx] + 0.5 * (norm[idx] + v) * (t - nodes[idx])

        return primitive(np.asarray(t_max)) - primitive(np.asarray(t_min))

    def integral(self, t_min, t_max, oversampling_factor=100, **kwargs):
        """Integral over intervals normalised by their total length (see `TemporalModel.integral`)."""
        lo = Time(t_min).tt.mjd
        hi = Time(t_max).tt.mjd
        integral = self._integral_mjd(np.ravel(lo), np.ravel(hi))
        return (integral / np.sum(np.ravel(hi) - np.ravel(lo))).reshape(np.shape(lo))

    def _time_mjd_for_sampling(self, time):
        return Time(time).tt.mjd

    def sample_time(self, n_events, t_min, t_max, t_delta="1 s", random_state=0):
        """Sample event times (see `TemporalModel.sample_time`)."""
        from gammaray.utils.random import get_random_state

        rng = get_random_state(random_state)
        lo, hi = Time(t_min).tt.mjd, Time(t_max).tt.mjd
        step = u.Quantity(t_delta).to_value("d")
        n_grid = max(int(np.ceil((hi - lo) / step)), 1)
        edges = np.linspace(lo, hi, n_grid + 1)
        weights = np.clip(self._integral_mjd(edges[:-1], edges[1:]), 0, None)
        cdf = np.concatenate([[0.0], np.cumsum(weights)])
        if cdf[-1] <= 0:
            raise ValueError("The light curve is zero over the sampling range.")
        cdf /= cdf[-1]
        mjd = np.interp(rng.uniform(size=int(n_events)), cdf, edges)
        return Time(mjd, format="mjd", scale="tt")

    def to_dict(self, full_output=False):
        """Model dict with ``filename``."""
        data = super().to_dict(full_output=full_output)
        data["temporal"]["filename"] = self.filename
        if self.format != "table":
            data["temporal"]["format"] = self.format
        return data

    @classmethod
    def _from_dict(cls, data, **kwargs):
        model = cls.read(data["filename"], format=data.get("format", "table"))
        if "scale" in data:
            model.scale = data["scale"]
        model._update_parameters_from_dict(data.get("parameters", []))
        return model


class TemplatePhaseCurveTemporalModel(TemporalModel):
    """Periodic light curve given as a phase curve (e.g. a pulsar).

    The phase is ``phi(t) = phi_ref + f0 dt + f1 dt^2 / 2 + f2 dt^3 / 6`` with
    ``dt = t - t_ref``; the norm is the tabulated ``NORM`` at ``phi mod 1``
    (linear interpolation, periodic).

    Parameters
    ----------
    table : `~astropy.table.Table`
        Table with ``PHASE`` (in [0, 1]) and ``NORM`` columns.
    filename : str, optional
        File name stored in the YAML.
    t_ref : `~astropy.units.Quantity`
        Reference time (MJD, ``d``).
    phi_ref : float
        Phase at ``t_ref``.
    f0, f1, f2 : `~astropy.units.Quantity`
        Frequency (``s-1``) and its derivatives (``s-2``, ``s-3``).
    """

    tag = ["TemplatePhaseCurveTemporalModel", "template-phase"]
    t_ref = Parameter("t_ref", T_REF_DEFAULT.mjd, unit="d", frozen=True)
    phi_ref = Parameter("phi_ref", 0.0, frozen=True)
    f0 = Parameter("f0", "29.946923 s-1", frozen=True)
    f1 = Parameter("f1", "0 s-2", frozen=True)
    f2 = Parameter("f2", "0 s-3", frozen=True)

    def __init__(self, table, filename=None, **kwargs):
        _require_columns(table, ["PHASE", "NORM"], "Phase-curve template")
        self.table = table
        self.filename = None if filename is None else str(filename)
        phase = np.asarray(table["PHASE"], dtype=float)
        norm = np.asarray(table["NORM"], dtype=float)
        order = np.argsort(phase)
        phase, norm = phase[order], norm[order]
        # close the period: value at phase 0 and 1 from the periodic neighbours
        p = np.concatenate([[phase[-1] - 1], phase, [phase[0] + 1]])
        n = np.concatenate([[norm[-1]], norm, [norm[0]]])
        self._phase, self._norm = p, n
        cum = np.concatenate([[0.0], np.cumsum(0.5 * (n[1:] + n[:-1]) * np.diff(p))])
        self._cum = cum
        self._cum0 = self._primitive_frac(np.array(0.0))
        self._period_integral = self._primitive_frac(np.array(1.0)) - self._cum0
        super().__init__(**kwargs)

    def _primitive_frac(self, x):
        p, n, cum = self._phase, self._norm, self._cum
        idx = np.clip(np.searchsorted(p, x) - 1, 0, len(p) - 2)
        v = np.interp(x, p, n)
        return cum[idx] + 0.5 * (n[idx] + v) * (x - p[idx])

    def _phase_of(self, mjd):
        dt = (np.asarray(mjd) - self.t_ref.quantity.to_value("d")) * 86400.0
        f0 = self.f0.quantity.to_value("s-1")
        f1 = self.f1.quantity.to_value("s-2")
        f2 = self.f2.quantity.to_value("s-3")
        return self.phi_ref.value + f0 * dt + f1 * dt**2 / 2 + f2 * dt**3 / 6

    def _phase_norm(self, phase):
        frac = np.mod(phase, 1.0)
        return np.interp(frac, self._phase, self._norm)

    def evaluate(self, time, t_ref, phi_ref, f0, f1, f2):
        """Norm at ``time`` (MJD Quantity)."""
        return self._phase_norm(self._phase_of(u.Quantity(time, "d").value))

    def _integral_mjd(self, t_min, t_max, oversampling_factor=100):
        if self.f1.value == 0 and self.f2.value == 0:
            # exact: integral over phase divided by the (constant) frequency
            def primitive(phase):
                whole = np.floor(phase)
                frac = phase - whole
                return (
                    whole * self._period_integral
                    + self._primitive_frac(frac)
                    - self._cum0
                )

            f0_per_day = self.f0.quantity.to_value("d-1")
            lo, hi = self._phase_of(t_min), self._phase_of(t_max)
            return (primitive(hi) - primitive(lo)) / f0_per_day
        return super()._integral_mjd(t_min, t_max, oversampling_factor)

    @classmethod
    def read(cls, path, t_ref=None, phi_ref=0, f0=None, f1=None, f2=None):
        """Read a phase curve table (``PHASE``/``NORM``) from a file.

        Parameters
        ----------
        path : str or `~pathlib.Path`
            File name.
        t_ref, phi_ref, f0, f1, f2 : optional
            Ephemeris parameters (defaults: the class defaults).
        """
        table = Table.read(make_path(path))
        kwargs = {
            k: v
            for k, v in dict(t_ref=t_ref, phi_ref=phi_ref, f0=f0, f1=f1, f2=f2).items()
            if v is not None
        }
        return cls(table, filename=str(path), **kwargs)

    def write(self, path=None, overwrite=False):
        """Write the phase curve table."""
        from gammaray.utils.paths import atomic_write

        path = path or self.filename
        if path is None:
            raise ValueError("No filename given; set `filename`.")
        with atomic_write(make_path(path), overwrite=overwrite) as tmp:
            self.table.write(tmp, format="fits", overwrite=True)
        self.filename = str(path)

    def to_dict(self, full_output=False):
        """Model dict with ``filename``."""
        data = super().to_dict(full_output=full_output)
        data["temporal"]["filename"] = self.filename
        return data

    @classmethod
    def _from_dict(cls, data, **kwargs):
        table = Table.read(make_path(data["filename"]))
        model = cls(table, filename=data["filename"])
        model._update_parameters_from_dict(data.get("parameters", []))
        return model
