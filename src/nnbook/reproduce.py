"""The book's published results, and the code that reproduces each one with nnbook.

Each [`BookResult`][nnbook.reproduce.BookResult] pairs a number the book prints with a
function that computes ours. The site's results page and the `nnbook reproduce`
command both run this registry, so the comparison is always made by running code.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

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
    seeded : callable (int) -> float, optional
        For a random result (a trained accuracy): computes ours for any seed, so that
        its spread over seeds can be shown. `compute` is then optional: by default it
        prints `seeded(TRAINING_SEED)` with four decimals.
    """

    chapter: int
    section: str
    what: str
    book: str
    compute: Callable[[], str] | None = None
    data: tuple[str, ...] = ()
    at_least: bool = False
    seeded: Callable[[int], float] | None = None

    def __post_init__(self) -> None:
        if self.compute is None and self.seeded is None:
            raise ValueError(f"{self.what!r}: give compute, or seeded for a random result")

    @property
    def command(self) -> str:
        """The shell command that reproduces this result (its whole chapter)."""
        return f"nnbook reproduce --chapter {self.chapter}"

    def ours(self) -> str:
        """Compute nnbook's value, printed like the book's."""
        if self.compute is not None:
            return self.compute()
        assert self.seeded is not None
        return f"{self.seeded(TRAINING_SEED):.4f}"


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
    spread : dict of int to float
        For a random result computed over several seeds: seed to value (empty
        otherwise).
    """

    result: BookResult
    ours: str
    seconds: float
    spread: dict[int, float] = field(default_factory=dict)

    def reached(self) -> int:
        """Return how many of the seeds in `spread` reach the book's value."""
        book = float(self.result.book)
        return sum(value >= book for value in self.spread.values())

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


#: Seed of the chapter 4-5 training runs (weights and mini-batches); the spread over
#: other seeds is shown with `reproduce(seeds=...)` and `nnbook reproduce --seeds N`.
TRAINING_SEED = 2


@functools.cache
def _trained(chapter: int, seed: int) -> tuple[float, float]:
    from nnbook.datasets import load_mnist
    from nnbook.experiments import train_two_layer_net

    history = train_two_layer_net(chapter, load_mnist(), seed=seed)
    return history.final_train_acc, history.final_test_acc


def _accuracy(chapter: int, which: int) -> Callable[[int], float]:
    return lambda seed: _trained(chapter, seed)[which]


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


