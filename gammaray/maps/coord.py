"""Map coordinates: an ordered set of coordinate arrays (lon, lat, non-spatial axes)."""

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord

__all__ = ["MapCoord"]

_FRAME_ALIASES = {
    "galactic": "galactic",
    "icrs": "icrs",
    "gal": "galactic",
    "cel": "icrs",
}


def _to_deg(value):
    """Return ``value`` as a float64 Quantity in deg without copying when possible."""
    if (
        isinstance(value, u.Quantity)
        and value.unit is u.deg
        and value.dtype == np.float64
    ):
        return value
    return u.Quantity(value, u.deg, dtype=np.float64, copy=None)


def _skycoord_lonlat(skycoord):
    """Return lon, lat (deg Quantities) and frame name of a SkyCoord."""
    sph = skycoord.spherical
    return _to_deg(sph.lon), _to_deg(sph.lat), skycoord.frame.name


class MapCoord:
    """Coordinates of positions in a map: spatial ``lon``/``lat`` plus non-spatial axes.

    A `MapCoord` is an ordered mapping of coordinate arrays. The first two
    entries are always ``"lon"`` and ``"lat"`` (Quantities in deg, in
    ``frame``), followed by one entry per non-spatial axis (e.g. ``"energy"``).
    Non-spatial coordinates keep whatever type they were given (Quantities keep
    their unit; the map axes convert units when needed).

    Parameters
    ----------
    data : dict
        Coordinate arrays keyed by name; must contain ``"lon"`` and ``"lat"``.
    frame : {"icrs", "galactic", None}
        Sky frame of ``lon``/``lat``. None means "same frame as the geometry".
    match_by_name : bool
        Whether non-spatial coordinates are matched to map axes by name (True)
        or by position (False).
    """

    def __init__(self, data, frame=None, match_by_name=True):
        if "lon" not in data or "lat" not in data:
            raise ValueError(
                "MapCoord data must contain entries named 'lon' and 'lat'; got "
                f"{list(data)}. Use MapCoord.create() to build one from a tuple or SkyCoord."
            )
        self._data = {
            "lon": np.atleast_1d(_to_deg(data["lon"])),
            "lat": np.atleast_1d(_to_deg(data["lat"])),
        }
        for key, value in data.items():
            if key in ("lon", "lat"):
                continue
            if not isinstance(value, np.ndarray):
                value = (
                    u.Quantity(value)
                    if isinstance(value, u.Quantity)
                    else np.asarray(value)
                )
            self._data[key] = np.atleast_1d(value)
        self._frame = (
            _FRAME_ALIASES.get(frame, frame) if isinstance(frame, str) else frame
        )
        self._match_by_name = match_by_name

    # ---- mapping protocol -------------------------------------------------
    def __getitem__(self, key):
        if isinstance(key, str):
            return self._data[key]
        return list(self._data.values())[key]

    def __setitem__(self, key, value):
        if key in ("lon", "lat"):
            value = _to_deg(value)
        self._data[key] = np.atleast_1d(value)

    def __iter__(self):
        return iter(self._data.values())

    def __len__(self):
        return len(self._data)

    def __contains__(self, key):
        return key in self._data

    def keys(self):
        """Names of the coordinates (``lon``, ``lat``, then axis names)."""
        return self._data.keys()

    def values(self):
        """Coordinate arrays in order."""
        return self._data.values()

    def items(self):
        """(name, array) pairs in order."""
        return self._data.items()

    # ---- properties ----------------------------------------------------------
    @property
    def ndim(self):
        """Number of coordinates (spatial + non-spatial)."""
        return len(self._data)

    @property
    def axis_names(self):
        """Names of all coordinates."""
        return list(self._data.keys())

    @property
    def shape(self):
        """Broadcast shape of the coordinate arrays."""
        return np.broadcast_shapes(*(np.shape(v) for v in self._data.values()))

    @property
    def size(self):
        """Number of positions (product of ``shape``)."""
        return int(np.prod(self.shape))

    @property
    def lon(self):
        """Longitude (`~astropy.units.Quantity` in deg)."""
        return self._data["lon"]

    @property
    def lat(self):
        """Latitude (`~astropy.units.Quantity` in deg)."""
        return self._data["lat"]

    @property
    def theta(self):
        """Angle from the north pole (`~astropy.units.Quantity` in rad)."""
        return (np.pi / 2 - self.lat.to_value(u.rad)) * u.rad

    @property
    def phi(self):
        """Longitude in rad (`~astropy.units.Quantity`)."""
        return self.lon.to(u.rad)

    @property
    def frame(self):
        """Sky frame name (``"icrs"``, ``"galactic"`` or None)."""
        return self._frame

    @property
    def match_by_name(self):
        """Whether non-spatial coordinates are matched to map axes by name."""
        return self._match_by_name

    @property
    def skycoord(self):
        """Spatial coordinates as a `~astropy.coordinates.SkyCoord`."""
        if self.frame is None:
            raise ValueError(
                "MapCoord has no frame; create it with frame='icrs' or 'galactic'."
            )
        return SkyCoord(self.lon, self.lat, frame=self.frame)

    # ---- constructors --------------------------------------------------------
    @classmethod
    def _from_lonlat(cls, coords, frame=None, axis_names=None):
        if axis_names is None:
            axis_names = [f"axis{idx}" for idx in range(len(coords) - 2)]
        if len(coords) - 2 > len(axis_names):
            raise ValueError(
                f"Got {len(coords)} coordinate arrays but only {len(axis_names) + 2} "
                "dimensions (lon, lat + axes)."
            )
        data = {"lon": coords[0], "lat": coords[1]}
        for name, value in zip(axis_names, coords[2:]):
            data[name] = value
        return cls(data, frame=frame, match_by_name=False)

    @classmethod
    def _from_skycoord(cls, coords, frame=None, axis_names=None):
        skycoord = coords[0]
        lon, lat, frame_sky = _skycoord_lonlat(skycoord)
        if frame is not None and frame != frame_sky:
            lon, lat, frame_sky = _skycoord_lonlat(skycoord.transform_to(frame))
        extra = coords[1:]
        if axis_names is None:
            axis_names = [f"axis{idx}" for idx in range(len(extra))]
        data = {"lon": lon, "lat": lat}
        for name, value in zip(axis_names, extra):
            data[name] = value
        return cls(data, frame=frame_sky, match_by_name=False)

    @classmethod
    def _from_dict(cls, coords, frame=None):
        coords = dict(coords)
        if "skycoord" in coords:
            skycoord = coords.pop("skycoord")
            lon, lat, frame_sky = _skycoord_lonlat(skycoord)
            if frame is not None and frame != frame_sky:
                lon, lat, frame_sky = _skycoord_lonlat(skycoord.transform_to(frame))
            data = {"lon": lon, "lat": lat, **coords}
            return cls(data, frame=frame_sky, match_by_name=True)
        if "lon" in coords and "lat" in coords:
            return cls(coords, frame=frame, match_by_name=True)
        raise ValueError(
            "Coordinate dict must have keys 'lon' and 'lat' or 'skycoord'; got "
            f"{list(coords)}."
        )

    @classmethod
    def create(cls, data, frame=None, axis_names=None):
        """Create a `MapCoord` from various inputs.

        Parameters
        ----------
        data : tuple, list, dict, `~astropy.coordinates.SkyCoord` or `MapCoord`
            A tuple ``(lon, lat, c0, c1, ...)`` of arrays (lon/lat in deg or as
            angle Quantities), a tuple ``(skycoord, c0, ...)``, a dict with keys
            ``lon``/``lat`` or ``skycoord`` plus axis names, a SkyCoord, or a MapCoord.
        frame : {"icrs", "galactic", None}
            Frame of lon/lat given as numbers. A SkyCoord is transformed to this
            frame when given.
        axis_names : list of str, optional
            Names of the non-spatial coordinates given positionally.

        Returns
        -------
        coord : `MapCoord`
            The coordinates.
        """
        if isinstance(data, cls):
            if data.frame is None and frame is not None:
                return cls(
                    dict(data._data), frame=frame, match_by_name=data.match_by_name
                )
            return data
        if isinstance(data, dict):
            return cls._from_dict(data, frame=frame)
        if isinstance(data, SkyCoord):
            return cls._from_skycoord((data,), frame=frame, axis_names=axis_names)
        if isinstance(data, (list, tuple)):
            if len(data) == 0:
                raise ValueError("Cannot create MapCoord from an empty sequence.")
            if isinstance(data[0], SkyCoord):
                return cls._from_skycoord(data, frame=frame, axis_names=axis_names)
            return cls._from_lonlat(data, frame=frame, axis_names=axis_names)
        raise TypeError(
            f"Cannot create MapCoord from {type(data).__name__}; use a tuple, dict, "
            "SkyCoord or MapCoord."
        )

    # ---- transformations ---------------------------------------------------
    def to_frame(self, frame):
        """Return coordinates transformed to another sky frame.

        Parameters
        ----------
        frame : {"icrs", "galactic"}
            Target frame.

        Returns
        -------
        coords : `MapCoord`
            Transformed coordinates (non-spatial coordinates are shared).
        """
        frame = _FRAME_ALIASES.get(frame, frame)
        if frame == self.frame:
            return self.copy()
        lon, lat, frame = _skycoord_lonlat(self.skycoord.transform_to(frame))
        data = dict(self._data)
        data["lon"], data["lat"] = lon, lat
        return self.__class__(data, frame=frame, match_by_name=self.match_by_name)

    def apply_mask(self, mask):
        """Return the coordinates selected by a boolean mask.

        Parameters
        ----------
        mask : `~numpy.ndarray` of bool
            Mask broadcastable to ``self.shape``.

        Returns
        -------
        coords : `MapCoord`
            Selected coordinates (1D arrays).
        """
        mask = np.asarray(mask, dtype=bool)
        shape = np.broadcast_shapes(self.shape, mask.shape)
        mask = np.broadcast_to(mask, shape)
        data = {
            k: np.broadcast_to(v, shape, subok=True)[mask]
            for k, v in self._data.items()
        }
        return self.__class__(data, frame=self.frame, match_by_name=self.match_by_name)

    @property
    def broadcasted(self):
        """Coordinates with all arrays broadcast to a common shape (read-only views)."""
        values = np.broadcast_arrays(*self._data.values(), subok=True)
        data = dict(zip(self._data.keys(), values))
        return self.__class__(data, frame=self.frame, match_by_name=self.match_by_name)

    @property
    def flat(self):
        """Flattened coordinates of finite positions (1D arrays)."""
        coords = self.broadcasted
        is_finite = np.isfinite(np.asarray(coords.lon.value)) & np.isfinite(
            np.asarray(coords.lat.value)
        )
        return coords.apply_mask(is_finite)

    def copy(self):
        """Return a copy with copied arrays."""
        data = {k: v.copy() for k, v in self._data.items()}
        return self.__class__(data, frame=self.frame, match_by_name=self.match_by_name)

    def __repr__(self):
        lines = [f"{self.__class__.__name__}", ""]
        lines.append(f"\tframe : {self.frame}")
        lines.append(f"\tshape : {self.shape}")
        for key, value in self._data.items():
            unit = getattr(value, "unit", "")
            lines.append(f"\t{key:<10s}: array of shape {np.shape(value)} {unit}")
        return "\n".join(lines)
