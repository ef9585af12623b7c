"""Table and FITS I/O of the DL5 containers.

Flux points are exchanged as GADF SED tables (FITS or ECSV): one row per
energy bin (``gadf-sed``), or one row per time bin (``lightcurve``) or per
projected-distance bin (``profile``) with the energy bins along a second column
dimension. Flux maps are written as one image HDU per quantity.
"""

import logging

import numpy as np
from astropy import units as u
from astropy.io import fits
from astropy.table import Table

from gammaray.maps import LabelMapAxis, MapAxis, RegionGeom, RegionNDMap
from gammaray.utils.errors import InvalidFileError, MissingColumnError
from gammaray.utils.paths import atomic_write, check_overwrite, make_path

from .utils import (
    DATASET_QUANTITIES,
    REQUIRED_COLUMNS,
    VALID_QUANTITIES,
    UnknownSEDTypeError,
    check_sed_type,
    conf_to_n_sigma,
    flat_if_equal,
    guess_sed_type,
    n_sigma_to_conf,
)

__all__ = [
    "TABLE_FORMATS",
    "table_to_maps",
    "flux_points_to_table",
    "guess_table_format",
    "default_likelihood_reference",
    "read_table",
    "write_table",
]

log = logging.getLogger(__name__)

#: Flux-point table formats and the column of their row axis.
TABLE_FORMATS = ("gadf-sed", "lightcurve", "profile")

#: Header keywords that are regenerated on write and not carried in ``meta``.
_GENERATED_KEYS = {
    "EXTNAME",
    "SED_TYPE",
    "UL_CONF",
    "MJDREFI",
    "MJDREFF",
    "TIMESYS",
    "TIMEUNIT",
    "TIMEREF",
    "CHECKSUM",
    "DATASUM",
}

_SED_PREFIXES = ("dnde", "e2dnde", "flux", "eflux")


# ---- reading -----------------------------------------------------------------------
def guess_table_format(colnames):
    """Table format from the column names: ``lightcurve``, ``profile`` or ``gadf-sed``."""
    if "time_min" in colnames:
        return "lightcurve"
    if "x_min" in colnames or "x_ref" in colnames:
        return "profile"
    return "gadf-sed"


def _column_array(column):
    """Column values with masked entries filled (NaN for floats, False for bools)."""
    data = column.data if hasattr(column, "data") else column
    if isinstance(data, np.ma.MaskedArray):
        kind = data.dtype.kind
        fill = np.nan if kind in "fc" else (False if kind == "b" else 0)
        data = data.filled(fill)
    return np.asarray(data)


def _column_unit(column):
    unit = getattr(column, "unit", None)
    if unit is None or isinstance(unit, u.UnrecognizedUnit):
        return u.dimensionless_unscaled
    return unit


def _row_axis(table, format):
    """Axis along the table rows (time or projected distance), None for ``gadf-sed``."""
    if format == "gadf-sed":
        return None
    if format == "lightcurve":
        from gammaray.maps import TimeMapAxis

        return TimeMapAxis.from_table(table, format="lightcurve")
    for col in ("x_min", "x_max"):
        if col not in table.colnames:
            raise MissingColumnError(
                f"Profile table lacks column {col!r}; profiles need x_min and x_max "
                f"(projected distance), got {table.colnames}."
            )
    lo = u.Quantity(_column_array(table["x_min"]), _column_unit(table["x_min"]))
    hi = u.Quantity(_column_array(table["x_max"]), _column_unit(table["x_max"]))
    edges = np.append(lo.value, hi.to_value(lo.unit)[-1]) * lo.unit
    return MapAxis.from_edges(edges, name="projected-distance", interp="lin")


def _energy_axis(table):
    if "e_min" not in table.colnames and "e_ref" not in table.colnames:
        raise MissingColumnError(
            "Flux-point table has no energy columns; it needs 'e_min' and 'e_max' "
            f"(and/or 'e_ref') with energy units; got columns {table.colnames}."
        )
    for name in ("e_ref", "e_min", "e_max"):
        if name in table.colnames:
            unit = _column_unit(table[name])
            if not unit.is_equivalent(u.TeV):
                raise InvalidFileError(
                    f"Column {name!r} has unit {unit!r}, not an energy; give it a unit "
                    "such as 'TeV'."
                )
    return MapAxis.from_table(table, format="gadf-sed")


