"""OGIP PHA/ARF/RMF/BKG files of 1D on/off spectra: `OGIPDatasetReader`, `OGIPDatasetWriter`.

A spectrum dataset is stored as four files (the names of the last three are
given by header keywords of the first, relative to its folder):

- ``<name>.fits``: PHA file with the ``SPECTRUM`` table (``CHANNEL``,
  ``COUNTS``, ``QUALITY``, ``BACKSCAL``; ``AREASCAL`` column or keyword), the
  ``EBOUNDS`` table and optionally ``REGION`` and ``GTI``;
- ``<name>_arf.fits`` (``ANCRFILE``): effective area ``SPECRESP`` per true-energy
  bin; the exposure is ``SPECRESP x EXPOSURE`` (livetime keyword of the PHA);
- ``<name>_rmf.fits`` (``RESPFILE``): energy-dispersion matrix;
- ``<name>_bkg.fits`` (``BACKFILE``): OFF counts and their ``BACKSCAL``.
"""

import logging
from pathlib import Path

import numpy as np
from astropy import units as u
from astropy.io import fits
from astropy.table import Table

from gammaray.utils.errors import DataNotFoundError, InvalidDataError, InvalidFileError
from gammaray.utils.fits import hdu_names, open_fits
from gammaray.utils.paths import atomic_write, check_overwrite, make_path

__all__ = ["OGIPDatasetReader", "OGIPDatasetWriter"]

log = logging.getLogger(__name__)

_WRITE_FORMATS = ("ogip", "ogip-sherpa")


def _float32_exact(values):
    """True if every value survives a float32 round trip exactly."""
    values = np.asarray(values, dtype=float)
    return bool(np.all(values.astype(np.float32).astype(float) == values))


def _float32_energy_columns(hdu):
    """``ENERG_LO``/``ENERG_HI`` as float32 (``E``, as in the OGIP files Gammapy
    writes) when their values survive float32 exactly; float64 otherwise."""
    names = ("ENERG_LO", "ENERG_HI")
    if not all(_float32_exact(hdu.data[name]) for name in names):
        return hdu
    cols = []
    for col in hdu.columns:
        if col.name in names:
            col = fits.Column(
                col.name,
                "E",
                unit=col.unit,
                array=np.asarray(hdu.data[col.name], dtype=np.float32),
            )
        cols.append(col)
    new = fits.BinTableHDU.from_columns(cols, header=hdu.header, name=hdu.name)
    return new


def _check_counts(data, filename, what="COUNTS"):
    """Raise `InvalidDataError` for NaN or negative counts."""
    data = np.asarray(data)
    bad = ~np.isfinite(data) if data.dtype.kind == "f" else np.zeros(data.shape, bool)
    bad |= np.where(bad, False, data < 0)
    if np.any(bad):
        idx = np.flatnonzero(bad)
        raise InvalidDataError(
            f"File {filename}: column {what} has {idx.size} invalid value(s) (NaN or "
            f"negative) in channel(s) {idx[:10].tolist()}; counts must be finite and >= 0."
        )


