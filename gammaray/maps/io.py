"""FITS helpers shared by all map kinds.

Finding the map HDU in a file, detecting the map type (WCS, HEALPix, region),
finding the bands table (``<HDU>_BANDS``, ``EBOUNDS``, ``ENERGIES``), and
header conventions (``BUNIT``, ``META``, boolean masks stored as integers).
"""

import contextlib
import json
import logging
import warnings

import astropy.units as u
import numpy as np
from astropy.io import fits

from gammaray.utils.errors import FormatWarning, MissingHDUError
from gammaray.utils.fits import hdu_names, open_fits

__all__ = [
    "open_map_file",
    "find_map_hdu",
    "identify_map_type",
    "find_bands_hdu",
    "identify_bands_format",
    "unit_from_header",
    "meta_from_header",
    "data_to_fits",
    "data_from_fits",
    "BOOL_KEYWORD",
]

log = logging.getLogger(__name__)

#: Header keyword marking boolean data stored as integers.
BOOL_KEYWORD = "MAPDTYPE"

#: HDU names that hold auxiliary tables, never map data
_AUX_SUFFIXES = ("_BANDS", "_REGION")
_AUX_NAMES = {"EBOUNDS", "ENERGIES", "GTI", "BANDS", "REGION", "HPX_BANDS"}


@contextlib.contextmanager
def open_map_file(path, checksum=False):
    """Open a FITS file for reading a map (context manager yielding the HDUList)."""
    hdulist = open_fits(path, memmap=False, checksum=checksum)
    try:
        yield hdulist
    finally:
        hdulist.close()


def _has_data(hdu):
    if isinstance(hdu, fits.PrimaryHDU | fits.ImageHDU | fits.CompImageHDU):
        return hdu.header.get("NAXIS", 0) > 0 and hdu.header.get("NAXIS1", 0) > 0
    if isinstance(hdu, fits.BinTableHDU | fits.TableHDU):
        name = hdu.name.upper()
        if name in _AUX_NAMES or name.endswith(_AUX_SUFFIXES):
            return False
        return hdu.header.get("NAXIS2", 0) > 0
    return False


def find_map_hdu(hdulist, hdu=None, filename=None):
    """Return the HDU holding the map.

    Parameters
    ----------
    hdulist : `~astropy.io.fits.HDUList`
        The file.
    hdu : str or int, optional
        Name or index; if None the first HDU with map data is taken.
    filename : str, optional
        File name used in error messages.

    Raises
    ------
    MissingHDUError
        If ``hdu`` is not in the file, or no HDU holds map data; the message
        lists the HDUs in the file.
    """
    where = f" in {filename}" if filename else ""
    if hdu is not None:
        try:
            return hdulist[hdu]
        except (KeyError, IndexError):
            key = hdu.upper() if isinstance(hdu, str) else hdu
            try:
                return hdulist[key]
            except (KeyError, IndexError):
                pass
            raise MissingHDUError(
                f"HDU {hdu!r} not found{where}; available HDUs: {hdu_names(hdulist)}. "
                "Pass one of them as hdu=..."
            ) from None
    for candidate in hdulist:
        if _has_data(candidate):
            return candidate
    raise MissingHDUError(
        f"No map HDU found{where}: none of the HDUs {hdu_names(hdulist)} holds "
        "image or HEALPix/region table data. Pass hdu=... to choose one."
    )


def identify_map_type(hdulist, hdu):
    """Detect the kind of map stored in an HDU: ``"wcs"``, ``"hpx"`` or ``"region"``.

    HEALPix maps have ``PIXTYPE='HEALPIX'`` in the table header (or in the
    bands table); region maps come with a ``REGION`` / ``<HDU>_REGION`` table
    or a region-type header; everything else is treated as WCS.
    """
    header = hdu.header
    if str(header.get("PIXTYPE", "")).upper() == "HEALPIX":
        return "hpx"
    bands = header.get("BANDSHDU")
    if (
        bands
        and bands in hdulist
        and str(hdulist[bands].header.get("PIXTYPE", "")).upper() == "HEALPIX"
    ):
        return "hpx"
    if "CTYPE1" in header and isinstance(
        hdu, fits.PrimaryHDU | fits.ImageHDU | fits.CompImageHDU
    ):
        return "wcs"
    names = {h.name.upper() for h in hdulist}
    if (
        "REGION" in names
        or f"{hdu.name.upper()}_REGION" in names
        or str(header.get("HDUCLAS1", "")).upper() == "SPECTRUM"
        or str(header.get("HDUCLAS2", "")).upper() == "REGION"
    ):
        return "region"
    if isinstance(hdu, fits.BinTableHDU):
        columns = {c.upper() for c in hdu.columns.names}
        if (
            header.get("BANDSHDU")
            or f"{hdu.name.upper()}_BANDS" in names
            or names & {"EBOUNDS", "BANDS", "ENERGIES"}
            or "SPECRESP" in columns
        ):
            return "region"
        raise MissingHDUError(
            f"HDU {hdu.name!r} is a table that is not a map (no HEALPix keywords, no "
            f"region or bands table); HDUs in the file: {[h.name for h in hdulist]}. "
            "Pass hdu=... naming the map HDU."
        )
    return "wcs"


