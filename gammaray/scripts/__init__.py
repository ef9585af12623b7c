"""gammaray.scripts."""
