"""gammaray.products."""
