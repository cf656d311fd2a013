r"""Arithmetic precision: the book's float16 experiment, and float16 for real (§8.3.4)."""

from __future__ import annotations

import copy
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from nnbook.experiments._misclassified import predict_labels

__all__ = [
    "PrecisionResult",
    "compare_precisions",
    "measure",
    "predict_float16",
    "round_params",
]


def round_params(network, dtype: DTypeLike = np.float16) -> None:
    """Round every parameter to `dtype`, in place, keeping the network's own dtype.

    What the book's `ch08/half_float_network.py` does (`param[...] =
    param.astype(np.float16)`): the values become those of half precision, but the
    arrays stay float64, so everything after is still computed in float64.

    Book: chapter 8, section 8.3.4.

    Parameters
    ----------
    network : Network
        Its `params` arrays are overwritten.
    dtype : dtype, default=float16
        The precision to round to.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.experiments import round_params
    >>> from nnbook.models import MultiLayerNet
    >>> net = MultiLayerNet(2, [3], 2, rng=0)
    >>> w = net.params["W1"][0, 0]
    >>> round_params(net)
    >>> print(net.params["W1"].dtype, w != net.params["W1"][0, 0])
    float64 True
    >>> print(np.array_equal(net.params["W1"], net.params["W1"].astype(np.float16)))
    True
    """
    for param in network.params.values():
        param[...] = param.astype(dtype)


def _float32_twin(layer):
    """Return a shallow copy of `layer` computing with float32 copies of its params."""
    twin = copy.copy(layer)
    twin.params = {key: value.astype(np.float32) for key, value in layer.params.items()}
    twin.grads = {}
    return twin


def predict_float16(network, x: ArrayLike) -> np.ndarray:
    r"""Run a float16 network's inference with its matrix products on BLAS.

    Every array is float16: the input, the parameters, and every layer's output (ReLU,
    pooling and Dropout compute in float16). The matrix products of the convolution
    and affine layers take float16 operands, accumulate in float32 and round the
    result to float16, which is what NumPy's own float16 `matmul` does (it converts
    each operand to float32 and keeps a float32 sum) and what a GPU's half-precision
    tensor units do. NumPy has no float16 BLAS, though: its float16 product is a plain
    loop, hundreds of times slower than float32 on a CPU. Here the operands are
    converted to float32 (exactly: every float16 is a float32) and multiplied by
    float32 BLAS, and the result is rounded to float16. Only the order of the float32
    additions differs from NumPy's float16 `matmul`.

    Book: chapter 8, section 8.3.4.

    Parameters
    ----------
    network : Network
        A network of dtype float16, e.g. `DeepConvNet(dtype=np.float16)`.
    x : array_like of shape (N, ...)
        Inputs, rounded to float16.

    Returns
    -------
    ndarray of float16, shape (N, classes)
        What `network.predict(x)` returns, up to the rounding of a few values.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.experiments import predict_float16
    >>> from nnbook.models import MultiLayerNet
    >>> net = MultiLayerNet(4, [8], 3, rng=0, dtype=np.float16)
    >>> x = np.random.default_rng(1).random((5, 4))
    >>> y = predict_float16(net, x)
    >>> print(y.dtype, np.abs(y - net.predict(x)).max() <= 0.002)
    float16 True
    """
    if network.dtype != np.float16:
        raise ValueError(
            f"predict_float16 needs a float16 network, got dtype {network.dtype}; build it "
            "with dtype=np.float16"
        )
    h = np.asarray(x).astype(np.float16)
    for layer in network.layers.values():
        if layer.params:
            h = _float32_twin(layer).forward(h.astype(np.float32), False)
            h = h.astype(np.float16)
        else:
            h = layer.forward(h, False)
    return h


