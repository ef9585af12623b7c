"""Benchmark: masked Cash sum, compiled kernel vs plain NumPy.

10 million bins, counts Poisson with mean 0.1, npred ~ 0.1 (float64), half of
the bins masked at random. Compares ``gammaray.stats.kernels.cash_sum_masked``
(Cython) and its NumPy fallback with the straightforward NumPy expression
``2 * np.sum(mu[m] - n[m] * np.log(mu[m]))``. Prints the best time per call of
several repetitions (ms) and the speed-up.

Run: ``python benchmarks/bench_cash_kernel.py [--size N] [--repeat R]``
"""

import argparse
import time

import numpy as np

from gammaray.stats import _kernels_numpy, kernels


def best_times(funcs, repeat):
    """Best wall time (ms) of each function; calls are interleaved so that load
    from other processes on the machine affects all candidates alike."""
    best = {name: np.inf for name in funcs}
    for func in funcs.values():
        func()  # warm-up
    for _ in range(repeat):
        for name, func in funcs.items():
            start = time.perf_counter()
            func()
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: value * 1e3 for name, value in best.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    n = rng.poisson(0.1, args.size).astype(np.float64)
    mu = rng.uniform(0.05, 0.15, args.size)
    m = rng.random(args.size) < 0.5

    def naive():
        return 2 * np.sum(mu[m] - n[m] * np.log(mu[m]))

    def kernel():
        return kernels.cash_sum_masked(n, mu, m)

    def fallback():
        return _kernels_numpy.cash_sum_masked(n, mu, m.view(np.uint8))

    ref, value = naive(), kernel()
    print(f"bins: {args.size:,}, masked-in: {m.sum():,}, backend: {kernels.backend()}")
    print(f"relative difference kernel vs NumPy: {abs(value - ref) / abs(ref):.2e}")
    n32, mu32 = n.astype(np.float32), mu.astype(np.float32)
    times = best_times(
        {
            "NumPy expression": naive,
            "NumPy fallback": fallback,
            "gammaray kernel": kernel,
            "kernel, float32 in": lambda: kernels.cash_sum_masked(n32, mu32, m),
        },
        args.repeat,
    )
    t_naive = times["NumPy expression"]
    for name, value in times.items():
        print(f"{name:<20}: {value:8.2f} ms/call  (speed-up {t_naive / value:.2f}x)")

    # per-call overhead on a small 1D spectrum (30 bins), where dispatch dominates
    n_small, mu_small, m_small = n[:30].copy(), mu[:30].copy(), m[:30].copy()
    small = best_times(
        {
            "NumPy expression": lambda: (
                2
                * np.sum(
                    mu_small[m_small] - n_small[m_small] * np.log(mu_small[m_small])
                )
            ),
            "gammaray kernel": lambda: kernels.cash_sum_masked(
                n_small, mu_small, m_small
            ),
        },
        repeat=20000,
    )
    print("30 bins:")
    for name, value in small.items():
        print(f"{name:<20}: {value * 1e3:8.2f} us/call")


if __name__ == "__main__":
    main()
