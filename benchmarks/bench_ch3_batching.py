"""Chapter 3 inference: one image at a time versus batches, on the 10,000 MNIST test images.

Run: ``NNBOOK_DATA=../shared/data .venv/bin/python benchmarks/bench_ch3_batching.py``.
Prints the best of five runs per batch size and the speed-up over batch size 1, all
measured in this one run.
"""

from __future__ import annotations

import time

from nnbook.datasets import load_mnist
from nnbook.models import ThreeLayerNet


def best_of(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    _, (x_test, t_test) = load_mnist()
    net = ThreeLayerNet.from_book_weights()
    sizes = [1, 10, 100, 1000, None]
    times = {
        b: best_of(lambda b=b: net.accuracy(x_test, t_test, batch_size=b)) for b in sizes
    }
    base = times[1]
    print(f"{'batch size':>12} {'ms':>9} {'speed-up':>9}")
    for b, t in times.items():
        label = "all 10,000" if b is None else str(b)
        print(f"{label:>12} {t * 1e3:9.1f} {base / t:8.1f}x")


if __name__ == "__main__":
    main()
