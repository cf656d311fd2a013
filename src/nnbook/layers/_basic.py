"""The two simplest layers of the computational graph: multiply and add (chapter 5.4)."""

from __future__ import annotations

from numbers import Real

import numpy as np

from nnbook.layers._base import Layer

__all__ = ["AddLayer", "MulLayer"]


def _operand(layer: Layer, value, name: str):
    """Return a number as is, anything else as an ndarray of numbers (or raise).

    A list would otherwise be repeated by `*` and concatenated by `+`, silently.
    """
    if isinstance(value, (Real, np.number)):
        return value
    return layer._check_input(value, name)


def _keep(value):
    """Return a private copy of an array input (numbers are immutable: kept as is)."""
    return value.copy() if isinstance(value, np.ndarray) else value


def _unbroadcast(grad, shape: tuple[int, ...]):
    """Sum `grad` over the axes along which an input of `shape` was broadcast."""
    if np.shape(grad) == shape:
        return grad
    grad = np.asarray(grad)
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


class MulLayer(Layer):
    r"""Multiplication node $z = x y$ of a computational graph.

    Backward swaps the inputs: the gradient reaching $x$ is `dout` times $y$, and the
    gradient reaching $y$ is `dout` times $x$.

    Book: chapter 5, section 5.4.1.

    Notes
    -----
    $\frac{\partial z}{\partial x} = y$, $\frac{\partial z}{\partial y} = x$.
    `forward` keeps `x` and `y` (copies of arrays). Inputs may be Python numbers (as in
    the book's shopping example) or arrays; arrays of different shapes are broadcast,
    and each gradient is summed back to its input's shape.

    Examples
    --------
    The book's apple shop: two apples at 100 each, with a consumption tax of 1.1.

    >>> from nnbook.layers import MulLayer
    >>> mul_apple_layer, mul_tax_layer = MulLayer(), MulLayer()
    >>> apple_price = mul_apple_layer.forward(100, 2)
    >>> price = mul_tax_layer.forward(apple_price, 1.1)
    >>> print(int(price))
    220
    >>> dapple_price, dtax = mul_tax_layer.backward(1)
    >>> dapple, dapple_num = mul_apple_layer.backward(dapple_price)
    >>> print(dapple, int(dapple_num), dtax)
    2.2 110 200
    """

    def __init__(self) -> None:
        super().__init__()
        self.x = None
        self.y = None

    def forward(self, x, y):
        """Return `x * y` and keep both factors in `x` and `y` (the book's names).

        Parameters
        ----------
        x, y : float or ndarray
            The two factors (broadcastable).

        Returns
        -------
        float or ndarray
            The product.
        """
        x, y = _operand(self, x, "x"), _operand(self, y, "y")
        self.x, self.y = _keep(x), _keep(y)
        return x * y

    def backward(self, dout):
        """Return `(dx, dy) = (dout * y, dout * x)`.

        Parameters
        ----------
        dout : float or ndarray
            Gradient of the loss with respect to the product.

        Returns
        -------
        tuple of (float or ndarray, float or ndarray)
            Gradients with respect to `x` and `y`, each with its input's shape.
        """
        x, y = self._require("x", "y")
        self._check_dout(dout, np.broadcast_shapes(np.shape(x), np.shape(y)))
        dx = _unbroadcast(dout * y, np.shape(x))
        dy = _unbroadcast(dout * x, np.shape(y))
        return dx, dy


class AddLayer(Layer):
    r"""Addition node $z = x + y$ of a computational graph.

    Backward passes `dout` on unchanged to both inputs.

    Book: chapter 5, section 5.4.2.

    Notes
    -----
    $\frac{\partial z}{\partial x} = \frac{\partial z}{\partial y} = 1$. `forward`
    remembers only the inputs' shapes (needed to sum a broadcast gradient back); the
    book's `AddLayer` remembers nothing and so raises no error on backward-before-forward,
    while ours does, like every other layer.

    Examples
    --------
    The book's apple-and-orange shop: 2 apples at 100, 3 oranges at 150, tax 1.1.

    >>> from nnbook.layers import AddLayer, MulLayer
    >>> mul_apple, mul_orange, mul_tax = MulLayer(), MulLayer(), MulLayer()
    >>> add_fruit = AddLayer()
    >>> apple_price = mul_apple.forward(100, 2)
    >>> orange_price = mul_orange.forward(150, 3)
    >>> all_price = add_fruit.forward(apple_price, orange_price)
    >>> price = mul_tax.forward(all_price, 1.1)
    >>> dall_price, dtax = mul_tax.backward(1)
    >>> dapple_price, dorange_price = add_fruit.backward(dall_price)
    >>> dorange, dorange_num = mul_orange.backward(dorange_price)
    >>> dapple, dapple_num = mul_apple.backward(dapple_price)
    >>> print("price:", int(price))
    price: 715
    >>> print("dApple:", dapple)
    dApple: 2.2
    >>> print("dApple_num:", int(dapple_num))
    dApple_num: 110
    >>> print("dOrange:", dorange)
    dOrange: 3.3000000000000003
    >>> print("dOrange_num:", int(dorange_num))
    dOrange_num: 165
    >>> print("dTax:", dtax)
    dTax: 650
    """

    def __init__(self) -> None:
        super().__init__()
        self._x_shape: tuple[int, ...] | None = None
        self._y_shape: tuple[int, ...] | None = None

    def forward(self, x, y):
        """Return `x + y`.

        Parameters
        ----------
        x, y : float or ndarray
            The two terms (broadcastable).

        Returns
        -------
        float or ndarray
            The sum.
        """
        x, y = _operand(self, x, "x"), _operand(self, y, "y")
        self._x_shape, self._y_shape = np.shape(x), np.shape(y)
        return x + y

    def backward(self, dout):
        """Return `(dx, dy) = (dout, dout)`, as new objects.

        Parameters
        ----------
        dout : float or ndarray
            Gradient of the loss with respect to the sum.

        Returns
        -------
        tuple of (float or ndarray, float or ndarray)
            Gradients with respect to `x` and `y`, each with its input's shape.
        """
        x_shape, y_shape = self._require("_x_shape", "_y_shape")
        self._check_dout(dout, np.broadcast_shapes(x_shape, y_shape))
        # `dout * 1` (as in the book) returns a new array: the caller may modify dx
        # without touching dout or dy.
        return _unbroadcast(dout * 1, x_shape), _unbroadcast(dout * 1, y_shape)
