"""Point-spread-function IRFs."""

from .core import PSF
from .parametric import EnergyDependentMultiGaussPSF, ParametricPSF, PSFKing
from .table import PSF3D

__all__ = ["PSF", "PSF3D", "ParametricPSF", "EnergyDependentMultiGaussPSF", "PSFKing"]
