"""Benchmark: SkyModel.integrate_geom for analytic sky models on a 3D WCS geometry.

Prints the median time per call (fresh model objects each repetition; the
geometry and its cached pixel coordinates are shared, as within a dataset) and the
integral of the normalised spatial part, for a 400 x 400 x 10 geometry.

Run: ``python benchmarks/bench_model_integrate_geom.py``
"""

import time

import numpy as np

from gammaray.maps import MapAxis, WcsGeom
from gammaray.modeling.models import (
    DiskSpatialModel,
    GaussianSpatialModel,
    PointSpatialModel,
    PowerLawSpectralModel,
    ShellSpatialModel,
    SkyModel,
)


def main(n_repeat=5):
    axis = MapAxis.from_energy_bounds("0.1 TeV", "100 TeV", 10, name="energy_true")
    geom = WcsGeom.create(
        npix=(400, 400), binsz=0.02, skydir=(0, 0), frame="galactic", axes=[axis]
    )
    pos = {"lon_0": "0.01 deg", "lat_0": "0.02 deg", "frame": "galactic"}
    factories = {
        "point": lambda: PointSpatialModel(**pos),
        "gauss 0.005 deg": lambda: GaussianSpatialModel(sigma="0.005 deg", **pos),
        "gauss 0.5 deg": lambda: GaussianSpatialModel(sigma="0.5 deg", **pos),
        "disk 0.3 deg": lambda: DiskSpatialModel(r_0="0.3 deg", **pos),
        "shell 0.5 deg": lambda: ShellSpatialModel(
            radius="0.5 deg", width="0.1 deg", **pos
        ),
    }
    print(f"geometry: {geom.data_shape} (energy, lat, lon)")
    for label, factory in factories.items():
        times = []
        for _ in range(n_repeat):
            model = SkyModel(PowerLawSpectralModel(), factory(), name="bench")
            t0 = time.perf_counter()
            flux = model.integrate_geom(geom)
            times.append(time.perf_counter() - t0)
        spatial = model.spatial_model.integrate_geom(geom).data.sum()
        print(
            f"{label:18s} median {1e3 * np.median(times):7.1f} ms   "
            f"spatial integral {spatial:.6f}   total flux {flux.data.sum():.4e} cm-2 s-1"
        )


if __name__ == "__main__":
    main()