class OGIPDatasetReader:
    """Read an OGIP PHA file and its ARF, RMF and BKG files into a spectrum dataset.

    Parameters
    ----------
    filename : str or `~pathlib.Path`
        PHA file (``$GAMMARAY_DATA`` is expanded).
    checksum : bool
        Verify the checksums of all files.
    name : str, optional
        Dataset name (default: the ``OBS_ID`` keyword, else the file stem).
    """

    tag = "ogip"

    def __init__(self, filename, checksum=False, name=None):
        self.filename = self.get_valid_path(filename)
        self.checksum = checksum
        self.name = name

    @staticmethod
    def get_valid_path(filename):
        """Expanded path of an existing file (`DataNotFoundError` otherwise)."""
        path = make_path(filename)
        if not path.exists():
            raise DataNotFoundError(f"OGIP file not found: {path}")
        return path

    def get_filenames(self, pha_meta):
        """Paths of the ARF, RMF and BKG files named in the PHA header.

        Parameters
        ----------
        pha_meta : dict
            Header of the ``SPECTRUM`` HDU.

        Returns
        -------
        filenames : dict
            ``ancrfile``, ``respfile``, ``backfile`` (absent if not in the header).
        """
        filenames = {}
        for key in ("ANCRFILE", "RESPFILE", "BACKFILE"):
            value = str(pha_meta.get(key, "") or "").strip()
            if value and value.upper() != "NONE":
                path = Path(value)
                if not path.is_absolute():
                    path = self.filename.parent / path
                if not path.exists():
                    raise DataNotFoundError(
                        f"File {path} named by keyword {key} of {self.filename} not "
                        "found; it must lie next to the PHA file (or give an absolute path)."
                    )
                filenames[key.lower()] = path
        return filenames

    @staticmethod
    def read_pha(filename, checksum=False):
        """Read the PHA file.

        Returns
        -------
        info : dict
            ``counts``, ``acceptance``, ``mask_safe`` (`~gammaray.maps.RegionNDMap`),
            ``gti`` (`~gammaray.data.GTI` or None) and ``meta`` (header dict).
        """
        with open_fits(filename, checksum=checksum) as hdulist:
            return _read_counts_hdulist(hdulist, filename, is_bkg=False)

    @staticmethod
    def read_bkg(filename, checksum=False):
        """Read the BKG file: ``counts_off`` and ``acceptance_off``."""
        with open_fits(filename, checksum=checksum) as hdulist:
            info = _read_counts_hdulist(hdulist, filename, is_bkg=True)
        return {"counts_off": info["counts"], "acceptance_off": info["acceptance"]}

    @staticmethod
    def read_arf(filename, livetime, checksum=False):
        """Read the ARF and multiply it by the livetime.

        Parameters
        ----------
        filename : `~pathlib.Path`
            ARF file.
        livetime : `~astropy.units.Quantity`
            Livetime (``EXPOSURE`` keyword of the PHA file).

        Returns
        -------
        info : dict
            ``exposure`` (`~gammaray.maps.RegionNDMap`, area x time).
        """
        from gammaray.maps import RegionNDMap

        with open_fits(filename, checksum=checksum) as hdulist:
            aeff = RegionNDMap.from_hdulist(hdulist, format="ogip-arf")
        if aeff.unit == u.dimensionless_unscaled:
            aeff.unit = u.cm**2
        values = aeff.data
        if values.dtype.kind == "f" and not np.all(np.isfinite(values)):
            raise InvalidDataError(f"File {filename}: SPECRESP contains NaN or inf.")
        dtype = values.dtype if values.dtype.kind == "f" else np.float64
        exposure = RegionNDMap(
            geom=aeff.geom,
            data=(values * livetime.to_value("s")).astype(dtype),
            unit=aeff.unit * u.s,
        )
        exposure.meta["livetime"] = livetime
        return {"exposure": exposure}

    @staticmethod
    def read_rmf(filename, exposure=None, checksum=False):
        """Read the RMF into an `~gammaray.irf.EDispKernelMap`.

        Parameters
        ----------
        filename : `~pathlib.Path`
            RMF file.
        exposure : `~gammaray.maps.RegionNDMap`, optional
            Exposure, stored as the stacking weight of the kernel map.

        Returns
        -------
        info : dict
            ``edisp``.
        """
        from gammaray.irf import EDispKernel, EDispKernelMap

        kernel = EDispKernel.read(filename, checksum=checksum)
        edisp = EDispKernelMap.from_edisp_kernel(kernel)
        if exposure is not None and edisp.exposure_map is not None:
            emap = edisp.exposure_map
            emap.quantity = exposure.quantity.reshape(emap.data.shape).to(emap.unit)
        return {"edisp": edisp}

    def read(self):
        """Read the dataset.

        Returns
        -------
        dataset : `~gammaray.datasets.SpectrumDatasetOnOff` or `~gammaray.datasets.SpectrumDataset`
            On/off dataset, or a plain spectrum dataset if there is no BKG file.
        """
        from gammaray.maps import RegionGeom

        from .spectrum import SpectrumDataset, SpectrumDatasetOnOff

        kwargs = self.read_pha(self.filename, checksum=self.checksum)
        meta = kwargs.pop("meta")
        filenames = self.get_filenames(meta)
        counts = kwargs["counts"]
        livetime = float(meta.get("EXPOSURE", 1.0)) * u.s

        if "ancrfile" in filenames:
            kwargs.update(
                self.read_arf(filenames["ancrfile"], livetime, checksum=self.checksum)
            )
            exposure = kwargs["exposure"]
            geom = RegionGeom(
                region=counts.geom.region,
                axes=exposure.geom.axes,
                wcs=counts.geom.wcs,
            )
            kwargs["exposure"] = exposure.__class__(
                geom=geom, data=exposure.data, unit=exposure.unit, meta=exposure.meta
            )
        if "respfile" in filenames:
            kwargs.update(
                self.read_rmf(
                    filenames["respfile"],
                    kwargs.get("exposure"),
                    checksum=self.checksum,
                )
            )
        name = self.name
        if name is None:
            obs_id = meta.get("OBS_ID")
            name = str(obs_id) if obs_id not in (None, "") else ""
            if not name or len(name) > 40 or " " in name:
                name = self.filename.name.split(".")[0]

        if "backfile" in filenames:
            bkg = self.read_bkg(filenames["backfile"], checksum=self.checksum)
            if bkg["counts_off"].data.shape != counts.data.shape:
                raise InvalidFileError(
                    f"BKG file {filenames['backfile']} has {bkg['counts_off'].data.size} "
                    f"channels but the PHA file {self.filename} has {counts.data.size}."
                )
            for key, value in bkg.items():
                kwargs[key] = value.__class__(
                    geom=counts.geom, data=value.data, unit=value.unit, meta=value.meta
                )
            return SpectrumDatasetOnOff(name=name, **kwargs)
        kwargs.pop("acceptance", None)
        return SpectrumDataset(name=name, **kwargs)


