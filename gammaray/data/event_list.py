"""Event lists (DL3 ``EVENTS`` tables)."""

import copy
import logging
import warnings

import astropy.units as u
import numpy as np
from astropy.coordinates import Angle, SkyCoord
from astropy.io import fits
from astropy.table import Table, vstack
from astropy.time import Time

from gammaray.utils.errors import (
    EmptySelectionError,
    InvalidDataError,
    MissingColumnError,
)
from gammaray.utils.fits import earth_location_from_dict, get_hdu, open_fits
from gammaray.utils.paths import atomic_write, make_path
from gammaray.utils.time import absolute_time, time_ref_from_dict

from . import event_list_plot

__all__ = ["EventList"]

log = logging.getLogger(__name__)


class EventList:
    """Event list: one row per reconstructed event.

    The table follows the GADF ``EVENTS`` format: columns ``EVENT_ID``,
    ``TIME`` (MET, s), ``RA``/``DEC`` (deg), ``ENERGY`` (TeV) and more; the
    header keywords (``MJDREFI``, ``RA_PNT``, ``LIVETIME``, ...) are in
    ``table.meta``.

    Parameters
    ----------
    table : `~astropy.table.Table`
        Event table.
    """

    def __init__(self, table):
        self.table = table

    # ---------------------------------------------------------------------- I/O
    @classmethod
    def read(cls, filename, hdu="EVENTS", checksum=False, **kwargs):
        """Read an event list from a FITS file.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name; ``$GAMMARAY_DATA`` is expanded.
        hdu : str or int
            HDU name or index.
        checksum : bool
            Verify the file checksums (a warning is emitted if they do not match).

        Returns
        -------
        events : `EventList`
            The event list.
        """
        path = make_path(filename)
        with open_fits(path, checksum=checksum) as hdulist:
            table_hdu = get_hdu(hdulist, hdu, filename=path)
            return cls.from_table_hdu(table_hdu)

    @classmethod
    def from_table_hdu(cls, table_hdu):
        """Create from an ``EVENTS`` `~astropy.io.fits.BinTableHDU` (data copied).

        Parameters
        ----------
        table_hdu : `~astropy.io.fits.BinTableHDU`
            Events HDU.

        Returns
        -------
        events : `EventList`
            The event list.
        """
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", u.UnitsWarning)
            table = Table.read(table_hdu)
        return cls(table)

    def to_table_hdu(self, format="gadf"):
        """Event list as a `~astropy.io.fits.BinTableHDU` named ``EVENTS``."""
        if format != "gadf":
            raise ValueError(
                f"Unknown event list format {format!r}; only 'gadf' is supported."
            )
        hdu = fits.table_to_hdu(self.table)
        hdu.name = "EVENTS"
        return hdu

    def write(self, filename, gti=None, overwrite=False, format="gadf", checksum=False):
        """Write the event list (and optionally a GTI) to a FITS file.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name.
        gti : `~gammaray.data.GTI`, optional
            Good time intervals, written as the ``GTI`` HDU.
        overwrite : bool
            Replace an existing file.
        format : str
            ``"gadf"``.
        checksum : bool
            Add ``CHECKSUM``/``DATASUM`` keywords.
        """
        hdus = [fits.PrimaryHDU(), self.to_table_hdu(format=format)]
        if gti is not None:
            hdus.append(gti.to_table_hdu(format=format))
        with atomic_write(filename, overwrite=overwrite) as tmp:
            fits.HDUList(hdus).writeto(tmp, overwrite=True, checksum=checksum)

    # ------------------------------------------------------------ representation
    def __len__(self):
        return len(self.table)

    def __repr__(self):
        return f"{type(self).__name__}(n_events={len(self)})"

    def __str__(self):
        meta = self.table.meta
        lines = [
            f"{type(self).__name__}",
            "-" * len(type(self).__name__),
            f"  Instrument       : {meta.get('INSTRUME', meta.get('TELESCOP', 'unknown'))}",
            f"  Observation id   : {meta.get('OBS_ID', 'unknown')}",
            f"  Number of events : {len(self)}",
        ]
        if len(self) and "ENERGY" in self.table.colnames:
            energy = self.energy
            lines.append(
                f"  Energy range     : {energy.min():.3g} - {energy.max():.3g}"
            )
        if "LIVETIME" in meta:
            lines.append(f"  Live time        : {meta['LIVETIME']:.2f} s")
        if self.is_pointed_observation:
            lines.append(
                f"  Pointing (RA/Dec): {meta['RA_PNT']:.3f} {meta['DEC_PNT']:.3f} deg"
            )
        return "\n".join(lines) + "\n"

    def copy(self):
        """A deep copy."""
        return copy.deepcopy(self)

    # --------------------------------------------------------------- properties
    def _column(self, name):
        if name not in self.table.colnames:
            raise MissingColumnError(
                f"Event list has no column {name!r}; columns are {self.table.colnames}."
            )
        return self.table[name]

    def _quantity(self, name, default_unit):
        column = self._column(name)
        unit = column.unit if column.unit is not None else default_unit
        return u.Quantity(column.data, unit, copy=False)

    @property
    def radec(self):
        """Event positions (`~astropy.coordinates.SkyCoord`, ICRS)."""
        lon = self._quantity("RA", "deg")
        lat = self._quantity("DEC", "deg")
        return SkyCoord(lon, lat, frame="icrs")

    @property
    def galactic(self):
        """Event positions in Galactic coordinates (`~astropy.coordinates.SkyCoord`)."""
        return self.radec.galactic

    @property
    def energy(self):
        """Reconstructed event energies (`~astropy.units.Quantity`)."""
        return self._quantity("ENERGY", self.table.meta.get("EUNIT", "TeV"))

    @property
    def time_ref(self):
        """Reference time of the MET values (`~astropy.time.Time`)."""
        return time_ref_from_dict(self.table.meta)

    @property
    def time(self):
        """Event times (`~astropy.time.Time`)."""
        return absolute_time(self._quantity("TIME", "s"), self.table.meta)

    @property
    def observation_time_start(self):
        """Observation start time from ``TSTART`` (`~astropy.time.Time`)."""
        return absolute_time(self.table.meta["TSTART"], self.table.meta)

    @property
    def observation_time_stop(self):
        """Observation stop time from ``TSTOP`` (`~astropy.time.Time`)."""
        return absolute_time(self.table.meta["TSTOP"], self.table.meta)

    @property
    def observation_time_duration(self):
        """Observation duration ``TSTOP - TSTART`` (`~astropy.units.Quantity`, s)."""
        meta = self.table.meta
        return (float(meta["TSTOP"]) - float(meta["TSTART"])) * u.s

    @property
    def observation_live_time_duration(self):
        """Live time from the ``LIVETIME`` keyword (`~astropy.units.Quantity`, s)."""
        return float(self.table.meta["LIVETIME"]) * u.s

    @property
    def observation_dead_time_fraction(self):
        """Dead-time fraction ``1 - DEADC``."""
        return 1.0 - float(self.table.meta["DEADC"])

    @property
    def observatory_earth_location(self):
        """Observatory location from ``GEOLON``/``GEOLAT``/``ALTITUDE`` (or None)."""
        return earth_location_from_dict(self.table.meta)

    @property
    def is_pointed_observation(self):
        """Whether the header has a fixed RA/Dec pointing (``RA_PNT``)."""
        return "RA_PNT" in self.table.meta

    @property
    def pointing_radec(self):
        """Pointing position from ``RA_PNT``/``DEC_PNT`` (`~astropy.coordinates.SkyCoord`)."""
        meta = self.table.meta
        if not self.is_pointed_observation:
            raise InvalidDataError(
                "Event list header has no RA_PNT/DEC_PNT: not a pointed observation."
            )
        return SkyCoord(meta["RA_PNT"], meta["DEC_PNT"], unit="deg", frame="icrs")

    @property
    def offset(self):
        """Event offsets from the pointing position (`~astropy.coordinates.Angle`)."""
        return Angle(self.radec.separation(self.pointing_radec), "deg")

    @property
    def offset_from_median(self):
        """Event offsets from the median event position (`~astropy.coordinates.Angle`)."""
        radec = self.radec
        center = SkyCoord(
            np.median(radec.ra.wrap_at("180d") if _wraps(radec.ra) else radec.ra),
            np.median(radec.dec),
            frame="icrs",
        )
        return Angle(radec.separation(center), "deg")

    # --------------------------------------------------------------- selections
    def select_row_subset(self, row_specifier):
        """Select events by row index, slice or boolean mask.

        Parameters
        ----------
        row_specifier : slice, int array or bool array
            Rows to select.

        Returns
        -------
        events : `EventList`
            Selected events (header kept).
        """
        table = self.table[row_specifier]
        return self.__class__(table)

    def select_energy(self, energy_range):
        """Select events with ``energy_range[0] <= energy < energy_range[1]``.

        Parameters
        ----------
        energy_range : `~astropy.units.Quantity`
            ``[energy_min, energy_max]``.
        """
        energy_range = u.Quantity(energy_range)
        energy = self.energy
        mask = (energy_range[0] <= energy) & (energy < energy_range[1])
        return self.select_row_subset(mask)

    def select_time(self, time_interval):
        """Select events with ``time_interval[0] <= time < time_interval[1]``.

        Parameters
        ----------
        time_interval : `~astropy.time.Time`
            ``[start, stop]``.
        """
        time_ref = self.time_ref
        tmin = (Time(time_interval[0]) - time_ref).to_value("s")
        tmax = (Time(time_interval[1]) - time_ref).to_value("s")
        met = self._quantity("TIME", "s").to_value("s")
        mask = (tmin <= met) & (met < tmax)
        return self.select_row_subset(mask)

    def select_offset(self, offset_band):
        """Select events with ``offset_band[0] <= offset < offset_band[1]``.

        Parameters
        ----------
        offset_band : `~astropy.coordinates.Angle`
            ``[offset_min, offset_max]`` from the pointing position.
        """
        offset_band = Angle(offset_band)
        offset = self.offset
        mask = (offset_band[0] <= offset) & (offset < offset_band[1])
        return self.select_row_subset(mask)

    def select_parameter(self, parameter, band):
        """Select events with ``band[0] <= table[parameter] < band[1]``.

        Parameters
        ----------
        parameter : str
            Column name.
        band : tuple or `~astropy.units.Quantity`
            ``[min, max]``; a Quantity when the column has a unit.
        """
        column = self._column(parameter)
        if column.unit is not None:
            value = column.quantity
            band = u.Quantity(band)
        else:
            value = np.asarray(column)
        mask = (band[0] <= value) & (value < band[1])
        return self.select_row_subset(mask)

    def select_region(self, regions, wcs=None):
        """Select events inside one or several sky regions (union).

        Parameters
        ----------
        regions : `~regions.SkyRegion`, `~regions.PixelRegion`, str or list
            Regions; strings are parsed as DS9 region definitions.
            Circles are tested exactly by angular separation.
        wcs : `~astropy.wcs.WCS`, optional
            WCS for pixel regions and for non-circular sky regions (a local
            tangent-plane WCS is used by default).

        Returns
        -------
        events : `EventList`
            Events in the regions.
        """
        mask = select_in_regions(self.radec, regions, wcs=wcs)
        return self.select_row_subset(mask)

    def select_rad_max(self, rad_max, position=None):
        """Select events within an energy-dependent direction cut (point-like IRFs).

        Parameters
        ----------
        rad_max : `~gammaray.irf.RadMax2D`
            Direction cut; evaluated at the event energies and at the offset of
            ``position`` from the pointing (nearest-neighbour).
        position : `~astropy.coordinates.SkyCoord`, optional
            Centre of the cut; default the pointing position.

        Returns
        -------
        events : `EventList`
            Events with ``separation(position) <= rad_max``.
        """
        pointing = self.pointing_radec
        if position is None:
            position = pointing
        offset = position.separation(pointing)
        separation = self.radec.separation(position)
        cut = rad_max.evaluate(method="nearest", energy=self.energy, offset=offset)
        return self.select_row_subset(np.asarray(separation <= cut, dtype=bool))

    def select_mask(self, mask):
        """Select events inside a boolean mask map.

        Parameters
        ----------
        mask : `~gammaray.maps.Map` or bool array
            Boolean map (events in True pixels are kept) or a boolean array of
            length ``len(events)``.
        """
        if hasattr(mask, "geom"):
            coord = self.map_coord(mask.geom)
            values = mask.get_by_coord(coord)
            keep = np.asarray(values, dtype=float) > 0
            keep &= np.isfinite(np.asarray(values, dtype=float))
        else:
            keep = np.asarray(mask, dtype=bool)
            if keep.shape != (len(self),):
                raise InvalidDataError(
                    f"Mask of shape {keep.shape} does not match {len(self)} events."
                )
        return self.select_row_subset(keep)

    # ----------------------------------------------------------------- stacking
    def stack(self, other):
        """Append the events of another event list in place (header of self kept)."""
        meta = self.table.meta
        table = vstack([self.table, other.table], metadata_conflicts="silent")
        table.meta = meta
        self.table = table

    @classmethod
    def from_stack(cls, event_lists, **kwargs):
        """Stack event lists into one (header of the first).

        Parameters
        ----------
        event_lists : list of `EventList`
            Event lists.
        **kwargs : dict
            Ignored (compatibility).
        """
        event_lists = list(event_lists)
        if not event_lists:
            raise EmptySelectionError("No event lists to stack.")
        table = vstack([ev.table for ev in event_lists], metadata_conflicts="silent")
        table.meta = dict(event_lists[0].table.meta)
        return cls(table)

    # -------------------------------------------------------------------- maps
    def map_coord(self, geom):
        """Event coordinates for a map geometry.

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Geometry; its non-spatial axis names must be event columns
            (e.g. ``energy`` -> ``ENERGY``).

        Returns
        -------
        coord : `~gammaray.maps.MapCoord`
            Coordinates (lon/lat in the geometry's frame plus axis values).
        """
        from gammaray.maps.coord import MapCoord

        coord = {"skycoord": self.radec}
        columns = {name.upper(): name for name in self.table.colnames}
        for axis in geom.axes:
            key = axis.name.upper()
            if key not in columns:
                raise MissingColumnError(
                    f"Event list has no column for map axis {axis.name!r}; "
                    f"columns are {self.table.colnames}."
                )
            column = self.table[columns[key]]
            coord[axis.name] = (
                column.quantity if column.unit is not None else np.asarray(column)
            )
        return MapCoord.create(coord, frame=geom.frame)

    # -------------------------------------------------------------------- plots
    def plot_energy(self, ax=None, **kwargs):
        """Histogram of event energies (log bins). Returns the axes."""
        return event_list_plot.plot_energy(self, ax=ax, **kwargs)

    def plot_time(self, ax=None, **kwargs):
        """Event rate versus time. Returns the axes."""
        return event_list_plot.plot_time(self, ax=ax, **kwargs)

    def plot_offset2_distribution(
        self, ax=None, center=None, max_percentile=98, **kwargs
    ):
        """Histogram of squared offsets from ``center`` (default pointing). Returns the axes."""
        return event_list_plot.plot_offset2_distribution(
            self, ax=ax, center=center, max_percentile=max_percentile, **kwargs
        )

    def plot_energy_offset(self, ax=None, center=None, **kwargs):
        """2D histogram of energy versus offset. Returns the axes."""
        return event_list_plot.plot_energy_offset(self, ax=ax, center=center, **kwargs)

    def plot_image(self, ax=None, allsky=False):
        """Counts image of the events on a local TAN (or all-sky CAR) grid. Returns the axes."""
        return event_list_plot.plot_image(self, ax=ax, allsky=allsky)

    def peek(self, allsky=False):
        """Quick-look figure: image, energy, offset, time and energy-offset plots."""
        return event_list_plot.peek(self, allsky=allsky)


