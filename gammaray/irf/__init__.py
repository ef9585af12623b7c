"""gammaray.irf."""
