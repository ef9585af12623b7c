"""FITS table/header I/O of `MapAxis` (OGIP, Fermi, GADF BANDS and DL3 formats)."""

import astropy.units as u
import numpy as np
from astropy.io import fits
from astropy.table import Table

from gammaray.utils.errors import AxisError, MissingColumnError

from ._axis_utils import (
    IRF_DL3_AXES_SPECIFICATION,
    column_quantity,
    edges_from_lo_hi,
    unique_in_order,
)

__all__ = [
    "map_axis_to_header",
    "map_axis_to_table",
    "map_axis_to_table_hdu",
    "map_axis_from_table",
    "gadf_column_names",
    "channel_dtype",
]


def channel_dtype(n):
    """Integer dtype of a CHANNEL column with ``n`` rows (int16 as Gammapy/OGIP if it fits)."""
    return np.int16 if n <= np.iinfo(np.int16).max + 1 else np.int32


def gadf_column_names(axis):
    """Centre, min and max column names of an axis in a GADF BANDS table."""
    name = axis.name.upper()
    if name == "ENERGY":
        return "ENERGY", "E_MIN", "E_MAX"
    return name, f"{name}_MIN", f"{name}_MAX"


def map_axis_to_header(axis, format="gadf", idx=0):
    """Header keywords ``AXCOLS<idx>``/``INTERP<idx>`` of a `MapAxis`."""
    header = fits.Header()
    if format in ("gadf", "fgst-ccube", "fgst-template"):
        center, col_min, col_max = gadf_column_names(axis)
        key = f"AXCOLS{idx}"
        if axis.node_type == "edges":
            header[key] = f"{col_min},{col_max}"
        else:
            header[key] = center
        header[f"INTERP{idx}"] = axis.interp
    elif format in ("ogip", "ogip-sherpa", "ogip-arf", "ogip-arf-sherpa"):
        header["EXTNAME"] = "EBOUNDS"
        header["TELESCOP"] = "DUMMY"
        header["INSTRUME"] = "DUMMY"
        header["FILTER"] = "None"
        header["CHANTYPE"] = "PHA"
        header["DETCHANS"] = axis.nbin
        header["HDUCLASS"] = "OGIP"
        header["HDUCLAS1"] = "RESPONSE"
        header["HDUCLAS2"] = "EBOUNDS"
        header["HDUVERS"] = "1.2.0"
    else:
        raise AxisError(f"Unknown axis header format {format!r}.")
    return header


def map_axis_to_table(axis, format="ogip"):
    """Table of a `MapAxis` in the given format (see `MapAxis.to_table`)."""
    table = Table()
    edges = axis.edges
    if format in ("ogip", "ogip-sherpa", "fgst-ccube"):
        if not axis.name.startswith("energy"):
            axis.assert_name("energy")
        if format in ("ogip-sherpa", "fgst-ccube"):
            edges = edges.to("keV")
        start = 1 if format == "fgst-ccube" else 0
        table["CHANNEL"] = np.arange(start, axis.nbin + start, dtype=np.int16)
        table["E_MIN"] = edges[:-1]
        table["E_MAX"] = edges[1:]
    elif format in ("ogip-arf", "ogip-arf-sherpa"):
        if not axis.name.startswith("energy"):
            axis.assert_name("energy_true")
        if format == "ogip-arf-sherpa":
            edges = edges.to("keV")
        table["ENERG_LO"] = edges[:-1]
        table["ENERG_HI"] = edges[1:]
    elif format == "fgst-template":
        table["ENERGY"] = axis.center.to("MeV")
    elif format in ("gadf-sed", "lightcurve", "profile"):
        if axis.is_energy_axis:
            table["e_ref"] = axis.center
            table["e_min"] = axis.edges_min
            table["e_max"] = axis.edges_max
        else:
            name = axis.name
            table[f"{name}_ref"] = axis.center
            table[f"{name}_min"] = axis.edges_min
            table[f"{name}_max"] = axis.edges_max
    elif format == "gadf-dl3":
        column_prefix = _dl3_prefix(axis)
        if axis.node_type == "edges":
            lo, hi = axis.edges_min, axis.edges_max
        else:
            lo = hi = axis.center
        table[f"{column_prefix}_LO"] = lo[np.newaxis]
        table[f"{column_prefix}_HI"] = hi[np.newaxis]
    elif format == "gtpsf":
        if axis.name == "energy_true":
            table["Energy"] = axis.center.to("MeV")
        elif axis.name == "rad":
            table["Theta"] = axis.center.to("deg")
        else:
            raise AxisError(f"Axis {axis.name!r} is not supported in 'gtpsf' format.")
    elif format == "gadf":
        from ._axis_axes import MapAxes

        return MapAxes([axis]).to_table(format="gadf")
    else:
        raise AxisError(
            f"Unknown axis table format {format!r}; use 'ogip', 'ogip-arf', 'gadf', "
            "'gadf-dl3', 'gadf-sed', 'fgst-ccube' or 'fgst-template'."
        )
    return table


