# cython: language_level=3
"""Placeholder; the Cash kernels are implemented by the stats work."""
