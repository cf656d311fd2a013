"""The book's published results, and the code that reproduces each one with nnbook.

Each [`BookResult`][nnbook.reproduce.BookResult] pairs a number the book prints with a
function that computes ours. The site's results page and the `nnbook reproduce`
command both run this registry, so the comparison is always made by running code.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

__all__ = ["BookResult", "ReproducedResult", "book_results", "format_markdown", "reproduce"]


@dataclass(frozen=True)
class BookResult:
    """One result the book prints, and how nnbook computes it.

    Parameters
    ----------
    chapter : int
        Book chapter.
    section : str
        Book section, e.g. `"3.6.2"`.
    what : str
        What is measured, in a few words.
    book : str
        The value as the book prints it.
    compute : callable () -> str
        Computes nnbook's value and returns it printed the way the book prints it.
    data : tuple of str, default=()
        Datasets and weight files `compute` needs (names known to
        [`nnbook.datasets.available`][nnbook.datasets.available]).
    at_least : bool, default=False
        True when ours only has to reach the book's value (a trained accuracy), not
        equal it.
    """

    chapter: int
    section: str
    what: str
    book: str
    compute: Callable[[], str]
    data: tuple[str, ...] = ()
    at_least: bool = False


@dataclass(frozen=True)
class ReproducedResult:
    """A [`BookResult`][nnbook.reproduce.BookResult] with nnbook's value beside it.

    Attributes
    ----------
    result : BookResult
        What was reproduced.
    ours : str
        nnbook's value, printed like the book's.
    seconds : float
        Wall time of the computation.
    """

    result: BookResult
    ours: str
    seconds: float

    @property
    def agrees(self) -> bool:
        """True when ours equals the book's value (or reaches it, for `at_least`)."""
        if self.result.at_least:
            return float(self.ours) >= float(self.result.book)
        return self.ours == self.result.book


def _ch2_xor() -> str:
    from nnbook.perceptron import XOR

    return str([XOR(*x) for x in [(0, 0), (1, 0), (0, 1), (1, 1)]])


def _ch3_forward() -> str:
    from nnbook.models import forward, init_network

    return str(forward(init_network(), np.array([1.0, 0.5])))


def _ch3_softmax() -> str:
    from nnbook.activations import softmax

    return str(softmax(np.array([0.3, 2.9, 4.0])))


def _ch3_accuracy() -> str:
    from nnbook.datasets import load_mnist
    from nnbook.models import ThreeLayerNet

    _, (x_test, t_test) = load_mnist()
    return str(ThreeLayerNet.from_book_weights().accuracy(x_test, t_test))


_T2 = np.eye(10)[2]
_Y_RIGHT = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
_Y_WRONG = np.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])


def _ch4_sse() -> str:
    from nnbook.losses import sum_squared_error

    return f"{sum_squared_error(_Y_RIGHT, _T2)!s}, {sum_squared_error(_Y_WRONG, _T2)!s}"


def _ch4_cee() -> str:
    from nnbook.losses import cross_entropy_error

    return f"{cross_entropy_error(_Y_RIGHT, _T2)!s}, {cross_entropy_error(_Y_WRONG, _T2)!s}"


def _ch4_diff() -> str:
    from nnbook.gradient import numerical_diff

    def f(x):
        return 0.01 * x**2 + 0.1 * x

    return f"{numerical_diff(f, 5)!s}, {numerical_diff(f, 10)!s}"


def _ch4_descent() -> str:
    from nnbook.gradient import gradient_descent

    def f(x):
        return x[0] ** 2 + x[1] ** 2

    return str(gradient_descent(f, np.array([-3.0, 4.0]), lr=0.1, step_num=100))


def _ch4_simple_net() -> str:
    from nnbook.models import SimpleNet

    net = SimpleNet(
        np.array(
            [[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]]
        )
    )
    x, t = np.array([0.6, 0.9]), np.array([0, 0, 1])
    return str(net.loss(x, t))


#: Seed of the chapter 4-5 training runs (weights and mini-batches); the chapter pages
#: show how the accuracies spread over ten seeds.
TRAINING_SEED = 2


