"""Observation index table."""

import logging

import astropy.units as u
import numpy as np
from astropy.coordinates import Angle, SkyCoord
from astropy.table import Table
from astropy.time import Time

from gammaray.utils.errors import InvalidDataError, MissingColumnError
from gammaray.utils.paths import make_path
from gammaray.utils.time import absolute_time, time_ref_from_dict

from .hdu_index_table import _read_table_hdu

__all__ = ["ObservationTable"]

log = logging.getLogger(__name__)


class ObservationTable(Table):
    """Observation index table (GADF ``OBS_INDEX``): one row per observation.

    Columns include ``OBS_ID``, ``RA_PNT``, ``DEC_PNT``, ``TSTART``, ``TSTOP``,
    ``LIVETIME``, ... ; the time reference keywords are in ``meta``.
    """

    @classmethod
    def read(cls, filename, hdu=None, **kwargs):
        """Read an observation table from a FITS file.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name.
        hdu : str or int, optional
            HDU; default ``OBS_INDEX`` or the first table.

        Returns
        -------
        table : `ObservationTable`
            The table.
        """
        path = make_path(filename)
        table = cls(_read_table_hdu(path, hdu, ["OBS_INDEX"]))
        if "OBS_ID" not in table.colnames:
            raise MissingColumnError(f"{path} is not an observation table: no OBS_ID.")
        return table

    def _column_quantity(self, name, unit):
        if name not in self.colnames:
            raise MissingColumnError(
                f"Observation table has no column {name!r}; columns: {self.colnames}."
            )
        column = self[name]
        return u.Quantity(np.asarray(column, dtype=float), column.unit or unit)

    @property
    def pointing_radec(self):
        """Pointing positions (`~astropy.coordinates.SkyCoord`, ICRS)."""
        return SkyCoord(
            self._column_quantity("RA_PNT", "deg"),
            self._column_quantity("DEC_PNT", "deg"),
            frame="icrs",
        )

    @property
    def pointing_galactic(self):
        """Pointing positions in Galactic coordinates (`~astropy.coordinates.SkyCoord`)."""
        if "GLON_PNT" in self.colnames and "GLAT_PNT" in self.colnames:
            return SkyCoord(
                self._column_quantity("GLON_PNT", "deg"),
                self._column_quantity("GLAT_PNT", "deg"),
                frame="galactic",
            )
        return self.pointing_radec.galactic

    @property
    def time_ref(self):
        """MET reference time (`~astropy.time.Time`)."""
        return time_ref_from_dict(self.meta)

    @property
    def time_start(self):
        """Observation start times (`~astropy.time.Time`)."""
        return absolute_time(self._column_quantity("TSTART", "s"), self.meta)

    @property
    def time_stop(self):
        """Observation stop times (`~astropy.time.Time`)."""
        return absolute_time(self._column_quantity("TSTOP", "s"), self.meta)

    def select_obs_id(self, obs_id):
        """Rows of the given observation id(s), in the order given.

        Parameters
        ----------
        obs_id : int or list of int
            Observation ids.

        Returns
        -------
        table : `ObservationTable`
            Selected rows.
        """
        wanted = np.atleast_1d(obs_id).astype(np.int64)
        obs_ids = np.asarray(self["OBS_ID"]).astype(np.int64)
        if len(obs_ids) == 0:
            return self[:0]
        order = np.argsort(obs_ids, kind="stable")
        sorted_ids = obs_ids[order]
        pos = np.clip(np.searchsorted(sorted_ids, wanted), 0, len(obs_ids) - 1)
        found = sorted_ids[pos] == wanted
        if not np.all(found):
            log.warning(f"Observation ids not in table: {wanted[~found].tolist()}")
        return self[order[pos[found]]]

    def select_observations(self, selections=None):
        """Select observations by a sequence of criteria (all must pass).

        Parameters
        ----------
        selections : dict or list of dict
            Each dict has a ``"type"``:

            * ``"sky_circle"``: ``frame``, ``lon``, ``lat``, ``radius``, ``border``
              (optional, default 0 deg): pointing within ``radius + border``.
            * ``"time_box"``: ``time_range`` (`~astropy.time.Time` [start, stop]):
              observations fully inside (or overlapping it, with
              ``partial_overlap=True``).
            * ``"par_box"``: ``variable`` (column), ``value_range``:
              ``value_range[0] <= value < value_range[1]``.
            * ``"all"``: no selection.

            Each may have ``"inverted": True`` to invert it.

        Returns
        -------
        table : `ObservationTable`
            Selected rows.
        """
        if selections is None:
            return self
        if isinstance(selections, dict):
            selections = [selections]
        table = self
        for selection in selections:
            table = table._select_one(selection)
        return table

    def _select_one(self, selection):
        kind = selection.get("type")
        if kind == "all":
            return self
        if kind in ("sky_circle", "circle"):
            frame = selection.get("frame", "icrs")
            center = SkyCoord(
                Angle(selection["lon"], "deg"),
                Angle(selection["lat"], "deg"),
                frame=frame,
            )
            radius = Angle(selection["radius"], "deg") + Angle(
                selection.get("border", 0 * u.deg), "deg"
            )
            mask = self.pointing_radec.separation(center) < radius
        elif kind == "time_box":
            time_range = Time(selection["time_range"])
            if selection.get("partial_overlap", False):
                mask = (self.time_stop >= time_range[0]) & (
                    self.time_start <= time_range[1]
                )
            else:
                mask = (self.time_start >= time_range[0]) & (
                    self.time_stop <= time_range[1]
                )
        elif kind == "par_box":
            name = selection["variable"]
            if name not in self.colnames:
                raise MissingColumnError(
                    f"Observation table has no column {name!r} for par_box selection."
                )
            column = self[name]
            value_range = selection["value_range"]
            if column.unit is not None:
                value = column.quantity
                value_range = u.Quantity(value_range, column.unit)
            else:
                value = np.asarray(column)
                if isinstance(value_range, u.Quantity):
                    value_range = value_range.value
            mask = (value_range[0] <= value) & (value < value_range[1])
        else:
            raise InvalidDataError(
                f"Unknown selection type {kind!r}; use 'sky_circle', 'time_box', "
                "'par_box' or 'all'."
            )
        mask = np.asarray(mask, dtype=bool)
        if selection.get("inverted", False):
            mask = ~mask
        return self[mask]

    def summary(self):
        """Short text summary."""
        lines = [f"Observation table: {len(self)} observations"]
        if len(self):
            lines.append(
                f"OBS_ID: {np.min(self['OBS_ID'])} -- {np.max(self['OBS_ID'])}"
            )
        if "LIVETIME" in self.colnames:
            live = self._column_quantity("LIVETIME", "s").to("h").sum()
            lines.append(f"Total live time: {live:.2f}")
        return "\n".join(lines) + "\n"
