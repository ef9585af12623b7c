"""Instrument response functions: IRF tables (DL3) and IRF maps.

Names are imported lazily on first access (PEP 562), so ``import gammaray.irf``
stays cheap; ``from gammaray.irf import EffectiveAreaTable2D`` works as usual.
"""

import importlib

_EXPORTS = {
    "IRF": "core",
    "FoVAlignment": "fov",
    "EffectiveAreaTable2D": "effective_area",
    "EnergyDispersion2D": "edisp.core",
    "EDispKernel": "edisp.kernel",
    "PSF": "psf.core",
    "PSF3D": "psf.table",
    "ParametricPSF": "psf.parametric",
    "EnergyDependentMultiGaussPSF": "psf.parametric",
    "PSFKing": "psf.parametric",
    "Background2D": "background",
    "Background3D": "background",
    "RadMax2D": "rad_max",
    "IRF_REGISTRY": "io",
    "load_irf": "io",
    "load_irf_dict_from_file": "io",
    # IRF maps (written in their own modules)
    "IRFMap": "core_map",
    "PSFMap": "psf.map",
    "RecoPSFMap": "psf.map",
    "PSFKernel": "psf.kernel",
    "EDispMap": "edisp.map",
    "EDispKernelMap": "edisp.kernel_map",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gammaray.irf' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + __all__)
