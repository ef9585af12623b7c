"""WCS maps: `WcsGeom` (geometry) and `WcsNDMap` (N-dimensional map)."""

from gammaray.maps.wcs.geom import WcsGeom

__all__ = ["WcsGeom", "WcsNDMap"]


def __getattr__(name):
    # WcsNDMap is imported lazily so that the geometry is usable on its own
    if name == "WcsNDMap":
        from gammaray.maps.wcs.ndmap import WcsNDMap

        globals()["WcsNDMap"] = WcsNDMap
        return WcsNDMap
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
