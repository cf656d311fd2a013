r"""The computational graphs of chapter 5, drawn by nnbook from its own layers.

Each function lays out one of the book's graphs and draws it with
[`plot_computational_graph`][nnbook.plotting.plot_computational_graph]: forward values
above the arrows, backward derivatives below them in red. The apple-shop graphs carry
numbers computed by [`MulLayer`][nnbook.layers.MulLayer] and
[`AddLayer`][nnbook.layers.AddLayer]; the others carry the formulas of sections 5.3-5.6.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from nnbook.plotting._graph import plot_computational_graph
from nnbook.plotting._style import PAGE_WIDTH

__all__ = [
    "plot_affine_graph",
    "plot_node_rules",
    "plot_relu_graph",
    "plot_shop_graph",
    "plot_sigmoid_graph",
    "plot_softmax_with_loss_graph",
]

_DL = r"\partial L/\partial %s"  # ∂L/∂x


def _d(name: str) -> str:
    return _DL % name


def plot_shop_graph(
    apple: float = 100,
    apple_num: float = 2,
    tax: float = 1.1,
    orange: float | None = None,
    orange_num: float | None = None,
    *,
    backward: bool = True,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Draw the apple shop: what you pay, forward, and how it changes, backward.

    The values are computed by nnbook's `MulLayer` and `AddLayer`: forward with the
    prices and counts given, backward starting from 1 (the price's derivative with
    respect to itself). With `orange` and `orange_num` the graph adds the oranges'
    subtotal with an `AddLayer` before the tax, as the book's second example does.

    Book: chapter 5, sections 5.1.2, 5.2.4 and 5.4 (figures 5-3, 5-14, 5-16, 5-17).

    Parameters
    ----------
    apple, apple_num, tax : float
        Price of one apple, how many, and the tax factor (the book's 100, 2, 1.1).
    orange, orange_num : float, optional
        Price of one orange and how many (the book's 150, 3).
    backward : bool, default=True
        Also show the backward pass (in red); False shows the forward values alone.
    ax : Axes, optional
        Where to draw; a new figure is made when omitted.
    title : str, optional
        Title of the axes.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from nnbook.plotting import plot_shop_graph
    >>> ax = plot_shop_graph()
    >>> red = [t.get_text() for t in ax.texts if t.get_color() == "tab:red"]
    >>> print(red)
    ['2.2', '110', '1.1', '200', '1']
    >>> ax = plot_shop_graph(backward=False)
    >>> print([t.get_text() for t in ax.texts if t.get_color() == "tab:red"])
    []
    """
    from nnbook.layers import AddLayer, MulLayer

    mul_apple, mul_tax = MulLayer(), MulLayer()
    apple_price = mul_apple.forward(apple, apple_num)
    if orange is None or orange_num is None:
        price = mul_tax.forward(apple_price, tax)
        dapple_price, dtax = mul_tax.backward(1)
        dapple, dapple_num = mul_apple.backward(dapple_price)
        nodes = {
            "apple": (0, 1.2, "apple"), "apple_num": (0, -0.4, "apple num"),
            "mul_apple": (2.6, 0.4, "×"), "tax": (2.6, -1.2, "tax"),
            "mul_tax": (5.2, 0.4, "×"), "price": (7.2, 0.4, "price"),
        }  # fmt: skip
        edges = [
            ("apple", "mul_apple", apple, dapple),
            ("apple_num", "mul_apple", apple_num, dapple_num),
            ("mul_apple", "mul_tax", apple_price, dapple_price),
            ("tax", "mul_tax", tax, dtax),
            ("mul_tax", "price", price, 1),
        ]
        return _draw(nodes, edges, backward, ax, title)

    mul_orange, add = MulLayer(), AddLayer()
    orange_price = mul_orange.forward(orange, orange_num)
    all_price = add.forward(apple_price, orange_price)
    price = mul_tax.forward(all_price, tax)
    dall_price, dtax = mul_tax.backward(1)
    dapple_price, dorange_price = add.backward(dall_price)
    dorange, dorange_num = mul_orange.backward(dorange_price)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    nodes = {
        "apple": (0, 3.4, "apple"), "apple_num": (0, 1.8, "apple num"),
        "orange": (0, 0.6, "orange"), "orange_num": (0, -1.0, "orange num"),
        "mul_apple": (2.6, 2.6, "×"), "mul_orange": (2.6, -0.2, "×"),
        "add": (5.2, 1.2, "+"), "tax": (5.2, -0.8, "tax"),
        "mul_tax": (7.6, 1.2, "×"), "price": (9.6, 1.2, "price"),
    }  # fmt: skip
    edges = [
        ("apple", "mul_apple", apple, dapple),
        ("apple_num", "mul_apple", apple_num, dapple_num),
        ("orange", "mul_orange", orange, dorange),
        ("orange_num", "mul_orange", orange_num, dorange_num),
        ("mul_apple", "add", apple_price, dapple_price),
        ("mul_orange", "add", orange_price, dorange_price),
        ("add", "mul_tax", all_price, dall_price),
        ("tax", "mul_tax", tax, dtax),
        ("mul_tax", "price", price, 1),
    ]
    return _draw(nodes, edges, backward, ax, title)


