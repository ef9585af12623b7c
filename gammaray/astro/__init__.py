"""gammaray.astro."""
