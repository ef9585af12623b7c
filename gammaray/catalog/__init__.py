"""gammaray.catalog."""
