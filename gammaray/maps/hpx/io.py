"""FITS input/output of HEALPix geometries and maps (GADF and Fermi-LAT conventions).

A HEALPix map is a ``BinTableHDU`` with the keywords ``PIXTYPE='HEALPIX'``,
``ORDERING`` (``RING``/``NESTED``), ``NSIDE``, ``ORDER``, ``COORDSYS``
(``CEL``/``GAL``) and ``INDXSCHM``: ``IMPLICIT`` (all-sky, row = pixel),
``EXPLICIT``/``PARTIAL`` (a ``PIX`` column holds the global pixel index of each
row) or ``SPARSE`` (columns ``PIX``, ``CHANNEL``, ``VALUE``). Partial-sky maps
defined by a region carry it in ``HPX_REG``. Data are in columns ``CHANNEL1..N``
(one per non-spatial bin) or a single vector column; non-spatial axes are in a
bands table (``BANDS`` for GADF, ``EBOUNDS`` or ``ENERGIES`` for Fermi-LAT files).
"""

import logging
import warnings

import numpy as np
from astropy.io import fits

from gammaray.utils.errors import FormatWarning, InvalidFileError, MissingHDUError

from .utils import coordsys_to_frame, frame_to_coordsys, order_to_nside

__all__ = [
    "HPX_FITS_CONVENTIONS",
    "find_hpx_hdu",
    "find_bands_hdu",
    "identify_hpx_format",
]

log = logging.getLogger(__name__)

#: format -> (column prefix, HDU name, bands HDU name, default unit)
HPX_FITS_CONVENTIONS = {
    "gadf": ("CHANNEL", "SKYMAP", "BANDS", ""),
    "fgst-ccube": ("CHANNEL", "SKYMAP", "EBOUNDS", ""),
    "fgst-template": ("CHANNEL", "SKYMAP", "ENERGIES", ""),
    "fgst-srcmap": ("CHANNEL", "SKYMAP", "ENERGIES", ""),
    "fgst-bexpcube": ("ENERGY", "HPXEXPOSURES", "ENERGIES", "cm2 s"),
}

_FORMATS_ENERGIES = ("fgst-template", "fgst-srcmap", "fgst-bexpcube")

_DTYPE_TO_TFORM = {
    "f4": "E",
    "f8": "D",
    "i2": "I",
    "i4": "J",
    "i8": "K",
    "u1": "B",
    "b1": "L",
}


def _check_format(format):
    if format is None:
        return "gadf"
    key = str(format).lower()
    if key not in HPX_FITS_CONVENTIONS:
        raise ValueError(
            f"Unknown HEALPix FITS format {format!r}; choose from "
            f"{sorted(HPX_FITS_CONVENTIONS)}."
        )
    return key


def is_hpx_hdu(hdu):
    """True if ``hdu`` is a binary table with ``PIXTYPE='HEALPIX'``."""
    return isinstance(hdu, fits.BinTableHDU) and (
        str(hdu.header.get("PIXTYPE", "")).strip().upper() == "HEALPIX"
    )


def find_hpx_hdu(hdulist, hdu=None):
    """Return the HEALPix table HDU of an HDU list.

    Parameters
    ----------
    hdulist : `~astropy.io.fits.HDUList`
        HDU list.
    hdu : str or int, optional
        Name or index of the HDU; the first HEALPix table if None.

    Returns
    -------
    hdu : `~astropy.io.fits.BinTableHDU`
        The HDU.
    """
    names = [h.name for h in hdulist]
    if hdu is not None:
        try:
            found = hdulist[hdu]
        except (KeyError, IndexError):
            raise MissingHDUError(
                f"HDU {hdu!r} not found; the file has HDUs {names}."
            ) from None
        if not is_hpx_hdu(found):
            raise InvalidFileError(
                f"HDU {hdu!r} is not a HEALPix table (no PIXTYPE='HEALPIX')."
            )
        return found
    for candidate in hdulist:
        if is_hpx_hdu(candidate):
            return candidate
    raise MissingHDUError(
        f"No HEALPix table (PIXTYPE='HEALPIX') found among HDUs {names}."
    )


