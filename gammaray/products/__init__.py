"""DL5 products: flux estimates on maps (`FluxMaps`) and in one region (`FluxPoints`)."""

from .core import FluxMaps, MissingQuantityError
from .flux_points import FluxPoints
from .utils import UnknownSEDTypeError

__all__ = ["FluxMaps", "FluxPoints", "MissingQuantityError", "UnknownSEDTypeError"]
