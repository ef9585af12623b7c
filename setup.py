"""Build script for gammaray's compiled extension.

All metadata lives in ``pyproject.toml``; this file only declares the Cython
extension ``gammaray.stats._kernels`` (the masked Cash-statistic kernel).
"""

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

extensions = [
    Extension(
        "gammaray.stats._kernels",
        sources=["gammaray/stats/_kernels.pyx"],
        include_dirs=[np.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        extra_compile_args=["-O3"],
    )
]

setup(
    ext_modules=cythonize(
        extensions,
        compiler_directives={
            "language_level": "3",
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
        },
    )
)
