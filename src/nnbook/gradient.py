"""Numerical differentiation (数値微分) and gradient descent (勾配法), chapter 4.

`numerical_diff` and `numerical_gradient` approximate derivatives by central differences;
`gradient_descent` follows the negative gradient. The tools that use them to check a
backward pass (the book's 勾配確認, section 5.7.3) are in
[`nnbook.gradient_check`][nnbook.gradient_check].
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["gradient_descent", "numerical_diff", "numerical_gradient"]


def numerical_diff(f: Callable[[float], float], x: float, h: float = 1e-4) -> float:
    """Return the central difference $(f(x+h) - f(x-h)) / 2h$, an estimate of $f'(x)$.

    Book: chapter 4, sections 4.3.1-4.3.2.

    Parameters
    ----------
    f : callable
        A function of one real variable.
    x : float
        Where to differentiate.
    h : float, default=1e-4
        Step. The book's choice: small enough for a good estimate, large enough that
        rounding errors (`1e-50` rounds to nothing in float32) do not take over.

    Returns
    -------
    float
        The estimate of $f'(x)$.

    Notes
    -----
    The forward difference $(f(x+h) - f(x))/h$ has an error of order $h$; the central
    difference used here, of order $h^2$.

    Examples
    --------
    The book's $f(x) = 0.01x^2 + 0.1x$, whose true derivative is $0.02x + 0.1$:

    >>> from nnbook.gradient import numerical_diff
    >>> def function_1(x):
    ...     return 0.01 * x**2 + 0.1 * x
    >>> print(numerical_diff(function_1, 5))
    0.1999999999990898
    >>> print(numerical_diff(function_1, 10))
    0.2999999999986347
    """
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-4
) -> np.ndarray:
    r"""Return the gradient of `f` at `x` by central differences, one entry at a time.

    Book: chapter 4, sections 4.4 and 4.4.2 (the `nditer` version for any shape).

    Parameters
    ----------
    f : callable
        Maps an array shaped like `x` to a scalar.
    x : ndarray of any shape, float32 or float64
        The point. **Written to temporarily**: each entry in turn is set to
        $x_i \pm h$, `f(x)` is evaluated, and the entry is restored to its exact
        original bits before the next one (also if `f` raises). On return `x` is
        unchanged. A non-float `x` is first copied to float64 (so nothing is written).
        float16 is refused: its spacing near 1 is about 1e-3, so $x_i \pm h$ rounds
        back to $x_i$ and every difference would be 0.
    h : float, default=1e-4
        Step of the central difference.

    Returns
    -------
    ndarray of `x`'s shape and dtype
        $\partial f / \partial x_i \approx (f(x + h e_i) - f(x - h e_i)) / 2h$.

    Raises
    ------
    ValueError
        If `x` is float16, or `h` is too small to change an entry of `x`.

    Notes
    -----
    The book has two versions, `numerical_gradient_2d` (for 2-D arrays) and
    `numerical_gradient` (any shape, with `np.nditer`); this one function replaces both.

    Writing into `x` instead of a copy is what makes the book's idiom for networks
    work: `numerical_gradient(lambda W: net.loss(x, t), net.params["W1"])` ignores its
    argument, yet each probe changes an entry of `net.params["W1"]` itself, so
    `net.loss` sees the perturbed weights. A copy would leave the loss constant and the
    gradient zero.

    The cost is two evaluations of `f` per entry of `x`: about 80,000 forward passes for
    the 784-50-10 network, which is why chapter 5 replaces it by backpropagation and
    keeps it only to check backpropagation (section 5.7.3).

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.gradient import numerical_gradient
    >>> def function_2(x):
    ...     return np.sum(x**2)
    >>> print(numerical_gradient(function_2, np.array([3.0, 4.0])))
    [6. 8.]
    >>> print(numerical_gradient(function_2, np.array([0.0, 2.0])))
    [0. 4.]
    >>> print(numerical_gradient(function_2, np.array([3.0, 0.0])))
    [6. 0.]

    Any shape works, and `x` ends up as it was:

    >>> W = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> print(numerical_gradient(lambda _: np.sum(W**3), W))
    [[ 3.00000001 12.00000001]
     [27.00000001 48.00000001]]
    >>> print(W)
    [[1. 2.]
     [3. 4.]]
    """
    if not (isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)):
        x = np.array(x, dtype=np.float64)
    if np.finfo(x.dtype).resolution > 1e-5:
        raise ValueError(
            f"numerical_gradient needs float32 or float64, got {x.dtype}: at its "
            f"precision x + h rounds back to x for h={h}, so every difference is 0; "
            "pass x.astype(np.float64) (and compute f in float64)"
        )
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        original = x[idx].copy()
        try:
            x[idx] = original + h
            fxh1 = f(x)
            x[idx] = original - h
            fxh2 = f(x)
        finally:
            x[idx] = original
        grad[idx] = (fxh1 - fxh2) / (2 * h)
    return grad


def gradient_descent(
    f: Callable[[np.ndarray], float],
    init_x: ArrayLike,
    lr: float = 0.01,
    step_num: int = 100,
) -> np.ndarray:
    r"""Minimise `f` by `step_num` steps of $x \leftarrow x - \eta \nabla f(x)$.

    Book: chapter 4, section 4.4.1.

    Parameters
    ----------
    f : callable
        The function to minimise, of an array shaped like `init_x`.
    init_x : array_like
        Starting point. Not modified (the book's listing updates it in place).
    lr : float, default=0.01
        Learning rate $\eta$.
    step_num : int, default=100
        Number of steps.

    Returns
    -------
    ndarray of `init_x`'s shape
        The last point.

    Notes
    -----
    The gradient is the numerical one. This is SGD (section 6.1.2) on a function
    instead of a network: to record every point visited, for a figure, run
    [`optimizer_path`][nnbook.optimizers.optimizer_path] with `SGD(lr)` and
    `lambda x: numerical_gradient(f, x)`.

    Examples
    --------
    On $f(x_0, x_1) = x_0^2 + x_1^2$ from $(-3, 4)$, a good learning rate reaches the
    minimum at the origin; too large a rate diverges; too small a rate barely moves:

    >>> import numpy as np
    >>> from nnbook.gradient import gradient_descent
    >>> def function_2(x):
    ...     return x[0] ** 2 + x[1] ** 2
    >>> init_x = np.array([-3.0, 4.0])
    >>> print(gradient_descent(function_2, init_x, lr=0.1, step_num=100))
    [-6.11110793e-10  8.14814391e-10]
    >>> print(gradient_descent(function_2, init_x, lr=10.0, step_num=100))
    [-2.58983747e+13 -1.29524862e+12]
    >>> print(gradient_descent(function_2, init_x, lr=1e-10, step_num=100))
    [-2.99999994  3.99999992]
    >>> print(init_x)
    [-3.  4.]
    """
    x = np.array(init_x, dtype=np.result_type(np.asarray(init_x).dtype, np.float64))
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x