def identify_hpx_format(hdulist, hdu):
    """Identify the HEALPix convention of a map HDU.

    Returns
    -------
    format : str
        ``"gadf"``, ``"fgst-ccube"``, ``"fgst-template"`` or ``"fgst-bexpcube"``.
    """
    header = hdu.header
    if "HPX_CONV" in header:
        conv = str(header["HPX_CONV"]).strip().lower()
        if conv in HPX_FITS_CONVENTIONS:
            return conv
    if hdu.name == "HPXEXPOSURES":
        return "fgst-bexpcube"
    names = [n.upper() for n in hdu.columns.names]
    bands = header.get("BANDSHDU")
    if bands is None and names and names[0].startswith("CHANNEL"):
        if "EBOUNDS" in hdulist:
            return "fgst-ccube"
        if "ENERGIES" in hdulist:
            return "fgst-template"
    return "gadf"


def find_bands_hdu(hdulist, hdu, hdu_bands=None, format="gadf"):
    """Return the bands table HDU of a HEALPix map HDU, or None for an image.

    The name is ``hdu_bands`` if given, else the ``BANDSHDU`` keyword, else the
    convention of ``format`` (``<HDU>_BANDS``/``BANDS``, ``EBOUNDS``, ``ENERGIES``).
    """
    names = [h.name for h in hdulist]
    if hdu_bands is not None:
        if hdu_bands not in hdulist:
            raise MissingHDUError(
                f"Bands HDU {hdu_bands!r} not found; the file has HDUs {names}."
            )
        return hdulist[hdu_bands]
    name = hdu.header.get("BANDSHDU")
    if name:
        if name not in hdulist:
            raise MissingHDUError(
                f"HDU {hdu.name!r} refers to bands HDU BANDSHDU={name!r}, which is "
                f"missing; the file has HDUs {names}."
            )
        return hdulist[name]
    candidates = [f"{hdu.name}_BANDS", HPX_FITS_CONVENTIONS[format][2]]
    if format == "gadf":
        candidates += ["BANDS"]
    for candidate in candidates:
        if candidate in hdulist:
            return hdulist[candidate]
    return None


def read_axes(hdu_bands, format):
    """Read the non-spatial axes from a bands table HDU.

    Returns
    -------
    axes : `~gammaray.maps.MapAxes`
        Axes (empty for ``hdu_bands=None``).
    """
    from gammaray.maps.axes import MapAxes, MapAxis

    if hdu_bands is None:
        return MapAxes([])
    if format in _FORMATS_ENERGIES or hdu_bands.name == "ENERGIES":
        names = [n for n in hdu_bands.columns.names if n.lower() == "energy"]
        if not names:
            raise InvalidFileError(
                f"Bands HDU {hdu_bands.name!r} has no 'Energy' column "
                f"(columns {hdu_bands.columns.names})."
            )
        column = hdu_bands.columns[names[0]]
        unit = column.unit or "MeV"
        nodes = np.asarray(hdu_bands.data[names[0]], dtype=float)
        axis = MapAxis.from_nodes(nodes, name="energy_true", unit=unit, interp="log")
        return MapAxes([axis])
    if hasattr(MapAxes, "from_table_hdu"):
        return MapAxes.from_table_hdu(hdu_bands, format=format)
    from astropy.table import Table

    return MapAxes.from_table(Table.read(hdu_bands), format=format)