def table_to_maps(table, format="gadf-sed"):
    """Convert a GADF SED / light-curve / profile table to region maps.

    Parameters
    ----------
    table : `~astropy.table.Table`
        Table.
    format : {"gadf-sed", "lightcurve", "profile"}
        Table format.

    Returns
    -------
    maps : dict of `~gammaray.maps.RegionNDMap`
        Maps keyed by column name, for every known quantity column
        (including the physical ``dnde``/``flux``... columns).
    """
    if format not in TABLE_FORMATS:
        raise InvalidFileError(
            f"Unknown flux-point table format {format!r}; use one of {list(TABLE_FORMATS)}."
        )
    energy_axis = _energy_axis(table)
    row_axis = _row_axis(table, format)
    base_axes = [energy_axis] + ([row_axis] if row_axis is not None else [])
    n_rows_expected = row_axis.nbin if row_axis is not None else energy_axis.nbin
    if len(table) != n_rows_expected:
        raise InvalidFileError(
            f"Table has {len(table)} rows but its axes imply {n_rows_expected}; check "
            f"that the energy/time columns are consistent (format={format!r})."
        )
    norm_axis = None
    if "norm_scan" in table.colnames:
        values = _column_array(table["norm_scan"])
        values = values.reshape(-1, values.shape[-1])
        norm_axis = MapAxis.from_nodes(values[0], name="norm", interp="lin")

    physical = []
    for prefix in _SED_PREFIXES:
        physical += [prefix] + [
            f"{prefix}{s}" for s in ("_err", "_errn", "_errp", "_ul", "_sensitivity")
        ]

    maps = {}
    for name in table.colnames:
        if name not in VALID_QUANTITIES and name not in physical:
            continue
        column = table[name]
        data = _column_array(column)
        axes = list(base_axes)
        if name in ("stat_scan", "norm_scan"):
            if norm_axis is None:
                raise MissingColumnError(
                    f"Column {name!r} needs the 'norm_scan' column to define the norm axis."
                )
            axes = [norm_axis] + axes
        elif name in DATASET_QUANTITIES:
            n_extra = data.size // max(len(table), 1)
            n_extra //= energy_axis.nbin if row_axis is not None else 1
            if n_extra > 1 or (data.ndim > (1 if row_axis is None else 2)):
                labels = [str(i) for i in range(max(n_extra, 1))]
                axes = [LabelMapAxis(labels, name="dataset")] + axes
        geom = RegionGeom.create(region=None, axes=axes)
        if data.size != int(np.prod(geom.data_shape)):
            raise InvalidFileError(
                f"Column {name!r} has shape {data.shape} which does not match the "
                f"axes {[ax.name for ax in axes]} of the table."
            )
        data = data.reshape(geom.data_shape)
        unit = "" if name in ("is_ul", "success") else _column_unit(column)
        maps[name] = RegionNDMap.from_geom(geom, data=data, unit=unit, dtype=data.dtype)
    return maps


def _single_bin_reference(e_ref, e_min, e_max, ref_dnde, ref_flux):
    """Power law through ``ref_dnde`` whose bin integral equals ``ref_flux``."""
    from scipy.optimize import brentq

    from gammaray.modeling.models import PowerLawSpectralModel

    index = 2.0
    if ref_flux is not None and e_min is not None and np.isfinite(ref_flux.value):
        target = (ref_flux / (ref_dnde * e_ref)).to_value("")
        lo, hi = (e_min / e_ref).to_value(""), (e_max / e_ref).to_value("")

        def func(gamma):
            if abs(gamma - 1) < 1e-10:
                return np.log(hi / lo) - target
            return (hi ** (1 - gamma) - lo ** (1 - gamma)) / (1 - gamma) - target

        # the bin integral is convex in the index with its minimum near 1 (for a
        # geometric-mean e_ref); prefer the soft solution, index > 1
        for bracket in ((1.0, 15.0), (-10.0, 1.0)):
            try:
                index = brentq(func, *bracket)
                break
            except ValueError:
                continue
    return PowerLawSpectralModel(index=index, amplitude=ref_dnde, reference=e_ref)


