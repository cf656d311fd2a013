"""Numerical differentiation (数値微分), gradient descent, gradient checks (chapters 4-5).

`numerical_diff` and `numerical_gradient` approximate derivatives by central differences;
`gradient_descent` follows the negative gradient; `check_layer_gradient` and
`check_model_gradient` compare a backward pass with the numerical gradient (the book's
勾配確認, section 5.7.3) and are what the test-suite uses for every layer and network.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "check_layer_gradient",
    "check_model_gradient",
    "gradient_descent",
    "gradient_descent_path",
    "numerical_diff",
    "numerical_gradient",
    "relative_error",
]


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
    x : ndarray of any shape, floating dtype
        The point. **Written to temporarily**: each entry in turn is set to
        $x_i \pm h$, `f(x)` is evaluated, and the entry is restored to its exact
        original bits before the next one (also if `f` raises). On return `x` is
        unchanged. A non-float `x` is first copied to float64 (so nothing is written).
    h : float, default=1e-4
        Step of the central difference.

    Returns
    -------
    ndarray of `x`'s shape and dtype
        $\partial f / \partial x_i \approx (f(x + h e_i) - f(x - h e_i)) / 2h$.

    Notes
    -----
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


def gradient_descent_path(
    f: Callable[[np.ndarray], float],
    init_x: ArrayLike,
    lr: float = 0.01,
    step_num: int = 100,
) -> np.ndarray:
    r"""Run gradient descent from `init_x` and return every point it visits.

    Book: chapter 4, section 4.4.1 (the path drawn in the figure of `gradient_method.py`).

    Parameters
    ----------
    f : callable
        The function to minimise, of an array shaped like `init_x`.
    init_x : array_like
        Starting point. Not modified.
    lr : float, default=0.01
        Learning rate $\eta$ (学習率).
    step_num : int, default=100
        Number of steps.

    Returns
    -------
    ndarray of shape (step_num + 1, *init_x.shape)
        The starting point, then the point after each step.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.gradient import gradient_descent_path
    >>> path = gradient_descent_path(lambda x: np.sum(x**2), np.array([-3.0, 4.0]), lr=0.1)
    >>> print(path.shape)
    (101, 2)
    >>> print(path[:3])
    [[-3.    4.  ]
     [-2.4   3.2 ]
     [-1.92  2.56]]
    """
    x = np.array(init_x, dtype=np.result_type(np.asarray(init_x).dtype, np.float64))
    path = np.empty((step_num + 1, *x.shape), dtype=x.dtype)
    path[0] = x
    for i in range(step_num):
        x -= lr * numerical_gradient(f, x)
        path[i + 1] = x
    return path


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
    The gradient is the numerical one. See
    [`gradient_descent_path`][nnbook.gradient.gradient_descent_path] for all points.

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
    return gradient_descent_path(f, init_x, lr=lr, step_num=step_num)[-1]


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    r"""Return $\max_i |a_i - b_i| \,/\, \max_i \max(|a_i|, |b_i|)$ (0 if both are 0).

    The largest absolute difference, relative to the size of the larger gradient: a
    missing factor or a wrong sign gives a value near 1, a correct backward pass checked
    in float64 gives about 1e-8 or less.

    Book: chapter 5, section 5.7.3 (the book prints the mean absolute difference).

    Parameters
    ----------
    a, b : array_like of the same shape
        Two gradients.

    Returns
    -------
    float

    Examples
    --------
    >>> from nnbook.gradient import relative_error
    >>> print(relative_error([1.0, 2.0], [1.0, 2.2]))
    0.09090909090909098
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"gradients of different shapes: {a.shape} and {b.shape}")
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0))
    if scale == 0.0:
        return 0.0
    return float(np.max(np.abs(a - b)) / scale)


def _probe_loss(layer, inputs, args, kwargs, R):
    """Return a function of nothing: the projected output of `layer` on `inputs`."""

    def loss(_=None):
        out = layer.forward(*inputs, *args, **kwargs)
        return float(np.sum(np.asarray(out, dtype=np.float64) * R))

    return loss