def _draw(nodes, edges, backward: bool, ax, title) -> Axes:
    if not backward:
        edges = [(a, b, forward, None) for a, b, forward, _ in edges]
    return plot_computational_graph(nodes, edges, ax=ax, title=title, legend=backward)


def _two_panels(height: float) -> tuple[Figure, list[Axes]]:
    fig, axes = plt.subplots(1, 2, figsize=(PAGE_WIDTH, height), layout="constrained")
    return fig, list(axes)


def plot_node_rules() -> Figure:
    r"""Draw the backward rule of the addition node and of the multiplication node.

    Addition passes the incoming derivative $\partial L/\partial z$ on to both inputs
    unchanged (local derivatives 1 and 1); multiplication sends it back times the
    *other* input (local derivatives $y$ and $x$).

    Book: chapter 5, section 5.3 (figures 5-9 and 5-12).

    Returns
    -------
    Figure
        Two axes: the addition node, then the multiplication node.

    Examples
    --------
    >>> from nnbook.plotting import plot_node_rules
    >>> fig = plot_node_rules()
    >>> print([ax.get_title() for ax in fig.axes])
    ['addition: z = x + y', 'multiplication: z = x y']
    """
    fig, (left, right) = _two_panels(2.2)
    nodes = {"x": (0, 1.0, "$x$"), "y": (0, -0.2, "$y$"), "op": (2.2, 0.4, "+"),
             "z": (4.2, 0.4, "$z$")}  # fmt: skip
    dz = f"${_d('z')}$"
    plot_computational_graph(
        nodes,
        [("x", "op", "$x$", f"${_d('z')} \\cdot 1$"),
         ("y", "op", "$y$", f"${_d('z')} \\cdot 1$"),
         ("op", "z", "$z$", dz)],
        ax=left, title="addition: z = x + y", legend=False,
    )  # fmt: skip
    nodes["op"] = (2.2, 0.4, "×")
    plot_computational_graph(
        nodes,
        [("x", "op", "$x$", f"${_d('z')} \\cdot y$"),
         ("y", "op", "$y$", f"${_d('z')} \\cdot x$"),
         ("op", "z", "$z$", dz)],
        ax=right, title="multiplication: z = x y", legend=False,
    )  # fmt: skip
    return fig


def plot_relu_graph() -> Figure:
    r"""Draw the ReLU node backward: the derivative passes where $x > 0$, else 0.

    Book: chapter 5, section 5.5.1 (figure 5-18).

    Returns
    -------
    Figure
        Two axes: $x > 0$, then $x \le 0$.

    Examples
    --------
    >>> from nnbook.plotting import plot_relu_graph
    >>> fig = plot_relu_graph()
    >>> print([t.get_text() for t in fig.axes[1].texts if t.get_color() == "tab:red"])
    ['0', '$\\partial L/\\partial y$']
    """
    fig, (left, right) = _two_panels(1.8)
    nodes = {"x": (0, 0, "$x$"), "relu": (2.4, 0, "relu"), "y": (4.6, 0, "$y$")}
    dy = f"${_d('y')}$"
    plot_computational_graph(
        nodes, [("x", "relu", "$x$", dy), ("relu", "y", "$y = x$", dy)],
        ax=left, title="x > 0: the derivative passes", legend=False,
    )  # fmt: skip
    plot_computational_graph(
        nodes, [("x", "relu", "$x$", "0"), ("relu", "y", "$y = 0$", dy)],
        ax=right, title="x ≤ 0: it is stopped", legend=False,
    )  # fmt: skip
    return fig


