"""Benchmark: select events in sky regions from 1 million synthetic events.

Run: ``python benchmarks/bench_select_region.py``
"""

import time

import astropy.units as u
import numpy as np
from astropy.coordinates import SkyCoord
from astropy.table import Table
from regions import CircleSkyRegion, RectangleSkyRegion

from gammaray.data import EventList

N_EVENTS = 1_000_000
N_REPEAT = 5


def make_events(n, seed=0):
    rng = np.random.default_rng(seed)
    table = Table(meta={"MJDREFI": 51910, "MJDREFF": 0.0, "TIMESYS": "TT"})
    table["TIME"] = np.sort(rng.uniform(0, 1800, n)) * u.s
    table["RA"] = rng.uniform(78.6, 88.6, n).astype(np.float32) * u.deg
    table["DEC"] = rng.uniform(17.0, 27.0, n).astype(np.float32) * u.deg
    table["ENERGY"] = (10 ** rng.uniform(-1, 2, n)).astype(np.float32) * u.TeV
    return EventList(table)


def best_time(func):
    times = []
    for _ in range(N_REPEAT):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main():
    events = make_events(N_EVENTS)
    center = SkyCoord(83.63, 22.01, unit="deg")
    circle = CircleSkyRegion(center, 1 * u.deg)
    box = RectangleSkyRegion(center, 2 * u.deg, 2 * u.deg)

    t_circle, selected = best_time(lambda: events.select_region(circle))
    print(f"events                    : {N_EVENTS}")
    print(
        f"circle r=1 deg            : {t_circle * 1e3:.1f} ms ({len(selected)} selected)"
    )
    t_box, selected = best_time(lambda: events.select_region(box))
    print(
        f"rectangle 2x2 deg         : {t_box * 1e3:.1f} ms ({len(selected)} selected)"
    )
    t_ds9, selected = best_time(
        lambda: events.select_region("icrs; circle(83.63, 22.01, 1)")
    )
    print(
        f"ds9 circle string         : {t_ds9 * 1e3:.1f} ms ({len(selected)} selected)"
    )

    def reference():
        mask = events.radec.separation(center) <= 1 * u.deg
        return events.select_row_subset(mask)

    t_ref, selected = best_time(reference)
    print(
        f"reference: SkyCoord.separation: {t_ref * 1e3:.1f} ms ({len(selected)} selected)"
    )
    print(f"(best of {N_REPEAT} repetitions, fresh SkyCoord built each time)")


if __name__ == "__main__":
    main()
