"""FITS conventions of region maps: the ``REGION`` table and OGIP energy tables.

The ``REGION`` HDU follows the OGIP/CIAO region-file convention as written
by Gammapy: one row per simple region with columns ``SHAPE``, ``X``, ``Y``,
``R``, ``ROTANG`` in pixel coordinates (0-based) of a WCS stored in the
header together with ``WCSSHAPE = '(nx,ny)'``.
"""

import re

import numpy as np
from astropy import units as u
from astropy.io import fits
from astropy.table import QTable, Table
from astropy.wcs import WCS

from gammaray.utils.errors import InvalidFileError, MissingColumnError

from ._shapes import compound_region_to_regions, regions_to_compound_region

__all__ = [
    "region_to_table",
    "region_from_table",
    "ogip_energy_table",
    "axis_from_ogip_table",
    "OGIP_FORMATS",
    "read_geom_hdus",
]

OGIP_FORMATS = ("ogip", "ogip-sherpa", "ogip-arf", "ogip-arf-sherpa")

_WCS_KEY = re.compile(
    r"^(WCSAXES|CTYPE[12]|CRVAL[12]|CRPIX[12]|CDELT[12]|CUNIT[12]|CROTA[12]|"
    r"PC[12]_[12]|CD[12]_[12]|LONPOLE|LATPOLE|RADESYS|EQUINOX|MJDREF|DATEREF)$"
)


def region_to_table(region, wcs):
    """Serialise a sky region into a ``REGION`` table in pixel coordinates.

    Parameters
    ----------
    region : `~regions.SkyRegion`
        Region (compound regions are split into one row per component).
    wcs : `~astropy.wcs.WCS`
        WCS defining the pixel coordinates; written to the table header.

    Returns
    -------
    table : `~astropy.table.Table`
        The region table (columns ``SHAPE``, ``X``, ``Y``, ``R``, ``ROTANG``).
    """
    from regions import Regions

    pixel_regions = [reg.to_pixel(wcs) for reg in compound_region_to_regions(region)]
    table = Regions(pixel_regions).serialize(format="fits")
    header = wcs.to_header()
    meta = {"WCSAXES": 2}
    for key in header:
        if _WCS_KEY.match(key):
            meta[key] = header[key]
    nx, ny = wcs.pixel_shape if wcs.pixel_shape is not None else (1, 1)
    meta["WCSSHAPE"] = f"({nx},{ny})"
    table.meta.update(meta)
    return table


def _wcs_from_meta(meta):
    header = fits.Header()
    for key, value in meta.items():
        if _WCS_KEY.match(str(key).upper()):
            header[str(key).upper()] = value
    header["WCSAXES"] = 2
    wcs = WCS(header, naxis=2)
    shape = meta.get("WCSSHAPE")
    if shape is not None:
        numbers = [int(float(v)) for v in re.findall(r"[-+0-9.]+", str(shape))]
        if len(numbers) >= 2:
            wcs.pixel_shape = (numbers[0], numbers[1])
    if wcs.pixel_shape is None:
        crpix = np.asarray(wcs.wcs.crpix)
        wcs.pixel_shape = tuple(max(int(round(2 * c - 1)), 1) for c in crpix)
    return wcs


def region_from_table(table):
    """Read a ``REGION`` table back into a sky region and its WCS.

    Parameters
    ----------
    table : `~astropy.table.Table` or `~astropy.io.fits.BinTableHDU`
        The region table with the WCS in its header.

    Returns
    -------
    region : `~regions.SkyRegion`
        The region (compound if several rows).
    wcs : `~astropy.wcs.WCS`
        The WCS of the table.
    """
    from regions import Regions

    if isinstance(table, fits.BinTableHDU):
        table = Table.read(table)
    for name in ("SHAPE", "X", "Y"):
        if name not in table.colnames:
            raise MissingColumnError(
                f"REGION table lacks column {name!r}; expected the OGIP/CIAO region "
                "convention (SHAPE, X, Y, R, ROTANG)."
            )
    wcs = _wcs_from_meta(table.meta)
    columns = [
        c
        for c in ("SHAPE", "X", "Y", "R", "ROTANG", "COMPONENT")
        if c in table.colnames
    ]
    parsed = Regions.parse(QTable(table[columns]), format="fits")
    if len(parsed) == 0:
        raise InvalidFileError("REGION table contains no region that could be parsed.")
    sky = [reg.to_sky(wcs) for reg in parsed]
    return regions_to_compound_region(sky), wcs


