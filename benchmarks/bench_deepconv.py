"""Speed of chapter 8's DeepConvNet: nnbook against the book's algorithm and PyTorch.

Four implementations of the same network (six 3×3 convolutions with ReLU, three 2×2
max-poolings, affine 1024→50, ReLU, dropout, affine 50→10, dropout, softmax with
loss), started from the same weights:

- nnbook float32 and nnbook float64 (`nnbook.models.DeepConvNet`);
- the book's algorithm, re-implemented below in a few lines (float64 im2col and col2im
  with six-dimensional slices, padding included, pooling by im2col + argmax, the first
  layer's dx computed, ReLU and Dropout by boolean masks), so that no book code is
  needed to run this;
- PyTorch on the CPU, float32, the same layers (Dropout written the book's way, as a
  mask in training and a factor 0.5 at inference) and the same Adam.

Two measurements, each timed for every implementation in every round, the rounds
interleaved so that a slow spell of a busy machine hits all of them alike; the ratios
are taken within each round and their median reported:

- train step: forward, backward and one Adam update (lr 0.001) on a batch of 100;
- inference: predictions for the 10,000 test images, in batches of 100.

Each at 1 and 2 BLAS threads (threadpoolctl; PyTorch's own thread count set to
match). Then the peak memory of `DeepConvNet.accuracy` on the 10,000 test images, as
tracemalloc counts it, in float64, float32 and float16. Needs the `bench` extra:

    .venv/bin/pip install -e ".[bench]"
    .venv/bin/python benchmarks/bench_deepconv.py            # about 15 minutes, quiet
    .venv/bin/python benchmarks/bench_deepconv.py --quick    # a rough look

Uses the MNIST test images when a data home has them, random images otherwise.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import tracemalloc

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from nnbook.models import DeepConvNet
from nnbook.optimizers import Adam

PADS = (1, 1, 1, 2, 1, 1)

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
    def __init__(self, W, b, pad):
        self.W, self.b, self.pad = W, b, pad

    def forward(self, x):
        fn, _, fh, fw = self.W.shape
        n, _, h, w = x.shape
        oh, ow = h + 2 * self.pad - fh + 1, w + 2 * self.pad - fw + 1
        self.x, self.col = x, book_im2col(x, fh, fw, 1, self.pad)
        self.col_W = self.W.reshape(fn, -1).T
        out = self.col @ self.col_W + self.b
        return out.reshape(n, oh, ow, -1).transpose(0, 3, 1, 2)

    def backward(self, dout):
        fn, c, fh, fw = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, fn)
        self.db = dout.sum(axis=0)
        self.dW = (self.col.T @ dout).T.reshape(fn, c, fh, fw)
        return book_col2im(dout @ self.col_W.T, self.x.shape, fh, fw, 1, self.pad)


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
        dcol = dmax.reshape(-1, self.x.shape[1] * 4)
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


class BookDropout:
    def __init__(self, rng):
        self.rng, self.train = rng, False

    def forward(self, x):
        if self.train:
            self.mask = self.rng.random(x.shape) > 0.5
            return x * self.mask
        return x * 0.5

    def backward(self, dout):
        return dout * self.mask


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
    """The book's DeepConvNet, float64, with its softmax-with-loss and Adam."""

    def __init__(self, params):
        self.params = {k: v.astype(np.float64) for k, v in params.items()}
        p, rng = self.params, np.random.default_rng(0)
        self.layers, self.owners = [], []
        for k in range(6):
            self.owners.append(len(self.layers))
            self.layers += [BookConv(p[f"W{k + 1}"], p[f"b{k + 1}"], PADS[k]), BookRelu()]
            if k % 2:
                self.layers.append(BookPool())
        self.owners.append(len(self.layers))
        self.layers += [BookAffine(p["W7"], p["b7"]), BookRelu(), BookDropout(rng)]
        self.owners.append(len(self.layers))
        self.layers += [BookAffine(p["W8"], p["b8"]), BookDropout(rng)]
        self.m, self.v, self.iter = {}, {}, 0

    def predict(self, x, train=False):
        for layer in self.layers:
            if isinstance(layer, BookDropout):
                layer.train = train
            x = layer.forward(x)
        return x

    def step(self, x, t):
        y = self.predict(x, train=True)
        y = np.exp(y - y.max(axis=1, keepdims=True))
        y /= y.sum(axis=1, keepdims=True)
        dout = y.copy()
        dout[np.arange(len(t)), t] -= 1
        dout /= len(t)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        grads = {}
        for i, owner in enumerate(self.owners, 1):
            grads[f"W{i}"], grads[f"b{i}"] = self.layers[owner].dW, self.layers[owner].db
        self.iter += 1
        lr_t = 0.001 * np.sqrt(1.0 - 0.999**self.iter) / (1.0 - 0.9**self.iter)
        for k, p in self.params.items():
            m = self.m.setdefault(k, np.zeros_like(p))
            v = self.v.setdefault(k, np.zeros_like(p))
            m += 0.1 * (grads[k] - m)
            v += 0.001 * (grads[k] ** 2 - v)
            p -= lr_t * m / (np.sqrt(v) + 1e-7)


