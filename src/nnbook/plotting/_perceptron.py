"""Figures of chapter 2: which inputs make a gate fire, and where its line runs."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap

from nnbook.perceptron import Perceptron
from nnbook.plotting._axes import new_axes
from nnbook.plotting._style import MIN_FONTSIZE, PAGE_WIDTH

__all__ = ["plot_gate", "plot_gates"]

_CORNERS = [(0, 0), (1, 0), (0, 1), (1, 1)]


def plot_gate(
    gate: Callable[[float, float], int] | Perceptron,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    resolution: int = 241,
) -> Axes:
    """Shade the region where `gate` outputs 1 and mark the four binary inputs.

    For a [`Perceptron`][nnbook.perceptron.Perceptron] the decision line
    $w_1 x_1 + w_2 x_2 + b = 0$ is drawn too. Any gate (XOR included) is shaded by
    evaluating it on a grid over $[-0.5, 1.5]^2$, so a non-linear region shows as such.

    Book: chapter 2, figures 2-6 to 2-8.

    Parameters
    ----------
    gate : Perceptron or callable (x1, x2) -> {0, 1}
        The gate to draw.
    ax : Axes, optional
        Where to draw; a new figure is made when omitted.
    title : str, optional
        Title of the axes.
    resolution : int, default=241
        Grid points per axis for the shading.

    Returns
    -------
    Axes
        The axes drawn on.

    Examples
    --------
    >>> from nnbook.perceptron import AND
    >>> from nnbook.plotting import plot_gate
    >>> ax = plot_gate(AND, title="AND")
    >>> print(ax.get_title(), [t.get_text() for t in ax.texts])
    AND ['0', '0', '0', '1']
    """
    ax = new_axes(ax, figsize=(3.6, 3.6))
    grid = np.linspace(-0.5, 1.5, resolution)
    x1, x2 = np.meshgrid(grid, grid)
    if isinstance(gate, Perceptron):
        fired = gate(np.column_stack([x1.ravel(), x2.ravel()])).reshape(x1.shape)
    else:
        fired = np.vectorize(gate)(x1, x2)
    ax.contourf(
        x1, x2, fired, levels=[-0.5, 0.5, 1.5], cmap=ListedColormap(["#dde3f0", "#f7d9a8"])
    )
    if isinstance(gate, Perceptron) and len(gate.w) == 2 and gate.w[1] != 0:
        (w1, w2), b = gate.w, gate.b
        ax.plot(
            grid,
            -(w1 * grid + b) / w2,
            color="black",
            linewidth=1.5,
            label="$w_1x_1 + w_2x_2 + b = 0$",
        )
        # Below the axes: inside, it would cover the inputs' labels.
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False,
            fontsize=MIN_FONTSIZE,
        )  # fmt: skip
    outputs = [
        int(gate(np.array(p)) if isinstance(gate, Perceptron) else gate(*p))
        for p in _CORNERS
    ]
    for (p1, p2), y in zip(_CORNERS, outputs, strict=True):
        ax.scatter(
            p1,
            p2,
            s=120,
            marker="^" if y else "o",
            zorder=3,
            color="#c0392b" if y else "#2c3e80",
            edgecolors="white",
        )
        ax.annotate(str(y), (p1, p2), textcoords="offset points", xytext=(8, 8))
    ax.set(
        xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="$x_1$", ylabel="$x_2$", aspect="equal"
    )
    if title:
        ax.set_title(title)
    return ax


def plot_gates(
    gates: Mapping[str, Callable[[float, float], int] | Perceptron],
) -> plt.Figure:
    """Draw [`plot_gate`][nnbook.plotting.plot_gate] for several gates side by side.

    Triangles mark inputs that give 1, circles inputs that give 0; the shaded orange
    region is where the gate outputs 1.

    Parameters
    ----------
    gates : mapping of str to gate
        Title to gate, e.g. `{"AND": AND, "XOR": XOR}`.

    Returns
    -------
    Figure
        One panel per gate.

    Examples
    --------
    >>> from nnbook.perceptron import AND, XOR
    >>> from nnbook.plotting import plot_gates
    >>> fig = plot_gates({"AND": AND, "XOR": XOR})
    >>> print([ax.get_title() for ax in fig.axes])
    ['AND', 'XOR']
    """
    fig, axes = plt.subplots(
        1,
        len(gates),
        figsize=(min(PAGE_WIDTH, 2.7 * len(gates)), 3.0),
        layout="constrained",
        squeeze=False,
    )
    for ax, (name, gate) in zip(axes[0], gates.items(), strict=True):
        plot_gate(gate, ax=ax, title=name)
    return fig