def measure(fn: Callable[[], object]) -> tuple[object, float, int]:
    """Run `fn()` once; return its result, the seconds it took and its peak memory.

    The peak is the largest amount of memory allocated at any time during the call
    beyond what was allocated before it, as `tracemalloc` counts it (NumPy reports its
    arrays' buffers to it).

    Parameters
    ----------
    fn : callable
        What to run.

    Returns
    -------
    (object, float, int)
        The result, the wall time in seconds, and the peak in bytes.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.experiments import measure
    >>> result, seconds, peak = measure(lambda: np.ones(1_000_000).sum())
    >>> print(result, peak >= 8_000_000)
    1000000.0 True
    """
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    start = time.perf_counter()
    try:
        result = fn()
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return result, seconds, peak


@dataclass(frozen=True)
class PrecisionResult:
    """One row of [`compare_precisions`][nnbook.experiments.compare_precisions].

    Attributes
    ----------
    name : str
        How the network computed.
    accuracy : float
        Test accuracy on the `images` it saw.
    images : int
        Number of test images.
    seconds : float
        Wall time of the accuracy computation.
    peak_bytes : int
        Peak memory allocated during it.
    param_bytes : int
        Memory of the parameters.
    """

    name: str
    accuracy: float
    images: int
    seconds: float
    peak_bytes: int
    param_bytes: int

    @property
    def ms_per_image(self) -> float:
        """Milliseconds per image."""
        return 1000 * self.seconds / self.images


def compare_precisions(
    make_network: Callable[[np.dtype], object],
    x: ArrayLike,
    t: ArrayLike,
    *,
    native_images: int | None = 200,
    batch_size: int = 100,
) -> list[PrecisionResult]:
    """Measure accuracy, time and memory of one network in float64, float32 and float16.

    Five ways of computing the same network, each on the test images `x`:

    1. `float64`: the book's precision;
    2. `float32`: nnbook's fast path;
    3. `book: float16 values, float64 arithmetic`: the book's `half_float_network.py`,
       parameters and inputs rounded to float16 but computed in float64;
    4. `float16, float32 sums (BLAS)`: everything float16, the products accumulated
       in float32 ([`predict_float16`][nnbook.experiments.predict_float16]);
    5. `float16, NumPy's float16 matmul`: `network.predict` of a float16 network, on
       the first `native_images` images only (NumPy's float16 product is very slow).

    Book: chapter 8, section 8.3.4.

    Parameters
    ----------
    make_network : callable (dtype) -> Network
        Builds the trained network in a dtype, e.g.
        `lambda dtype: DeepConvNet.from_book_weights("2016", dtype=dtype)`.
    x : array_like of shape (N, ...)
        Test images.
    t : array_like of shape (N,)
        Labels.
    native_images : int or None, default=200
        Images for row 5; None leaves the row out, and a number above N means all.
    batch_size : int, default=100
        Images per forward pass.

    Returns
    -------
    list of PrecisionResult
    """
    x, t = np.asarray(x), np.asarray(t)

    def row(name: str, net, data: np.ndarray, labels: np.ndarray, predict=None):
        def run() -> float:
            if predict is None:
                guesses = predict_labels(net, data, batch_size=batch_size)
            else:
                guesses = np.concatenate(
                    [
                        np.argmax(predict(net, data[i : i + batch_size]), axis=1)
                        for i in range(0, len(data), batch_size)
                    ]
                )
            return float(np.mean(guesses == labels))

        accuracy, seconds, peak = measure(run)
        param_bytes = sum(p.nbytes for p in net.params.values())
        return PrecisionResult(name, accuracy, len(data), seconds, peak, param_bytes)

    rows = [
        row("float64", make_network(np.float64), x, t),
        row("float32", make_network(np.float32), x, t),
    ]
    book = make_network(np.float64)
    round_params(book, np.float16)
    rows.append(
        row("book: float16 values, float64 arithmetic", book, x.astype(np.float16), t)
    )
    half = make_network(np.float16)
    rows.append(row("float16, float32 sums (BLAS)", half, x, t, predict_float16))
    if native_images:
        n = min(native_images, len(x))
        rows.append(row("float16, NumPy's float16 matmul", half, x[:n], t[:n]))
    return rows