def plot_sigmoid_graph() -> Axes:
    r"""Draw the sigmoid as the book's chain of four nodes, and its backward pass.

    $y = 1/(1 + \exp(-x))$ is computed as `×(−1)`, `exp`, `+1` and `/`. Going back,
    each node multiplies by its local derivative: $-y^2$ for `/`, 1 for `+`,
    $\exp(-x)$ for `exp` and $-1$ for `×`, so that the input receives
    $\frac{\partial L}{\partial y} y^2 \exp(-x) = \frac{\partial L}{\partial y} y(1-y)$.

    Book: chapter 5, section 5.5.2 (figures 5-19 to 5-21).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from nnbook.plotting import plot_sigmoid_graph
    >>> ax = plot_sigmoid_graph()
    >>> print(len(ax.patches), ax.get_title())
    4 sigmoid, step by step
    """
    nodes = {
        "x": (0, 0, "$x$"), "neg": (3.0, 0, "×"), "m1": (3.0, -1.2, "$-1$"),
        "exp": (6.0, 0, "exp"), "plus": (9.0, 0, "+"), "one": (9.0, -1.2, "$1$"),
        "div": (12.0, 0, "/"), "y": (14.2, 0, "$y$"),
    }  # fmt: skip
    dy = _d("y")
    edges = [
        ("x", "neg", "$x$", f"${dy}\\,y^2 e^{{-x}}$"),
        ("m1", "neg", None, None),
        ("neg", "exp", "$-x$", f"$-{dy}\\,y^2 e^{{-x}}$"),
        ("exp", "plus", "$e^{-x}$", f"$-{dy}\\,y^2$"),
        ("one", "plus", None, None),
        ("plus", "div", "$1+e^{-x}$", f"$-{dy}\\,y^2$"),
        ("div", "y", "$y$", f"${dy}$"),
    ]
    return plot_computational_graph(nodes, edges, title="sigmoid, step by step")


def plot_affine_graph() -> Axes:
    r"""Draw the Affine layer for a batch, with the shape of every value and derivative.

    $Y = X \cdot W + B$ for $X$ of shape (N, 2), $W$ (2, 3), $B$ (3,): backward,
    $\partial L/\partial X = \partial L/\partial Y \cdot W^\top$,
    $\partial L/\partial W = X^\top \cdot \partial L/\partial Y$ and
    $\partial L/\partial B$ is $\partial L/\partial Y$ summed over the batch. Each
    derivative has the shape of its value.

    Book: chapter 5, sections 5.6.1-5.6.2 (figures 5-25 and 5-27).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from nnbook.plotting import plot_affine_graph
    >>> ax = plot_affine_graph()
    >>> print(len(ax.patches), ax.get_title())
    2 Affine for a batch of N
    """
    dy = _d("Y")
    nodes = {
        "X": (0, 0.3, "$X$  (N, 2)"), "dot": (4.2, 0.3, "dot"),
        "W": (4.2, -1.5, "$W$  (2, 3)"), "plus": (8.0, 0.3, "+"),
        "B": (8.0, -1.5, "$B$  (3,)"), "Y": (10.6, 0.3, "$Y$  (N, 3)"),
    }  # fmt: skip
    edges = [
        ("X", "dot", "$X$", f"${dy} \\cdot W^\\top$  (N, 2)"),
        ("W", "dot", "$W$", f"$X^\\top \\cdot {dy}$  (2, 3)"),
        ("dot", "plus", "$X \\cdot W$", f"${dy}$  (N, 3)"),
        ("B", "plus", "$B$", f"sum over N of ${dy}$  (3,)"),
        ("plus", "Y", "$Y$", f"${dy}$"),
    ]
    return plot_computational_graph(nodes, edges, title="Affine for a batch of N")


def plot_softmax_with_loss_graph() -> Axes:
    r"""Draw the Softmax-with-Loss layer for three classes: backward is $y_k - t_k$.

    The scores $a_k$ go through softmax to probabilities $y_k$, and the cross-entropy
    error compares them with the one-hot target $t_k$. Backward, the loss node sends
    $-t_k/y_k$ to each $y_k$, and the softmax node turns those into $y_k - t_k$ (for a
    batch of N, divided by N).

    Book: chapter 5, section 5.6.3 (figure 5-29; appendix A).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from nnbook.plotting import plot_softmax_with_loss_graph
    >>> ax = plot_softmax_with_loss_graph()
    >>> print([t.get_text() for t in ax.texts if t.get_color() == "tab:red"][:3])
    ['$y_1 - t_1$', '$y_2 - t_2$', '$y_3 - t_3$']
    """
    nodes = {
        "a1": (0, 1.8, "$a_1$"), "a2": (0, 0.3, "$a_2$"), "a3": (0, -1.2, "$a_3$"),
        "softmax": (3.0, 0.3, "Softmax"), "cee": (6.6, 0.3, "Cross entropy"),
        "t": (6.6, -1.2, "$t_1, t_2, t_3$"), "L": (9.0, 0.3, "$L$"),
    }  # fmt: skip
    edges = [
        ("a1", "softmax", None, "$y_1 - t_1$"),
        ("a2", "softmax", None, "$y_2 - t_2$"),
        ("a3", "softmax", None, "$y_3 - t_3$"),
        ("softmax", "cee", "$y_1, y_2, y_3$", "$-t_k / y_k$"),
        ("t", "cee", None, None),
        ("cee", "L", "$L$", "$1$"),
    ]
    return plot_computational_graph(nodes, edges, title="Softmax-with-Loss, 3 classes")
