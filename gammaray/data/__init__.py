"""gammaray.data."""
