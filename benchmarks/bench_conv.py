"""Speed of chapter 7's SimpleConvNet: nnbook against the book's algorithm and PyTorch.

Four implementations of the same network (conv 30×5×5 – ReLU – 2×2 max-pool – affine
100 – ReLU – affine 10 – softmax with loss), started from the same weights:

- nnbook float32 and nnbook float64 (the package's layers);
- the book's algorithm, re-implemented below in a few lines (float64 im2col and col2im
  with six-dimensional slices, pooling by im2col + argmax, the first layer's dx
  computed, ReLU by boolean masks), so that no book code is needed to run this;
- PyTorch on the CPU, float32, with the same layers and the same Adam.

Two measurements, each timed for every implementation in every round, the rounds
interleaved (A B C D, A B C D, ...) so that a slow spell of a busy machine hits all of
them alike; the ratios are taken within each round and their median reported:

- train step: forward, backward and one Adam update (lr 0.001) on a batch of 100;
- inference: predictions for the 10,000 test images, in batches of 100.

Each is measured with 1 and 2 BLAS threads (threadpoolctl; PyTorch's own thread count
is set to match). Needs the `bench` extra (PyTorch, threadpoolctl):

    .venv/bin/pip install -e ".[bench]"
    .venv/bin/python benchmarks/bench_conv.py               # about 4 minutes
    .venv/bin/python benchmarks/bench_conv.py --quick       # a rough look, 1 minute

Uses the MNIST test images when a data home has them, random images otherwise (the
times do not depend on the pixel values).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from nnbook.models import SimpleConvNet
from nnbook.optimizers import Adam

# --- the book's algorithm, in our own words ---------------------------------------------


def book_im2col(x, fh, fw, stride=1, pad=0):
    n, c, h, w = x.shape
    oh, ow = (h + 2 * pad - fh) // stride + 1, (w + 2 * pad - fw) // stride + 1
    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")
    col = np.zeros((n, c, fh, fw, oh, ow))  # float64, whatever the input
    for ky in range(fh):
        for kx in range(fw):
            col[:, :, ky, kx] = img[
                :, :, ky : ky + stride * oh : stride, kx : kx + stride * ow : stride
            ]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1)


def book_col2im(col, shape, fh, fw, stride=1, pad=0):
    n, c, h, w = shape
    oh, ow = (h + 2 * pad - fh) // stride + 1, (w + 2 * pad - fw) // stride + 1
    col = col.reshape(n, oh, ow, c, fh, fw).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((n, c, h + 2 * pad + stride - 1, w + 2 * pad + stride - 1))
    for ky in range(fh):
        for kx in range(fw):
            img[:, :, ky : ky + stride * oh : stride, kx : kx + stride * ow : stride] += (
                col[:, :, ky, kx]
            )
    return img[:, :, pad : h + pad, pad : w + pad]


class BookConv:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        fn, _, fh, fw = self.W.shape
        n, _, h, w = x.shape
        oh, ow = h - fh + 1, w - fw + 1
        self.x, self.col = x, book_im2col(x, fh, fw)
        self.col_W = self.W.reshape(fn, -1).T
        out = self.col @ self.col_W + self.b
        return out.reshape(n, oh, ow, -1).transpose(0, 3, 1, 2)

    def backward(self, dout):
        fn, c, fh, fw = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, fn)
        self.db = dout.sum(axis=0)
        self.dW = (self.col.T @ dout).T.reshape(fn, c, fh, fw)
        return book_col2im(dout @ self.col_W.T, self.x.shape, fh, fw)


class BookPool:
    def forward(self, x):
        n, c, h, w = x.shape
        oh, ow = (h - 2) // 2 + 1, (w - 2) // 2 + 1
        col = book_im2col(x, 2, 2, 2).reshape(-1, 4)
        self.x, self.arg_max = x, np.argmax(col, axis=1)
        return np.max(col, axis=1).reshape(n, oh, ow, c).transpose(0, 3, 1, 2)

    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        dmax = np.zeros((dout.size, 4))
        dmax[np.arange(self.arg_max.size), self.arg_max.ravel()] = dout.ravel()
        dcol = dmax.reshape(-1, self.x.shape[1] * 4)  # rows (n, oy, ox), columns (c, k)
        return book_col2im(dcol, self.x.shape, 2, 2, 2)


class BookRelu:
    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout = dout.copy()
        dout[self.mask] = 0
        return dout


class BookAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return self.x @ self.W + self.b

    def backward(self, dout):
        self.dW, self.db = self.x.T @ dout, dout.sum(axis=0)
        return (dout @ self.W.T).reshape(self.shape)


class BookNet:
    """The book's SimpleConvNet, float64, with its softmax-with-loss and Adam."""

    def __init__(self, params):
        self.params = {k: v.astype(np.float64) for k, v in params.items()}
        p = self.params
        self.layers = [
            BookConv(p["W1"], p["b1"]),
            BookRelu(),
            BookPool(),
            BookAffine(p["W2"], p["b2"]),
            BookRelu(),
            BookAffine(p["W3"], p["b3"]),
        ]
        self.m, self.v, self.iter = {}, {}, 0

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def step(self, x, t):
        y = self.predict(x)
        y = np.exp(y - y.max(axis=1, keepdims=True))
        y /= y.sum(axis=1, keepdims=True)
        n = len(t)
        dout = y.copy()
        dout[np.arange(n), t] -= 1
        dout /= n
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        grads = {}
        for i, layer in ((1, self.layers[0]), (2, self.layers[3]), (3, self.layers[5])):
            grads[f"W{i}"], grads[f"b{i}"] = layer.dW, layer.db
        self.adam(grads)

    def adam(self, grads, lr=0.001, beta1=0.9, beta2=0.999):
        self.iter += 1
        lr_t = lr * np.sqrt(1.0 - beta2**self.iter) / (1.0 - beta1**self.iter)
        for k, p in self.params.items():
            m = self.m.setdefault(k, np.zeros_like(p))
            v = self.v.setdefault(k, np.zeros_like(p))
            m += (1 - beta1) * (grads[k] - m)
            v += (1 - beta2) * (grads[k] ** 2 - v)
            p -= lr_t * m / (np.sqrt(v) + 1e-7)