@functools.cache
def _trained(chapter: int) -> tuple[float, float]:
    from nnbook.datasets import load_mnist
    from nnbook.models import SigmoidTwoLayerNet, TwoLayerNet
    from nnbook.trainer import train_neuralnet

    (x_train, t_train), (x_test, t_test) = load_mnist()
    rng = np.random.default_rng(TRAINING_SEED)
    cls = SigmoidTwoLayerNet if chapter == 4 else TwoLayerNet
    net = cls(input_size=784, hidden_size=50, output_size=10, rng=rng, dtype=np.float32)
    history = train_neuralnet(
        net,
        x_train,
        t_train,
        x_test,
        t_test,
        iters_num=10_000,
        batch_size=100,
        learning_rate=0.1,
        rng=rng,
    )
    return history.final_train_acc, history.final_test_acc


def _accuracy(chapter: int, which: int) -> Callable[[], str]:
    return lambda: f"{_trained(chapter)[which]:.4f}"


def _ch5_apple() -> str:
    from nnbook.layers import MulLayer

    mul_apple, mul_tax = MulLayer(), MulLayer()
    price = mul_tax.forward(mul_apple.forward(100, 2), 1.1)
    dapple_price, dtax = mul_tax.backward(1)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    return f"{int(price)}; {dapple} {int(dapple_num)} {dtax}"


def _ch7_by_hand() -> str:
    from nnbook.layers import Convolution

    x = np.array([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]], float)
    W = np.array([[2, 0, 1], [0, 1, 2], [1, 0, 2]], float).reshape(1, 1, 3, 3)
    out = Convolution(W, np.array([3.0])).forward(x.reshape(1, 1, 4, 4))
    return str(out[0, 0].astype(int).tolist())


def _ch7_output_sizes() -> str:
    from nnbook.conv import conv_output_size

    sizes = [(4, 3, 1, 1), (7, 3, 2, 0), (28, 5, 3, 2), (31, 5, 3, 2)]
    return ", ".join(str(conv_output_size(*args)) for args in sizes)


def _ch7_im2col() -> str:
    from nnbook.conv import im2col

    rng = np.random.default_rng(0)
    shapes = [
        im2col(rng.random((n, 3, 7, 7)), 5, 5, stride=1, pad=0).shape for n in (1, 10)
    ]
    return " ".join(str(s) for s in shapes)


def _ch7_book_weights() -> str:
    from nnbook.datasets import load_book_params, load_mnist
    from nnbook.models import SimpleConvNet

    _, (x_test, t_test) = load_mnist(flatten=False)
    net = SimpleConvNet()
    net.load_params(load_book_params("params", revision="2016"))
    return f"{net.accuracy(x_test, t_test):g}"


_REGISTRY: list[BookResult] = [
    BookResult(2, "2.5.2", "XOR by a two-layer perceptron", "[0, 1, 1, 0]", _ch2_xor),
    BookResult(
        3,
        "3.4.3",
        "3-layer network, x = [1.0, 0.5]",
        "[0.31682708 0.69627909]",
        _ch3_forward,
    ),
    BookResult(
        3,
        "3.5.1",
        "softmax([0.3, 2.9, 4.0])",
        "[0.01821127 0.24519181 0.73659691]",
        _ch3_softmax,
    ),
    BookResult(
        3,
        "3.6.2",
        "MNIST test accuracy, sample_weight.pkl",
        "0.9352",
        _ch3_accuracy,
        data=("mnist", "sample_weight"),
    ),
    BookResult(
        4,
        "4.2.1",
        "sum of squared errors, right / wrong guess",
        "0.09750000000000003, 0.5975",
        _ch4_sse,
    ),
    BookResult(
        4,
        "4.2.2",
        "cross-entropy error, right / wrong guess",
        "0.510825457099338, 2.302584092994546",
        _ch4_cee,
    ),
    BookResult(
        4,
        "4.3.2",
        "numerical_diff of 0.01x²+0.1x at 5 / 10",
        "0.1999999999990898, 0.2999999999986347",
        _ch4_diff,
    ),
    BookResult(
        4,
        "4.4.1",
        "gradient descent on x0²+x1² from (-3, 4), lr 0.1",
        "[-6.11110793e-10  8.14814391e-10]",
        _ch4_descent,
    ),
    BookResult(4, "4.4.2", "simpleNet loss", "0.9280682857864075", _ch4_simple_net),
    BookResult(
        4,
        "4.5.3",
        "2-layer sigmoid net (ch4), train accuracy",
        "0.947",
        _accuracy(4, 0),
        data=("mnist",),
        at_least=True,
    ),
    BookResult(
        4,
        "4.5.3",
        "2-layer sigmoid net (ch4), test accuracy",
        "0.9465",
        _accuracy(4, 1),
        data=("mnist",),
        at_least=True,
    ),
    BookResult(
        5,
        "5.4.1",
        "apple shop: price; dapple dapple_num dtax",
        "220; 2.2 110 200",
        _ch5_apple,
    ),
    BookResult(
        5,
        "5.7.4",
        "2-layer net (backprop), train accuracy",
        "0.978",
        _accuracy(5, 0),
        data=("mnist",),
        at_least=True,
    ),
    BookResult(
        5,
        "5.7.4",
        "2-layer net (backprop), test accuracy",
        "0.969",
        _accuracy(5, 1),
        data=("mnist",),
        at_least=True,
    ),
    BookResult(
        7,
        "7.2.3",
        "convolution by hand (figs 7-7, 7-8), bias 3",
        "[[18, 19], [9, 18]]",
        _ch7_by_hand,
    ),
    BookResult(
        7,
        "7.2.4",
        "output sizes (4,3,1,1) (7,3,2,0) (28,5,3,2) (31,5,3,2)",
        "4, 3, 10, 11",
        _ch7_output_sizes,
    ),
    BookResult(
        7,
        "7.4.3",
        "im2col shapes, 1 and 10 images 3×7×7, filter 5×5",
        "(9, 75) (90, 75)",
        _ch7_im2col,
    ),
    BookResult(
        7,
        "7.5",
        "SimpleConvNet test accuracy, the book's params.pkl (2016)",
        "0.989",
        _ch7_book_weights,
        data=("mnist", "params"),
    ),
]


