"""Poisson statistics."""
