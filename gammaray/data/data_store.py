"""Data store: index tables of a DL3 data collection and access to observations."""

import logging
import shutil
import sys
import warnings

import numpy as np
from astropy.table import Table

from gammaray.utils.errors import (
    DataNotFoundError,
    FormatWarning,
    GammarayWarning,
    InvalidDataError,
    MissingIRFError,
    ObservationNotFoundError,
    OverwriteError,
)
from gammaray.utils.fits import get_hdu, open_fits
from gammaray.utils.paths import atomic_write, make_path

from .hdu_index_table import HDUIndexTable, HDULocation, scan_dl3_file
from .obs_table import ObservationTable
from .observations import Observation, Observations

__all__ = ["DataStore"]

log = logging.getLogger(__name__)

REQUIRED_IRF = {
    "full-enclosure": ["aeff", "edisp", "psf", "bkg"],
    "point-like": ["aeff", "edisp"],
    "all-optional": [],
}
ALL_IRFS = ["aeff", "edisp", "psf", "bkg", "rad_max"]

#: Keywords copied from events headers into an in-memory observation table.
_OBS_TABLE_KEYS = [
    "RA_PNT",
    "DEC_PNT",
    "ALT_PNT",
    "AZ_PNT",
    "ONTIME",
    "LIVETIME",
    "DEADC",
    "TSTART",
    "TSTOP",
    "OBJECT",
    "RA_OBJ",
    "DEC_OBJ",
    "OBS_MODE",
    "N_TELS",
]


def _required_irfs(required_irf):
    if isinstance(required_irf, str):
        if required_irf not in REQUIRED_IRF:
            raise ValueError(
                f"Invalid required_irf {required_irf!r}; use one of "
                f"{list(REQUIRED_IRF)} or a list of {ALL_IRFS}."
            )
        return list(REQUIRED_IRF[required_irf])
    required = list(required_irf)
    invalid = set(required) - set(ALL_IRFS)
    if invalid:
        raise ValueError(f"Invalid IRF names {sorted(invalid)}; valid are {ALL_IRFS}.")
    return required


def _find_index_file(base_dir, names, kind):
    for name in names:
        for suffix in (".fits.gz", ".fits"):
            path = base_dir / (name + suffix)
            if path.exists():
                return path
    raise DataNotFoundError(
        f"No {kind} index file ({names[0]}.fits[.gz]) in {base_dir}; "
        f"give its name with {kind}_table_filename=..."
    )


