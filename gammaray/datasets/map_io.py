"""FITS layout of `MapDataset` (the HDU names and structure Gammapy writes).

HDUs, in order: ``PRIMARY``, ``COUNTS``/``COUNTS_BANDS``,
``EXPOSURE``/``EXPOSURE_BANDS``, ``BACKGROUND``/``BACKGROUND_BANDS``,
``EDISP``/``EDISP_BANDS``/``EDISP_EXPOSURE``/``EDISP_EXPOSURE_BANDS``,
``PSF``/``PSF_BANDS``/``PSF_EXPOSURE``/``PSF_EXPOSURE_BANDS``,
``MASK_SAFE``/``MASK_SAFE_BANDS``, ``MASK_FIT``/``MASK_FIT_BANDS``, ``GTI``
and ``META_TABLE``. Masks are written as 64-bit integers (as Gammapy does)
and read back as booleans.
"""

import logging

import numpy as np
from astropy.io import fits
from astropy.table import Table

from gammaray.utils.errors import InvalidDataError, InvalidFileError, MissingHDUError
from gammaray.utils.paths import atomic_write, make_path

from .utils import check_counts_data

__all__ = [
    "dataset_to_hdulist",
    "dataset_from_hdulist",
    "read_dataset",
    "write_hdulist",
    "map_to_hdus",
]

log = logging.getLogger(__name__)


def map_to_hdus(m, hdu, dtype=None):
    """Image and bands HDUs of a map (without the primary HDU)."""
    if dtype is not None:
        m = m.__class__(m.geom, data=np.asarray(m.data).astype(dtype), unit=m.unit)
    hdulist = m.to_hdulist(hdu=hdu, hdu_bands=f"{hdu}_BANDS")
    return list(hdulist[1:])


def dataset_to_hdulist(dataset):
    """`~astropy.io.fits.HDUList` of a map dataset (Gammapy's layout)."""
    hdulist = fits.HDUList([fits.PrimaryHDU()])
    if dataset.counts is not None:
        hdulist += map_to_hdus(dataset.counts, "COUNTS")
    if dataset.exposure is not None:
        hdulist += map_to_hdus(dataset.exposure, "EXPOSURE")
    if dataset.background is not None:
        hdulist += map_to_hdus(dataset.background, "BACKGROUND")
    if dataset.edisp is not None:
        hdulist += list(dataset.edisp.to_hdulist()[1:])
    if dataset.psf is not None:
        hdulist += list(dataset.psf.to_hdulist()[1:])
    if dataset.mask_safe is not None:
        hdulist += map_to_hdus(dataset.mask_safe, "MASK_SAFE", dtype=np.int64)
    if dataset.mask_fit is not None:
        hdulist += map_to_hdus(dataset.mask_fit, "MASK_FIT", dtype=np.int64)
    if dataset.gti is not None:
        hdulist.append(dataset.gti.to_table_hdu())
    if getattr(dataset, "meta_table", None) is not None:
        hdulist.append(fits.BinTableHDU(dataset.meta_table, name="META_TABLE"))
    return hdulist


def _names(hdulist):
    return {hdu.name.upper() for hdu in hdulist}


def _read_map(hdulist, hdu, format="gadf"):
    from gammaray.maps import Map

    names = _names(hdulist)
    bands = f"{hdu}_BANDS" if f"{hdu}_BANDS" in names else None
    return Map.from_hdulist(hdulist, hdu=hdu, hdu_bands=bands, format=format)


def _read_mask(hdulist, hdu):
    m = _read_map(hdulist, hdu)
    return m.__class__(m.geom, data=np.asarray(m.data) != 0, unit="")


def _read_psf(hdulist):
    from gammaray.irf import PSFMap, RecoPSFMap

    psf = PSFMap.from_hdulist(hdulist, hdu="PSF")
    if "energy" in psf.psf_map.geom.axes.names:
        return RecoPSFMap(psf.psf_map, psf.exposure_map)
    return psf


