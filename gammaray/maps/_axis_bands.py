"""GADF ``BANDS`` tables (and the other table formats) for `MapAxes`."""

import astropy.units as u
import numpy as np
from astropy.table import Table

from gammaray.utils.errors import AxisError, MissingColumnError

from ._axis_io import channel_dtype, gadf_axis_columns, gadf_column_names
from ._axis_map import MapAxis
from ._axis_utils import IRF_DL3_AXES_SPECIFICATION

__all__ = ["axes_to_table", "axes_from_table"]

_SINGLE_ENERGY_FORMATS = (
    "ogip",
    "ogip-sherpa",
    "ogip-arf",
    "ogip-arf-sherpa",
    "fgst-ccube",
    "fgst-template",
)


def _energy_axis(axes):
    for ax in axes:
        if ax.name.startswith("energy"):
            return ax
    raise AxisError(f"Format needs an energy axis, got axes {axes.names}.")


def _float32_exact(values):
    """True if every value is exactly representable in float32."""
    values = np.asarray(values, dtype=float)
    return bool(np.all(values.astype(np.float32).astype(float) == values))


def _bands_column_dtype(ax):
    """float32 (as in Gammapy-written files) when the axis' defining values
    (edges, or centres for node axes) survive float32 exactly, else float64."""
    values = ax.edges if ax.node_type == "edges" else ax.center
    return np.float32 if _float32_exact(u.Quantity(values).value) else np.float64


def _bands_index_grid(shape):
    """Per-axis bin index of every BANDS row (axis 0 varies fastest)."""
    n = int(np.prod(shape)) if len(shape) else 1
    grid = np.unravel_index(np.arange(n), tuple(shape[::-1])) if len(shape) else ()
    return n, [grid[len(shape) - 1 - i] for i in range(len(shape))]


def axes_to_table(axes, format="gadf"):
    """Table of `MapAxes` in the given format (see `MapAxes.to_table`)."""
    if format in _SINGLE_ENERGY_FORMATS:
        return _energy_axis(axes).to_table(format=format)
    if format == "lightcurve":
        return _lightcurve_table(axes)
    if format in ("gadf-sed", "profile"):
        table = Table()
        for ax in axes:
            sub = ax.to_table(format=format)
            for name in sub.colnames:
                table[name] = sub[name]
            table.meta.update(sub.meta)
        return table
    if format == "gadf-dl3":
        table = Table()
        for ax in axes:
            sub = ax.to_table(format="gadf-dl3")
            for name in sub.colnames:
                table[name] = sub[name]
        return table
    if format != "gadf":
        raise AxisError(
            f"Unknown axes table format {format!r}; use 'gadf', 'ogip', 'ogip-arf', "
            "'fgst-ccube', 'fgst-template', 'gadf-dl3' or 'gadf-sed'."
        )
    n, grid = _bands_index_grid(axes.shape)
    table = Table()
    table["CHANNEL"] = np.arange(n, dtype=channel_dtype(n))
    for idx, (ax, ax_idx) in enumerate(zip(axes, grid)):
        table.meta.update(ax.to_header(format="gadf", idx=idx + 1))
        kind = type(ax).__name__
        if kind == "LabelMapAxis":
            table[ax.name.upper()] = np.asarray(ax.center)[ax_idx]
        elif kind == "TimeMapAxis":
            name = ax.name.upper()
            table[name] = ax.center[ax_idx]
            table[f"{name}_MIN"] = ax.edges_min[ax_idx]
            table[f"{name}_MAX"] = ax.edges_max[ax_idx]
        else:
            c_name, min_name, max_name = gadf_column_names(ax)
            dtype = _bands_column_dtype(ax)
            table[c_name] = ax.center[ax_idx].astype(dtype)
            table[min_name] = ax.edges_min[ax_idx].astype(dtype)
            table[max_name] = ax.edges_max[ax_idx].astype(dtype)
    return table


def _lightcurve_table(axes):
    """Light-curve table: one row per time bin, energy columns of shape (n_time, n_energy)."""
    time = axes["time"]
    table = time.to_table(format="lightcurve")
    others = [ax for ax in axes if ax.name != "time"]
    for ax in others:
        sub = ax.to_table(format="gadf-sed")
        for name in sub.colnames:
            values = np.asarray(sub[name])
            table[name] = u.Quantity(np.tile(values, (time.nbin, 1)), sub[name].unit)
    return table


def _read_gadf_axis(table, idx):
    from ._axis_label import LabelMapAxis
    from ._axis_time import TimeMapAxis

    colnames = gadf_axis_columns(table, idx)
    missing = [c for c in colnames if c not in table.colnames]
    if missing:
        raise MissingColumnError(
            f"BANDS table lacks column(s) {missing} named in AXCOLS{idx + 1}; "
            f"available: {table.colnames}."
        )
    col = table[colnames[0]]
    if col.dtype.kind in ("U", "S", "O"):
        return LabelMapAxis.from_table(table, format="gadf", idx=idx)
    base = colnames[0][: -len("_MIN")] if colnames[0].endswith("_MIN") else colnames[0]
    if base.upper() == "TIME":
        return TimeMapAxis.from_table(table, format="gadf", idx=idx)
    return MapAxis.from_table(table, format="gadf", idx=idx)


def axes_from_table(cls, table, format="gadf"):
    """`MapAxes` from a table (see `MapAxes.from_table`)."""
    axes = []
    if format in _SINGLE_ENERGY_FORMATS:
        axes.append(MapAxis.from_table(table, format=format))
    elif format == "gadf":
        if "AXCOLS1" not in table.meta:
            # legacy BANDS/EBOUNDS/ENERGIES tables without AXCOLS keywords
            if "E_MIN" in table.colnames and "E_MAX" in table.colnames:
                axes.append(MapAxis.from_table(table, format="fgst-ccube"))
            elif any(c in table.colnames for c in ("ENERGY", "Energy", "energy")):
                axes.append(MapAxis.from_table(table, format="fgst-template"))
            else:
                raise MissingColumnError(
                    "BANDS table has no AXCOLS1 keyword and no E_MIN/E_MAX or ENERGY "
                    f"columns; cannot define the axes. Columns: {table.colnames}."
                )
        else:
            idx = 0
            while f"AXCOLS{idx + 1}" in table.meta:
                axes.append(_read_gadf_axis(table, idx))
                idx += 1
    elif format == "gadf-dl3":
        for prefix in IRF_DL3_AXES_SPECIFICATION:
            if f"{prefix}_LO" in table.colnames:
                axes.append(
                    MapAxis.from_table(table, format="gadf-dl3", column_prefix=prefix)
                )
    elif format in ("gadf-sed", "profile"):
        axes.append(MapAxis.from_table(table, format="gadf-sed"))
    elif format == "lightcurve":
        from ._axis_time import TimeMapAxis

        axes.append(MapAxis.from_table(table, format="gadf-sed"))
        axes.append(TimeMapAxis.from_table(table, format="lightcurve"))
    else:
        raise AxisError(
            f"Unknown axes table format {format!r}; use 'gadf', 'ogip', 'ogip-arf', "
            "'fgst-ccube', 'fgst-template', 'gadf-dl3', 'gadf-sed' or 'lightcurve'."
        )
    return cls(axes)