class DataStore:
    """Access to a DL3 data collection through its HDU and observation index tables.

    Parameters
    ----------
    hdu_table : `~gammaray.data.HDUIndexTable`
        HDU index table.
    obs_table : `~gammaray.data.ObservationTable`, optional
        Observation index table.

    Examples
    --------
    >>> from gammaray.data import DataStore
    >>> data_store = DataStore.from_dir("$GAMMARAY_DATA/hess-dl3-dr1")  # doctest: +SKIP
    >>> obs = data_store.obs(23523)  # doctest: +SKIP
    """

    DEFAULT_HDU_TABLE = "hdu-index.fits.gz"
    DEFAULT_OBS_TABLE = "obs-index.fits.gz"

    def __init__(self, hdu_table=None, obs_table=None):
        self.hdu_table = hdu_table
        self.obs_table = obs_table

    # ---------------------------------------------------------------- creation
    @classmethod
    def from_dir(cls, base_dir, hdu_table_filename=None, obs_table_filename=None):
        """Create from a directory with ``hdu-index.fits[.gz]`` and ``obs-index.fits[.gz]``.

        Parameters
        ----------
        base_dir : str or `~pathlib.Path`
            Directory.
        hdu_table_filename, obs_table_filename : str or `~pathlib.Path`, optional
            Index file names (relative to ``base_dir`` or absolute).
        """
        base_dir = make_path(base_dir)
        if not base_dir.is_dir():
            raise DataNotFoundError(f"Data store directory not found: {base_dir}")
        if hdu_table_filename is None:
            hdu_path = _find_index_file(base_dir, ["hdu-index", "hdu_index"], "hdu")
        else:
            hdu_path = base_dir / make_path(hdu_table_filename)
        hdu_table = HDUIndexTable.read(hdu_path)
        obs_table = None
        if obs_table_filename is None:
            try:
                obs_path = _find_index_file(base_dir, ["obs-index", "obs_index"], "obs")
            except DataNotFoundError:
                log.warning(f"No observation index table in {base_dir}.")
                obs_path = None
        else:
            obs_path = base_dir / make_path(obs_table_filename)
        if obs_path is not None:
            obs_table = ObservationTable.read(obs_path)
        return cls(hdu_table=hdu_table, obs_table=obs_table)

    @classmethod
    def from_file(cls, filename, hdu_hdu="HDU_INDEX", hdu_obs="OBS_INDEX"):
        """Create from one FITS file holding both index tables.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File.
        hdu_hdu, hdu_obs : str
            HDU names of the HDU index and the observation index.
        """
        path = make_path(filename)
        hdu_table = HDUIndexTable.read(path, hdu=hdu_hdu)
        with open_fits(path) as hdulist:
            has_obs = hdu_obs in [h.name for h in hdulist]
        obs_table = ObservationTable.read(path, hdu=hdu_obs) if has_obs else None
        return cls(hdu_table=hdu_table, obs_table=obs_table)

    @classmethod
    def from_events_files(cls, events_paths, irfs_paths=None):
        """Create in-memory index tables from event files.

        IRF HDUs inside the event files are indexed (CTA 1DC / DL3 files
        with IRFs); otherwise IRFs are taken from ``irfs_paths`` (one file
        for all, or one per events file), or from ``$CALDB`` when the events
        header has ``CALDB``/``IRF`` keywords.

        Parameters
        ----------
        events_paths : list of str or `~pathlib.Path`
            Event files.
        irfs_paths : str, `~pathlib.Path` or list, optional
            IRF files.

        Returns
        -------
        data_store : `DataStore`
            The data store.
        """
        events_paths = [make_path(p) for p in np.atleast_1d(events_paths)]
        if irfs_paths is None:
            irfs_paths = [None] * len(events_paths)
        elif isinstance(irfs_paths, (str, bytes)) or not np.iterable(irfs_paths):
            irfs_paths = [irfs_paths] * len(events_paths)
        else:
            irfs_paths = list(irfs_paths)
            if len(irfs_paths) == 1:
                irfs_paths = irfs_paths * len(events_paths)
        if len(irfs_paths) != len(events_paths):
            raise InvalidDataError(
                f"Got {len(irfs_paths)} IRF files for {len(events_paths)} event files."
            )

        hdu_rows, obs_rows, time_meta = [], [], {}
        for events_path, irf_path in zip(events_paths, irfs_paths, strict=True):
            rows = scan_dl3_file(events_path)
            with open_fits(events_path) as hdulist:
                header = get_hdu(hdulist, "EVENTS", filename=events_path).header
                header = {
                    k: header[k] for k in header if k not in ("COMMENT", "HISTORY", "")
                }
            obs_id = header.get("OBS_ID")
            if (
                irf_path is None
                and not any(r["HDU_TYPE"] not in ("events", "gti") for r in rows)
                and "CALDB" in header
                and "IRF" in header
            ):
                caldb = make_path("$CALDB")
                irf_path = (
                    caldb
                    / "data"
                    / "cta"
                    / str(header["CALDB"])
                    / "bcf"
                    / str(header["IRF"])
                    / "irf_file.fits"
                )
            if irf_path is not None:
                rows += [
                    r
                    for r in scan_dl3_file(irf_path)
                    if r["HDU_TYPE"] not in ("events", "gti")
                ]
            for row in rows:
                row["OBS_ID"] = obs_id
            hdu_rows.extend(rows)
            obs_row = {"OBS_ID": obs_id}
            for key in _OBS_TABLE_KEYS:
                obs_row[key] = header.get(key, np.nan)
            obs_rows.append(obs_row)
            for key in ("MJDREFI", "MJDREFF", "TIMESYS", "TIMEUNIT"):
                if key in header:
                    time_meta.setdefault(key, header[key])

        hdu_table = HDUIndexTable(rows=hdu_rows) if hdu_rows else HDUIndexTable()
        hdu_table.meta["BASE_DIR"] = ""
        obs_table = ObservationTable(Table(rows=obs_rows))
        obs_table.meta.update(time_meta)
        for name, unit in [
            ("RA_PNT", "deg"),
            ("DEC_PNT", "deg"),
            ("ALT_PNT", "deg"),
            ("AZ_PNT", "deg"),
            ("TSTART", "s"),
            ("TSTOP", "s"),
            ("ONTIME", "s"),
            ("LIVETIME", "s"),
        ]:
            if name in obs_table.colnames and obs_table[name].dtype.kind == "f":
                obs_table[name].unit = unit
        return cls(hdu_table=hdu_table, obs_table=obs_table)

    # -------------------------------------------------------------- info
    @property
    def obs_ids(self):
        """Observation ids (`~numpy.ndarray`): from the obs table, else the HDU table."""
        if self.obs_table is not None:
            ids = np.asarray(self.obs_table["OBS_ID"])
            if ids.dtype.kind in "iu":
                return ids
            try:
                return ids.astype(np.int64)
            except ValueError:
                warnings.warn(
                    f"The OBS_ID column of the observation table is not integer "
                    f"(dtype {ids.dtype}) and cannot be parsed; using the "
                    f"observation ids of the HDU index table instead.",
                    FormatWarning,
                    stacklevel=2,
                )
        return self.hdu_table.obs_id_unique

    def info(self, show=True, file=None):
        """Summary of the data store.

        Parameters
        ----------
        show : bool
            Write the summary to ``file`` (interactive use) instead of
            returning it.
        file : file-like, optional
            Where to write it; default ``sys.stdout``.

        Returns
        -------
        text : str or None
            The summary when ``show=False``.
        """
        text = "Data store:\n" + self.hdu_table.summary()
        if self.obs_table is not None:
            text += "\n" + self.obs_table.summary()
        else:
            text += "\nNo observation index table.\n"
        if show:
            (sys.stdout if file is None else file).write(text + "\n")
            return None
        return text

    def __str__(self):
        return self.info(show=False)

    # -------------------------------------------------------- observations
    def obs(self, obs_id, required_irf="full-enclosure", require_events=True):
        """One observation (HDUs loaded lazily).

        Parameters
        ----------
        obs_id : int
            Observation id.
        required_irf : str or list of str
            ``"full-enclosure"`` (aeff, edisp, psf, bkg), ``"point-like"``
            (aeff, edisp; ``rad_max`` from its HDU or the ``RAD_MAX`` keyword),
            ``"all-optional"`` or a list of IRF names.
        require_events : bool
            Require an events HDU.

        Returns
        -------
        observation : `~gammaray.data.Observation`
            The observation.

        Raises
        ------
        ObservationNotFoundError
            If the id is not in the index.
        DataNotFoundError
            If a file listed in the index does not exist.
        MissingIRFError
            If a required HDU is not in the index.
        """
        obs_id = int(obs_id)
        required = _required_irfs(required_irf)
        if require_events:
            required = ["events", "gti", *required]
        if len(self.hdu_table.row_idx(obs_id)) == 0:
            raise ObservationNotFoundError(
                f"Observation {obs_id} is not in the HDU index table "
                f"({self.hdu_table.meta.get('BASE_DIR', '')})."
            )
        kwargs = {}
        for hdu_type in ["events", "gti", "pointing", *ALL_IRFS]:
            location = self.hdu_table.hdu_location(
                obs_id=obs_id, hdu_type=hdu_type, warn_missing=False
            )
            if location is None:
                continue
            path = location.path()
            if not path.exists():
                raise DataNotFoundError(
                    f"Observation {obs_id}: file of HDU {hdu_type!r} "
                    f"({location.hdu_name}) not found: {path}"
                )
            kwargs[hdu_type] = location
        missing = [name for name in required if name not in kwargs]
        if missing:
            raise MissingIRFError(
                f"Observation {obs_id} lacks required HDUs {missing} in the index; "
                f"pass required_irf='point-like', 'all-optional' or a list of IRFs."
            )
        if "pointing" not in kwargs and "events" in kwargs:
            events = kwargs["events"]
            kwargs["pointing"] = HDULocation(
                "pointing",
                events.base_dir,
                events.file_dir,
                events.file_name,
                events.hdu_name,
            )
        return Observation(obs_id=obs_id, **kwargs)

    def get_observations(
        self,
        obs_id=None,
        skip_missing=False,
        required_irf="full-enclosure",
        require_events=True,
    ):
        """Several observations.

        Parameters
        ----------
        obs_id : list of int, optional
            Observation ids; default all (`obs_ids`).
        skip_missing : bool
            Skip observations that are not in the index or whose files or
            required HDUs are missing (with a warning) instead of raising.
        required_irf : str or list of str
            See `obs`.
        require_events : bool
            See `obs`.

        Returns
        -------
        observations : `~gammaray.data.Observations`
            The observations.
        """
        if obs_id is None:
            obs_id = self.obs_ids
        observations = []
        for _id in np.atleast_1d(obs_id):
            try:
                obs = self.obs(
                    _id, required_irf=required_irf, require_events=require_events
                )
            except (
                ObservationNotFoundError,
                DataNotFoundError,
                MissingIRFError,
            ) as exc:
                if not skip_missing:
                    raise
                warnings.warn(f"Skipping observation {_id}: {exc}", GammarayWarning)
                continue
            observations.append(obs)
        return Observations(observations)

    # ----------------------------------------------------------------- checks
    def check(self, checks="all"):
        """Check the consistency of the index tables and the existence of files.

        Yields
        ------
        record : dict
            ``{"level": "error"|"warning"|"info", "msg": str, ...}``.
        """
        hdu_ids = set(int(i) for i in self.hdu_table.obs_id_unique)
        if self.obs_table is not None:
            obs_ids = set(int(i) for i in np.asarray(self.obs_table["OBS_ID"]))
            for obs_id in sorted(obs_ids - hdu_ids):
                yield {
                    "level": "error",
                    "obs_id": obs_id,
                    "msg": f"Observation {obs_id} in obs table but not in HDU table.",
                }
            for obs_id in sorted(hdu_ids - obs_ids):
                yield {
                    "level": "warning",
                    "obs_id": obs_id,
                    "msg": f"Observation {obs_id} in HDU table but not in obs table.",
                }
        seen = {}
        for idx in range(len(self.hdu_table)):
            location = self.hdu_table.location_info(idx)
            path = location.path()
            if path not in seen:
                seen[path] = path.exists()
            if not seen[path]:
                obs_id = int(self.hdu_table["OBS_ID"][idx])
                yield {
                    "level": "error",
                    "obs_id": obs_id,
                    "hdu_type": location.hdu_class,
                    "msg": f"Observation {obs_id}: file not found: {path}",
                }
        for obs_id in sorted(hdu_ids):
            for hdu_type in ("events", "gti"):
                if len(self.hdu_table.row_idx(obs_id, hdu_type=hdu_type)) == 0:
                    yield {
                        "level": "warning",
                        "obs_id": obs_id,
                        "msg": f"Observation {obs_id} has no {hdu_type} HDU.",
                    }

    # ------------------------------------------------------------------ copy
    def copy_obs(self, obs_id, outdir, hdu_class=None, verbose=False, overwrite=False):
        """Copy the files of observations to a new directory with new index tables.

        Parameters
        ----------
        obs_id : list of int or `~gammaray.data.ObservationTable`
            Observations to copy.
        outdir : str or `~pathlib.Path`
            Output directory (created if needed).
        hdu_class : list of str, optional
            Only these HDU classes.
        verbose : bool
            Log each copied file at INFO level.
        overwrite : bool
            Replace existing files.
        """
        if isinstance(obs_id, ObservationTable):
            obs_id = obs_id["OBS_ID"].data
        obs_id = [int(i) for i in np.atleast_1d(obs_id)]
        outdir = make_path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)

        rows = (
            np.concatenate([self.hdu_table.row_idx(i) for i in obs_id])
            if obs_id
            else []
        )
        rows = np.asarray(rows, dtype=int)
        subhdutable = self.hdu_table[rows]
        if hdu_class is not None:
            classes = np.array(
                [str(c).strip().lower() for c in subhdutable["HDU_CLASS"]]
            )
            subhdutable = subhdutable[np.isin(classes, [c.lower() for c in hdu_class])]
        copied = set()
        file_dirs = []
        for idx in range(len(subhdutable)):
            location = subhdutable.location_info(idx)
            src = location.path()
            relative = location.path(abs_path=False)
            if relative.is_absolute():
                relative = relative.relative_to(relative.parent)
            file_dirs.append(str(relative.parent))
            dst = outdir / relative
            if src in copied:
                continue
            if dst.exists() and not overwrite:
                raise OverwriteError(f"File {dst} exists; pass overwrite=True.")
            dst.parent.mkdir(parents=True, exist_ok=True)
            if verbose:
                log.info(f"Copying {src} to {dst}")
            shutil.copyfile(src, dst)
            copied.add(src)
        if "FILE_DIR" in subhdutable.colnames:
            subhdutable.remove_column("FILE_DIR")
        subhdutable.add_column(file_dirs or [], name="FILE_DIR", index=3)
        subhdutable.meta = {
            k: v for k, v in subhdutable.meta.items() if k != "BASE_DIR"
        }
        subhdutable.meta["EXTNAME"] = "HDU_INDEX"
        _write_gz_table(subhdutable, outdir / self.DEFAULT_HDU_TABLE, overwrite)
        if self.obs_table is not None:
            subobstable = self.obs_table.select_obs_id(obs_id)
            subobstable.meta["EXTNAME"] = "OBS_INDEX"
            _write_gz_table(subobstable, outdir / self.DEFAULT_OBS_TABLE, overwrite)


def _write_gz_table(table, path, overwrite):
    """Write a table as a gzip-compressed FITS file (atomically)."""
    import gzip
    import io

    from astropy.io import fits

    buffer = io.BytesIO()
    fits.HDUList([fits.PrimaryHDU(), fits.table_to_hdu(Table(table))]).writeto(buffer)
    with atomic_write(path, overwrite=overwrite) as tmp, gzip.open(tmp, "wb") as f:
        f.write(buffer.getvalue())
