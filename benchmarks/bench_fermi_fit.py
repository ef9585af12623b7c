"""Benchmark: full `Fit().run()` of the Fermi-LAT 3FHL Crab dataset from the shipped start.

Reads the dataset and models fresh from ``$GAMMARAY_DATA`` for every repetition
(read time reported separately) and times optimisation + covariance.

Run: ``python benchmarks/bench_fermi_fit.py``.
"""

import time

import numpy as np

from gammaray.datasets import Datasets
from gammaray.modeling import Fit

PATH = "$GAMMARAY_DATA/fermi-3fhl-crab/"


def main(n=5):
    read_times, fit_times = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        datasets = Datasets.read(
            PATH + "Fermi-LAT-3FHL_datasets.yaml",
            filename_models=PATH + "Fermi-LAT-3FHL_models.yaml",
        )
        t1 = time.perf_counter()
        result = Fit().run(datasets)
        t2 = time.perf_counter()
        read_times.append(t1 - t0)
        fit_times.append(t2 - t1)
    print("Fermi-LAT 3FHL Crab: Fit().run(datasets) from the shipped start")
    print(f"  success         : {result.success} ({result.message})")
    print(f"  nfev            : {result.nfev}")
    print(f"  total stat      : {result.total_stat:.4f}")
    print(f"  read datasets   : {1e3 * np.median(read_times):7.1f} ms (median of {n})")
    print(f"  fit (opt + cov) : {1e3 * np.median(fit_times):7.1f} ms (median of {n})")
    for par in result.parameters.free_parameters:
        print(f"    {par.name:<10} = {par.value:.5g} +/- {par.error:.3g} {par.unit}")


if __name__ == "__main__":
    main()
