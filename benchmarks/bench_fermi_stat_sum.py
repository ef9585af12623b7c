"""Benchmark: `Datasets.stat_sum()` on the Fermi-LAT 3FHL Crab dataset.

Times one likelihood evaluation after (a) a change of a spectral shape parameter
(``alpha``), (b) a change of the norm-like ``amplitude``, (c) a change of the source
position, and (d) no change. Data are read fresh from ``$GAMMARAY_DATA``.

Run: ``python benchmarks/bench_fermi_stat_sum.py`` (Gammapy 2.1 reference:
6.0 ms after a spectral change, 11 ms after a position change).
"""

import time

import numpy as np

from gammaray.datasets import Datasets

PATH = "$GAMMARAY_DATA/fermi-3fhl-crab/"


def _time(datasets, change, n=300):
    times = []
    for i in range(n):
        change(i)
        t0 = time.perf_counter()
        datasets.stat_sum()
        times.append(time.perf_counter() - t0)
    return 1e3 * np.median(times), 1e3 * np.min(times)


def main():
    datasets = Datasets.read(
        PATH + "Fermi-LAT-3FHL_datasets.yaml",
        filename_models=PATH + "Fermi-LAT-3FHL_models.yaml",
    )
    model = datasets.models["Crab Nebula"]
    spectral, spatial = model.spectral_model, model.spatial_model
    alpha0, amp0 = spectral.alpha.value, spectral.amplitude.value
    lon0, lat0 = spatial.lon_0.value, spatial.lat_0.value
    datasets.stat_sum()  # prepares cutouts, kernels and caches once

    cases = {
        "spectral parameter (alpha)": lambda i: setattr(
            spectral.alpha, "value", alpha0 + 1e-4 * (i % 7 + 1)
        ),
        "norm parameter (amplitude)": lambda i: setattr(
            spectral.amplitude, "value", amp0 * (1 + 1e-4 * (i % 7 + 1))
        ),
        "source position (lon_0, lat_0)": lambda i: (
            setattr(spatial.lon_0, "value", lon0 + 0.01 * (i % 5 + 1)),
            setattr(spatial.lat_0, "value", lat0 - 0.01 * (i % 3 + 1)),
        ),
        "no change": lambda i: None,
    }
    print("Fermi-LAT 3FHL Crab: Datasets.stat_sum() per call (median / min)")
    for label, change in cases.items():
        median, best = _time(datasets, change)
        print(f"  after a change of {label:<32}: {median:7.3f} ms / {best:7.3f} ms")


if __name__ == "__main__":
    main()