# --- nnbook ----------------------------------------------------------------------------


class NnbookNet:
    """nnbook's DeepConvNet in one dtype, trained with nnbook's Adam."""

    def __init__(self, params, dtype):
        self.net = DeepConvNet(dtype=dtype, rng=0)
        self.net.load_params(params)
        self.optimizer = Adam(lr=0.001)

    def predict(self, x):
        return self.net.predict(x)

    def step(self, x, t):
        self.optimizer.update(self.net.params, self.net.gradient(x, t))


# --- PyTorch ---------------------------------------------------------------------------


def _torch_dropout():
    """The book's Dropout(0.5) as a PyTorch module: a mask in training, × 0.5 after."""
    import torch

    class BookDropout(torch.nn.Module):
        def forward(self, x):
            if self.training:
                return x * (torch.rand_like(x) > 0.5)
            return x * 0.5

    return BookDropout()


class TorchNet:
    def __init__(self, params):
        import torch

        self.torch = torch
        nn = torch.nn
        layers, channels = [], 1
        for k in range(6):
            out = params[f"W{k + 1}"].shape[0]
            layers += [nn.Conv2d(channels, out, 3, padding=PADS[k]), nn.ReLU()]
            if k % 2:
                layers.append(nn.MaxPool2d(2, 2))
            channels = out
        layers += [nn.Flatten(), nn.Linear(1024, 50), nn.ReLU(), _torch_dropout(),
                   nn.Linear(50, 10), _torch_dropout()]  # fmt: skip
        self.net = nn.Sequential(*layers)
        weighted = [m for m in self.net if isinstance(m, (nn.Conv2d, nn.Linear))]
        with torch.no_grad():
            for k, module in enumerate(weighted, 1):
                W = params[f"W{k}"]
                W = W if W.ndim == 4 else W.T
                module.weight.copy_(torch.from_numpy(np.ascontiguousarray(W)))
                module.bias.copy_(torch.from_numpy(params[f"b{k}"]))
        self.net = self.net.float()
        self.loss = nn.CrossEntropyLoss()
        self.optimizer = torch.optim.Adam(self.net.parameters(), lr=0.001, eps=1e-7)

    def predict(self, x):
        self.net.eval()
        with self.torch.no_grad():
            return self.net(self.torch.from_numpy(x)).numpy()

    def step(self, x, t):
        self.net.train()
        self.optimizer.zero_grad()
        loss = self.loss(self.net(self.torch.from_numpy(x)), self.torch.from_numpy(t))
        loss.backward()
        self.optimizer.step()


# --- the measurements ---------------------------------------------------------------


def test_images(rng):
    try:
        from nnbook.datasets import load_mnist

        (_, _), (x, t) = load_mnist(flatten=False)
        return x.astype(np.float32), t.astype(np.int64), "MNIST test set"
    except Exception:  # no data home: the times do not depend on the pixels
        x = rng.random((10_000, 1, 28, 28), dtype=np.float32)
        return x, rng.integers(0, 10, 10_000), "random images (no MNIST found)"


