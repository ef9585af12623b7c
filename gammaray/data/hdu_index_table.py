"""HDU index table and HDU locations."""

import gzip
import io
import logging
import threading
import warnings
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

import astropy.units as u
import numpy as np
from astropy.io import fits
from astropy.table import Table

from gammaray.irf._fits_tables import find_hdu, read_bintable, scan_fits
from gammaray.irf.io import (
    IRF_MAP_REGISTRY,
    IRF_REGISTRY,
    _load_irf_raw,
    classify_irf_hdu,
)
from gammaray.utils.errors import (
    DataNotFoundError,
    FormatWarning,
    InvalidFileError,
    MissingColumnError,
    MissingHDUError,
    MissingIRFError,
)
from gammaray.utils.fits import get_hdu, hdu_names, open_fits
from gammaray.utils.paths import make_path

__all__ = ["HDUIndexTable", "HDULocation"]

log = logging.getLogger(__name__)

#: IRF HDU classes loaded through `gammaray.irf.io.load_irf`.
IRF_HDU_CLASSES = [*IRF_REGISTRY, *IRF_MAP_REGISTRY]


def _cell_to_str(value):
    """String of a table cell; masked or missing values give ''."""
    if value is np.ma.masked or value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode()
    return str(value).strip()


def _read_table_hdu(path, hdu, default_names):
    """Read a table HDU; with ``hdu=None`` use the first of ``default_names`` or table."""
    with open_fits(path) as hdulist:
        if hdu is None:
            names = [h.name for h in hdulist]
            found = [name for name in default_names if name in names]
            if found:
                table_hdu = hdulist[found[0]]
            else:
                tables = [h for h in hdulist if isinstance(h, fits.BinTableHDU)]
                if not tables:
                    raise MissingHDUError(
                        f"No table HDU in {path}; HDUs: {hdu_names(hdulist)}."
                    )
                table_hdu = tables[0]
        else:
            table_hdu = get_hdu(hdulist, hdu, filename=path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", u.UnitsWarning)
            return Table.read(table_hdu)


class HDULocation:
    """Location of one HDU of a DL3 observation.

    Parameters
    ----------
    hdu_class : str
        HDU class (``events``, ``gti``, ``aeff_2d``, ``pointing``, ...).
    base_dir : str or `~pathlib.Path`
        Base directory of the index table.
    file_dir : str
        Directory relative to ``base_dir`` (or absolute).
    file_name : str
        File name.
    hdu_name : str or int
        HDU name or index.
    cache : bool
        Read through a small in-memory cache of decompressed files (see
        `FILE_CACHE_SIZE`), so that several HDUs of one file are decompressed
        once. Loaded objects are always fresh (never shared).
    format : str
        File format (``"gadf"``).
    """

    def __init__(
        self,
        hdu_class,
        base_dir=".",
        file_dir=".",
        file_name="",
        hdu_name=None,
        cache=True,
        format="gadf",
    ):
        self.hdu_class = hdu_class
        self.base_dir = base_dir
        self.file_dir = file_dir
        self.file_name = file_name
        self.hdu_name = hdu_name
        self.cache = cache
        self.format = format

    def __repr__(self):
        return (
            f"{type(self).__name__}(hdu_class={self.hdu_class!r}, "
            f"file={str(self.path())!r}, hdu={self.hdu_name!r})"
        )

    def info(self, file=None):
        """Multi-line description; written to ``file`` if given, else returned."""
        text = (
            f"HDU_CLASS = {self.hdu_class}\n"
            f"BASE_DIR = {self.base_dir}\n"
            f"FILE_DIR = {self.file_dir}\n"
            f"FILE_NAME = {self.file_name}\n"
            f"HDU_NAME = {self.hdu_name}\n"
        )
        if file is not None:
            file.write(text)
            return None
        return text

    def path(self, abs_path=True):
        """Full path of the file (`~pathlib.Path`).

        Parameters
        ----------
        abs_path : bool
            Prepend ``base_dir`` (otherwise ``file_dir/file_name``).
        """
        path = Path(self.file_dir or ".") / self.file_name
        if abs_path:
            path = make_path(self.base_dir or ".") / make_path(path)
        return path

    def exists(self):
        """Whether the file exists."""
        return self.path().exists()

    @contextmanager
    def _open(self):
        """Open the file; with ``cache`` from the in-memory cache of decompressed files."""
        path = self.path()
        if not path.exists():
            raise DataNotFoundError(f"File not found: {path} (HDU {self.hdu_name!r}).")
        if self.cache:
            hdulist = fits.open(io.BytesIO(_file_bytes(path)), memmap=False)
        else:
            hdulist = open_fits(path)
        try:
            yield hdulist
        finally:
            hdulist.close()

    def get_hdu(self):
        """The HDU (an in-memory copy; the file is closed)."""
        with self._open() as hdulist:
            return get_hdu(hdulist, self.hdu_name, filename=self.path()).copy()

    def _raw_hdu(self):
        """The HDU as a `RawHDU` of the cached file, or None (use astropy)."""
        if not self.cache:
            return None
        path = self.path()
        if not path.exists():
            raise DataNotFoundError(f"File not found: {path} (HDU {self.hdu_name!r}).")
        hdus = _file_hdus(path)
        if hdus is None:
            return None
        return find_hdu(hdus, self.hdu_name)

    def _header_items(self):
        """``[(keyword, value), ...]`` of the HDU header (fast path of `get_header`)."""
        raw = self._raw_hdu()
        if raw is not None:
            cards = raw.cards()
            if cards is not None:
                return cards
        return list(self.get_header().items())

    def get_header(self):
        """Header of the HDU (`~astropy.io.fits.Header`, a copy)."""
        raw = self._raw_hdu()
        if raw is not None:
            return raw.header
        with self._open() as hdulist:
            return get_hdu(hdulist, self.hdu_name, filename=self.path()).header.copy()

    def load(self):
        """Load the object stored in the HDU.

        ``events`` -> `~gammaray.data.EventList`, ``gti`` -> `~gammaray.data.GTI`,
        ``pointing`` -> `~gammaray.data.FixedPointingInfo`; IRF classes are
        loaded with `gammaray.irf.io.load_irf`.

        Raises
        ------
        DataNotFoundError
            If the file does not exist.
        MissingIRFError
            If the IRF kind cannot be loaded yet.
        """
        path = self.path()
        hdu_class = self.hdu_class
        loaded = self._load_raw()
        if loaded is not None:
            return loaded
        if hdu_class in ("events", "gti", "pointing"):
            from .event_list import EventList
            from .gti import GTI
            from .pointing import FixedPointingInfo

            with self._open() as hdulist:
                hdu = get_hdu(hdulist, self.hdu_name, filename=path)
                if hdu_class == "events":
                    return EventList.from_table_hdu(hdu)
                if hdu_class == "gti":
                    return GTI.from_table_hdu(hdu)
                return FixedPointingInfo.from_fits_header(hdu.header)
        if not path.exists():
            raise DataNotFoundError(f"File not found: {path} (HDU {self.hdu_name!r}).")
        try:
            from gammaray.irf.io import load_irf
        except ImportError as exc:
            raise MissingIRFError(
                f"Loading IRFs of kind {hdu_class!r} is not supported yet "
                f"(gammaray.irf.io is not available: {exc})."
            ) from None
        return load_irf(path, hdu=self.hdu_name, hdu_class=hdu_class)

    def _load_raw(self):
        """`load` from the cached bytes of the file (None: use the general path).

        The simple binary tables of DL3 files are read straight from the
        decompressed bytes (`gammaray.irf._fits_tables`); the objects are the
        same as through `astropy.io.fits`, and fresh.
        """
        hdu_class = self.hdu_class
        if hdu_class not in ("events", "gti", "pointing", *IRF_REGISTRY):
            return None
        raw = self._raw_hdu()
        if raw is None:
            return None
        if hdu_class == "pointing":
            from .pointing import FixedPointingInfo

            cards = raw.cards()
            if cards is None:
                return FixedPointingInfo.from_fits_header(raw.header)
            header = {}
            for key, value in cards:
                header.setdefault(key, value)
            return FixedPointingInfo.from_fits_header(header)
        if hdu_class in ("events", "gti"):
            from .event_list import EventList
            from .gti import GTI

            table = read_bintable(raw, unit_parse_strict="silent")
            if table is None:
                return None
            if hdu_class == "events":
                return EventList(table)
            return GTI.from_table(table)
        return _load_irf_raw(raw, self.path(), self.hdu_name, hdu_class=hdu_class)


#: Number of decompressed files kept in memory by `HDULocation` (``cache=True``),
#: so that the events, GTI and pointing HDUs of one observation file are
#: decompressed once.
FILE_CACHE_SIZE = 2
_FILE_CACHE = OrderedDict()
_FILE_CACHE_LOCK = threading.Lock()


class _CachedFile:
    """Decompressed bytes of a file and, once needed, the list of its HDUs."""

    __slots__ = ("data", "_hdus", "_scanned")

    def __init__(self, data):
        self.data = data
        self._hdus = None
        self._scanned = False

    @property
    def hdus(self):
        if not self._scanned:
            self._hdus = scan_fits(self.data)
            self._scanned = True
        return self._hdus


def _cached_file(path):
    """`_CachedFile` of a (decompressed) FITS file, from a small LRU cache."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _FILE_CACHE_LOCK:
        if key in _FILE_CACHE:
            _FILE_CACHE.move_to_end(key)
            return _FILE_CACHE[key]
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    entry = _CachedFile(raw)
    with _FILE_CACHE_LOCK:
        _FILE_CACHE[key] = entry
        while len(_FILE_CACHE) > FILE_CACHE_SIZE:
            _FILE_CACHE.popitem(last=False)
    return entry


def _file_bytes(path):
    """Bytes of a (decompressed) FITS file, from a small LRU cache."""
    return _cached_file(path).data


def _file_hdus(path):
    """HDUs (`RawHDU` list) of a cached FITS file, or None if it is not simple."""
    entry = _cached_file(path)
    with _FILE_CACHE_LOCK:
        return entry.hdus


def clear_file_cache():
    """Empty the cache of decompressed files used by `HDULocation`."""
    with _FILE_CACHE_LOCK:
        _FILE_CACHE.clear()


class HDUIndexTable(Table):
    """HDU index table (GADF ``HDU_INDEX``): where each HDU of each observation is.

    Columns ``OBS_ID``, ``HDU_TYPE``, ``HDU_CLASS``, ``FILE_DIR``, ``FILE_NAME``,
    ``HDU_NAME``. ``meta["BASE_DIR"]`` is the directory paths are relative to.
    """

    VALID_HDU_TYPE = [
        "events",
        "gti",
        "aeff",
        "edisp",
        "psf",
        "bkg",
        "rad_max",
        "pointing",
    ]
    VALID_HDU_CLASS = ["events", "gti", "pointing", *IRF_HDU_CLASSES]

    @classmethod
    def read(cls, filename, hdu=None, format=None, **kwargs):
        """Read an HDU index table from a FITS file.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name.
        hdu : str or int, optional
            HDU; default ``HDU_INDEX`` or the first table.
        format : str, optional
            Ignored (FITS).

        Returns
        -------
        table : `HDUIndexTable`
            The index, with ``meta["BASE_DIR"]`` set to the file's directory.
        """
        path = make_path(filename)
        table = cls(_read_table_hdu(path, hdu, ["HDU_INDEX"]))
        table.meta["BASE_DIR"] = str(path.parent)
        missing = {"OBS_ID", "HDU_TYPE", "HDU_CLASS", "FILE_NAME", "HDU_NAME"} - set(
            table.colnames
        )
        if missing:
            raise InvalidFileError(
                f"{path} is not an HDU index table: missing columns {sorted(missing)}."
            )
        return table

    @property
    def base_dir(self):
        """Base directory (`~pathlib.Path`)."""
        return make_path(self.meta.get("BASE_DIR", "."))

    def _lookup(self):
        """Cached dict obs_id -> row indices (rebuilt when the length changes)."""
        cache = getattr(self, "_lookup_cache", None)
        if cache is None or cache[0] != len(self):
            obs_ids = np.asarray(self["OBS_ID"]).astype(np.int64)
            order = np.argsort(obs_ids, kind="stable")
            unique, first = np.unique(obs_ids[order], return_index=True)
            splits = np.split(order, first[1:])
            lookup = {int(k): v for k, v in zip(unique, splits, strict=True)}
            types = np.array([_cell_to_str(v).lower() for v in self["HDU_TYPE"]])
            classes = np.array([_cell_to_str(v).lower() for v in self["HDU_CLASS"]])
            cache = (len(self), lookup, types, classes)
            self._lookup_cache = cache
        return cache[1:]

    def row_idx(self, obs_id, hdu_type=None, hdu_class=None):
        """Row indices of the HDUs of an observation matching type and class.

        Parameters
        ----------
        obs_id : int
            Observation id.
        hdu_type, hdu_class : str, optional
            HDU type (``events``, ``aeff``, ...) and class (``aeff_2d``, ...).
        """
        lookup, types, classes = self._lookup()
        rows = lookup.get(int(obs_id), np.array([], dtype=int))
        if hdu_type is not None:
            rows = rows[types[rows] == hdu_type.lower()]
        if hdu_class is not None:
            rows = rows[classes[rows] == hdu_class.lower()]
        return rows

    def location_info(self, idx):
        """`HDULocation` of row ``idx``."""
        row = self[int(idx)]
        file_dir = _cell_to_str(row["FILE_DIR"]) if "FILE_DIR" in self.colnames else ""
        return HDULocation(
            hdu_class=_cell_to_str(row["HDU_CLASS"]).lower(),
            base_dir=self.meta.get("BASE_DIR", "."),
            file_dir=file_dir or ".",
            file_name=_cell_to_str(row["FILE_NAME"]),
            hdu_name=_cell_to_str(row["HDU_NAME"]),
        )

    def hdu_location(self, obs_id, hdu_type=None, hdu_class=None, warn_missing=True):
        """Location of an HDU of an observation.

        Parameters
        ----------
        obs_id : int
            Observation id.
        hdu_type : str, optional
            HDU type (one of `VALID_HDU_TYPE`).
        hdu_class : str, optional
            HDU class (one of `VALID_HDU_CLASS`).
        warn_missing : bool
            Log a warning when no HDU matches.

        Returns
        -------
        location : `HDULocation` or None
            The location, None if there is no match. With several matches the
            first is returned.
        """
        if hdu_type is None and hdu_class is None:
            raise ValueError("Give hdu_type or hdu_class.")
        if hdu_type is not None and hdu_type.lower() not in self.VALID_HDU_TYPE:
            raise ValueError(
                f"Invalid hdu_type {hdu_type!r}; valid: {self.VALID_HDU_TYPE}."
            )
        rows = self.row_idx(obs_id, hdu_type=hdu_type, hdu_class=hdu_class)
        if len(rows) == 0:
            if warn_missing:
                log.warning(
                    f"No HDU found matching: OBS_ID = {obs_id}, HDU_TYPE = {hdu_type}, "
                    f"HDU_CLASS = {hdu_class}"
                )
            return None
        if len(rows) > 1:
            log.debug(
                f"Several HDUs match OBS_ID={obs_id} {hdu_type}; using the first."
            )
        return self.location_info(rows[0])

    @property
    def obs_id_unique(self):
        """Sorted unique observation ids (`~numpy.ndarray`, integer when parseable)."""
        ids = np.unique(np.asarray(self["OBS_ID"]))
        if ids.dtype.kind in "US":  # ids written as strings (HAWC indices)
            try:
                return np.unique(ids.astype(np.int64))
            except ValueError:
                pass
        return ids

    @property
    def hdu_type_unique(self):
        """Sorted unique HDU types (list of str)."""
        return sorted({_cell_to_str(v).lower() for v in self["HDU_TYPE"]})

    @property
    def hdu_class_unique(self):
        """Sorted unique HDU classes (list of str)."""
        return sorted({_cell_to_str(v).lower() for v in self["HDU_CLASS"]})

    def summary(self):
        """Short text summary of the index."""
        obs_ids = self.obs_id_unique
        lines = [
            "HDU index table:",
            f"BASE_DIR: {self.meta.get('BASE_DIR', '.')}",
            f"Rows: {len(self)}",
            f"OBS_ID: {obs_ids.min() if len(obs_ids) else '-'} -- "
            f"{obs_ids.max() if len(obs_ids) else '-'}",
            f"Number of observations: {len(obs_ids)}",
            f"HDU_TYPE: {self.hdu_type_unique}",
            f"HDU_CLASS: {self.hdu_class_unique}",
        ]
        return "\n".join(lines) + "\n"

    def check_columns(self):
        """Raise `MissingColumnError` if a mandatory column is absent."""
        for name in ("OBS_ID", "HDU_TYPE", "HDU_CLASS", "FILE_NAME", "HDU_NAME"):
            if name not in self.colnames:
                raise MissingColumnError(f"HDU index table lacks column {name!r}.")


def _classify_hdu(header):
    """(hdu_type, hdu_class, note) of an HDU from its GADF header keywords, or None.

    IRF HDUs are classified by `gammaray.irf.io.classify_irf_hdu` (``note`` is
    ``"legacy"`` for legacy ``HDUCLAS4`` values); an unknown ``HDUCLAS4`` is
    kept as the class, so that loading it names the file and the value.
    """
    clas1 = str(header.get("HDUCLAS1", "")).strip().upper()
    extname = str(header.get("EXTNAME", "")).strip().upper()
    for name in ("EVENTS", "GTI"):
        if clas1 == name or (not clas1 and extname == name):
            return name.lower(), name.lower(), None
    result = classify_irf_hdu(header)
    if result is None:
        return None
    hdu_type, hdu_class, note = result
    if hdu_class is None:
        hdu_class = str(header.get("HDUCLAS4", "")).strip().lower()
    return hdu_type, hdu_class, note


def scan_dl3_file(filename):
    """Rows of an HDU index describing the DL3 HDUs found in one file.

    HDUs are recognised by their ``HDUCLAS*`` keywords (or standard
    ``EXTNAME``). The observation id is taken from the ``OBS_ID`` keyword.

    Parameters
    ----------
    filename : str or `~pathlib.Path`
        DL3 file.

    Returns
    -------
    rows : list of dict
        ``OBS_ID``, ``HDU_TYPE``, ``HDU_CLASS``, ``FILE_DIR`` (absolute),
        ``FILE_NAME``, ``HDU_NAME`` per recognised HDU.
    """
    path = make_path(filename).absolute()
    rows = []
    obs_id = None
    with open_fits(path) as hdulist:
        for idx, hdu in enumerate(hdulist):
            if idx == 0:
                continue
            header = hdu.header
            if obs_id is None and "OBS_ID" in header:
                obs_id = header["OBS_ID"]
            kind = _classify_hdu(header)
            if kind is None:
                continue
            if kind[2] == "legacy":
                legacy = str(header.get("HDUCLAS4", "")).strip()
                warnings.warn(
                    f"{path} HDU {hdu.name!r}: legacy HDUCLAS4={legacy.upper()!r} "
                    f"read as HDU class {kind[1]!r}.",
                    FormatWarning,
                )
            rows.append(
                {
                    "OBS_ID": None,
                    "HDU_TYPE": kind[0],
                    "HDU_CLASS": kind[1],
                    "FILE_DIR": str(path.parent),
                    "FILE_NAME": path.name,
                    "HDU_NAME": hdu.name or str(idx),
                }
            )
    for row in rows:
        row["OBS_ID"] = obs_id
    return rows
