"""Background makers.

`FoVBackgroundMaker` is defined here; the ring, reflected-regions and phase
makers live in their own modules and are imported lazily on first access
(PEP 562), so a missing or broken module does not break ``import
gammaray.makers``.
"""

import importlib

from .fov import FoVBackgroundMaker

_LAZY = {
    "RingBackgroundMaker": "ring",
    "AdaptiveRingBackgroundMaker": "ring",
    "ReflectedRegionsBackgroundMaker": "reflected",
    "ReflectedRegionsFinder": "reflected",
    "WobbleRegionsFinder": "reflected",
    "RegionsFinder": "reflected",
    "PhaseBackgroundMaker": "phase",
}

__all__ = ["FoVBackgroundMaker", *sorted(_LAZY)]


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
