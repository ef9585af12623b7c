"""gammaray.modeling."""