def _dl3_prefix(axis):
    if axis.name == "energy":
        return "ENERG"
    for prefix, spec in IRF_DL3_AXES_SPECIFICATION.items():
        if spec["name"] == axis.name:
            return prefix
    raise AxisError(
        f"Axis {axis.name!r} has no GADF DL3 column name; known axes: "
        f"{sorted({s['name'] for s in IRF_DL3_AXES_SPECIFICATION.values()})}."
    )


def map_axis_to_table_hdu(axis, format="ogip"):
    """`~astropy.io.fits.BinTableHDU` of an energy axis (``EBOUNDS``, ``SPECRESP``, ...)."""
    if format in ("ogip", "ogip-sherpa", "fgst-ccube"):
        name = "EBOUNDS"
    elif format in ("ogip-arf", "ogip-arf-sherpa"):
        name = "SPECRESP"
    elif format == "fgst-template":
        name = "ENERGIES"
    else:
        raise AxisError(
            f"Unknown axis HDU format {format!r}; use 'ogip' or 'ogip-arf'."
        )
    table = map_axis_to_table(axis, format=format)
    hdu = fits.BinTableHDU(table, name=name)
    if format in ("ogip", "ogip-sherpa"):
        for key, value in map_axis_to_header(axis, format="ogip").items():
            if key != "EXTNAME":
                hdu.header[key] = value
    return hdu


def _require(table, names):
    missing = [name for name in names if name not in table.colnames]
    if missing:
        raise MissingColumnError(
            f"Table lacks column(s) {missing} needed to define the axis; "
            f"available: {table.colnames}."
        )


def map_axis_from_table(cls, table, format="ogip", idx=0, column_prefix=None):
    """`MapAxis` from a table (see `MapAxis.from_table`)."""
    if format in ("ogip", "ogip-sherpa", "fgst-ccube"):
        _require(table, ["E_MIN", "E_MAX"])
        lo = column_quantity(table, "E_MIN", "keV")
        hi = column_quantity(table, "E_MAX", "keV")
        return cls.from_edges(edges_from_lo_hi(lo, hi), interp="log", name="energy")
    if format in ("ogip-arf", "ogip-arf-sherpa"):
        _require(table, ["ENERG_LO", "ENERG_HI"])
        lo = column_quantity(table, "ENERG_LO", "keV")
        hi = column_quantity(table, "ENERG_HI", "keV")
        return cls.from_edges(
            edges_from_lo_hi(lo, hi), interp="log", name="energy_true"
        )
    if format == "fgst-template":
        for colname in ("Energy", "ENERGY", "energy"):
            if colname in table.colnames:
                nodes = column_quantity(table, colname, "MeV")
                return cls.from_nodes(nodes, interp="log", name="energy_true")
        raise MissingColumnError(
            f"Table lacks an 'ENERGY' column for format 'fgst-template'; got {table.colnames}."
        )
    if format in ("gadf-sed", "lightcurve", "profile"):
        if "e_min" in table.colnames and "e_max" in table.colnames:
            lo = _first_col(table, "e_min")
            hi = _first_col(table, "e_max")
            lo_u, _ = unique_in_order(lo.value)
            hi_u, _ = unique_in_order(hi.to_value(lo.unit))
            edges = u.Quantity(np.append(lo_u, hi_u[-1]), lo.unit)
            return cls.from_edges(edges, interp="log", name="energy")
        if "e_ref" in table.colnames:
            ref = _first_col(table, "e_ref")
            nodes, _ = unique_in_order(ref.value)
            return cls.from_nodes(
                u.Quantity(nodes, ref.unit), interp="log", name="energy"
            )
        raise MissingColumnError(
            f"Table lacks e_min/e_max or e_ref columns for format {format!r}."
        )
    if format == "gadf-dl3":
        return _from_dl3(cls, table, column_prefix)
    if format == "gadf":
        return _from_gadf_bands(cls, table, idx)
    raise AxisError(
        f"Unknown axis table format {format!r}; use 'ogip', 'ogip-arf', 'gadf', "
        "'gadf-dl3', 'gadf-sed', 'fgst-ccube' or 'fgst-template'."
    )