@functools.cache
def _ch8_accuracy(revision: str, precision: str) -> str:
    """DeepConvNet's test accuracy with the book's weights, float64 or float16."""
    from nnbook.datasets import load_mnist
    from nnbook.experiments import predict_float16, predict_labels
    from nnbook.models import DeepConvNet

    _, (x_test, t_test) = load_mnist(flatten=False)
    if precision == "float64":
        net = DeepConvNet.from_book_weights(revision)
        return f"{net.accuracy(x_test, t_test):g}"
    half = DeepConvNet.from_book_weights(revision, dtype=np.float16)

    class Half:  # float16 throughout, the products summed in float32 by BLAS
        def predict(self, x, train_flg=False):
            return predict_float16(half, x)

    return f"{np.mean(predict_labels(Half(), x_test) == t_test):g}"


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
        data=("mnist",),
        at_least=True,
        seeded=_accuracy(4, 0),
    ),
    BookResult(
        4,
        "4.5.3",
        "2-layer sigmoid net (ch4), test accuracy",
        "0.9465",
        data=("mnist",),
        at_least=True,
        seeded=_accuracy(4, 1),
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
        data=("mnist",),
        at_least=True,
        seeded=_accuracy(5, 0),
    ),
    BookResult(
        5,
        "5.7.4",
        "2-layer net (backprop), test accuracy",
        "0.969",
        data=("mnist",),
        at_least=True,
        seeded=_accuracy(5, 1),
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
    BookResult(
        8,
        "8.1.1",
        "DeepConvNet test accuracy, the book's deep_convnet_params.pkl (2016)",
        "0.9935",
        lambda: _ch8_accuracy("2016", "float64"),
        data=("mnist", "deep_convnet_params"),
    ),
    BookResult(
        8,
        "8.3.4",
        "the same in half precision (float16): accuracy unchanged",
        "0.9935",
        lambda: _ch8_accuracy("2016", "float16"),
        data=("mnist", "deep_convnet_params"),
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


def reproduce(
    results: Iterable[BookResult] | None = None, *, seeds: Iterable[int] = ()
) -> list[ReproducedResult]:
    """Compute nnbook's value for each book result, timing each.

    Parameters
    ----------
    results : iterable of BookResult, optional
        What to reproduce; all registered results by default.
    seeds : iterable of int, default=()
        For the random results (trained accuracies), also compute the value with each
        of these seeds, to show the spread: ten seeds take about 10 s per run and per
        chapter. Deterministic results ignore it.

    Returns
    -------
    list of ReproducedResult
        One per result, in the same order.

    Examples
    --------
    >>> from nnbook.reproduce import book_results, reproduce
    >>> (row,) = reproduce(book_results(chapters=[2]))
    >>> print(row.result.book, row.ours, row.agrees, row.result.command)
    [0, 1, 1, 0] [0, 1, 1, 0] True nnbook reproduce --chapter 2
    """
    seeds = [int(seed) for seed in seeds]
    rows = []
    for result in book_results() if results is None else results:
        start = time.perf_counter()
        ours = result.ours()
        spread = {}
        if result.seeded is not None:
            spread = {seed: float(result.seeded(seed)) for seed in seeds}
        rows.append(ReproducedResult(result, ours, time.perf_counter() - start, spread))
    return rows


def _spread_text(row: ReproducedResult) -> str:
    values = list(row.spread.values())
    seeds = sorted(row.spread)
    consecutive = seeds == list(range(seeds[0], seeds[-1] + 1))
    span = f"{seeds[0]}–{seeds[-1]}" if consecutive else ", ".join(map(str, seeds))
    mean = sum(values) / len(values)
    return (
        f"seeds {span}: `{min(values):.4f}`–`{max(values):.4f}`, mean `{mean:.4f}`; "
        f"{row.reached()} of {len(values)} reach the book"
    )


def format_markdown(rows: Iterable[ReproducedResult]) -> str:
    """Return a Markdown table: book section, quantity, the book's value and ours.

    Each row names the command that reproduces it. A random result (a trained
    accuracy) shows ours with `TRAINING_SEED` and, when it was computed over several
    seeds, their range, mean, and how many reach the book's value.

    Parameters
    ----------
    rows : iterable of ReproducedResult
        Computed results.

    Returns
    -------
    str
        The table, one row per result, with ✓ where ours agrees with the book (for a
        trained accuracy: reaches it).

    Examples
    --------
    >>> from nnbook.reproduce import book_results, format_markdown, reproduce
    >>> table = format_markdown(reproduce(book_results(chapters=[2])))
    >>> for cell in table.splitlines()[2].strip("| ").split(" | "):
    ...     print(cell)
    2.5.2
    XOR by a two-layer perceptron<br>`nnbook reproduce --chapter 2`
    `[0, 1, 1, 0]`
    `[0, 1, 1, 0]`
    ✓
    """
    lines = [
        "| § | What, and the command that reproduces it | Book | nnbook | |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        r = row.result
        what = f"{r.what}<br>`{r.command}`"
        ours = f"`{row.ours}`"
        if r.seeded is not None:
            ours += f" (seed {TRAINING_SEED})"
            if row.spread:
                ours += "<br>" + _spread_text(row)
        mark = "✓" if row.agrees else "✗"
        lines.append(f"| {r.section} | {what} | `{r.book}` | {ours} | {mark} |")
    return "\n".join(lines)
