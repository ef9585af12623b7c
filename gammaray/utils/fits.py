"""FITS helpers: locating HDUs, units of table columns, header conversions."""

import logging

import astropy.units as u
from astropy.io import fits
from astropy.table import Table

from .errors import DataNotFoundError, InvalidFileError, MissingHDUError
from .paths import make_path
from .units import standardise_unit

__all__ = [
    "HDULocation",
    "open_fits",
    "get_hdu",
    "hdu_names",
    "read_table",
    "table_column_units",
    "earth_location_from_dict",
    "earth_location_to_dict",
]

log = logging.getLogger(__name__)


def open_fits(filename, memmap=False, **kwargs):
    """Open a FITS file, with specific errors for missing or unreadable files.

    Parameters
    ----------
    filename : str or `~pathlib.Path`
        File name; ``$GAMMARAY_DATA`` is expanded.
    memmap : bool
        Memory-map the data.

    Returns
    -------
    hdulist : `~astropy.io.fits.HDUList`
        The opened file.
    """
    path = make_path(filename)
    if not path.exists():
        raise DataNotFoundError(f"File not found: {path}")
    try:
        return fits.open(path, memmap=memmap, **kwargs)
    except OSError as exc:
        raise InvalidFileError(f"Cannot read {path} as a FITS file: {exc}") from exc


def hdu_names(hdulist):
    """Names of the HDUs in a list (index for unnamed ones)."""
    return [hdu.name or str(idx) for idx, hdu in enumerate(hdulist)]


def get_hdu(hdulist, hdu, filename=None):
    """Return an HDU by name or index with an informative error when missing.

    Parameters
    ----------
    hdulist : `~astropy.io.fits.HDUList`
        The file.
    hdu : str or int
        Name or index.
    filename : str, optional
        File name for the error message.

    Raises
    ------
    MissingHDUError
        If the HDU is not in the file; the message lists the HDUs present.
    """
    try:
        return hdulist[hdu]
    except (KeyError, IndexError):
        where = f" in {filename}" if filename else ""
        raise MissingHDUError(
            f"HDU {hdu!r} not found{where}; available HDUs: {hdu_names(hdulist)}."
        ) from None


def table_column_units(table):
    """Standardise the units of a table's columns in place (e.g. ``"1/s/MeV/sr"``)."""
    for column in table.columns.values():
        unit = column.unit
        if unit is not None and (
            not isinstance(unit, u.UnitBase) or isinstance(unit, u.UnrecognizedUnit)
        ):
            column.unit = standardise_unit(str(unit))
    return table


def read_table(filename, hdu=None):
    """Read a FITS table HDU into an astropy `~astropy.table.Table` with parsed units."""
    path = make_path(filename)
    with open_fits(path) as hdulist:
        if hdu is None:
            candidates = [
                h for h in hdulist if isinstance(h, (fits.BinTableHDU, fits.TableHDU))
            ]
            if not candidates:
                raise MissingHDUError(
                    f"No table HDU in {path}; HDUs: {hdu_names(hdulist)}."
                )
            table_hdu = candidates[0]
        else:
            table_hdu = get_hdu(hdulist, hdu, filename=path)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", u.UnitsWarning)
            table = Table.read(table_hdu)
    return table_column_units(table)


class HDULocation:
    """Location of an HDU in a file: ``file_dir/file_name`` and ``hdu_name``.

    Parameters
    ----------
    file_dir : str or `~pathlib.Path`
        Directory (may contain ``$GAMMARAY_DATA``).
    file_name : str
        File name.
    hdu_name : str or int
        HDU name or index.
    """

    def __init__(self, file_dir, file_name, hdu_name):
        self.file_dir = file_dir
        self.file_name = file_name
        self.hdu_name = hdu_name

    def path(self):
        """Full path of the file."""
        return make_path(self.file_dir) / self.file_name

    def get_hdu(self):
        """Read the HDU (a copy, the file is closed)."""
        with open_fits(self.path()) as hdulist:
            hdu = get_hdu(hdulist, self.hdu_name, filename=self.path())
            return hdu.copy()

    def __repr__(self):
        return f"{type(self).__name__}(file={self.path()!s}, hdu={self.hdu_name!r})"


def earth_location_from_dict(meta):
    """An `~astropy.coordinates.EarthLocation` from GEOLON/GEOLAT/ALTITUDE header keywords.

    Returns None when the keywords are absent.
    """
    from astropy.coordinates import EarthLocation

    lon, lat = meta.get("GEOLON"), meta.get("GEOLAT")
    if lon is None or lat is None:
        if "OBSGEO-X" in meta:
            return EarthLocation.from_geocentric(
                meta["OBSGEO-X"], meta["OBSGEO-Y"], meta["OBSGEO-Z"], unit="m"
            )
        return None
    height = meta.get("ALTITUDE", meta.get("GEOALT", 0))
    return EarthLocation(lon=lon * u.deg, lat=lat * u.deg, height=height * u.m)


def earth_location_to_dict(location):
    """GEOLON/GEOLAT/ALTITUDE header keywords of an `~astropy.coordinates.EarthLocation`."""
    return {
        "GEOLON": location.lon.deg,
        "GEOLAT": location.lat.deg,
        "ALTITUDE": location.height.to_value("m"),
    }