def hpx_geom_to_header(geom, format="gadf"):
    """FITS header of a HEALPix geometry (see module docstring).

    Returns
    -------
    header : `~astropy.io.fits.Header`
        Header with the HEALPix keywords.
    """
    format = _check_format(format)
    header = fits.Header()
    header["PIXTYPE"] = ("HEALPIX", "HEALPIX pixelisation")
    header["ORDERING"] = (geom.ordering, "Pixel ordering scheme, RING or NESTED")
    header["INDXSCHM"] = (
        "IMPLICIT" if geom.region is None else "EXPLICIT",
        "Indexing: IMPLICIT or EXPLICIT",
    )
    header["ORDER"] = (geom.order, "HEALPix order (log2 nside)")
    header["NSIDE"] = (geom.nside, "HEALPix resolution parameter")
    header["FIRSTPIX"] = 0
    header["LASTPIX"] = geom.npix_max - 1
    header["HPX_CONV"] = format.upper()
    header["COORDSYS"] = (frame_to_coordsys(geom.frame), "Coordinate system")
    if geom.region is not None and geom.region != "explicit":
        header["HPX_REG"] = (geom.region, "HEALPix region")
    return header


def hpx_geom_from_header(cls, header, hdu_bands=None, format=None, pix=None):
    """Create a HEALPix geometry from a table header.

    Parameters
    ----------
    cls : type
        `~gammaray.maps.HpxGeom` (or a subclass).
    header : `~astropy.io.fits.Header`
        Header of the HEALPix table.
    hdu_bands : `~astropy.io.fits.BinTableHDU`, optional
        Bands table with the non-spatial axes.
    format : str, optional
        Convention (``"gadf"`` if None).
    pix : `~numpy.ndarray`, optional
        Global pixel indices of an explicit partial-sky map without ``HPX_REG``.

    Returns
    -------
    geom : `~gammaray.maps.HpxGeom`
        The geometry.
    """
    format = _check_format(format)
    if str(header.get("PIXTYPE", "")).strip().upper() != "HEALPIX":
        raise InvalidFileError(
            "Header is not a HEALPix table header (PIXTYPE is not 'HEALPIX')."
        )
    ordering = str(header.get("ORDERING", "RING")).strip().upper()
    if ordering not in ("RING", "NESTED", "NEST"):
        raise InvalidFileError(
            f"Unknown HEALPix ORDERING={ordering!r}; expected 'RING' or 'NESTED'."
        )
    nest = ordering != "RING"
    if "NSIDE" in header:
        nside = int(header["NSIDE"])
    elif "ORDER" in header:
        nside = order_to_nside(int(header["ORDER"]))
    else:
        raise InvalidFileError("HEALPix header has neither NSIDE nor ORDER.")
    if "COORDSYS" in header:
        frame = coordsys_to_frame(header["COORDSYS"])
    else:
        radecsys = str(header.get("RADECSYS", header.get("RADESYS", "FK5"))).strip()
        frame = "icrs"
        log.debug("No COORDSYS keyword (RADECSYS=%s); assuming icrs.", radecsys)
    region = header.get("HPX_REG", header.get("HPXREGION"))
    if region is None and pix is not None:
        region = np.asarray(pix, dtype=np.int64)
    axes = read_axes(hdu_bands, format)
    return cls(nside, nest=nest, frame=frame, region=region, axes=axes)


def _explicit_pix(hdu):
    schema = str(hdu.header.get("INDXSCHM", "IMPLICIT")).strip().upper()
    if schema in ("EXPLICIT", "PARTIAL", "LOCAL", "SPARSE"):
        if "PIX" not in hdu.columns.names:
            raise InvalidFileError(
                f"HEALPix HDU {hdu.name!r} has INDXSCHM={schema} but no PIX column."
            )
        return schema, np.asarray(hdu.data["PIX"], dtype=np.int64)
    if schema != "IMPLICIT":
        raise InvalidFileError(f"Unknown HEALPix INDXSCHM={schema!r}.")
    return schema, None


