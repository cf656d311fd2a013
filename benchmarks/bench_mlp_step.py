"""Training step of the fully connected networks: nnbook against the book's algorithm.

One step = forward, backward and the optimizer's update on a mini-batch of 100 MNIST-sized
inputs (random data of MNIST's shape: speed does not depend on the values):

- TwoLayerNet 784-50-10 with SGD (chapter 5), and
- MultiLayerNet 784-[100]x4-10 with Adam (chapter 6).

"book" is a plain re-implementation of the book's algorithm, written here in our own
words: layers in an OrderedDict, float64 weights fed the float32 images that the book's
`load_mnist(normalize=True)` returns (so NumPy upcasts every product to float64), ReLU
writing into `dout`, Softmax-with-Loss through `softmax` and a guarded cross-entropy,
every layer computing `dx` (the first one too), and the book's SGD and Adam. "nnbook
float32" and "nnbook float64" are `nnbook.models` networks of that dtype with
`nnbook.optimizers`.

"hand-fused float32" is the same step written as leanly as NumPy allows (buffers
reused, no checks, no layer objects; see `Fused`): book / that is what a NumPy
implementation can reach once everything but the arithmetic is gone.

"float32 matmuls only" runs nothing but the matrix products of a float32 step (forward,
every layer's dW, every dx but the first): book / that is the largest speed-up a float32
NumPy implementation of the book's algorithm could reach.

Rounds are interleaved (every implementation once per round, in turn) and the ratio
book / nnbook is taken within each round; the table gives medians. BLAS threads are set
in-process with threadpoolctl, 1 and then 2.

    .venv/bin/pip install -e ".[bench]"
    .venv/bin/python benchmarks/bench_mlp_step.py [--rounds 15] [--steps 30]
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections import OrderedDict

import numpy as np
from threadpoolctl import threadpool_limits

from nnbook.models import MultiLayerNet, TwoLayerNet
from nnbook.optimizers import SGD, Adam

# -- the book's algorithm, re-implemented -------------------------------------------------


def _softmax(x):
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


class BookRelu:
    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0  # the book writes into dout
        return dout


class BookAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return np.dot(self.x, self.W) + self.b

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dx.reshape(*self.original_x_shape)


class BookSoftmaxWithLoss:
    def forward(self, x, t):
        self.t = t
        self.y = _softmax(x)
        n = self.y.shape[0]
        return -np.sum(np.log(self.y[np.arange(n), t] + 1e-7)) / n

    def backward(self, dout=1):
        n = self.t.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1
        return dx / n


class BookNet:
    """The book's layered network (TwoLayerNet / MultiLayerNet without extras)."""

    def __init__(self, sizes, rng):
        self.params = {}
        self.layers = OrderedDict()
        for i in range(1, len(sizes)):
            W = np.sqrt(2.0 / sizes[i - 1]) * rng.standard_normal((sizes[i - 1], sizes[i]))
            self.params[f"W{i}"], self.params[f"b{i}"] = W, np.zeros(sizes[i])
            self.layers[f"Affine{i}"] = BookAffine(W, self.params[f"b{i}"])
            if i < len(sizes) - 1:
                self.layers[f"Relu{i}"] = BookRelu()
        self.last_layer = BookSoftmaxWithLoss()

    def gradient(self, x, t):
        for layer in self.layers.values():
            x = layer.forward(x)
        self.last_layer.forward(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        grads = {}
        for i in range(1, len(self.params) // 2 + 1):
            grads[f"W{i}"] = self.layers[f"Affine{i}"].dW
            grads[f"b{i}"] = self.layers[f"Affine{i}"].db
        return grads


class BookSGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key in params:
            params[key] -= self.lr * grads[key]


class BookAdam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter, self.m, self.v = 0, None, None

    def update(self, params, grads):
        if self.m is None:
            self.m = {k: np.zeros_like(v) for k, v in params.items()}
            self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.iter += 1
        lr_t = (
            self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)
        )
        for key in params:
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)


class GemmFloor:
    """Only the matrix products of a float32 step (forward, dW of every layer, dx of all
    but the first): no activation, no loss, no optimizer. No implementation of the
    book's algorithm in NumPy can be faster than this, so book / floor bounds the
    speed-up any float32 implementation can reach."""

    def __init__(self, sizes, rng):
        self.Ws = [
            rng.standard_normal((a, b)).astype(np.float32)
            for a, b in itertools.pairwise(sizes)
        ]

    def step(self, x):
        xs = []
        for W in self.Ws:
            xs.append(x)
            x = x @ W
        dout = x
        for i in range(len(self.Ws) - 1, -1, -1):
            _ = xs[i].T @ dout
            if i:
                dout = dout @ self.Ws[i].T


