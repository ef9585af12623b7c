"""gammaray.datasets."""