def _first_col(table, name):
    q = column_quantity(table, name)
    value = q.value
    if value.ndim > 1:
        # light-curve tables: one row per time bin, energy along the second dimension
        value = value.reshape(value.shape[0], -1)[0]
    return u.Quantity(value, q.unit)


def _from_dl3(cls, table, column_prefix):
    if column_prefix is None:
        raise AxisError("Format 'gadf-dl3' needs a column_prefix, e.g. 'ENERG'.")
    spec = IRF_DL3_AXES_SPECIFICATION.get(column_prefix)
    if spec is None:
        raise AxisError(
            f"Unknown DL3 column prefix {column_prefix!r}; known: "
            f"{list(IRF_DL3_AXES_SPECIFICATION)}."
        )
    names = [f"{column_prefix}_LO", f"{column_prefix}_HI"]
    _require(table, names)
    lo = column_quantity(table, names[0])
    hi = column_quantity(table, names[1]).to(lo.unit)
    lo, hi = lo.reshape(lo.shape[0], -1)[0], hi.reshape(hi.shape[0], -1)[0]
    if np.allclose(lo.value, hi.value):
        return cls.from_nodes(lo, interp=spec["interp"], name=spec["name"])
    return cls.from_edges(
        edges_from_lo_hi(lo, hi), interp=spec["interp"], name=spec["name"]
    )


def gadf_axis_columns(table, idx):
    """Column names listed in ``AXCOLS<idx+1>`` of a BANDS table (list of str)."""
    axcols = table.meta.get(f"AXCOLS{idx + 1}")
    if axcols is None:
        raise KeyError(f"AXCOLS{idx + 1}")
    return [c.strip() for c in str(axcols).split(",")]


def gadf_axis_name(colnames):
    """Axis name from the BANDS column names (``E_MIN`` -> ``"energy"``)."""
    first = colnames[0]
    if first in ("E_MIN", "ENERGY"):
        return "energy"
    if len(colnames) > 1 and first.endswith("_MIN"):
        first = first[: -len("_MIN")]
    return first.lower()


def _from_gadf_bands(cls, table, idx):
    colnames = gadf_axis_columns(table, idx)
    _require(table, colnames)
    name = gadf_axis_name(colnames)
    default_interp = "log" if name.startswith("energy") else "lin"
    interp = str(table.meta.get(f"INTERP{idx + 1}", default_interp)).strip()
    if len(colnames) == 1:
        q = column_quantity(table, colnames[0])
        nodes, _ = unique_in_order(q.value)
        return cls.from_nodes(u.Quantity(nodes, q.unit), interp=interp, name=name)
    lo = column_quantity(table, colnames[0])
    hi = column_quantity(table, colnames[1]).to(lo.unit)
    lo_u, first = unique_in_order(lo.value)
    edges = np.append(lo_u, hi.value[first][-1])
    return cls.from_edges(u.Quantity(edges, lo.unit), interp=interp, name=name)
