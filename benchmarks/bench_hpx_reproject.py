"""Benchmark: reproject the Fermi-LAT 3FHL HEALPix exposure cube onto WCS geometries.

Prints the wall time of ``HpxNDMap.reproject_to_geom`` (all 18 energy planes) onto

- a 0.1 deg CAR geometry of 40 x 20 deg around the Galactic centre, and
- an all-sky AIT geometry with 0.5 deg pixels,

plus ``HpxNDMap.to_wcs()`` (nearest-pixel projection). Each repetition reads the
file afresh. Run with ``GAMMARAY_DATA`` set::

    python benchmarks/bench_hpx_reproject.py
"""

import time

import numpy as np
from astropy.coordinates import SkyCoord

from gammaray.maps import Map, WcsGeom

FILENAME = "$GAMMARAY_DATA/fermi_3fhl/fermi_3fhl_exposure_cube_hpx.fits.gz"
NREPEAT = 3


def run(label, geom=None):
    times = []
    for _ in range(NREPEAT):
        t0 = time.perf_counter()
        exposure = Map.read(FILENAME)
        t1 = time.perf_counter()
        out = exposure.to_wcs() if geom is None else exposure.reproject_to_geom(geom)
        times.append(time.perf_counter() - t1)
        read = t1 - t0
    shape = out.data.shape
    print(
        f"{label:<42s} shape {str(shape):<16s} reproject {np.min(times):6.3f} s "
        f"(best of {NREPEAT}; read {read:5.3f} s)"
    )


def main():
    gc = SkyCoord(0, 0, unit="deg", frame="galactic")
    car = WcsGeom.create(
        skydir=gc, width=(40, 20), binsz=0.1, frame="galactic", proj="CAR"
    )
    ait = WcsGeom.create(
        skydir=gc, width=(360, 180), binsz=0.5, frame="galactic", proj="AIT"
    )
    run("GC 40x20 deg, 0.1 deg CAR (interpolation)", car)
    run("all-sky 0.5 deg AIT (interpolation)", ait)
    run("to_wcs() nearest pixel, all-sky AIT", None)


if __name__ == "__main__":
    main()
