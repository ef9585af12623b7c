"""Import time of ``gammaray.maps`` in a fresh interpreter.

Prints the median wall time over several fresh processes of
``import gammaray.maps`` plus accessing the public map classes, next to the
time astropy and regions alone take, and checks that scipy, healpy and
matplotlib are not imported. Target: under 0.6 s on the 2-core machine.

Run: ``python benchmarks/bench_import.py``
"""

import statistics
import subprocess
import sys

BASE = "import astropy.units, astropy.coordinates, astropy.io.fits, astropy.wcs, astropy.table, regions"
MAPS = (
    "import gammaray.maps\n"
    "from gammaray.maps import Map, MapAxis, WcsGeom, HpxGeom, RegionGeom, WcsNDMap\n"
    "import sys\n"
    "heavy = [m for m in ('scipy', 'healpy', 'matplotlib') if m in sys.modules]\n"
    "assert not heavy, heavy\n"
)


def timed(code, repeat=7):
    wrapper = (
        "import time\nt0 = time.perf_counter()\n"
        + code
        + "\nprint(time.perf_counter() - t0)\n"
    )
    times = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", wrapper], capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def main():
    base = timed(BASE)
    maps = timed(MAPS)
    print(f"astropy + regions alone   : {base:.3f} s (median of 7 fresh processes)")
    print(f"import gammaray.maps (all): {maps:.3f} s (target < 0.6 s)")
    print("scipy, healpy, matplotlib: not imported")


if __name__ == "__main__":
    main()
