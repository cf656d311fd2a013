"""Computational graphs (計算グラフ) with forward and backward values (chapter 5.1-5.4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle

from nnbook.plotting._axes import new_axes

__all__ = ["plot_computational_graph"]

_RADIUS = 0.32


def _fmt(value) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def plot_computational_graph(
    nodes: Mapping[str, tuple[float, float, str]],
    edges: Sequence[tuple],
    *,
    ax: Axes | None = None,
    title: str | None = None,
    forward_color: str = "black",
    backward_color: str = "tab:red",
) -> Axes:
    """Draw a computational graph with forward values above and backward values below.

    Nodes with both incoming and outgoing edges are operations, drawn as circles with
    their symbol (`×`, `+`); the others (inputs and the result) are drawn as plain
    labels. Each edge is an arrow carrying, on its left side (above, for an arrow
    pointing right), the value that flows forward and, on its right side in another
    colour, the derivative of the result with respect to that value, which flows
    backward.

    Book: chapter 5, sections 5.1 and 5.4 (figures 5-3, 5-16 and 5-17).

    Parameters
    ----------
    nodes : mapping of str to (float, float, str)
        Node name to `(x, y, label)`: position in data units and the text shown.
    edges : sequence of (str, str, value, value)
        `(source, target, forward, backward)`; the values are numbers or strings (use
        `None` for no label).
    ax : Axes, optional
        Where to draw; a new figure is made when omitted.
    title : str, optional
        Title of the axes.
    forward_color, backward_color : str
        Colours of the forward and backward labels.

    Returns
    -------
    Axes

    Examples
    --------
    Two apples at 100 each and a tax of 1.1, forward (above) and backward (below):

    >>> from nnbook.plotting import plot_computational_graph
    >>> nodes = {"apple": (0, 1, "apple"), "num": (0, 0, "apple num"),
    ...          "mul": (2, 0.5, "×"), "tax": (2, -0.7, "tax"),
    ...          "mul_tax": (4, 0.5, "×"), "price": (6, 0.5, "price")}
    >>> edges = [("apple", "mul", 100, 2.2), ("num", "mul", 2, 110),
    ...          ("mul", "mul_tax", 200, 1.1), ("tax", "mul_tax", 1.1, 200),
    ...          ("mul_tax", "price", 220, 1)]
    >>> ax = plot_computational_graph(nodes, edges, title="buying apples")
    >>> print(ax.get_title(), len(ax.patches))
    buying apples 2
    >>> print(sorted(t.get_text() for t in ax.texts if t.get_color() == "tab:red"))
    ['1', '1.1', '110', '2.2', '200']
    """
    sources = {e[0] for e in edges}
    targets = {e[1] for e in edges}
    operations = {name for name in nodes if name in sources and name in targets}
    if ax is None:
        xs = [x for x, _, _ in nodes.values()]
        ys = [y for _, y, _ in nodes.values()]
        width = max(xs) - min(xs) + 2.0
        height = max(ys) - min(ys) + 1.6
        ax = new_axes(figsize=(1.3 * width, 1.3 * height))

    for name, (x, y, label) in nodes.items():
        if name in operations:
            ax.add_patch(Circle((x, y), _RADIUS, facecolor="white", edgecolor="black"))
            ax.text(x, y, label, ha="center", va="center", fontsize=14)
        else:
            ax.text(x, y, label, ha="center", va="center", fontsize=11, style="italic")

    for source, target, forward, backward in edges:
        (x0, y0, _), (x1, y1, _) = nodes[source], nodes[target]
        start, end = np.array([x0, y0], float), np.array([x1, y1], float)
        direction = (end - start) / np.hypot(*(end - start))
        # Leave room for the circle of an operation or the text of a value.
        start = start + direction * (_RADIUS if source in operations else 0.45)
        end = end - direction * (_RADIUS if target in operations else 0.5)
        ax.annotate(
            "", xy=end, xytext=start,
            arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 1.2},
        )  # fmt: skip
        # Labels sit 40% of the way along, which keeps those of edges that converge
        # on one operation apart.
        middle = start + 0.4 * (end - start)
        normal = np.array([-direction[1], direction[0]]) * 0.16
        if forward is not None:
            ax.text(*(middle + normal), _fmt(forward), color=forward_color,
                    ha="center", va="bottom", fontsize=10)  # fmt: skip
        if backward is not None:
            ax.text(*(middle - normal), _fmt(backward), color=backward_color,
                    ha="center", va="top", fontsize=10)  # fmt: skip

    xs = [x for x, _, _ in nodes.values()]
    ys = [y for _, y, _ in nodes.values()]
    ax.set_xlim(min(xs) - 0.9, max(xs) + 0.9)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.plot([], [], color=forward_color, label="forward: value")
    ax.plot([], [], color=backward_color, label="backward: d(result)/d(value)")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    if title:
        ax.set_title(title)
    return ax
