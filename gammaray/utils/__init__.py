"""Low-level utilities: errors, paths, units, interpolation, integration, time, FITS."""
