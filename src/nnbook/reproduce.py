"""The book's published results, and the code that reproduces each one with nnbook.

Each [`BookResult`][nnbook.reproduce.BookResult] pairs a number the book prints with a
function that computes ours. The site's results page and the `nnbook reproduce`
command both run this registry, so the comparison is always made by running code.
"""

from __future__ import annotations

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
        lines.append(
            f"| {r.section} | {r.what} | `{r.book}` | `{row.ours}` | {mark} |"
        )
    return "\n".join(lines)
