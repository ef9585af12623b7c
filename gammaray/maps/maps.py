"""`Maps`: an ordered dictionary of maps sharing one geometry."""

from collections.abc import MutableMapping

from astropy.io import fits

from gammaray.maps.core import Map
from gammaray.utils.errors import GeometryMismatchError
from gammaray.utils.paths import atomic_write, make_path

__all__ = ["Maps"]


class Maps(MutableMapping):
    """An ordered dictionary of `~gammaray.maps.Map` objects with one geometry.

    Parameters
    ----------
    **kwargs : `~gammaray.maps.Map`
        Maps by name; all must share the same geometry.

    Examples
    --------
    >>> from gammaray.maps import Maps, WcsGeom  # doctest: +SKIP
    >>> geom = WcsGeom.create(npix=5)  # doctest: +SKIP
    >>> maps = Maps.from_geom(geom, names=["counts", "background"])  # doctest: +SKIP
    """

    def __init__(self, **kwargs):
        self._data = {}
        for key, value in kwargs.items():
            self[key] = value

    @property
    def geom(self):
        """Common geometry of the maps (None if empty)."""
        for value in self._data.values():
            return value.geom
        return None

    def __setitem__(self, key, value):
        if value is not None:
            if not isinstance(value, Map):
                raise TypeError(
                    f"Maps can only hold Map objects; got {type(value).__name__} for {key!r}."
                )
            geom = self.geom
            if geom is not None and not (value.geom is geom or value.geom == geom):
                raise GeometryMismatchError(
                    f"Map {key!r} has a geometry ({type(value.geom).__name__}, data shape "
                    f"{tuple(value.geom.data_shape)}) that differs from the geometry of the "
                    f"other maps (data shape {tuple(geom.data_shape)}); all maps in a Maps "
                    "container must share one geometry."
                )
        self._data[key] = value

    def __getitem__(self, key):
        return self._data[key]

    def __delitem__(self, key):
        del self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __repr__(self):
        lines = [f"{type(self).__name__}", ""]
        geom = self.geom
        if geom is not None:
            lines.append(f"\tgeom  : {type(geom).__name__}")
            lines.append(f"\tshape : {tuple(geom.data_shape)[::-1]}")
            lines.append(f"\taxes  : {list(geom.axes.names)}")
        lines.append("")
        for name, m in self._data.items():
            unit = m.unit.to_string() if m is not None else ""
            dtype = m.data.dtype if m is not None else None
            lines.append(f"\t{name:<20s}: unit={unit!r}, dtype={dtype}")
        return "\n".join(lines) + "\n"

    __str__ = __repr__

    @classmethod
    def from_geom(cls, geom, names, kwargs_list=None):
        """Create empty maps on one geometry.

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Geometry.
        names : list of str
            Map names.
        kwargs_list : list of dict, optional
            Keyword arguments of `Map.from_geom` (``unit``, ``dtype``, ``meta``)
            for each map.

        Returns
        -------
        maps : `Maps`
            The maps.
        """
        if kwargs_list is None:
            kwargs_list = [{}] * len(names)
        if len(kwargs_list) != len(names):
            raise ValueError(
                f"kwargs_list has {len(kwargs_list)} entries but {len(names)} names were given."
            )
        maps = cls()
        for name, kwargs in zip(names, kwargs_list):
            maps[name] = Map.from_geom(geom, **kwargs)
        return maps

    def to_hdulist(self, hdu_bands="BANDS"):
        """Convert to an `~astropy.io.fits.HDUList` with one HDU per map.

        Parameters
        ----------
        hdu_bands : str
            Name of the shared bands table HDU.
        """
        hdulist = fits.HDUList([fits.PrimaryHDU()])
        bands_written = False
        for name, m in self._data.items():
            if m is None:
                continue
            parts = m.to_hdulist(hdu=name, hdu_bands=hdu_bands)
            parts[1].header["MAPNAME"] = name
            for hdu in parts[1:]:
                if hdu.name == hdu_bands.upper():
                    if bands_written:
                        continue
                    bands_written = True
                hdulist.append(hdu)
        return hdulist

    @classmethod
    def from_hdulist(cls, hdulist, hdu_bands="BANDS"):
        """Create from an `~astropy.io.fits.HDUList` written by `to_hdulist`.

        Parameters
        ----------
        hdulist : `~astropy.io.fits.HDUList`
            HDU list.
        hdu_bands : str
            Name of the shared bands table HDU.
        """
        maps = cls()
        for hdu in hdulist[1:]:
            name = hdu.name
            if name == hdu_bands.upper() or name.endswith("_BANDS"):
                continue
            bands = hdu_bands if hdu_bands.upper() in hdulist else None
            key = hdu.header.get("MAPNAME", name.lower())
            maps[key] = Map.from_hdulist(hdulist, hdu=name, hdu_bands=bands)
        return maps

    @classmethod
    def read(cls, filename, checksum=False):
        """Read maps from a FITS file.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name.
        checksum : bool
            Verify checksums.
        """
        from gammaray.maps.io import open_map_file

        with open_map_file(make_path(filename), checksum=checksum) as hdulist:
            return cls.from_hdulist(hdulist)

    def write(self, filename, overwrite=False, checksum=False):
        """Write the maps to a FITS file (atomically).

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            Output file.
        overwrite : bool
            Replace an existing file.
        checksum : bool
            Add checksums.
        """
        hdulist = self.to_hdulist()
        with atomic_write(filename, overwrite=overwrite) as tmp:
            hdulist.writeto(tmp, overwrite=True, checksum=checksum)
