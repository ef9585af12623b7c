"""Benchmark: reading IRF maps and computing PSF / EDisp kernels from them.

Run: ``GAMMARAY_DATA=... python benchmarks/bench_irf_maps.py``. Every
repetition reads fresh objects from disk (no cache carried over).
"""

import time

import astropy.units as u
from astropy.coordinates import SkyCoord

from gammaray.irf import EDispKernelMap, PSFMap, RecoPSFMap
from gammaray.maps import MapAxis, WcsGeom

N_REPEAT = 5
CRAB = SkyCoord(83.633, 22.0145, unit="deg")


def timeit(func):
    times = []
    for _ in range(N_REPEAT):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def fermi_kernel():
    psf = PSFMap.read(
        "$GAMMARAY_DATA/fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits"
    )
    axis = MapAxis.from_energy_bounds("10 GeV", "2 TeV", nbin=10, name="energy_true")
    geom = WcsGeom.create(skydir=CRAB, npix=100, binsz=0.02, axes=[axis])
    psf.get_psf_kernel(geom, position=CRAB, max_radius=1 * u.deg)


def hawc_psf_kernel():
    psf = RecoPSFMap.read(
        "$GAMMARAY_DATA/hawc/crab_events_pass4/irfs/PSFMap_Crab_fHitbin7GP.fits.gz"
    )
    axis = psf.energy_axis.slice(slice(4, 10))
    geom = WcsGeom.create(skydir=CRAB, npix=100, binsz=0.02, axes=[axis])
    psf.get_psf_kernel(geom, position=CRAB, max_radius=1 * u.deg)


def hawc_edisp_kernel():
    edisp = EDispKernelMap.read(
        "$GAMMARAY_DATA/hawc/crab_events_pass4/irfs/EDispKernelMap_Crab_fHitbin7GP.fits.gz"
    )
    edisp.get_edisp_kernel(position=CRAB)


if __name__ == "__main__":
    for name, func in [
        (
            "Fermi PSFMap read + kernel (10 energies, 101x101 px, x4 oversampling)",
            fermi_kernel,
        ),
        (
            "HAWC RecoPSFMap read + kernel (6 energies, 101x101 px, x4 oversampling)",
            hawc_psf_kernel,
        ),
        ("HAWC EDispKernelMap read + kernel at the Crab", hawc_edisp_kernel),
    ]:
        print(f"{name}: {1e3 * timeit(func):.1f} ms (best of {N_REPEAT})")
