"""Training speed of the chapter-6 network: iterations per second.

One iteration = forward + backward of MultiLayerNet(784, [100]*4, 10) on a mini-batch
of 128, plus the optimizer's update (the unit of experiments 2 and 4 of chapter 6).

    .venv/bin/python benchmarks/bench_ch6.py            # all configurations
    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_ch6.py

Matrices this small gain little from several BLAS threads, and on a busy machine
extra threads can cost a lot: compare with OPENBLAS_NUM_THREADS=1.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from nnbook.models import MultiLayerNet, MultiLayerNetExtend
from nnbook.optimizers import get_optimizer


def bench(make_net, optimizer: str, dtype, iters: int, batch: int = 128) -> float:
    rng = np.random.default_rng(0)
    x = rng.random((10_000, 784)).astype(dtype)
    t = rng.integers(0, 10, 10_000)
    net = make_net(dtype)
    opt = get_optimizer(optimizer)
    batches = [rng.integers(0, len(x), batch) for _ in range(iters + 20)]

    def step(idx):
        grads = net.gradient(x[idx], t[idx])
        opt.update(net.params, grads)

    for idx in batches[:20]:  # warm-up
        step(idx)
    start = time.perf_counter()
    for idx in batches[20:]:
        step(idx)
    return iters / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3, help="report the best of these")
    args = parser.parse_args()

    nets = {
        "MultiLayerNet(784,[100]*4,10)": lambda dt: MultiLayerNet(
            784, [100] * 4, 10, rng=0, dtype=dt
        ),
        "  + BatchNorm + Dropout": lambda dt: MultiLayerNetExtend(
            784, [100] * 4, 10, use_batchnorm=True, use_dropout=True, rng=0, dtype=dt
        ),
    }
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(f"OPENBLAS_NUM_THREADS={threads}, batch 128, best of {args.repeat}")
    for name, make in nets.items():
        for dtype in (np.float32, np.float64):
            for optimizer in ("sgd", "adam"):
                speed = max(
                    bench(make, optimizer, dtype, args.iters) for _ in range(args.repeat)
                )
                print(
                    f"{name:32s} {np.dtype(dtype).name:8s} {optimizer:5s} {speed:7.0f} it/s"
                )


if __name__ == "__main__":
    main()
