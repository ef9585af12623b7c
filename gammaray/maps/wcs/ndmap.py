"""N-dimensional map with a WCS (sky image) geometry: `WcsNDMap`."""

import contextlib
import logging

import astropy.units as u
import numpy as np
from astropy.io import fits

from gammaray.maps.core import Map
from gammaray.maps.io import (
    data_from_fits,
    data_to_fits,
    find_bands_hdu,
    find_map_hdu,
    meta_from_header,
    meta_to_header,
    unit_from_header,
)
from gammaray.maps.wcs.ops import WcsMapOpsMixin
from gammaray.maps.wcs.plot import WcsMapPlotMixin
from gammaray.utils.errors import GeometryMismatchError

__all__ = ["WcsNDMap"]

log = logging.getLogger(__name__)

#: Number of events converted at once in the fill fast path
_CHUNK = 1 << 16

_BANDS_NAMES = {"fgst-ccube": "EBOUNDS", "fgst-template": "ENERGIES"}


class WcsNDMap(WcsMapOpsMixin, WcsMapPlotMixin, Map):
    """N-dimensional map on a `~gammaray.maps.WcsGeom`.

    Data have shape ``(..., n_axis1, n_axis0, ny, nx)``.

    Parameters
    ----------
    geom : `~gammaray.maps.WcsGeom`
        Geometry.
    data : `~numpy.ndarray`, optional
        Data (zeros of ``dtype`` if None).
    dtype : str
        Data type of the default data.
    meta : dict, optional
        Meta data.
    unit : str or `~astropy.units.Unit`
        Data unit.
    """

    tag = "wcs"
    _map_type = "wcs"

    @classmethod
    def _geom_class(cls):
        from gammaray.maps.wcs.geom import WcsGeom

        return WcsGeom

    @classmethod
    def create(
        cls,
        npix=None,
        binsz=0.1,
        width=None,
        proj="CAR",
        frame="icrs",
        refpix=None,
        axes=None,
        skydir=None,
        dtype="float32",
        meta=None,
        unit="",
        map_type="wcs",
        data=None,
    ):
        """Create an empty WCS map.

        Parameters
        ----------
        npix : int or tuple, optional
            Number of pixels (nx, ny).
        binsz : float or `~astropy.units.Quantity`
            Pixel size (deg).
        width : float, tuple or `~astropy.units.Quantity`, optional
            Width of the map (deg); overrides ``npix``.
        proj : str
            Projection code (``"CAR"``, ``"TAN"``, ``"AIT"``, ...).
        frame : {"icrs", "galactic"}
            Sky frame.
        refpix : tuple, optional
            Reference pixel.
        axes : list of `~gammaray.maps.MapAxis`, optional
            Non-spatial axes.
        skydir : `~astropy.coordinates.SkyCoord` or tuple, optional
            Map centre.
        dtype : str
            Data type.
        meta : dict, optional
            Meta data.
        unit : str or `~astropy.units.Unit`
            Data unit.

        Returns
        -------
        map : `WcsNDMap`
            Empty map.
        """
        from gammaray.maps.wcs.geom import WcsGeom

        geom = WcsGeom.create(
            npix=npix,
            binsz=binsz,
            width=width,
            proj=proj,
            frame=frame,
            refpix=refpix,
            axes=axes,
            skydir=skydir,
        )
        return cls(geom=geom, data=data, dtype=dtype, meta=meta, unit=unit)

    # ------------------------------------------------------------------
    # FITS
    # ------------------------------------------------------------------
    @classmethod
    def from_hdulist(
        cls, hdulist, hdu=None, hdu_bands=None, format=None, colname=None, filename=None
    ):
        """Create a map from an `~astropy.io.fits.HDUList`.

        Parameters
        ----------
        hdulist : `~astropy.io.fits.HDUList`
            File contents.
        hdu : str, optional
            Map HDU (first HDU with data if None).
        hdu_bands : str, optional
            Bands HDU (from ``BANDSHDU`` / ``EBOUNDS`` / ``ENERGIES`` if None).
        format : str, optional
            Bands table format (detected if None).
        colname : str, optional
            Unused for WCS maps.
        filename : str, optional
            File name for messages.
        """
        hdu_obj = find_map_hdu(hdulist, hdu=hdu, filename=filename)
        if hdu_bands is None:
            hdu_bands = find_bands_hdu(hdulist, hdu_obj)
        hdu_bands_obj = None
        if hdu_bands is not None:
            hdu_bands_obj = find_map_hdu(hdulist, hdu=hdu_bands, filename=filename)
        return cls.from_hdu(
            hdu_obj, hdu_bands=hdu_bands_obj, format=format, filename=filename
        )

    @classmethod
    def from_hdu(cls, hdu, hdu_bands=None, format=None, filename=None):
        """Create a map from an image HDU and an optional bands table HDU."""
        from gammaray.maps.wcs.geom import WcsGeom

        if format is None:
            format = "gadf"
            if hdu_bands is not None:
                if hdu_bands.name == "EBOUNDS":
                    format = "fgst-ccube"
                elif hdu_bands.name == "ENERGIES":
                    format = "fgst-template"
        geom = WcsGeom.from_header(hdu.header, hdu_bands=hdu_bands, format=format)
        unit = unit_from_header(hdu.header, filename=filename)
        meta = meta_from_header(hdu.header)
        data = data_from_fits(hdu.data, hdu.header)
        if data.shape != tuple(geom.data_shape):
            if data.size == int(np.prod(geom.data_shape)):
                data = data.reshape(geom.data_shape)
            else:
                raise GeometryMismatchError(
                    f"{filename or 'FITS file'}: image HDU {hdu.name!r} has data shape "
                    f"{data.shape} but its header describes {tuple(geom.data_shape)}."
                )
        return cls(geom=geom, data=data, meta=meta, unit=unit)

    def to_hdu(self, hdu="SKYMAP", hdu_bands=None):
        """Image HDU of the map (``PrimaryHDU`` if ``hdu`` is ``"PRIMARY"``).

        Parameters
        ----------
        hdu : str
            HDU name.
        hdu_bands : str, optional
            Name of the bands HDU written into ``BANDSHDU``.
        """
        header = self.geom.to_header()
        if self.geom.axes and "AXCOLS1" not in header:
            with contextlib.suppress(AttributeError, TypeError):
                header.update(self.geom.axes.to_header())
        if hdu_bands is not None:
            header["BANDSHDU"] = hdu_bands
        data = data_to_fits(self.data, header)
        meta_to_header(header, self.meta)
        header["BUNIT"] = self.unit.to_string("fits") if str(self.unit) else ""
        if hdu is None or hdu.upper() == "PRIMARY":
            return fits.PrimaryHDU(data=data, header=header)
        return fits.ImageHDU(data=data, header=header, name=hdu.upper())

    def to_hdulist(self, hdu=None, hdu_bands=None, format="gadf", sparse=False):
        """Convert to an `~astropy.io.fits.HDUList`.

        Parameters
        ----------
        hdu : str, optional
            Map HDU name (``"PRIMARY"`` if None).
        hdu_bands : str, optional
            Bands HDU name (``<HDU>_BANDS``, ``EBOUNDS`` or ``ENERGIES``).
        format : {"gadf", "fgst-ccube", "fgst-template"}
            Bands table format.

        Returns
        -------
        hdulist : `~astropy.io.fits.HDUList`
            HDU list.
        """
        if hdu is None:
            hdu = "PRIMARY"
        hdu = hdu.upper()
        if hdu_bands is None:
            hdu_bands = _BANDS_NAMES.get(format, f"{hdu}_BANDS")
        hdu_bands = hdu_bands.upper()
        bands = None
        if self.geom.axes:
            bands = self.geom.to_bands_hdu(hdu_bands=hdu_bands, format=format)
            hdu_bands = bands.name
        else:
            hdu_bands = None
        hdu_out = self.to_hdu(hdu=hdu, hdu_bands=hdu_bands)
        if hdu == "PRIMARY":
            hdulist = [hdu_out]
        else:
            hdulist = [fits.PrimaryHDU(), hdu_out]
        if bands is not None:
            hdulist.append(bands)
        return fits.HDUList(hdulist)

    # ------------------------------------------------------------------
    # fast paths
    # ------------------------------------------------------------------
    def coord_to_pix_fast(self, coords):
        """Pixel coordinates of map coordinates (avoids copies for plain arrays)."""
        from gammaray.maps.coord import MapCoord

        if isinstance(coords, tuple | list) and not isinstance(coords, MapCoord):
            first = coords[0]
            if isinstance(first, np.ndarray) and not hasattr(first, "unit"):
                return self._pix_from_arrays(coords)
        return self.geom.coord_to_pix(self._to_map_coord(coords))

    def _is_plain_coords(self, coords):
        from gammaray.maps.coord import MapCoord

        return (
            isinstance(coords, tuple | list)
            and not isinstance(coords, MapCoord)
            and len(coords) == 2 + len(self.geom.axes)
            and isinstance(coords[0], np.ndarray)
            and not hasattr(coords[0], "unit")
        )

    def fill_by_coord(self, coords, weights=None):
        """Fill (add) events or weights at coordinates into the map.

        Parameters
        ----------
        coords : tuple, dict, `~gammaray.maps.MapCoord` or `~astropy.coordinates.SkyCoord`
            Coordinates in pixel order ``(lon, lat, axis_0, ...)``; plain arrays
            of lon/lat are taken in deg in the map frame.
        weights : `~numpy.ndarray`, optional
            Weights (1 per coordinate if None).

        Notes
        -----
        Plain-array coordinates are converted in chunks (bounded memory, no
        large temporaries) into flat data indices, which are then binned with
        one `numpy.bincount`.
        """
        if not self._is_plain_coords(coords):
            return super().fill_by_coord(coords, weights=weights)
        arrays = [np.ravel(a) for a in np.broadcast_arrays(*coords, subok=True)]
        n = arrays[0].size
        # sky -> pixel in one call (the geometry chunks and threads it)
        x, y = self.geom.to_image().coord_to_pix((arrays[0], arrays[1]))
        flat = np.empty(n, dtype=np.intp)
        valid = np.empty(n, dtype=bool)
        axes = list(self.geom.axes)
        for start in range(0, n, _CHUNK):
            sl = slice(start, start + _CHUNK)
            pix = [x[sl], y[sl]]
            pix += [_axis_coord_to_pix(ax, a[sl]) for ax, a in zip(axes, arrays[2:])]
            flat[sl], valid[sl] = self._fill_indices(pix)
        del x, y
        self._fill_flat(flat, valid, weights)
        return None

    def _pix_from_arrays(self, coords):
        """Pixel coordinates from a tuple of plain arrays in the map frame."""
        if len(coords) != 2 + len(self.geom.axes):
            raise ValueError(
                f"Expected {2 + len(self.geom.axes)} coordinate arrays "
                f"(lon, lat, {', '.join(self.geom.axes.names)}), got {len(coords)}."
            )
        pix = list(self.geom.to_image().coord_to_pix((coords[0], coords[1])))
        for ax, c in zip(self.geom.axes, coords[2:]):
            pix.append(_axis_coord_to_pix(ax, c))
        return tuple(pix)