# --- nnbook --------------------------------------------------------------------------


class NnbookNet:
    """nnbook's SimpleConvNet in one dtype, trained with nnbook's Adam."""

    def __init__(self, params, dtype):
        self.net = SimpleConvNet(dtype=dtype)
        self.net.load_params(params)
        self.optimizer = Adam(lr=0.001)

    def predict(self, x):
        return self.net.predict(x)

    def step(self, x, t):
        grads = self.net.gradient(x, t)
        self.optimizer.update(self.net.params, grads)


# --- PyTorch -------------------------------------------------------------------------


class TorchNet:
    def __init__(self, params):
        import torch

        self.torch = torch
        nn = torch.nn
        self.net = nn.Sequential(
            nn.Conv2d(1, 30, 5),
            nn.ReLU(),
            nn.MaxPool2d(2, 2),
            nn.Flatten(),
            nn.Linear(4320, 100),
            nn.ReLU(),
            nn.Linear(100, 10),
        )
        with torch.no_grad():
            for module, w, b in ((0, "W1", "b1"), (4, "W2", "b2"), (6, "W3", "b3")):
                weight = params[w] if module == 0 else params[w].T
                self.net[module].weight.copy_(
                    torch.from_numpy(np.ascontiguousarray(weight))
                )
                self.net[module].bias.copy_(torch.from_numpy(params[b]))
        self.loss = nn.CrossEntropyLoss()
        self.optimizer = torch.optim.Adam(self.net.parameters(), lr=0.001, eps=1e-7)

    def predict(self, x):
        with self.torch.no_grad():
            return self.net(self.torch.from_numpy(x)).numpy()

    def step(self, x, t):
        self.optimizer.zero_grad()
        loss = self.loss(self.net(self.torch.from_numpy(x)), self.torch.from_numpy(t))
        loss.backward()
        self.optimizer.step()


# --- the measurements ------------------------------------------------------------------


def initial_params(rng):
    std = 0.01
    return {
        "W1": std * rng.standard_normal((30, 1, 5, 5)),
        "b1": np.zeros(30),
        "W2": std * rng.standard_normal((4320, 100)),
        "b2": np.zeros(100),
        "W3": std * rng.standard_normal((100, 10)),
        "b3": np.zeros(10),
    }


def test_images(rng):
    try:
        from nnbook.datasets import load_mnist

        (_, _), (x, t) = load_mnist(flatten=False)
        return x.astype(np.float32), t.astype(np.int64), "MNIST test set"
    except Exception:  # no data home: the times do not depend on the pixels
        x = rng.random((10_000, 1, 28, 28), dtype=np.float32)
        return x, rng.integers(0, 10, 10_000), "random images (no MNIST found)"


