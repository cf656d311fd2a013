"""One gradient of the chapter-5 TwoLayerNet: backpropagation vs numerical differences.

Both compute the gradient of the loss on one mini-batch for every parameter of the same
network (784-50-10, float64, batch 100, as in the book). The numerical gradient needs two
forward passes per parameter (2 x 39,760); backpropagation, one forward and one backward
pass in all.

    .venv/bin/python benchmarks/bench_ch45.py            # the book's sizes (~30 s)
    .venv/bin/python benchmarks/bench_ch45.py --quick    # a 784-10-10 network
    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_ch45.py

Matrices this small gain little from several BLAS threads, and on a busy machine extra
threads can cost a lot: compare with OPENBLAS_NUM_THREADS=1.
"""

from __future__ import annotations

import argparse
import os
import time
import timeit

import numpy as np

from nnbook.models import TwoLayerNet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=50)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="hidden size 10")
    args = parser.parse_args()
    hidden = 10 if args.quick else args.hidden

    rng = np.random.default_rng(0)
    net = TwoLayerNet(784, hidden, 10, rng=rng)
    x = rng.random((args.batch, 784))
    t = rng.integers(0, 10, args.batch)
    n_params = sum(p.size for p in net.params.values())

    timer = timeit.Timer(lambda: net.gradient(x, t))
    number, _ = timer.autorange()
    backprop = min(timer.repeat(repeat=5, number=number)) / number

    start = time.perf_counter()
    net.numerical_gradient(x, t)
    numerical = time.perf_counter() - start

    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(
        f"TwoLayerNet(784-{hidden}-10), float64, batch {args.batch}, {n_params} parameters"
    )
    print(f"OPENBLAS_NUM_THREADS={threads}")
    print(f"backprop gradient : {backprop * 1e3:10.3f} ms (best of 5)")
    print(f"numerical gradient: {numerical * 1e3:10.1f} ms (one run)")
    print(f"ratio             : {numerical / backprop:10.0f}x")


if __name__ == "__main__":
    main()
