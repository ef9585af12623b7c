"""Region maps: a single spatial bin given by a sky region, plus non-spatial axes."""

from .geom import RegionGeom
from .ndmap import RegionNDMap

__all__ = ["RegionGeom", "RegionNDMap"]