def _read_edisp(hdulist):
    from gammaray.irf import EDispKernelMap, EDispMap
    from gammaray.maps import Map

    names = _names(hdulist)
    bands = "EDISP_BANDS" if "EDISP_BANDS" in names else None
    edisp_map = Map.from_hdulist(hdulist, hdu="EDISP", hdu_bands=bands)
    cls = EDispMap if "migra" in edisp_map.geom.axes.names else EDispKernelMap
    return cls.from_hdulist(hdulist, hdu="EDISP")


def dataset_from_hdulist(cls, hdulist, name=None, format="gadf", filename=None):
    """Create a map dataset from an `~astropy.io.fits.HDUList` (Gammapy's layout).

    Parameters
    ----------
    cls : type
        Dataset class.
    hdulist : `~astropy.io.fits.HDUList`
        HDU list.
    name : str, optional
        Dataset name.
    format : {"gadf"}
        Format.
    filename : str, optional
        File name (for error messages).

    Returns
    -------
    dataset : `MapDataset`
        Dataset.
    """
    if format != "gadf":
        raise InvalidFileError(f"Unknown dataset format {format!r}; use 'gadf'.")
    names = _names(hdulist)
    kwargs = {"name": name}
    if "COUNTS" in names:
        kwargs["counts"] = _read_map(hdulist, "COUNTS")
        check_counts_data(kwargs["counts"], filename=filename)
    if "EXPOSURE" in names:
        exposure = _read_map(hdulist, "EXPOSURE")
        if exposure.geom.axes[0].name == "energy":
            exposure = exposure.rename_axes(["energy"], ["energy_true"])
        kwargs["exposure"] = exposure
    if "BACKGROUND" in names:
        kwargs["background"] = _read_map(hdulist, "BACKGROUND")
    if "EDISP" in names:
        kwargs["edisp"] = _read_edisp(hdulist)
    if "PSF" in names:
        kwargs["psf"] = _read_psf(hdulist)
    if "MASK_SAFE" in names:
        kwargs["mask_safe"] = _read_mask(hdulist, "MASK_SAFE")
    if "MASK_FIT" in names:
        kwargs["mask_fit"] = _read_mask(hdulist, "MASK_FIT")
    if "GTI" in names:
        from gammaray.data import GTI

        kwargs["gti"] = GTI.from_table_hdu(hdulist["GTI"])
    if "META_TABLE" in names:
        kwargs["meta_table"] = Table.read(hdulist["META_TABLE"])
    if not any(k in kwargs for k in ("counts", "exposure", "background")):
        raise MissingHDUError(
            f"No COUNTS, EXPOSURE or BACKGROUND HDU found{_in(filename)}; "
            f"available HDUs: {sorted(names)}. Is this a dataset file?"
        )
    return cls(**kwargs)


def _in(filename):
    return f" in {filename}" if filename else ""


def read_dataset(cls, filename, name=None, format="gadf", checksum=False):
    """Read a dataset of class ``cls`` from a FITS file."""
    path = make_path(filename)
    if not path.exists():
        from gammaray.utils.errors import DataNotFoundError

        raise DataNotFoundError(f"Dataset file {path} does not exist.")
    with fits.open(path, memmap=False, checksum=checksum) as hdulist:
        if name is None:
            name = hdulist[0].header.get("NAME") or path.stem
        try:
            return cls.from_hdulist(hdulist, name=name, format=format)
        except InvalidDataError as exc:
            raise InvalidDataError(f"Invalid dataset file {path}: {exc}") from None


def write_hdulist(hdulist, filename, overwrite=False, checksum=False):
    """Write an HDU list atomically (refuses to overwrite unless ``overwrite``)."""
    with atomic_write(filename, overwrite=overwrite) as tmp:
        hdulist.writeto(tmp, overwrite=True, checksum=checksum)
