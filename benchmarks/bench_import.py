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


def run_once(code):
    wrapper = (
        "import time\nt0 = time.perf_counter()\n"
        + code
        + "\nprint(time.perf_counter() - t0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", wrapper], capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def main(repeat=9):
    # alternate the two measurements so that load changes on the shared
    # machine affect both alike
    base, maps = [], []
    for _ in range(repeat):
        base.append(run_once(BASE))
        maps.append(run_once(MAPS))
    base, maps = statistics.median(base), statistics.median(maps)
    print(
        f"astropy + regions alone   : {base:.3f} s (median of {repeat} fresh processes)"
    )
    print(f"import gammaray.maps (all): {maps:.3f} s (target < 0.6 s)")
    print(
        f"gammaray's own share      : {maps - base:.3f} s "
        "(on an idle machine astropy + regions take ~ 0.45 s)"
    )
    print("scipy, healpy, matplotlib: not imported")


if __name__ == "__main__":
    main()
