"""Sky maps: axes, geometries (WCS, HEALPix, region) and N-dimensional maps.

Names are imported lazily on first access, so ``import gammaray.maps`` stays
cheap; ``from gammaray.maps import WcsGeom`` works as usual.
"""

import importlib

_EXPORTS = {
    "MapAxis": "axes",
    "MapAxes": "axes",
    "LabelMapAxis": "axes",
    "TimeMapAxis": "axes",
    "MapCoord": "coord",
    "Geom": "geom",
    "Map": "core",
    "Maps": "maps",
    "WcsGeom": "wcs",
    "WcsNDMap": "wcs",
    "HpxGeom": "hpx",
    "HpxNDMap": "hpx",
    "RegionGeom": "region",
    "RegionNDMap": "region",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gammaray.maps' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + __all__)