def check_layer_gradient(
    layer,
    x: np.ndarray | tuple[np.ndarray, ...],
    *,
    args: tuple = (),
    kwargs: dict | None = None,
    rng: np.random.Generator | None = None,
    h: float = 1e-5,
) -> dict[str, float]:
    r"""Compare a layer's `backward` with central differences; return the relative errors.

    The layer's output is projected on a fixed random array $R$, $L = \sum out \odot R$,
    so that every output entry matters with a different weight (a plain sum would hide
    errors that cancel). `backward(R)` then must equal the numerical gradient of $L$
    with respect to the input and to every parameter.

    Book: chapter 5, section 5.7.3 (勾配確認, gradient check).

    Parameters
    ----------
    layer : Layer
        A layer with `forward`, `backward`, `params`, `grads`. Its parameters are
        probed in place (and restored), so use float64 parameters.
    x : ndarray, or tuple of ndarrays for layers with several inputs (`MulLayer`)
        The input(s) to differentiate with respect to; float64 for a meaningful check.
        Not modified.
    args : tuple, default=()
        Further positional arguments of `forward` that are not differentiated, e.g.
        the targets `t` of `SoftmaxWithLoss`.
    kwargs : dict, optional
        Keyword arguments of `forward`, e.g. `{"train_flg": False}`.
    rng : numpy.random.Generator, optional
        Source of $R$; default `np.random.default_rng(0)`.
    h : float, default=1e-5
        Step of the central differences.

    Returns
    -------
    dict of str to float
        [`relative_error`][nnbook.gradient.relative_error] for the input (key `"x"`,
        or `"x0"`, `"x1"`, ... for several inputs) and for each parameter (its key in
        `layer.params`).

    Notes
    -----
    `forward` must be deterministic for the check to make sense: check `Dropout` with
    a fixed mask or in inference mode. The layer is left as after the final
    `forward`/`backward` on the unperturbed input.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.gradient import check_layer_gradient
    >>> from nnbook.layers import Affine
    >>> rng = np.random.default_rng(0)
    >>> layer = Affine(rng.standard_normal((4, 3)), rng.standard_normal(3))
    >>> errors = check_layer_gradient(layer, rng.standard_normal((2, 4)), rng=rng)
    >>> print(sorted(errors), all(e < 1e-8 for e in errors.values()))
    ['W', 'b', 'x'] True
    """
    rng = np.random.default_rng(0) if rng is None else rng
    kwargs = {} if kwargs is None else kwargs
    several = isinstance(x, tuple)
    inputs = [np.array(xi, dtype=np.float64) for xi in (x if several else (x,))]
    out = np.asarray(layer.forward(*inputs, *args, **kwargs))
    R = rng.standard_normal(out.shape)
    loss = _probe_loss(layer, inputs, args, kwargs, R)

    numeric = {}
    names = [f"x{i}" for i in range(len(inputs))] if several else ["x"]
    for name, xi in zip(names, inputs, strict=True):
        numeric[name] = numerical_gradient(loss, xi, h)
    for key, param in layer.params.items():
        numeric[key] = numerical_gradient(loss, param, h)

    loss()  # a last forward on the unperturbed values
    dout = R if out.ndim else float(R)
    dxs = layer.backward(dout)
    analytic = dict(zip(names, dxs if several else (dxs,), strict=True))
    analytic.update(layer.grads)
    return {name: relative_error(analytic[name], numeric[name]) for name in numeric}


def check_model_gradient(
    net, x: np.ndarray, t: np.ndarray, h: float = 1e-4
) -> dict[str, float]:
    """Compare `net.gradient(x, t)` (backprop) with numerical gradients of `net.loss`.

    Book: chapter 5, section 5.7.3 (`gradient_check.py`).

    Parameters
    ----------
    net : object
        A network with a `params` dict and `loss(x, t)` and `gradient(x, t)` methods;
        float64 parameters for a meaningful check.
    x : ndarray of shape (N, ...)
        A small batch of inputs.
    t : ndarray
        Its targets.
    h : float, default=1e-4
        Step of the central differences (the book's).

    Returns
    -------
    dict of str to float
        [`relative_error`][nnbook.gradient.relative_error] for each key of
        `net.params`.

    Notes
    -----
    The numerical gradient uses the book's trick: `lambda _: net.loss(x, t)` ignores its
    argument, and [`numerical_gradient`][nnbook.gradient.numerical_gradient] perturbs
    `net.params[key]` in place, which the network reads. This costs two forward passes
    per parameter entry: keep the network and batch tiny.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.gradient import check_model_gradient
    >>> from nnbook.models import TwoLayerNet
    >>> rng = np.random.default_rng(0)
    >>> net = TwoLayerNet(input_size=4, hidden_size=5, output_size=3, rng=rng)
    >>> errors = check_model_gradient(net, rng.standard_normal((2, 4)), np.array([0, 2]))
    >>> print(sorted(errors), all(e < 1e-6 for e in errors.values()))
    ['W1', 'W2', 'b1', 'b2'] True
    """
    grads = net.gradient(x, t)
    numeric = {
        key: numerical_gradient(lambda _: net.loss(x, t), param, h)
        for key, param in net.params.items()
    }
    return {key: relative_error(grads[key], numeric[key]) for key in numeric}
