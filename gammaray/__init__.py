"""gammaray: a Python library for gamma-ray astronomy.

From the event lists and instrument responses that gamma-ray observatories
publish (DL3), through reduced datasets (DL4), to science products (DL5):
spectra, sky maps, light curves and fitted source models.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gammaray")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0.dev0"

__all__ = ["__version__"]
