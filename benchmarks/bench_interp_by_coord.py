"""Benchmark: linear interpolation of 1 million points on a 3D WCS cube.

Run: ``python benchmarks/bench_interp_by_coord.py``
"""

import time

import numpy as np
from astropy.coordinates import SkyCoord

from gammaray.maps import Map, MapAxis

N_POINTS = 1_000_000


def main(n_points=N_POINTS, repeat=3):
    energy_axis = MapAxis.from_energy_bounds("0.1 TeV", "100 TeV", nbin=20)
    m = Map.create(
        skydir=SkyCoord(0, 0, unit="deg", frame="galactic"),
        npix=(400, 300),
        binsz=0.02,
        frame="galactic",
        axes=[energy_axis],
    )
    rng = np.random.default_rng(1)
    m.data = rng.uniform(0, 1, m.data.shape).astype("float32")
    lon = rng.uniform(-3.9, 3.9, n_points)
    lat = rng.uniform(-2.9, 2.9, n_points)
    energy = 10 ** rng.uniform(-0.9, 1.9, n_points)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        vals = m.interp_by_coord((lon, lat, energy), method="linear")
        times.append(time.perf_counter() - t0)
    print(f"interp_by_coord (linear): {n_points:,} points on a {m.data.shape} cube")
    print(f"  finite results: {np.isfinite(vals).sum():,}")
    print(
        f"  best time: {min(times):.3f} s  (all: {', '.join(f'{t:.3f}' for t in times)})"
    )


if __name__ == "__main__":
    main()
