"""Energy dispersion IRFs."""

from .core import EnergyDispersion2D
from .kernel import EDispKernel

__all__ = ["EnergyDispersion2D", "EDispKernel"]