def find_bands_hdu(hdulist, hdu):
    """Name of the bands table of a map HDU, or None for images without axes.

    Uses the ``BANDSHDU`` keyword; otherwise ``EBOUNDS`` (Fermi counts cube)
    or ``ENERGIES`` (Fermi diffuse template) for cubes.
    """
    header = hdu.header
    if header.get("BANDSHDU"):
        return header["BANDSHDU"]
    has_cube = False
    if isinstance(hdu, fits.PrimaryHDU | fits.ImageHDU | fits.CompImageHDU):
        has_cube = header.get("NAXIS", 0) >= 3
    elif isinstance(hdu, fits.BinTableHDU):
        has_cube = (
            header.get("INDXSCHM", "") in ("EXPLICIT", "IMPLICIT", "")
            and len(hdu.columns) > 1
        )
    if has_cube:
        for name in ("EBOUNDS", "ENERGIES"):
            if name in hdulist:
                return name
    return None


def identify_bands_format(hdu_bands):
    """Format of a bands table: ``"fgst-ccube"``, ``"fgst-template"`` or ``"gadf"``."""
    if hdu_bands is None:
        return "gadf"
    name = hdu_bands.name.upper()
    colnames = [c.upper() for c in hdu_bands.columns.names]
    if name == "EBOUNDS" and "AXCOLS1" not in hdu_bands.header:
        return "fgst-ccube"
    if name == "ENERGIES" and "AXCOLS1" not in hdu_bands.header:
        return "fgst-template"
    if name == "EBOUNDS" and colnames[:3] == ["CHANNEL", "E_MIN", "E_MAX"]:
        return "fgst-ccube"
    return "gadf"


def unit_from_header(header, filename=None):
    """Unit from ``BUNIT``; unparseable units give a `FormatWarning` and dimensionless."""
    from gammaray.utils.units import standardise_unit

    text = header.get("BUNIT", "")
    unit = standardise_unit(text)
    if isinstance(unit, u.UnrecognizedUnit):
        warnings.warn(
            f"{filename or 'FITS file'}: unknown BUNIT {text!r}; the map was read "
            "as dimensionless. Set map.unit to the right unit.",
            FormatWarning,
            stacklevel=3,
        )
        return u.dimensionless_unscaled
    return unit


def meta_from_header(header):
    """Meta dictionary from the ``META`` JSON keyword (empty dict if absent)."""
    text = header.get("META")
    if not text:
        return {}
    try:
        meta = json.loads(text)
    except (TypeError, ValueError):
        return {"META": text}
    return meta if isinstance(meta, dict) else {"META": meta}


def meta_to_header(header, meta):
    """Store ``meta`` as JSON in the ``META`` keyword (non-serialisable values as str)."""
    header["META"] = json.dumps(meta or {}, default=str)


def data_to_fits(data, header):
    """Array to write to FITS; booleans become ``uint8`` with ``MAPDTYPE='bool'``."""
    if data.dtype == bool:
        header[BOOL_KEYWORD] = ("bool", "boolean data stored as uint8")
        return data.astype(np.uint8)
    return data


def data_from_fits(data, header):
    """Array read from FITS in native byte order; restores boolean masks."""
    data = np.asarray(data)
    if str(header.get(BOOL_KEYWORD, "")).lower() == "bool":
        return data.astype(bool)
    if not data.dtype.isnative:
        data = data.astype(data.dtype.newbyteorder("="))
    return data