def hpx_geom_from_hdulist(cls, hdulist, hdu, hdu_bands=None, format=None):
    """Create a HEALPix geometry from an HDU list and its map HDU."""
    format = _check_format(format or identify_hpx_format(hdulist, hdu))
    bands = find_bands_hdu(hdulist, hdu, hdu_bands=hdu_bands, format=format)
    schema, pix = _explicit_pix(hdu)
    if schema == "SPARSE":
        pix = None
    return hpx_geom_from_header(
        cls, hdu.header, hdu_bands=bands, format=format, pix=pix
    )


def hpx_bands_hdu(geom, hdu_bands=None, format="gadf"):
    """Bands table HDU of a geometry's axes (None for an image geometry)."""
    format = _check_format(format)
    if geom.is_image:
        return None
    name = hdu_bands or HPX_FITS_CONVENTIONS[format][2]
    if format in _FORMATS_ENERGIES:
        axis = geom.axes[0]
        if len(geom.axes) != 1 or not axis.name.startswith("energy"):
            raise ValueError(
                f"Format {format!r} needs a single energy axis; use format='gadf'."
            )
        nodes = axis.center.to_value("MeV")
        col = fits.Column("Energy", format="D", array=nodes, unit="MeV")
        return fits.BinTableHDU.from_columns([col], name=name)
    table_format = {"fgst-ccube": "fgst-ccube"}.get(format, "gadf")
    axes = geom.axes
    if hasattr(axes, "to_table_hdu"):
        try:
            out = axes.to_table_hdu(format=table_format, hdu_bands=name)
        except TypeError:
            out = axes.to_table_hdu(format=table_format)
    else:
        out = fits.table_to_hdu(axes.to_table(format=table_format))
    out.name = name
    return out


def _tform(dtype):
    dtype = np.dtype(dtype)
    key = f"{dtype.kind}{dtype.itemsize}"
    if key not in _DTYPE_TO_TFORM:
        raise TypeError(
            f"Cannot write HEALPix map data of dtype {dtype} to FITS; convert it to "
            "float32/float64/int16/int32/int64/uint8/bool."
        )
    return _DTYPE_TO_TFORM[key]


def hpx_map_to_hdulist(m, hdu=None, hdu_bands=None, format="gadf"):
    """Convert a HEALPix map to an `~astropy.io.fits.HDUList`.

    Parameters
    ----------
    m : `~gammaray.maps.HpxNDMap`
        The map.
    hdu : str, optional
        Name of the map HDU (``SKYMAP`` for GADF, ``HPXEXPOSURES`` for
        ``fgst-bexpcube``).
    hdu_bands : str, optional
        Name of the bands HDU (``<HDU>_BANDS`` for GADF, ``EBOUNDS`` or
        ``ENERGIES`` for the Fermi-LAT conventions).
    format : str
        ``"gadf"``, ``"fgst-ccube"``, ``"fgst-template"`` or ``"fgst-bexpcube"``.

    Returns
    -------
    hdulist : `~astropy.io.fits.HDUList`
        Primary HDU, map table and (for maps with axes) the bands table.
    """
    format = _check_format(format)
    colstring, default_hdu, default_bands, _ = HPX_FITS_CONVENTIONS[format]
    geom = m.geom
    hdu = (hdu or default_hdu).upper()
    if hdu_bands is None:
        hdu_bands = f"{hdu}_BANDS" if format == "gadf" else default_bands
    header = hpx_geom_to_header(geom, format=format)
    hdus = [fits.PrimaryHDU()]
    bands = hpx_bands_hdu(geom, hdu_bands=hdu_bands, format=format)
    if bands is not None:
        header["BANDSHDU"] = bands.name
    if m.unit.to_string():
        header["BUNIT"] = m.unit.to_string("fits")
    cols = []
    if geom.region is not None:
        cols.append(fits.Column("PIX", format="K", array=geom.ipix))
    data = np.asarray(m.data)
    tform = _tform(data.dtype)
    unit = m.unit.to_string("fits") if m.unit.to_string() else None
    planes = data.reshape((-1, data.shape[-1]))
    for i, plane in enumerate(planes):
        cols.append(
            fits.Column(f"{colstring}{i + 1}", format=tform, array=plane, unit=unit)
        )
    hdus.append(fits.BinTableHDU.from_columns(cols, header=header, name=hdu))
    if bands is not None:
        hdus.append(bands)
    return fits.HDUList(hdus)


