"""Benchmark: read all 105 H.E.S.S. DL3 DR1 observations (events, GTIs, IRFs).

Fresh objects are read from disk for every observation (nothing cached between
observations). IRFs are read too once `gammaray.irf.io` is available; the
script says whether they were included.

Run: ``GAMMARAY_DATA=... python benchmarks/bench_read_hess_dr1.py``
"""

import resource
import time

from gammaray.data import DataStore
from gammaray.utils.errors import MissingIRFError


def main():
    t0 = time.perf_counter()
    data_store = DataStore.from_dir("$GAMMARAY_DATA/hess-dl3-dr1")
    observations = data_store.get_observations()
    t_index = time.perf_counter() - t0

    t1 = time.perf_counter()
    n_events = n_gti = 0
    for obs in observations:
        n_events += len(obs.events)
        n_gti += len(obs.gti)
    t_events = time.perf_counter() - t1

    t2 = time.perf_counter()
    irfs_loaded = True
    try:
        for obs in observations:
            for name in ("aeff", "edisp", "psf", "bkg"):
                getattr(obs, name)
    except MissingIRFError as exc:
        irfs_loaded = False
        irf_note = f"skipped ({exc})"
    t_irfs = time.perf_counter() - t2

    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"observations           : {len(observations)}")
    print(f"events                 : {n_events}")
    print(f"GTI rows               : {n_gti}")
    print(f"index + obs setup      : {t_index:.3f} s")
    print(f"events + GTIs read     : {t_events:.3f} s")
    if irfs_loaded:
        print(f"IRFs read (4 per obs)  : {t_irfs:.3f} s")
    else:
        print(f"IRFs                   : {irf_note}")
    print(f"total wall time        : {time.perf_counter() - t0:.3f} s")
    print(f"peak RSS               : {peak_rss_mb:.1f} MB")


if __name__ == "__main__":
    main()
