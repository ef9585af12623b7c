"""gammaray.makers."""
