"""gammaray.estimators."""