def _axis_coord_to_pix(axis, values):
    """Fast float pixel coordinates along a regular lin/log edges axis.

    Falls back to ``axis.coord_to_pix`` for other axes. Pixel 0 is the centre
    of the first bin, so bin edges are at ``-0.5 ... nbin - 0.5``.
    """
    interp = getattr(axis, "interp", None)
    node_type = getattr(axis, "node_type", None)
    edges = getattr(axis, "edges", None)
    if node_type == "edges" and interp in ("lin", "log") and edges is not None:
        unit = getattr(edges, "unit", None)
        ev = np.asarray(getattr(edges, "value", edges), dtype=float)
        if isinstance(values, u.Quantity):
            values = values.to_value(unit) if unit is not None else values.value
        values = np.asarray(values, dtype=float)
        if interp == "log":
            if np.any(ev <= 0):
                return np.asarray(axis.coord_to_pix(values), dtype=float)
            scaled = np.log(ev)
            with np.errstate(divide="ignore", invalid="ignore"):
                x = np.log(values)
        else:
            scaled = ev
            x = values.copy()
        step = (scaled[-1] - scaled[0]) / (len(scaled) - 1)
        if step > 0 and np.allclose(
            np.diff(scaled), step, rtol=1e-9, atol=1e-12 * abs(step)
        ):
            x -= scaled[0]
            x *= 1.0 / step
            x -= 0.5
            return x
    return np.asarray(axis.coord_to_pix(values), dtype=float)
