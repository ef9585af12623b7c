"""Field-of-view coordinate alignment of IRFs."""

from enum import StrEnum

__all__ = ["FoVAlignment"]


class FoVAlignment(StrEnum):
    """Orientation of the field-of-view coordinate system of an IRF.

    ``RADEC``: ``fov_lon``/``fov_lat`` are aligned with RA/Dec;
    ``ALTAZ``: aligned with azimuth/altitude;
    ``REVERSE_LON_RADEC``: aligned with RA/Dec with the longitude reversed
    (as the ``DETX`` axis of some files).
    """

    RADEC = "RADEC"
    ALTAZ = "ALTAZ"
    REVERSE_LON_RADEC = "REVERSE_LON_RADEC"
