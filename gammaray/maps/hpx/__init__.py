"""HEALPix maps: `HpxGeom` and `HpxNDMap`.

healpy is imported lazily inside the functions that need it.
"""

from .geom import HpxGeom
from .ndmap import HpxNDMap

__all__ = ["HpxGeom", "HpxNDMap"]