def timer(fn: Callable[[], None], repeat: int) -> float:
    """Median of `repeat` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def check_agreement(params, x, t) -> None:
    """The four implementations compute the same function (before any training)."""
    nets = [NnbookNet(params, np.float64), NnbookNet(params, np.float32), BookNet(params)]
    nets.append(TorchNet(params))
    ref = nets[0].predict(x.astype(np.float64))
    for net in nets[1:]:
        y = net.predict(x.astype(np.float64) if isinstance(net, BookNet) else x)
        err = np.max(np.abs(y - ref)) / np.max(np.abs(ref))
        assert err < 1e-5, (type(net).__name__, err)
    # One training step from the same weights gives the same weights (PyTorch's Adam
    # places its epsilon differently, so it is left out of this check).
    after = []
    for net in nets[:3]:
        xs = x.astype(np.float64) if isinstance(net, BookNet) else x
        net.step(xs, t)
        after.append(net.predict(xs))
    for y in after[1:]:
        assert np.max(np.abs(y - after[0])) / np.max(np.abs(after[0])) < 1e-4


def run(threads: int, rounds: int, steps: int, x_test, t_test, params) -> dict:
    import torch

    torch.set_num_threads(threads)
    impls = {
        "nnbook float32": NnbookNet(params, np.float32),
        "nnbook float64": NnbookNet(params, np.float64),
        "book's algorithm (float64)": BookNet(params),
        "PyTorch float32": TorchNet(params),
    }
    rng = np.random.default_rng(1)
    batches = [rng.integers(0, len(x_test), 100) for _ in range(steps + 3)]
    x64 = x_test.astype(np.float64)

    def train(net, x):
        def go():
            for idx in batches[3:]:
                net.step(x[idx], t_test[idx])

        for idx in batches[:3]:  # warm-up
            net.step(x[idx], t_test[idx])
        return go

    def infer(net, x):
        def go():
            for i in range(0, len(x), 100):
                net.predict(x[i : i + 100])

        return go

    results: dict = {"train": {k: [] for k in impls}, "infer": {k: [] for k in impls}}
    with threadpool_limits(limits=threads):
        for r in range(rounds):
            for name, net in impls.items():
                x = x64 if name.startswith("book") else x_test
                results["train"][name].append(timer(train(net, x), 1) / steps)
                results["infer"][name].append(timer(infer(net, x), 1))
            print(f"  {threads} thread(s): round {r + 1}/{rounds} done", flush=True)
    return results


def table(all_results: dict) -> str:
    names = list(next(iter(all_results.values()))["train"])
    lines = [
        "| implementation | threads | train step (ms) | × PyTorch | book ÷ this "
        "| inference 10k (s) | × PyTorch | book ÷ this |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for threads, res in all_results.items():
        for name in names:
            cells = [name, str(threads)]
            for kind, scale in (("train", 1e3), ("infer", 1.0)):
                mine = np.array(res[kind][name])
                torch_ = np.array(res[kind]["PyTorch float32"])
                book = np.array(res[kind]["book's algorithm (float64)"])
                cells += [
                    f"{np.median(mine) * scale:.1f}"
                    if kind == "train"
                    else f"{np.median(mine):.2f}",
                    f"{np.median(mine / torch_):.2f}",
                    f"{np.median(book / mine):.1f}",
                ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=20, help="train steps per timing")
    parser.add_argument("--quick", action="store_true", help="2 rounds, 2,000 images")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x_test, t_test, source = test_images(rng)
    if args.quick:
        args.rounds, args.steps = 2, 10
        x_test, t_test = x_test[:2000], t_test[:2000]
    params = initial_params(rng)
    check_agreement(params, x_test[:100], t_test[:100])

    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    print(
        f"# bench_conv: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs"
    )
    for info in blas:
        print(
            f"# numpy BLAS: {info['internal_api']} {info['version']}, "
            f"kernel {info.get('architecture')}"
        )
    if os.environ.get("OPENBLAS_CORETYPE"):
        print(f"# warning: OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} is set")
    import torch

    print(f"# numpy {np.__version__}, torch {torch.__version__}; inference on {source}")
    print(f"# {args.rounds} interleaved rounds; ratios are medians of per-round ratios\n")
    all_results = {
        t: run(t, args.rounds, args.steps, x_test, t_test, params) for t in (1, 2)
    }
    print()
    print(table(all_results))


if __name__ == "__main__":
    main()
