"""How the BLAS thread count changes the small matrix products of chapters 4-6.

Run twice and compare (the count must be set before NumPy is imported):

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_blas_threads.py
    OPENBLAS_NUM_THREADS=2 .venv/bin/python benchmarks/bench_blas_threads.py

The chapter notebooks use one thread so that their printed numbers do not depend on the
machine's core count; this shows what that costs.
"""

from __future__ import annotations

import os
import time

import numpy as np

SHAPES = [((100, 784), (784, 50)), ((100, 784), (784, 100)), ((784, 100), (100, 50))]


def main(repeat: int = 2000) -> None:
    rng = np.random.default_rng(0)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    for a_shape, b_shape in SHAPES:
        a = rng.random(a_shape, dtype=np.float32)
        b = rng.random(b_shape, dtype=np.float32)
        a @ b  # warm-up
        start = time.perf_counter()
        for _ in range(repeat):
            a @ b
        us = (time.perf_counter() - start) / repeat * 1e6
        print(f"OPENBLAS_NUM_THREADS={threads}  {a_shape} @ {b_shape}  {us:7.1f} µs")


if __name__ == "__main__":
    main()