def book_results(chapters: Iterable[int] | None = None) -> list[BookResult]:
    """Return the registered book results, in book order.

    Parameters
    ----------
    chapters : iterable of int, optional
        Keep only these chapters.

    Returns
    -------
    list of BookResult
        The results, sorted by chapter and section.

    Examples
    --------
    >>> from nnbook.reproduce import book_results
    >>> for r in book_results(chapters=[3])[:2]:
    ...     print(r.section, r.what, "->", r.book)
    3.4.3 3-layer network, x = [1.0, 0.5] -> [0.31682708 0.69627909]
    3.5.1 softmax([0.3, 2.9, 4.0]) -> [0.01821127 0.24519181 0.73659691]
    """
    keep = None if chapters is None else set(chapters)
    rows = [r for r in _REGISTRY if keep is None or r.chapter in keep]
    return sorted(rows, key=lambda r: (r.chapter, [int(p) for p in r.section.split(".")]))


def reproduce(results: Iterable[BookResult] | None = None) -> list[ReproducedResult]:
    """Compute nnbook's value for each book result, timing each.

    Parameters
    ----------
    results : iterable of BookResult, optional
        What to reproduce; all registered results by default.

    Returns
    -------
    list of ReproducedResult
        One per result, in the same order.

    Examples
    --------
    >>> from nnbook.reproduce import book_results, reproduce
    >>> (row,) = reproduce(book_results(chapters=[2]))
    >>> print(row.result.book, row.ours, row.agrees)
    [0, 1, 1, 0] [0, 1, 1, 0] True
    """
    rows = []
    for result in book_results() if results is None else results:
        start = time.perf_counter()
        ours = result.compute()
        rows.append(ReproducedResult(result, ours, time.perf_counter() - start))
    return rows


def format_markdown(rows: Iterable[ReproducedResult]) -> str:
    """Return a Markdown table: book section, quantity, the book's value and ours.

    Parameters
    ----------
    rows : iterable of ReproducedResult
        Computed results.

    Returns
    -------
    str
        The table, one row per result, with ✓ where ours agrees with the book.

    Examples
    --------
    >>> from nnbook.reproduce import book_results, format_markdown, reproduce
    >>> print(format_markdown(reproduce(book_results(chapters=[2]))).splitlines()[2])
    | 2.5.2 | XOR by a two-layer perceptron | `[0, 1, 1, 0]` | `[0, 1, 1, 0]` | ✓ |
    """
    lines = [
        "| § | What | Book | nnbook | Agrees |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        r = row.result
        mark = ("✓" if row.agrees else "✗") + (
            " (at least the book's)" if r.at_least else ""
        )
        lines.append(f"| {r.section} | {r.what} | `{r.book}` | `{row.ours}` | {mark} |")
    return "\n".join(lines)
