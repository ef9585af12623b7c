"""gammaray.analysis."""
