"""Sphinx configuration for the gammaray documentation.

Build locally with ``pip install -e ".[docs]"`` and
``sphinx-build -b html docs docs/_build/html``; the docs are not built in CI.
"""

import importlib.metadata

project = "gammaray"
author = "The gammaray developers"
copyright = "The gammaray developers"
try:
    release = importlib.metadata.version("gammaray")
except importlib.metadata.PackageNotFoundError:
    release = "unknown"
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
]

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
# numpydoc already lists methods and attributes in its own sections
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

intersphinx_mapping = {
    "python": ("https://docs.python.org/3", None),
    "numpy": ("https://numpy.org/doc/stable/", None),
    "scipy": ("https://docs.scipy.org/doc/scipy/", None),
    "astropy": ("https://docs.astropy.org/en/stable/", None),
    "regions": ("https://astropy-regions.readthedocs.io/en/stable/", None),
    "matplotlib": ("https://matplotlib.org/stable/", None),
    "iminuit": ("https://scikit-hep.org/iminuit/", None),
    "dask": ("https://docs.dask.org/en/stable/", None),
}

default_role = "obj"
templates_path = []
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_title = f"gammaray {release}"