def default_likelihood_reference(table):
    """Reference model of a likelihood table without model: a template through ``ref_dnde``.

    With a single energy bin, a power law through ``ref_dnde`` whose bin
    integral reproduces ``ref_flux`` is used instead.
    """
    from gammaray.modeling.models import TemplateSpectralModel

    def get(name):
        if name not in table.colnames:
            return None
        values = u.Quantity(_column_array(table[name]), _column_unit(table[name]))
        values = flat_if_equal(values.reshape(len(table), -1))
        if values.ndim == 2:
            if values.shape[1] == 1:
                values = values[:, 0]
            else:
                log.warning(
                    "Reference columns differ between rows; using the first row for "
                    "the reference model."
                )
                values = values[0]
        return values

    energy, dnde = get("e_ref"), get("ref_dnde")
    if energy is None or dnde is None:
        raise MissingColumnError(
            "Likelihood tables need 'e_ref' and 'ref_dnde' columns (or pass "
            "reference_model=)."
        )
    if energy.size > 1 and np.unique(energy.value).size == energy.size:
        order = np.argsort(energy.value)
        return TemplateSpectralModel(energy=energy[order], values=dnde[order])
    e_min, e_max, flux = get("e_min"), get("e_max"), get("ref_flux")
    return _single_bin_reference(
        energy.ravel()[0],
        None if e_min is None else e_min.ravel()[0],
        None if e_max is None else e_max.ravel()[0],
        dnde.ravel()[0],
        None if flux is None else flux.ravel()[0],
    )


def table_meta(table):
    """FluxPoints metadata from table header keywords (``UL_CONF`` -> ``n_sigma_ul``)."""
    meta = {k: v for k, v in table.meta.items() if k not in _GENERATED_KEYS}
    meta.pop("comments", None)
    conf = table.meta.get("UL_CONF")
    if conf:
        meta["n_sigma_ul"] = conf_to_n_sigma(conf)
    meta["sed_type_init"] = table.meta.get("SED_TYPE")
    return meta


def resolve_sed_type(table, sed_type):
    """SED type from the argument, the ``SED_TYPE`` keyword or the columns."""
    if sed_type is None:
        sed_type = table.meta.get("SED_TYPE")
        if isinstance(sed_type, str):
            sed_type = sed_type.strip()
    if sed_type is None:
        sed_type = guess_sed_type(table.colnames)
    if sed_type is None:
        raise MissingColumnError(
            "Cannot determine the SED type: no SED_TYPE header keyword and the columns "
            f"{table.colnames} match none of the required sets {REQUIRED_COLUMNS}. "
            "Pass sed_type= explicitly."
        )
    try:
        check_sed_type(sed_type)
    except UnknownSEDTypeError:
        raise UnknownSEDTypeError(
            f"Unknown SED type {sed_type!r} (SED_TYPE keyword or sed_type argument); "
            "use one of 'likelihood', 'dnde', 'e2dnde', 'flux', 'eflux'."
        ) from None
    missing = [c for c in REQUIRED_COLUMNS[sed_type] if c not in table.colnames]
    if (
        sed_type in ("dnde", "e2dnde")
        and "e_ref" in missing
        and "e_min" in table.colnames
    ):
        missing.remove("e_ref")
    if missing:
        raise MissingColumnError(
            f"Table with sed_type {sed_type!r} lacks required column(s) {missing}; "
            f"got {table.colnames}."
        )
    return sed_type


def convert_loglike_columns(table):
    """Map GADF ``loglike`` columns onto the ``stat`` (= -2 log L) columns."""
    table = table.copy(copy_data=False)
    if "loglike" in table.colnames and "stat" not in table.colnames:
        table["stat"] = 2 * table["loglike"]
    if "loglike_null" in table.colnames and "stat_null" not in table.colnames:
        table["stat_null"] = 2 * table["loglike_null"]
    if "dloglike_scan" in table.colnames and "stat_scan" not in table.colnames:
        table["stat_scan"] = 2 * table["dloglike_scan"]
    return table


