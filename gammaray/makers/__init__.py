"""Makers: stateless reduction steps from DL3 observations to DL4 datasets.

The background makers written in their own modules (ring, reflected regions,
phase) are imported lazily on first access (PEP 562).
"""

import importlib

from .background import FoVBackgroundMaker
from .core import MAKER_REGISTRY, Maker
from .map import MapDatasetMaker
from .reduce import DatasetsMaker
from .safe import SafeMaskMaker
from .spectrum import SpectrumDatasetMaker

_LAZY = {
    "RingBackgroundMaker": "background",
    "AdaptiveRingBackgroundMaker": "background",
    "ReflectedRegionsBackgroundMaker": "background",
    "ReflectedRegionsFinder": "background",
    "WobbleRegionsFinder": "background",
    "RegionsFinder": "background",
    "PhaseBackgroundMaker": "background",
}

__all__ = [
    "MAKER_REGISTRY",
    "Maker",
    "MapDatasetMaker",
    "SpectrumDatasetMaker",
    "SafeMaskMaker",
    "FoVBackgroundMaker",
    "DatasetsMaker",
    *sorted(_LAZY),
]


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
