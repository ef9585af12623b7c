"""Benchmark: one ``stat_sum()`` after a spectral change on the stacked 3D Crab dataset.

The four Crab runs of H.E.S.S. DL3-DR1 are reduced to one stacked MapDataset
(150 x 200 pixels x 6 energy bins, 20 true-energy bins; see
``examples/crab_3d.py``) with a point source + power law and a FoV background
model. The spectral index is changed before every call, so each call
re-evaluates the source model (no cached npred can be reused). Target: < 1 ms.

Run: ``python benchmarks/bench_crab_stacked_stat_sum.py`` (``GAMMARAY_DATA`` set).
"""

import runpy
import time
from pathlib import Path

import numpy as np

N_CALLS = 300


def main():
    example = runpy.run_path(
        str(Path(__file__).resolve().parents[1] / "examples" / "crab_3d.py")
    )
    t0 = time.perf_counter()
    dataset = example["make_stacked_dataset"]()
    t_reduce = time.perf_counter() - t0

    from astropy.coordinates import SkyCoord

    from gammaray.modeling.models import (
        FoVBackgroundModel,
        Models,
        PointSpatialModel,
        PowerLawSpectralModel,
        SkyModel,
    )

    crab = SkyCoord(83.633, 22.014, unit="deg")
    source = SkyModel(
        spectral_model=PowerLawSpectralModel(
            index=2.6, amplitude="4.6e-11 cm-2 s-1 TeV-1"
        ),
        spatial_model=PointSpatialModel(lon_0=crab.ra, lat_0=crab.dec, frame="icrs"),
        name="crab",
    )
    dataset.models = Models([source, FoVBackgroundModel(dataset_name=dataset.name)])
    dataset.stat_sum()  # first call: builds cutouts, PSF kernels and caches

    index = source.spectral_model.index
    values = 2.5 + 0.2 * np.random.default_rng(0).random(N_CALLS)
    times = np.empty(N_CALLS)
    stats = np.empty(N_CALLS)
    for i, value in enumerate(values):
        index.value = value
        t = time.perf_counter()
        stats[i] = dataset.stat_sum()
        times[i] = time.perf_counter() - t
    # the statistic really changes with the index
    assert np.unique(np.round(stats, 6)).size > N_CALLS // 2
    shape = dataset.counts.data.shape
    print(f"Stacked Crab dataset {shape} reduced from 4 runs in {t_reduce:.2f} s")
    print(
        f"stat_sum() after a spectral change: median {np.median(times) * 1e3:.3f} ms, "
        f"min {times.min() * 1e3:.3f} ms, 90% {np.percentile(times, 90) * 1e3:.3f} ms "
        f"({N_CALLS} calls; target < 1 ms)"
    )


if __name__ == "__main__":
    main()