def read_table(filename, table_format="ascii.ecsv", checksum=False):
    """Read a flux-point table (FITS ``FLUXPOINTS`` HDU or ECSV) and its GTI.

    Returns
    -------
    table : `~astropy.table.Table`
        Table.
    gti : `~gammaray.data.GTI` or None
        GTI if the FITS file has a ``GTI`` HDU.
    """
    path = make_path(filename)
    if not path.exists():
        from gammaray.utils.errors import DataNotFoundError

        raise DataNotFoundError(f"Flux-point file {path} does not exist.")
    if not _is_fits(path):
        return Table.read(path, format=table_format), None
    from gammaray.data import GTI

    with fits.open(path, memmap=False, checksum=checksum) as hdulist:
        names = [hdu.name for hdu in hdulist]
        if "FLUXPOINTS" in names:
            table_hdu = hdulist["FLUXPOINTS"]
        else:
            tables = [h for h in hdulist[1:] if isinstance(h, fits.BinTableHDU)]
            if not tables:
                raise InvalidFileError(
                    f"File {path} has no table HDU with flux points."
                )
            table_hdu = tables[0]
        table = Table.read(table_hdu)
        gti = GTI.from_table_hdu(hdulist["GTI"]) if "GTI" in names else None
    return table, gti


def _is_fits(path):
    suffixes = [s.lower() for s in path.suffixes]
    return any(s in (".fits", ".fit", ".fts") for s in suffixes)


# ---- writing -----------------------------------------------------------------------
def _to_columns(m, row_name):
    """Map data with spatial dims dropped, ordered (row, energy, extra...)."""
    names = list(m.geom.axes.names)
    data = m.quantity if m.unit != u.dimensionless_unscaled else m.data
    data = data[..., 0, 0]
    dims = names[::-1]
    order = ([row_name] if row_name else []) + ["energy"]
    order += [n for n in dims if n not in order]
    return np.transpose(data, [dims.index(n) for n in order])


def flux_points_to_table(fp, sed_type=None, format="gadf-sed", formatted=False):
    """Convert flux points to a table (see `FluxPoints.to_table`)."""
    if sed_type is None:
        sed_type = fp.sed_type_init or "likelihood"
    check_sed_type(sed_type)
    if format not in TABLE_FORMATS:
        raise InvalidFileError(
            f"Unknown flux-point table format {format!r}; use one of {list(TABLE_FORMATS)}."
        )
    names = list(fp.geom.axes.names)
    row_name = {"lightcurve": "time", "profile": "projected-distance"}.get(format)
    allowed = {"energy"} | ({row_name} if row_name else set())
    if set(names) != allowed:
        raise ValueError(
            f"Format {format!r} needs flux points with axes {sorted(allowed)}; these "
            f"have {names}. Use format='lightcurve' for a time axis."
        )
    table = Table()
    n_rows = 1
    if row_name == "time":
        axis = fp.geom.axes["time"]
        table["time_min"] = axis.time_min.mjd
        table["time_max"] = axis.time_max.mjd
        n_rows = axis.nbin
    elif row_name:
        axis = fp.geom.axes[row_name]
        table["x_min"] = axis.edges_min
        table["x_max"] = axis.edges_max
        table["x_ref"] = axis.center
        n_rows = axis.nbin

    def put(name, values):
        values = u.Quantity(values)
        if row_name:
            flat = values.value.reshape(1, -1)
            values = u.Quantity(np.repeat(flat, n_rows, axis=0), values.unit)
        table[name] = values

    energy_axis = fp.energy_axis
    put("e_ref", energy_axis.center)
    if fp.is_convertible_to_flux_sed_type:
        put("e_min", energy_axis.edges_min)
        put("e_max", energy_axis.edges_max)
    if sed_type == "likelihood":
        put("ref_dnde", fp.dnde_ref.reshape(-1))
        put("ref_flux", fp.flux_ref.reshape(-1))
        put("ref_eflux", fp.eflux_ref.reshape(-1))

    stored = set(fp.available_quantities)
    for quantity in fp.all_quantities(sed_type):
        base = quantity
        for prefix in _SED_PREFIXES:
            if quantity == prefix or quantity.startswith(prefix + "_"):
                base = "norm" + quantity[len(prefix) :]
        if quantity == "is_ul":
            if not ("is_ul" in stored or fp.has_ul):
                continue
        elif quantity == "stat_scan" or base not in stored:
            continue
        table[quantity] = _to_columns(getattr(fp, quantity), row_name)
    if fp.has_stat_profiles:
        table["stat_scan"] = _to_columns(fp.stat_scan, row_name)
        table["norm_scan"] = _to_columns(fp.norm_scan, row_name)
    # move stat_scan after stat_null (GADF / Gammapy column order)
    if "stat_scan" in table.colnames and "is_ul" in table.colnames:
        cols = [c for c in table.colnames if c != "stat_scan"]
        cols.insert(cols.index("is_ul"), "stat_scan")
        table = table[cols]

    meta = {}
    meta["SED_TYPE"] = sed_type
    if fp.n_sigma_ul:
        meta["UL_CONF"] = n_sigma_to_conf(fp.n_sigma_ul)
    for key, value in fp.meta.items():
        if (
            isinstance(key, str)
            and key.isupper()
            and len(key) <= 8
            and key not in _GENERATED_KEYS
            and isinstance(value, (str, int, float, bool, np.number, np.bool_))
        ):
            meta[key] = value
    if row_name == "time":
        meta.update({"MJDREFI": 0, "MJDREFF": 0.0, "TIMESYS": "tt", "TIMEUNIT": "d"})
    table.meta.update(meta)
    if formatted:
        _format_table(table)
    return table