def check_agreement(params, x) -> None:
    """The four implementations compute the same scores (inference, before training)."""
    ref = NnbookNet(params, np.float64).predict(x.astype(np.float64))
    for net, xs in (
        (NnbookNet(params, np.float32), x),
        (BookNet(params), x.astype(np.float64)),
        (TorchNet(params), x),
    ):
        y = net.predict(xs)
        err = np.max(np.abs(y - ref)) / np.max(np.abs(ref))
        assert err < 1e-5, (type(net).__name__, err)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(threads: int, rounds: int, steps: int, x_test, t_test, params, book_images) -> dict:
    import torch

    torch.set_num_threads(threads)
    impls = {
        "nnbook float32": NnbookNet(params, np.float32),
        "nnbook float64": NnbookNet(params, np.float64),
        "book's algorithm (float64)": BookNet(params),
        "PyTorch float32": TorchNet(params),
    }
    rng = np.random.default_rng(1)
    batches = [rng.integers(0, len(x_test), 100) for _ in range(steps + 2)]
    x64 = x_test.astype(np.float64)
    results: dict = {"train": {k: [] for k in impls}, "infer": {k: [] for k in impls}}
    with threadpool_limits(limits=threads):
        for name, net in impls.items():  # warm-up
            x = x64 if name.startswith("book") else x_test
            for idx in batches[:2]:
                net.step(x[idx], t_test[idx])
        for r in range(rounds):
            for name, net in impls.items():
                book = name.startswith("book")
                x = x64 if book else x_test

                def train(net=net, x=x):
                    for idx in batches[2:]:
                        net.step(x[idx], t_test[idx])

                # The book's inference is timed on fewer images and scaled to 10,000.
                n = book_images if book else len(x)

                def infer(net=net, x=x, n=n):
                    for i in range(0, n, 100):
                        net.predict(x[i : i + 100])

                results["train"][name].append(timed(train) / steps)
                results["infer"][name].append(timed(infer) * len(x) / n)
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
            for kind in ("train", "infer"):
                mine = np.array(res[kind][name])
                torch_ = np.array(res[kind]["PyTorch float32"])
                book = np.array(res[kind]["book's algorithm (float64)"])
                value = np.median(mine) * (1e3 if kind == "train" else 1)
                cells += [
                    f"{value:.1f}" if kind == "train" else f"{value:.2f}",
                    f"{np.median(mine / torch_):.2f}",
                    f"{np.median(book / mine):.1f}",
                ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def peak_memory(params, x_test, t_test) -> list[str]:
    """Peak memory of `accuracy` on the test set, per dtype, as tracemalloc counts."""
    rows = []
    for dtype in (np.float64, np.float32, np.float16):
        net = DeepConvNet(dtype=dtype, rng=0)
        net.load_params(params)
        n = len(x_test) if dtype != np.float16 else 200  # NumPy's float16 is slow
        tracemalloc.start()
        start = time.perf_counter()
        net.accuracy(x_test[:n], t_test[:n])
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append(
            f"| {np.dtype(dtype).name} | {n:,} | {peak / 2**20:.0f} MiB | {seconds:.1f} s |"
        )
    return [
        "| dtype | images | peak memory of accuracy | time |",
        "|---|---|---|---|",
        *rows,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=10, help="train steps per timing")
    parser.add_argument(
        "--book-images", type=int, default=2000, help="images for the book's inference"
    )
    parser.add_argument("--quick", action="store_true", help="2 rounds, 2,000 images")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x_test, t_test, source = test_images(rng)
    if args.quick:
        args.rounds, args.steps, args.book_images = 2, 5, 500
        x_test, t_test = x_test[:2000], t_test[:2000]
    params = {k: v.astype(np.float64) for k, v in DeepConvNet(rng=rng).params.items()}
    check_agreement(params, x_test[:100])

    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    print(f"# bench_deepconv: {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    for info in blas:
        print(
            f"# numpy BLAS: {info['internal_api']} {info['version']}, "
            f"kernel {info.get('architecture')}"
        )
    import torch

    print(f"# numpy {np.__version__}, torch {torch.__version__}; inference on {source}")
    print(f"# {args.rounds} interleaved rounds; ratios are medians of per-round ratios;")
    print(f"# the book's inference timed on {args.book_images} images, scaled\n")
    all_results = {
        t: run(t, args.rounds, args.steps, x_test, t_test, params, args.book_images)
        for t in (1, 2)
    }
    print()
    print(table(all_results))
    print()
    with threadpool_limits(limits=1):
        print("\n".join(peak_memory(params, x_test, t_test)))


if __name__ == "__main__":
    main()
