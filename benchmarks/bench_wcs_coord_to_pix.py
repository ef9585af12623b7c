"""Benchmark: sky -> pixel transform of 10 million positions for a 400 x 300 CAR geometry.

Run with ``python benchmarks/bench_wcs_coord_to_pix.py``. Prints the time of
``WcsGeom.coord_to_pix`` and ``WcsGeom.coord_to_idx`` (lon/lat only, and with a
20-bin energy axis), plus the raw astropy/wcslib call for reference.
"""

import time

import astropy.units as u
import numpy as np

from gammaray.maps import MapAxis, WcsGeom

N_EVENTS = 10_000_000
N_REPEAT = 3


def best_of(func, n=N_REPEAT):
    """Smallest wall time (s) of ``n`` runs of ``func``."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    rng = np.random.default_rng(42)
    energy_axis = MapAxis.from_energy_bounds("0.1 TeV", "100 TeV", nbin=20)
    geom_image = WcsGeom.create(
        skydir=(83.63, 22.01), binsz=0.02, npix=(400, 300), frame="icrs", proj="CAR"
    )
    geom_cube = geom_image.to_cube([energy_axis])
    lon = rng.uniform(83.63 - 4.5, 83.63 + 4.5, N_EVENTS)
    lat = rng.uniform(22.01 - 3.5, 22.01 + 3.5, N_EVENTS)
    energy = u.Quantity(10 ** rng.uniform(-1.2, 2.2, N_EVENTS), "TeV")

    t_raw = best_of(lambda: geom_image.wcs.wcs_world2pix(lon, lat, 0))
    t_pix = best_of(lambda: geom_image.coord_to_pix((lon, lat)))
    t_idx = best_of(lambda: geom_image.coord_to_idx((lon, lat)))
    t_pix_cube = best_of(lambda: geom_cube.coord_to_pix((lon, lat, energy)))
    t_idx_cube = best_of(lambda: geom_cube.coord_to_idx((lon, lat, energy)))

    print(
        f"{N_EVENTS:,} positions, geometry 400 x 300 CAR (+ 20 energy bins), best of {N_REPEAT}"
    )
    print(f"  astropy wcs_world2pix (reference)   : {t_raw:6.3f} s")
    print(f"  WcsGeom.coord_to_pix (lon, lat)     : {t_pix:6.3f} s")
    print(f"  WcsGeom.coord_to_idx (lon, lat)     : {t_idx:6.3f} s")
    print(f"  WcsGeom.coord_to_pix (lon, lat, E)  : {t_pix_cube:6.3f} s")
    print(f"  WcsGeom.coord_to_idx (lon, lat, E)  : {t_idx_cube:6.3f} s")


if __name__ == "__main__":
    main()