def _format_table(table):
    for column in table.colnames:
        if column.startswith(("dnde", "eflux", "flux", "e2dnde", "ref")):
            table[column].format = ".3e"
        elif column.startswith(
            ("e_min", "e_max", "e_ref", "sqrt_ts", "norm", "ts", "stat")
        ):
            table[column].format = ".3f"


def write_table(
    table,
    filename,
    gti=None,
    overwrite=False,
    checksum=False,
    table_format="ascii.ecsv",
):
    """Write a flux-point table atomically (FITS ``FLUXPOINTS`` + ``GTI`` HDUs, or ECSV)."""
    path = make_path(filename)
    check_overwrite(path, overwrite)
    with atomic_write(path, overwrite=overwrite) as tmp:
        if not _is_fits(path):
            table.write(tmp, format=table_format, overwrite=True)
            return
        hdu = fits.BinTableHDU(table, name="FLUXPOINTS")
        hdulist = fits.HDUList([fits.PrimaryHDU(), hdu])
        if gti is not None:
            hdulist.append(gti.to_table_hdu())
        hdulist.writeto(tmp, overwrite=True, checksum=checksum)


# ---- flux maps FITS ------------------------------------------------------------------
def flux_maps_to_hdulist(flux_maps, sed_type="likelihood"):
    """HDU list of flux maps: one HDU per quantity plus bands tables and GTI."""
    if sed_type is None:
        sed_type = flux_maps.sed_type_init or "likelihood"
    maps = flux_maps.to_maps(sed_type=sed_type)
    primary = fits.PrimaryHDU()
    primary.header["SED_TYPE"] = sed_type
    hdulist = fits.HDUList([primary])
    shared_axes = flux_maps.geom.axes
    written_bands = set()
    for name in maps:
        m = maps[name]
        hdu_name = name.upper()
        bands = "BANDS" if m.geom.axes == shared_axes else f"{hdu_name}_BANDS"
        parts = m.to_hdulist(hdu=hdu_name, hdu_bands=bands)
        for hdu in parts[1:]:
            if hdu.name in written_bands:
                continue
            if hdu.name == hdu_name:
                hdu.header["MAPNAME"] = name
            else:
                written_bands.add(hdu.name)
            hdulist.append(hdu)
    if flux_maps.gti is not None:
        hdulist.append(flux_maps.gti.to_table_hdu())
    return hdulist