def _wraps(lon):
    """Whether longitudes straddle 0/360 (so the median must be taken wrapped at 180)."""
    values = lon.wrap_at("360d").deg
    return values.size > 0 and (values.max() - values.min()) > 180


def _parse_regions(regions):
    """Normalise regions (object, DS9 string, list) to a flat list of region objects."""
    from regions import Region, Regions

    if isinstance(regions, str):
        return list(Regions.parse(regions, format="ds9"))
    if isinstance(regions, Region):
        return [regions]
    result = []
    for region in regions:
        result.extend(_parse_regions(region))
    return result


def _local_wcs(center):
    """A tangent-plane WCS centred on ``center`` (0.01 deg pixels) for region tests."""
    from astropy.wcs import WCS

    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    center = center.icrs
    wcs.wcs.crval = [center.ra.deg, center.dec.deg]
    wcs.wcs.crpix = [0.0, 0.0]
    wcs.wcs.cdelt = [-0.01, 0.01]
    return wcs


def _in_circle(lon, lat, center, radius):
    """Haversine test ``separation <= radius`` (vectorised, float64, radians).

    Only events within ``radius`` in latitude are tested in full.
    """
    radius = Angle(radius).to_value("rad")
    if radius >= np.pi:
        return np.ones(lon.shape, dtype=bool)
    lon0, lat0 = center.ra.to_value("rad"), center.dec.to_value("rad")
    idx = np.nonzero(np.abs(lat - lat0) <= radius * (1 + 1e-12))[0]
    lon_c, lat_c = lon[idx], lat[idx]
    hav = (
        np.sin((lat_c - lat0) / 2) ** 2
        + np.cos(lat_c) * np.cos(lat0) * np.sin((lon_c - lon0) / 2) ** 2
    )
    mask = np.zeros(lon.shape, dtype=bool)
    mask[idx] = hav <= np.sin(radius / 2) ** 2
    return mask


