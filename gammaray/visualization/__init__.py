"""gammaray.visualization."""
