"""Estimators: DL4 -> DL5 (flux points, light curves, TS and excess maps).

The result containers `FluxPoints` and `FluxMaps` live in `gammaray.products`
and are re-exported here so that the public names match Gammapy's.
"""

from gammaray.products import FluxMaps, FluxPoints

__all__ = ["FluxMaps", "FluxPoints"]
