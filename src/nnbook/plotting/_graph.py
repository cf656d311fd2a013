"""Computational graphs (計算グラフ) with forward and backward values (chapter 5.1-5.6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyBboxPatch

from nnbook.plotting._axes import new_axes
from nnbook.plotting._style import MIN_FONTSIZE, PAGE_WIDTH

__all__ = ["plot_computational_graph"]

_RADIUS = 0.32
_FONT = 11.0  # node labels and values, in points
_MAX_SCALE = 0.75  # inches per data unit, for small graphs


def _fmt(value) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def _text_width(text: str, fontsize: float) -> float:
    """Return the approximate width of `text` in inches (mathtext counts its glyphs)."""
    if text.startswith("$") and text.endswith("$"):
        for token in (
            "\\partial",
            "\\frac",
            "\\sum",
            "\\cdot",
            "\\mathrm",
            "\\top",
            "{",
            "}",
        ):
            text = text.replace(token, "x" if token in ("\\partial", "\\sum") else "")
        text = text.replace("$", "").replace("^", "").replace("_", "")
    return 0.55 * fontsize / 72 * max(len(text), 1)


def plot_computational_graph(
    nodes: Mapping[str, tuple[float, float, str]],
    edges: Sequence[tuple],
    *,
    ax: Axes | None = None,
    title: str | None = None,
    forward_color: str = "black",
    backward_color: str = "tab:red",
    legend: bool = True,
) -> Axes:
    r"""Draw a computational graph with forward values above and backward values below.

    Nodes with both incoming and outgoing edges are operations: a circle for a symbol
    (`×`, `+`), a box for a word (`exp`, `Softmax`). The others (inputs and the result)
    are plain labels. Each edge is an arrow carrying, on its left side (above, for an
    arrow pointing right), the value that flows forward and, on its right side in
    another colour, the derivative of the result with respect to that value, which flows
    backward. Labels may be numbers or text, including matplotlib math (`"$x^2$"`).

    The figure is drawn for the width the site shows it at (at most 8 inches at 100 dpi),
    with its text at 11 points.

    Book: chapter 5, sections 5.1-5.6 (figures 5-3, 5-16, 5-17 and after).

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
    legend : bool, default=True
        Say which colour is which, below the graph.

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
    missing = sorted(({e[0] for e in edges} | targets) - set(nodes))
    if missing:
        raise ValueError(f"edges name nodes that are not in `nodes`: {missing}")
    operations = {name for name in nodes if name in sources and name in targets}
    xs = np.array([x for x, _, _ in nodes.values()], float)
    ys = np.array([y for _, y, _ in nodes.values()], float)
    width = xs.max() - xs.min() + 2.0
    height = ys.max() - ys.min() + 1.4
    scale = min(_MAX_SCALE, PAGE_WIDTH / width)  # inches per data unit
    if ax is None:
        extra = (0.35 if title else 0.0) + (0.3 if legend else 0.0)
        ax = new_axes(figsize=(width * scale, height * scale + extra))

    # Half-sizes (data units) of what each node occupies, so arrows stop at its edge.
    half: dict[str, tuple[float, float]] = {}
    for name, (x, y, label) in nodes.items():
        text_w = _text_width(label, _FONT + 2) / scale
        if name in operations and len(label) <= 2:
            ax.add_patch(Circle((x, y), _RADIUS, facecolor="white", edgecolor="black"))
            ax.text(x, y, label, ha="center", va="center", fontsize=_FONT + 3)
            half[name] = (_RADIUS, _RADIUS)
        elif name in operations:
            w, h = text_w / 2 + 0.12, _RADIUS
            style = "round,pad=0,rounding_size=0.12"
            box = FancyBboxPatch((x - w, y - h), 2 * w, 2 * h, boxstyle=style)
            box.set(facecolor="white", edgecolor="black")
            ax.add_patch(box)
            ax.text(x, y, label, ha="center", va="center", fontsize=_FONT + 1)
            half[name] = (w, h)
        else:
            ax.text(x, y, label, ha="center", va="center", fontsize=_FONT, style="italic")
            half[name] = (text_w / 2 + 0.08, 0.22)

    def border(name: str, direction: np.ndarray) -> float:
        hw, hh = half[name]
        if name in operations and len(nodes[name][2]) <= 2:
            return hw
        dx, dy = abs(direction[0]) or 1e-9, abs(direction[1]) or 1e-9
        return min(hw / dx, hh / dy)

    for source, target, forward, backward in edges:
        (x0, y0, _), (x1, y1, _) = nodes[source], nodes[target]
        start, end = np.array([x0, y0], float), np.array([x1, y1], float)
        direction = (end - start) / np.hypot(*(end - start))
        start = start + direction * border(source, direction)
        end = end - direction * border(target, direction)
        ax.annotate(
            "", xy=end, xytext=start,
            arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 1.2},
        )  # fmt: skip
        # Labels sit a third of the way along, which keeps those of edges that
        # converge on one operation apart. On a sloping edge each label extends away
        # from the line (the one above to the side where the line falls away, the one
        # below to the other), and on an upright edge they stand beside it.
        middle = start + 0.35 * (end - start)
        normal = np.array([-direction[1], direction[0]]) * 0.12
        if abs(direction[0]) < 0.3:  # upright
            left, right = ("right", "left") if direction[1] > 0 else ("left", "right")
            above, below = {"ha": left, "va": "center"}, {"ha": right, "va": "center"}
        else:
            falls = direction[1] * np.sign(direction[0])  # < 0: the line goes down
            tilt = abs(direction[1]) > 0.15
            up_side = "left" if falls < 0 else "right"
            down_side = "right" if falls < 0 else "left"
            above = {"ha": up_side if tilt else "center", "va": "bottom"}
            below = {"ha": down_side if tilt else "center", "va": "top"}
        if forward is not None:
            ax.text(*(middle + normal), _fmt(forward), color=forward_color,
                    fontsize=_FONT, **above)  # fmt: skip
        if backward is not None:
            ax.text(*(middle - normal), _fmt(backward), color=backward_color,
                    fontsize=_FONT, **below)  # fmt: skip

    ax.set_xlim(xs.min() - 1.0, xs.max() + 1.0)
    ax.set_ylim(ys.min() - 0.5, ys.max() + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    if legend:
        ax.plot([], [], color=forward_color, label="forward: value")
        ax.plot([], [], color=backward_color, label="backward: d(result)/d(value)")
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=2, frameon=False,
            fontsize=MIN_FONTSIZE, handlelength=1.5,
        )  # fmt: skip
    if title:
        ax.set_title(title, fontsize=_FONT + 1)
    return ax