class Fused:
    """The same float32 step written as leanly as NumPy allows: buffers allocated once
    and reused (`out=`), no checks, no layer objects, the ReLU's backward as a product
    with its mask, and the optimizer over flat arrays (Adam in the per-element order
    of the book's formula). It computes what the book's code computes; nobody would
    teach with it. book / fused is the speed-up a hand-fused NumPy step reaches."""

    def __init__(self, sizes, rng, optimizer, batch=100):
        f = np.float32
        shapes = [(a, b) for a, b in itertools.pairwise(sizes)]
        total = sum(a * b + b for a, b in shapes)
        self.flat = np.empty(total, f)
        self.grad = np.empty(total, f)
        self.Ws, self.bs, self.gWs, self.gbs, start = [], [], [], [], 0
        for a, b in shapes:
            for store, gstore, shape in (
                (self.Ws, self.gWs, (a, b)),
                (self.bs, self.gbs, (b,)),
            ):
                size = int(np.prod(shape))
                store.append(self.flat[start : start + size].reshape(shape))
                gstore.append(self.grad[start : start + size].reshape(shape))
                start += size
        for W, (a, _) in zip(self.Ws, shapes, strict=True):
            W[...] = np.sqrt(2.0 / a) * rng.standard_normal(W.shape)
        for b in self.bs:
            b[...] = 0
        self.hs = [np.empty((batch, b), f) for _, b in shapes]
        self.ds = [np.empty((batch, a), f) for a, _ in shapes]
        self.rows = np.arange(batch)
        self.adam = optimizer == "adam"
        self.m, self.v = np.zeros(total, f), np.zeros(total, f)
        self.s1, self.s2 = np.empty(total, f), np.empty(total, f)
        self.iter = 0

    def step(self, x, t):
        acts = [x]
        for i, (W, b, h) in enumerate(zip(self.Ws, self.bs, self.hs, strict=True)):
            np.matmul(acts[-1], W, out=h)
            h += b
            if i < len(self.Ws) - 1:
                np.maximum(h, 0, out=h)
            acts.append(h)
        s = acts.pop()
        s -= s.max(axis=1, keepdims=True)
        np.exp(s, out=s)
        s /= s.sum(axis=1, keepdims=True)
        _ = -np.log(s[self.rows, t] + 1e-7).mean()  # the loss, as the book computes it
        s[self.rows, t] -= 1
        s /= len(t)
        d = s
        for i in range(len(self.Ws) - 1, -1, -1):
            np.matmul(acts[i].T, d, out=self.gWs[i])
            np.sum(d, axis=0, out=self.gbs[i])
            if i:
                dx = self.ds[i]
                np.matmul(d, self.Ws[i].T, out=dx)
                dx *= acts[i] > 0
                d = dx
        g = self.grad
        if not self.adam:
            g *= np.float32(0.01)
            self.flat -= g
            return
        self.iter += 1
        lr_t = 0.001 * np.sqrt(1.0 - 0.999**self.iter) / (1.0 - 0.9**self.iter)
        m, v, s1, s2 = self.m, self.v, self.s1, self.s2
        np.subtract(g, m, out=s1)
        s1 *= 1 - 0.9
        m += s1
        np.multiply(g, g, out=s1)
        s1 -= v
        s1 *= 1 - 0.999
        v += s1
        np.sqrt(v, out=s1)
        s1 += 1e-7
        np.multiply(m, lr_t, out=s2)
        s2 /= s1
        self.flat -= s2


# -- the benchmark ------------------------------------------------------------------------

CASES = {
    "TwoLayerNet 784-50-10, SGD": ([784, 50, 10], "sgd"),
    "MultiLayerNet 784-[100]x4-10, Adam": ([784, 100, 100, 100, 100, 10], "adam"),
}


def make(impl: str, sizes: list[int], optimizer: str):
    rng = np.random.default_rng(0)
    if impl == "book":
        opt = BookSGD() if optimizer == "sgd" else BookAdam()
        return BookNet(sizes, rng), opt
    if impl == "floor":
        return GemmFloor(sizes, rng), None
    if impl == "fused":
        return Fused(sizes, rng, optimizer), None
    dtype = np.float32 if impl == "nnbook float32" else np.float64
    if len(sizes) == 3:
        net = TwoLayerNet(*sizes, weight_init_std="he", rng=rng, dtype=dtype)
    else:
        net = MultiLayerNet(sizes[0], sizes[1:-1], sizes[-1], rng=rng, dtype=dtype)
    return net, SGD() if optimizer == "sgd" else Adam()


def run(rounds: int, steps: int) -> None:
    rng = np.random.default_rng(1)
    x_all = rng.random((6000, 784), dtype=np.float32)  # what load_mnist gives
    t_all = rng.integers(0, 10, 6000)
    impls = ["book", "nnbook float64", "nnbook float32", "fused", "floor"]
    print("| network | BLAS threads | book ms | nnbook float64 ms | nnbook float32 ms "
          "| hand-fused float32 ms | float32 matmuls only ms | book / float64 "
          "| book / float32 | book / hand-fused | book / matmuls only |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, (sizes, optimizer) in CASES.items():
        for threads in (1, 2):
            with threadpool_limits(limits=threads):
                setups = {impl: make(impl, sizes, optimizer) for impl in impls}
                times = {impl: [] for impl in impls}
                for r in range(rounds + 1):  # round 0 warms up
                    for impl in impls:
                        net, opt = setups[impl]
                        start = time.perf_counter()
                        for s in range(steps):
                            lo = ((r * steps + s) * 100) % 5900
                            if impl == "floor":
                                net.step(x_all[lo : lo + 100])
                                continue
                            if impl == "fused":
                                net.step(x_all[lo : lo + 100], t_all[lo : lo + 100])
                                continue
                            grads = net.gradient(x_all[lo : lo + 100], t_all[lo : lo + 100])
                            opt.update(net.params, grads)
                        if r:
                            times[impl].append((time.perf_counter() - start) / steps)
            med = {impl: 1e3 * float(np.median(v)) for impl, v in times.items()}
            ratio = {
                impl: float(np.median(np.array(times["book"]) / np.array(times[impl])))
                for impl in impls[1:]
            }
            print(
                f"| {name} | {threads} | {med['book']:.3f} | {med['nnbook float64']:.3f} | "
                f"{med['nnbook float32']:.3f} | {med['fused']:.3f} | {med['floor']:.3f} | "
                f"{ratio['nnbook float64']:.2f}x | {ratio['nnbook float32']:.2f}x | "
                f"{ratio['fused']:.2f}x | {ratio['floor']:.2f}x |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    run(args.rounds, args.steps)


if __name__ == "__main__":
    main()