def _read_counts_hdulist(hdulist, filename, is_bkg=False):
    """Counts, acceptance, safe mask and GTI of a PHA (or BKG) `~astropy.io.fits.HDUList`."""
    from gammaray.maps import RegionNDMap

    names = hdu_names(hdulist)
    for name in ("SPECTRUM", "EBOUNDS"):
        if name not in names:
            raise InvalidFileError(
                f"File {filename} is not an OGIP PHA file: HDU {name!r} is missing "
                f"(HDUs: {names})."
            )
    counts = RegionNDMap.from_hdulist(hdulist, format="ogip")
    _check_counts(counts.data, filename)
    columns = hdulist["SPECTRUM"].columns.names
    header = hdulist["SPECTRUM"].header
    meta = dict(counts.meta)
    counts.meta = {}

    if "BACKSCAL" in columns or "BACKSCAL" in header:
        acceptance = RegionNDMap.from_hdulist(
            hdulist, format="ogip", ogip_column="BACKSCAL"
        )
    else:
        acceptance = RegionNDMap.from_geom(counts.geom, data=1.0)
    areascal = None
    if "AREASCAL" in columns:
        areascal = np.asarray(hdulist["SPECTRUM"].data["AREASCAL"], dtype=float)
    elif "AREASCAL" in header:
        areascal = float(header["AREASCAL"])
    if areascal is not None and not np.all(np.asarray(areascal) == 1):
        acceptance.data = acceptance.data * np.reshape(
            areascal, (-1,) + (1,) * (acceptance.data.ndim - 1)
        )
    acceptance.meta = {}
    acceptance = RegionNDMap(geom=counts.geom, data=acceptance.data)

    if "QUALITY" in columns:
        mask_safe = RegionNDMap.from_hdulist(
            hdulist, format="ogip", ogip_column="QUALITY"
        )
        mask_safe = RegionNDMap(geom=counts.geom, data=mask_safe.data.astype(bool))
    else:
        quality = int(header.get("QUALITY", 0))
        mask_safe = RegionNDMap.from_geom(counts.geom, data=quality == 0, dtype=bool)

    gti = None
    if not is_bkg and "GTI" in names:
        from gammaray.data import GTI

        gti = GTI.from_table_hdu(hdulist["GTI"])
    return {
        "counts": counts,
        "acceptance": acceptance,
        "mask_safe": mask_safe,
        "gti": gti,
        "meta": meta,
    }