def flux_maps_from_hdulist(hdulist, hdu_bands=None, sed_type=None):
    """Maps, SED type and GTI from an HDU list written by `flux_maps_to_hdulist`."""
    from gammaray.data import GTI
    from gammaray.maps import Map

    maps = {}
    for hdu in hdulist[1:]:
        name = hdu.name
        if name == "GTI" or name == "BANDS" or name.endswith(("_BANDS", "_REGION")):
            continue
        if isinstance(hdu, fits.BinTableHDU) and "MAPNAME" not in hdu.header:
            continue
        bands = hdu_bands or hdu.header.get("BANDSHDU")
        key = hdu.header.get("MAPNAME", name.lower())
        maps[key] = Map.from_hdulist(hdulist, hdu=name, hdu_bands=bands)
    if sed_type is None:
        sed_type = hdulist[0].header.get("SED_TYPE")
    gti = GTI.from_table_hdu(hdulist["GTI"]) if "GTI" in hdulist else None
    return maps, sed_type, gti


def _read_reference_model(filename):
    """First model of a YAML model file (via `Models.read` when available)."""
    import yaml

    from gammaray.modeling.models import SpectralModel

    path = make_path(filename)
    try:
        from gammaray.modeling.models import Models
    except ImportError:
        Models = None
    if Models is not None:
        return Models.read(path)[0]
    with open(path) as fh:
        data = yaml.safe_load(fh)
    components = data.get("components", [data]) if isinstance(data, dict) else data
    if not components or "spectral" not in components[0]:
        raise InvalidFileError(
            f"Model file {path} has no component with a spectral model."
        )
    return SpectralModel.from_dict(components[0]["spectral"])


def _write_reference_model(model, filename, overwrite):
    import yaml

    try:
        from gammaray.modeling.models import Models
    except ImportError:
        Models = None
    if Models is not None:
        Models([model]).write(filename, overwrite=overwrite, write_covariance=False)
        return
    spectral = getattr(model, "spectral_model", model)
    component = {"name": getattr(model, "name", "reference"), "type": "SkyModel"}
    component.update(spectral.to_dict())
    text = yaml.safe_dump({"components": [component]}, sort_keys=False)
    with atomic_write(filename, overwrite=overwrite, mode="w") as tmp:
        tmp.write_text(text)


def _default_model_filename(path):
    name = path.name
    for suffix in path.suffixes:
        name = name.replace(suffix, "")
    return path.parent / f"{name}_model.yaml"


def write_flux_maps(flux_maps, filename, filename_model, overwrite, sed_type, checksum):
    """Write flux maps and their reference model (see `FluxMaps.write`)."""
    path = make_path(filename)
    model_path = (
        _default_model_filename(path)
        if filename_model is None
        else make_path(filename_model)
    )
    check_overwrite(path, overwrite)
    check_overwrite(model_path, overwrite)
    hdulist = flux_maps_to_hdulist(flux_maps, sed_type=sed_type)
    hdulist[0].header["MODEL"] = model_path.as_posix()
    _write_reference_model(flux_maps.reference_model, model_path, overwrite)
    with atomic_write(path, overwrite=overwrite) as tmp:
        hdulist.writeto(tmp, overwrite=True, checksum=checksum)


def read_flux_maps(cls, filename, filename_model=None, format="gadf", checksum=False):
    """Read flux maps (see `FluxMaps.read`)."""
    if format != "gadf":
        raise InvalidFileError(f"Unknown flux maps format {format!r}; use 'gadf'.")
    path = make_path(filename)
    with fits.open(path, memmap=False, checksum=checksum) as hdulist:
        maps, sed_type, gti = flux_maps_from_hdulist(hdulist)
        model_file = filename_model or hdulist[0].header.get("MODEL")
    reference_model = None
    if model_file:
        model_path = make_path(model_file)
        if not model_path.is_absolute() and not model_path.exists():
            model_path = path.parent / model_path.name
        reference_model = _read_reference_model(model_path)
    return cls.from_maps(
        maps, sed_type=sed_type, reference_model=reference_model, gti=gti
    )