def ogip_energy_table(axis, format="ogip"):
    """Energy table of an OGIP file: ``EBOUNDS`` (PHA) or ``SPECRESP`` axis columns.

    Parameters
    ----------
    axis : `~gammaray.maps.MapAxis`
        Energy axis (``energy`` for PHA, ``energy_true`` for ARF formats).
    format : {"ogip", "ogip-sherpa", "ogip-arf", "ogip-arf-sherpa"}
        Format; the ``-sherpa`` variants write keV, the others TeV.

    Returns
    -------
    table : `~astropy.table.Table`
        Table with ``CHANNEL``, ``E_MIN``, ``E_MAX`` (PHA) or ``ENERG_LO``,
        ``ENERG_HI`` (ARF) and the OGIP header keywords.
    """
    unit = "keV" if format.endswith("sherpa") else "TeV"
    edges = axis.edges.to(unit)
    table = Table()
    if format in ("ogip", "ogip-sherpa"):
        table["CHANNEL"] = np.arange(axis.nbin, dtype=np.int16)
        table["E_MIN"] = edges[:-1]
        table["E_MAX"] = edges[1:]
        table.meta.update(
            {
                "EXTNAME": "EBOUNDS",
                "TELESCOP": "DUMMY",
                "INSTRUME": "DUMMY",
                "FILTER": "None",
                "CHANTYPE": "PHA",
                "DETCHANS": axis.nbin,
                "HDUCLASS": "OGIP",
                "HDUCLAS1": "RESPONSE",
                "HDUCLAS2": "EBOUNDS",
                "HDUVERS": "1.2.0",
            }
        )
    elif format in ("ogip-arf", "ogip-arf-sherpa"):
        table["ENERG_LO"] = edges[:-1]
        table["ENERG_HI"] = edges[1:]
        table.meta.update(
            {
                "EXTNAME": "SPECRESP",
                "HDUCLASS": "OGIP",
                "HDUCLAS1": "RESPONSE",
                "HDUCLAS2": "SPECRESP",
            }
        )
    else:
        raise ValueError(f"Unknown OGIP format {format!r}; use one of {OGIP_FORMATS}.")
    return table


def axis_from_ogip_table(table, format="ogip"):
    """Read the energy axis of an OGIP ``EBOUNDS`` or ``SPECRESP`` table.

    Parameters
    ----------
    table : `~astropy.table.Table` or `~astropy.io.fits.BinTableHDU`
        The table.
    format : {"ogip", "ogip-sherpa", "ogip-arf", "ogip-arf-sherpa"}
        Format: PHA formats read ``E_MIN``/``E_MAX`` into an ``energy`` axis,
        ARF formats ``ENERG_LO``/``ENERG_HI`` into an ``energy_true`` axis.

    Returns
    -------
    axis : `~gammaray.maps.MapAxis`
        Log-interpolated energy axis with the unit of the file (keV if none).
    """
    from gammaray.maps.axes import MapAxis

    if isinstance(table, fits.BinTableHDU):
        table = Table.read(table)
    if format in ("ogip", "ogip-sherpa"):
        lo, hi, name = "E_MIN", "E_MAX", "energy"
    elif format in ("ogip-arf", "ogip-arf-sherpa"):
        lo, hi, name = "ENERG_LO", "ENERG_HI", "energy_true"
    else:
        raise ValueError(f"Unknown OGIP format {format!r}; use one of {OGIP_FORMATS}.")
    for col in (lo, hi):
        if col not in table.colnames:
            raise MissingColumnError(
                f"OGIP table {table.meta.get('EXTNAME', '')!r} lacks column {col!r} "
                f"needed for format {format!r}."
            )
    unit = table[lo].unit or u.keV
    e_lo = u.Quantity(table[lo].data, unit).astype(float)
    e_hi = u.Quantity(table[hi].data, table[hi].unit or unit).to(unit).astype(float)
    if not np.allclose(e_lo[1:].value, e_hi[:-1].value, rtol=1e-6):
        raise InvalidFileError(
            f"Energy bins in columns {lo}/{hi} are not contiguous; cannot build an axis."
        )
    edges = np.append(e_lo.value, e_hi.value[-1]) * unit
    return MapAxis.from_edges(edges, name=name, interp="log")


def read_geom_hdus(hdulist, format="ogip", hdu=None):
    """Read the region, its WCS and the axes of a region map from HDUs.

    Parameters
    ----------
    hdulist : `~astropy.io.fits.HDUList`
        HDUs.
    format : {"ogip", "ogip-sherpa", "ogip-arf", "ogip-arf-sherpa", "gadf"}
        Format: OGIP PHA reads ``EBOUNDS``, ARF reads the ``SPECRESP`` table,
        gadf reads ``{hdu}_BANDS``; the region is read from ``REGION``
        (``{hdu}_REGION`` for gadf) if present.
    hdu : str, optional
        Data HDU (default ``"SPECTRUM"``, ``"SPECRESP"`` for ARF formats).

    Returns
    -------
    region : `~regions.SkyRegion` or None
        Region.
    wcs : `~astropy.wcs.WCS` or None
        WCS of the region table.
    axes : `~gammaray.maps.MapAxes`, list or None
        Non-spatial axes.
    """
    if format in ("ogip-arf", "ogip-arf-sherpa"):
        hdu = "SPECRESP" if hdu is None else hdu
    elif hdu is None:
        hdu = "SPECTRUM"
    hdu = hdu.upper()
    if format == "gadf":
        region_hdu, bands_hdu = f"{hdu}_REGION", f"{hdu}_BANDS"
    elif format in OGIP_FORMATS:
        region_hdu = "REGION"
        bands_hdu = "EBOUNDS" if format in ("ogip", "ogip-sherpa") else hdu
    else:
        raise ValueError(
            f"Unknown format {format!r}; use 'gadf' or one of {OGIP_FORMATS}."
        )
    names = [h.name for h in hdulist]
    region, wcs = None, None
    if region_hdu in names:
        region, wcs = region_from_table(Table.read(hdulist[region_hdu]))
    if bands_hdu not in names:
        axes = None
    elif format in OGIP_FORMATS:
        axes = [axis_from_ogip_table(Table.read(hdulist[bands_hdu]), format=format)]
    else:
        from gammaray.maps.axes import MapAxes

        axes = MapAxes.from_table_hdu(hdulist[bands_hdu], format=format)
    return region, wcs, axes