def _native(array):
    array = np.asarray(array)
    if array.dtype.byteorder not in ("=", "|"):
        array = array.astype(array.dtype.newbyteorder("="))
    return array


def hpx_map_data_from_hdu(hdu, geom, colname=None, format="gadf"):
    """Read the data array of a HEALPix map HDU into the layout of ``geom``.

    Parameters
    ----------
    hdu : `~astropy.io.fits.BinTableHDU`
        HEALPix table.
    geom : `~gammaray.maps.HpxGeom`
        Geometry read from the same HDU.
    colname : str, optional
        Read only this column (the geometry must then be an image, or the
        column a vector column with one entry per bin).
    format : str
        Convention of the file.

    Returns
    -------
    data : `~numpy.ndarray`
        Data of shape ``geom.data_shape`` in the dtype of the file (native byte
        order).
    unit : str
        Unit from the column ``TUNIT``, ``BUNIT`` or the convention.
    """
    schema, pix = _explicit_pix(hdu)
    names = list(hdu.columns.names)
    table = hdu.data
    if schema == "SPARSE":
        channel = np.asarray(table["CHANNEL"], dtype=np.int64)
        values = _native(table["VALUE"])
        data = np.zeros(geom.data_shape, dtype=values.dtype)
        local = geom.global_to_local(pix)
        ok = local >= 0
        flat = data.reshape((-1, geom.npix))
        flat[channel[ok], local[ok]] = values[ok]
        return data, _unit(hdu, "VALUE", format)
    if colname is not None:
        if colname not in names:
            raise InvalidFileError(
                f"Column {colname!r} not found in HDU {hdu.name!r}; columns are {names}."
            )
        data_cols = [colname]
    else:
        data_cols = [n for n in names if n.upper() != "PIX"]
    arrays = [_native(table[n]) for n in data_cols]
    nrow = len(table)
    if len(arrays) == 1 and arrays[0].ndim == 2:
        stacked = arrays[0].T
    else:
        stacked = np.stack([a.reshape(nrow) for a in arrays])
    nplane = int(np.prod(geom.data_shape[:-1]))
    if stacked.shape[0] != nplane:
        raise InvalidFileError(
            f"HEALPix HDU {hdu.name!r} has {stacked.shape[0]} data columns/planes "
            f"but the axes need {nplane}; check the bands HDU or pass colname."
        )
    if pix is None:
        if nrow != geom.npix:
            raise InvalidFileError(
                f"HEALPix HDU {hdu.name!r} has {nrow} rows; an all-sky map with "
                f"nside={geom.nside} needs {geom.npix}."
            )
        data = stacked
    else:
        local = geom.global_to_local(pix)
        ok = local >= 0
        if not ok.all():
            warnings.warn(
                f"HEALPix HDU {hdu.name!r}: {np.sum(~ok)} rows have pixels outside "
                "the region HPX_REG and were dropped.",
                FormatWarning,
                stacklevel=3,
            )
        if ok.all() and nrow == geom.npix and np.array_equal(local, np.arange(nrow)):
            data = stacked
        else:
            data = np.zeros((nplane, geom.npix), dtype=stacked.dtype)
            data[:, local[ok]] = stacked[:, ok]
    data = np.ascontiguousarray(data.reshape(geom.data_shape))
    return data, _unit(hdu, data_cols[0], format)


def _unit(hdu, colname, format):
    unit = hdu.columns[colname].unit or hdu.header.get("BUNIT", "") or ""
    if not unit:
        unit = HPX_FITS_CONVENTIONS[format][3]
    return unit