def select_in_regions(skycoord, regions, wcs=None):
    """Boolean mask of positions inside the union of ``regions``.

    Circle sky regions are tested by angular separation (exact, no projection);
    other sky regions are tested in pixel space of ``wcs`` (default: local TAN
    projection centred on the region); pixel regions need ``wcs``.

    Parameters
    ----------
    skycoord : `~astropy.coordinates.SkyCoord`
        Positions.
    regions : region, str or list
        Regions (DS9 strings are parsed).
    wcs : `~astropy.wcs.WCS`, optional
        WCS for non-circular and pixel regions.

    Returns
    -------
    mask : `~numpy.ndarray`
        Boolean mask, True inside any region.
    """
    from regions import CircleSkyRegion, PixCoord, PixelRegion, SkyRegion

    mask = np.zeros(skycoord.shape, dtype=bool)
    icrs = None
    for region in _parse_regions(regions):
        if isinstance(region, CircleSkyRegion):
            if icrs is None:
                icrs = skycoord.icrs
                lon = icrs.ra.to_value("rad").astype(np.float64)
                lat = icrs.dec.to_value("rad").astype(np.float64)
            mask |= _in_circle(lon, lat, region.center.icrs, region.radius)
        elif isinstance(region, SkyRegion):
            if wcs is None:
                center = getattr(region, "center", None)
                if center is None:  # e.g. polygons
                    center = region.vertices[0]
                region_wcs = _local_wcs(center)
            else:
                region_wcs = wcs
            pix_region = region.to_pixel(region_wcs)
            x, y = region_wcs.world_to_pixel(skycoord)
            mask |= np.asarray(pix_region.contains(PixCoord(x, y)), dtype=bool)
        elif isinstance(region, PixelRegion):
            if wcs is None:
                raise InvalidDataError(
                    "Pixel regions need a WCS; pass wcs= to select_region."
                )
            x, y = wcs.world_to_pixel(skycoord)
            mask |= np.asarray(region.contains(PixCoord(x, y)), dtype=bool)
        else:
            raise InvalidDataError(
                f"Cannot select events in {type(region).__name__}; give a "
                "regions SkyRegion/PixelRegion or a DS9 string."
            )
    return mask
