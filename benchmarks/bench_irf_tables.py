"""Benchmark of IRF table loading and evaluation (H.E.S.S. DR1 run 23523).

Run: ``GAMMARAY_DATA=... python benchmarks/bench_irf_tables.py``. Every repetition
reads the IRFs fresh from disk (no cache carried over).
"""

import time

import astropy.units as u
import numpy as np

from gammaray.irf import load_irf_dict_from_file

FILENAME = "$GAMMARAY_DATA/hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz"
N_REPEAT = 5


def _timeit(func):
    times = []
    for _ in range(N_REPEAT):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return np.median(times)


def main():
    """Print timings of the main IRF operations."""
    t_load = _timeit(lambda: load_irf_dict_from_file(FILENAME))
    print(f"load_irf_dict_from_file (aeff, edisp, psf, bkg): {1e3 * t_load:8.1f} ms")

    energy = np.geomspace(0.1, 100, 100) * u.TeV
    offset = np.linspace(0, 2.5, 100) * u.deg
    lon = np.linspace(-2, 2, 200) * u.deg

    def aeff():
        irfs = load_irf_dict_from_file(FILENAME)
        irfs["aeff"].evaluate(energy_true=energy[:, None], offset=offset)

    def bkg():
        irfs = load_irf_dict_from_file(FILENAME)
        irfs["bkg"].evaluate(
            energy=energy[::5, None, None], fov_lon=lon[:, None], fov_lat=lon
        )

    def psf():
        irfs = load_irf_dict_from_file(FILENAME)
        irfs["psf"].containment_radius(
            0.68, energy_true=energy[::2], offset=0.5 * u.deg
        )

    def edisp():
        irfs = load_irf_dict_from_file(FILENAME)
        irfs["edisp"].to_edisp_kernel(offset=0.5 * u.deg)

    for name, func, size in [
        ("aeff 100 x 100 points (incl. load)", aeff, 1e4),
        ("bkg 20 x 200 x 200 points (incl. load)", bkg, 8e5),
        ("psf r68 at 50 energies (incl. load)", psf, 50),
        ("edisp to_edisp_kernel 96 x 96 (incl. load)", edisp, 96 * 96),
    ]:
        t = _timeit(func)
        print(
            f"{name:45s}: {1e3 * t:8.1f} ms (load {1e3 * t_load:.1f} ms; {size:.0f} values)"
        )


if __name__ == "__main__":
    main()
