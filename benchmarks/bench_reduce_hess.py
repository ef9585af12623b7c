"""Benchmark: reduce 40 H.E.S.S. DL3-DR1 observations to MapDatasets.

Each of the first 40 observations of the hess-dl3-dr1 index is read fresh from
disk and reduced to its own `MapDataset` centred on its pointing (4 x 3 deg of
0.02 deg pixels, 6 energy bins 1-10 TeV, 20 true-energy bins 0.5-20 TeV,
default `MapDatasetMaker` selection, ``SafeMaskMaker(["offset-max",
"aeff-default"], offset_max="2 deg")``, ``FoVBackgroundMaker(method="scale")``),
once serially and once with 2 worker processes (pool start-up included). Each
mode runs in its own Python process so that the peak RSS figures are separate.
The "streamed" mode creates each reference dataset when it is needed and keeps
one result at a time; the "all kept" modes give ``DatasetsMaker.run`` the
references as a generator (each made when its observation is reached, so
that the workers start at once) and keep all 40 results (~12 MB each), as
``DatasetsMaker.run`` returns them. The last line repeats the 2-worker run
with all 40 references made up front (a list) before ``run`` is called.
Reference creation is included in all timings. Each mode runs ``--repeat``
times (default 3), the modes interleaved so that a slow spell of the machine
hits all of them; the best run of each mode is reported, with the spread.

Run: ``python benchmarks/bench_reduce_hess.py`` (``GAMMARAY_DATA`` must be set).
Targets: < 0.1 s/observation serially, 2 workers >= 1.7x faster, serial peak
RSS < 300 MB.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

N_OBS = 40


def reduce(n_jobs, keep, upfront=False):
    import astropy.units as u
    from astropy.coordinates import SkyCoord

    from gammaray.data import DataStore
    from gammaray.datasets import MapDataset
    from gammaray.makers import (
        DatasetsMaker,
        FoVBackgroundMaker,
        MapDatasetMaker,
        SafeMaskMaker,
    )
    from gammaray.maps import MapAxis, WcsGeom

    t_start = time.perf_counter()
    data_store = DataStore.from_dir("$GAMMARAY_DATA/hess-dl3-dr1")
    obs_ids = list(data_store.obs_table["OBS_ID"][:N_OBS])
    observations = data_store.get_observations(obs_ids)
    energy_axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=6)
    energy_axis_true = MapAxis.from_energy_bounds(
        "0.5 TeV", "20 TeV", nbin=20, name="energy_true"
    )

    # pointings from the observation index: the main process reads no DL3 file,
    # every observation is read once, by whoever reduces it
    table = data_store.obs_table
    pointings = {
        int(row["OBS_ID"]): SkyCoord(row["RA_PNT"], row["DEC_PNT"], unit="deg")
        for row in table[:N_OBS]
    }

    def make_reference(obs):
        geom = WcsGeom.create(
            skydir=pointings[int(obs.obs_id)],
            width=(4, 3) * u.deg,
            binsz=0.02 * u.deg,
            axes=[energy_axis],
        )
        return MapDataset.create(
            geom, energy_axis_true=energy_axis_true, name=f"ref-{obs.obs_id}"
        )

    # one-time library imports (lazily loaded submodules) happen before the
    # clock starts, as in a session that has already made a dataset
    make_reference(observations[0])

    makers = [
        MapDatasetMaker(),
        SafeMaskMaker(methods=["offset-max", "aeff-default"], offset_max="2 deg"),
        FoVBackgroundMaker(method="scale"),
    ]
    maker = DatasetsMaker(
        makers, stack_datasets=False, n_jobs=n_jobs, show_progress=False
    )
    t0 = time.perf_counter()
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage0.ru_utime + usage0.ru_stime
    if keep:
        references = (make_reference(obs) for obs in observations)
        if upfront:
            references = list(references)
        datasets = maker.run(None, observations, datasets=references)
        total_counts = sum(float(d.counts.data.sum()) for d in datasets)
    else:
        # stream: one reference and one result alive at a time (what a
        # pipeline that writes or stacks the results needs)
        total_counts = 0.0
        for obs in observations:
            d = maker.make_dataset(make_reference(obs), obs)
            total_counts += float(d.counts.data.sum())
    elapsed = time.perf_counter() - t0
    usage_self = resource.getrusage(resource.RUSAGE_SELF)
    usage_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_self = usage_self.ru_utime + usage_self.ru_stime - cpu0
    cpu_children = usage_children.ru_utime + usage_children.ru_stime
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "n_jobs": n_jobs,
        "keep": keep,
        "n_obs": len(obs_ids),
        "elapsed_s": elapsed,
        "setup_s": t0 - t_start,
        "s_per_obs": elapsed / len(obs_ids),
        "peak_rss_mb": rss_self,
        "peak_rss_children_mb": rss_children,
        "total_counts": total_counts,
        "cpu_main_s": cpu_self,
        "cpu_workers_s": cpu_children,
    }


def _run_mode(n_jobs, keep, upfront=False):
    cmd = [sys.executable, __file__, "--worker", str(n_jobs)]
    cmd += (["--keep"] if keep else []) + (["--upfront"] if upfront else [])
    # modules load from cached bytecode, as in a normal installation (some
    # sandboxes set PYTHONDONTWRITEBYTECODE, which recompiles every import)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run(
        cmd, check=True, capture_output=True, text=True, env=env
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _best(runs):
    """The run with the shortest elapsed time (least disturbed by other load)."""
    return min(runs, key=lambda run: run["elapsed_s"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--upfront", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each mode, interleaved; the best is reported (default 3)",
    )
    args = parser.parse_args()
    if args.worker is not None:
        print(json.dumps(reduce(args.worker, args.keep, args.upfront)))
        return
    load_before = os.getloadavg()[0]
    modes = {
        "serial_stream": (1, False, False),
        "serial": (1, True, False),
        "parallel": (2, True, False),
        "upfront": (2, True, True),
    }
    runs = {name: [] for name in modes}
    for _ in range(args.repeat):
        for name, (n_jobs, keep, upfront) in modes.items():
            runs[name].append(_run_mode(n_jobs, keep, upfront))
    counts = {run["total_counts"] for mode_runs in runs.values() for run in mode_runs}
    assert len(counts) == 1, counts
    serial_stream = _best(runs["serial_stream"])
    serial = _best(runs["serial"])
    parallel = _best(runs["parallel"])
    upfront = _best(runs["upfront"])

    def spread(name):
        times = sorted(run["elapsed_s"] for run in runs[name])
        return "runs " + " ".join(f"{t:.2f}" for t in times) + " s"

    ratios = sorted(
        s["elapsed_s"] / p["elapsed_s"]
        for s, p in zip(runs["serial"], runs["parallel"], strict=True)
    )
    print(
        f"Reduced {serial['n_obs']} observations (4x3 deg, 0.02 deg, 6 x 20 energy "
        f"bins); best of {args.repeat} interleaved runs per mode"
    )
    print(
        f"  serial, streamed     : {serial_stream['elapsed_s']:6.2f} s "
        f"= {serial_stream['s_per_obs']:.3f} s/obs, peak RSS "
        f"{serial_stream['peak_rss_mb']:.0f} MB ({spread('serial_stream')})"
    )
    print(
        f"  serial, all kept     : {serial['elapsed_s']:6.2f} s "
        f"= {serial['s_per_obs']:.3f} s/obs, peak RSS {serial['peak_rss_mb']:.0f} MB "
        f"(40 datasets held in memory; {spread('serial')})"
    )
    print(
        f"  2 workers, all kept  : {parallel['elapsed_s']:6.2f} s "
        f"= {parallel['s_per_obs']:.3f} s/obs (pool start-up included), "
        f"main RSS {parallel['peak_rss_mb']:.0f} MB, worker RSS "
        f"{parallel['peak_rss_children_mb']:.0f} MB ({spread('parallel')})"
    )
    print(
        f"  speed-up 2 workers   : {serial['elapsed_s'] / parallel['elapsed_s']:.2f}x "
        "best vs best; run by run " + " ".join(f"{r:.2f}" for r in ratios)
    )
    print(
        f"  CPU time             : serial {serial['cpu_main_s']:.2f} s; 2 workers "
        f"{parallel['cpu_workers_s']:.2f} s in workers + {parallel['cpu_main_s']:.2f} s "
        "in the main process (a wall-clock speed-up needs 2 idle cores)"
    )
    print(
        f"  2 workers, references made up front: {upfront['elapsed_s']:6.2f} s "
        f"({serial['elapsed_s'] / upfront['elapsed_s']:.2f}x)"
    )
    print(
        f"  machine: {os.cpu_count()} CPUs, 1-min load average {load_before:.2f} "
        f"before / {os.getloadavg()[0]:.2f} after (other processes compete for the "
        "cores)"
    )


if __name__ == "__main__":
    main()