class OGIPDatasetWriter:
    """Write a spectrum dataset as OGIP PHA, ARF, RMF and BKG files.

    Parameters
    ----------
    filename : str or `~pathlib.Path`
        PHA file; the others are ``<stem>_arf``, ``<stem>_rmf``, ``<stem>_bkg``
        with the same suffixes, in the same folder.
    format : {"ogip", "ogip-sherpa"}
        ``ogip``: energies in TeV, effective area in m2 (as Gammapy writes);
        ``ogip-sherpa``: keV and cm2.
    overwrite : bool
        Replace existing files.
    checksum : bool
        Add checksums.
    """

    tag = "ogip"

    def __init__(self, filename, format="ogip", overwrite=False, checksum=False):
        if format not in _WRITE_FORMATS:
            raise ValueError(
                f"Unknown OGIP format {format!r}; use one of {_WRITE_FORMATS}."
            )
        self.filename = make_path(filename)
        self.format = format
        self.overwrite = overwrite
        self.checksum = checksum

    @staticmethod
    def get_filenames(filename):
        """Names of the ARF, RMF and BKG files belonging to a PHA file name.

        Returns
        -------
        filenames : dict
            ``ancrfile``, ``respfile``, ``backfile`` (plain file names).
        """
        path = Path(filename)
        suffix = "".join(path.suffixes)
        stem = path.name[: len(path.name) - len(suffix)] if suffix else path.name
        suffix = suffix or ".fits"
        return {
            "ancrfile": f"{stem}_arf{suffix}",
            "respfile": f"{stem}_rmf{suffix}",
            "backfile": f"{stem}_bkg{suffix}",
        }

    @staticmethod
    def _livetime(dataset):
        exposure = dataset.exposure
        livetime = None
        if exposure is not None:
            livetime = exposure.meta.get("livetime")
        if livetime is None and getattr(dataset, "gti", None) is not None:
            livetime = dataset.gti.time_sum
        if livetime is None:
            log.info(
                "Dataset %s has no livetime; writing EXPOSURE = 1 s.", dataset.name
            )
            livetime = 1 * u.s
        return u.Quantity(livetime, "s")

    def get_ogip_meta(self, dataset, is_bkg=False):
        """Header keywords of the ``SPECTRUM`` HDU.

        Parameters
        ----------
        dataset : `~gammaray.datasets.SpectrumDatasetOnOff`
            Dataset.
        is_bkg : bool
            Keywords of the BKG file.

        Returns
        -------
        meta : dict
        """
        filenames = self.get_filenames(self.filename)
        meta = {
            "HDUCLAS2": "BKG" if is_bkg else "TOTAL",
            "HDUCLAS3": "COUNT",
            "HDUCLAS4": "TYPE:1",
            "OBS_ID": dataset.name,
            "EXPOSURE": float(self._livetime(dataset).to_value("s")),
        }
        if dataset.exposure is not None:
            meta["ANCRFILE"] = filenames["ancrfile"]
        if getattr(dataset, "counts_off", None) is not None:
            meta["BACKFILE"] = filenames["backfile"]
        if dataset.edisp is not None:
            meta["RESPFILE"] = filenames["respfile"]
        return meta

    def to_counts_hdulist(self, dataset, is_bkg=False):
        """PHA (or BKG) HDUs: ``SPECTRUM``, ``EBOUNDS``, ``REGION``, ``GTI``."""
        from gammaray.maps import RegionNDMap

        counts = dataset.counts_off if is_bkg else dataset.counts
        acceptance = dataset.acceptance_off if is_bkg else dataset.acceptance
        counts = RegionNDMap(geom=counts.geom, data=counts.data)
        hdulist = counts.to_hdulist(format=self.format)
        table = Table.read(hdulist["SPECTRUM"])
        meta = dict(table.meta)
        for key in ("QUALITY", "BACKSCAL"):
            meta.pop(key, None)
        if dataset.mask_safe is not None:
            quality = np.logical_not(np.asarray(dataset.mask_safe.data, dtype=bool))
        else:
            quality = np.zeros(counts.data.shape, dtype=bool)
        table["QUALITY"] = quality.reshape(-1)
        if acceptance is None:
            backscal = np.ones(counts.data.size, dtype=np.float32)
        else:
            backscal = np.broadcast_to(acceptance.data, counts.data.shape).reshape(-1)
        table["BACKSCAL"] = backscal
        meta.update(self.get_ogip_meta(dataset, is_bkg=is_bkg))
        table.meta = meta
        hdulist[1] = fits.BinTableHDU(table, name="SPECTRUM")
        gti = getattr(dataset, "gti", None)
        if gti is not None and not is_bkg and len(gti.table) > 0:
            hdulist.append(gti.to_table_hdu())
        return hdulist

    def to_arf_hdulist(self, dataset):
        """ARF HDUs: ``SPECRESP`` = exposure / livetime (m2, cm2 for sherpa)."""
        from gammaray.maps import RegionNDMap

        livetime = self._livetime(dataset)
        exposure = dataset.exposure
        aeff = (exposure.quantity / livetime).to(
            "cm2" if self.format.endswith("sherpa") else "m2"
        )
        dtype = exposure.data.dtype if exposure.data.dtype.kind == "f" else np.float64
        aeff_map = RegionNDMap(
            geom=exposure.geom, data=aeff.value.astype(dtype), unit=aeff.unit
        )
        arf_format = "ogip-arf-sherpa" if self.format.endswith("sherpa") else "ogip-arf"
        hdulist = aeff_map.to_hdulist(format=arf_format)
        header = hdulist[1].header
        for key, value in (
            ("TELESCOP", "unknown"),
            ("INSTRUME", "unknown"),
            ("FILTER", "None"),
            ("HDUVERS", "1.1.0"),
        ):
            header.setdefault(key, value)
        return hdulist

    def to_rmf_hdulist(self, dataset):
        """RMF HDUs: ``MATRIX`` and ``EBOUNDS`` of the dataset's energy dispersion."""
        edisp = dataset.edisp
        kernel = (
            edisp.get_edisp_kernel() if hasattr(edisp, "get_edisp_kernel") else edisp
        )
        if kernel.data.dtype != np.float32 and _float32_exact(kernel.data):
            kernel = kernel.copy()
            kernel.data = kernel.data.astype(np.float32)
        hdulist = kernel.to_hdulist(format=self.format)
        hdulist["MATRIX"] = _float32_energy_columns(hdulist["MATRIX"])
        return hdulist

    def write(self, dataset):
        """Write the dataset's files (refusing to overwrite unless ``overwrite=True``).

        Parameters
        ----------
        dataset : `~gammaray.datasets.SpectrumDatasetOnOff` or `~gammaray.datasets.SpectrumDataset`
            Dataset on a `~gammaray.maps.RegionGeom`.
        """
        filenames = self.get_filenames(self.filename)
        folder = self.filename.parent
        jobs = [(self.filename, lambda: self.to_counts_hdulist(dataset))]
        if dataset.exposure is not None:
            jobs.append(
                (folder / filenames["ancrfile"], lambda: self.to_arf_hdulist(dataset))
            )
        if dataset.edisp is not None:
            jobs.append(
                (folder / filenames["respfile"], lambda: self.to_rmf_hdulist(dataset))
            )
        if getattr(dataset, "counts_off", None) is not None:
            jobs.append(
                (
                    folder / filenames["backfile"],
                    lambda: self.to_counts_hdulist(dataset, is_bkg=True),
                )
            )
        for path, _ in jobs:
            check_overwrite(path, self.overwrite)
        for path, build in jobs:
            hdulist = build()
            with atomic_write(path, overwrite=self.overwrite) as tmp:
                hdulist.writeto(tmp, overwrite=True, checksum=self.checksum)
