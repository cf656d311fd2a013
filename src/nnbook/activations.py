"""Activation functions (活性化関数) of chapter 3: step, sigmoid, ReLU, identity, softmax.

Every function takes an array of any shape, returns a new array of the same shape, and
keeps a floating input's dtype (float32 stays float32; integer and boolean input give
float64). None of them warns on huge, tiny or infinite inputs. Arrays that do not hold
numbers (object arrays, which may hold `None`; strings) are refused with a `TypeError`
rather than quietly turned into NaN.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "identity_function",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "step_function",
]


def _check_numeric(x: np.ndarray, name: str = "x") -> np.ndarray:
    """Return `x` if it holds real numbers (bool, int, float); raise a TypeError if not.

    NumPy would turn an object array's `None` into NaN and parse strings as numbers;
    both hide a mistake made earlier, so they are refused here.
    """
    if x.dtype.kind not in "biuf":
        if x.dtype.kind == "O":
            what = "an object array, which may hold None or things that are no numbers"
            fix = f"replace those by numbers, then use np.asarray({name}, dtype=float)"
        elif x.dtype.kind in "US":
            what = "text"
            fix = "parse the text into numbers first"
        else:
            what = "not real numbers"
            fix = "convert it to a float array first"
        raise TypeError(f"expected {name} to hold real numbers, got dtype {x.dtype} "
                        f"({what}); {fix}")  # fmt: skip
    return x


def _as_float(x: ArrayLike) -> np.ndarray:
    """Return `x` as a floating array, keeping float32/float64 and promoting the rest."""
    x = _check_numeric(np.asarray(x))
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    return x


def step_function(x: ArrayLike) -> np.ndarray:
    """Return 1 where `x` > 0 and 0 elsewhere: the perceptron's activation.

    The step function (ステップ関数) jumps from 0 to 1 at the origin. Its derivative is zero
    almost everywhere, which is why learning by gradients needs a smooth replacement.

    Book: chapter 3, section 3.2.2.

    Parameters
    ----------
    x : array_like of any shape
        Input values.

    Returns
    -------
    ndarray of the same shape
        0.0 or 1.0, in `x`'s floating dtype (float64 for integer input).

    Notes
    -----
    $h(x) = 1$ if $x > 0$, else $0$. The book's listing returns `int` 0/1
    (`np.array(x > 0, dtype=int)`); we return floats so the result can be fed to the
    next layer's `dot` without a silent type change.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.activations import step_function
    >>> print(step_function(np.array([-1.0, 1.0, 2.0])))
    [0. 1. 1.]
    """
    x = _as_float(x)
    return (x > 0).astype(x.dtype)


def sigmoid(x: ArrayLike) -> np.ndarray:
    r"""Return the logistic sigmoid $1/(1+e^{-x})$ of each element of `x`.

    The sigmoid (シグモイド関数) squashes any real number into (0, 1) smoothly: it is the
    differentiable cousin of the step function.

    Book: chapter 3, section 3.2.4.

    Parameters
    ----------
    x : array_like of any shape
        Input values.

    Returns
    -------
    ndarray of the same shape
        Values in [0, 1], in `x`'s floating dtype.

    Notes
    -----
    $\sigma(x) = \frac{1}{1 + e^{-x}} = \frac{e^{x}}{1 + e^{x}}$.

    The book's one-liner `1 / (1 + np.exp(-x))` overflows `exp` (with a
    `RuntimeWarning`) for $x < -709$ in float64 and $x < -88$ in float32. We evaluate
    $e^{-|x|}$, which never overflows, and use the first form for $x \ge 0$ and the
    second for $x < 0$. The results are the same where the book's form is finite.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.activations import sigmoid
    >>> print(sigmoid(np.array([-1.0, 1.0, 2.0])))
    [0.26894142 0.73105858 0.88079708]
    >>> print(sigmoid(np.array([-1000.0, 0.0, 1000.0])))  # no overflow warning
    [0.  0.5 1. ]
    """
    x = _as_float(x)
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z)).astype(x.dtype, copy=False)


def relu(x: ArrayLike) -> np.ndarray:
    r"""Return the rectified linear unit $\max(0, x)$ of each element of `x`.

    ReLU (Rectified Linear Unit) passes positive inputs through unchanged and clips
    negative ones to zero.

    Book: chapter 3, section 3.2.7.

    Parameters
    ----------
    x : array_like of any shape
        Input values.

    Returns
    -------
    ndarray of the same shape
        `x` with its negative entries replaced by 0, in `x`'s floating dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.activations import relu
    >>> print(relu(np.array([-1.0, 0.0, 2.5])))
    [0.  0.  2.5]
    """
    x = _as_float(x)
    return np.maximum(x, 0, dtype=x.dtype)


def sigmoid_grad(x: ArrayLike) -> np.ndarray:
    r"""Return the derivative of the sigmoid at `x`, $\sigma(x)(1 - \sigma(x))$.

    The book's helper for the hand-written gradient of chapter 4's two-layer network
    (`common/functions.py`); the [`Sigmoid`][nnbook.layers.Sigmoid] layer applies the
    same formula in its backward pass.

    Book: chapter 5, section 5.5.2 (and `ch04/two_layer_net.py`).

    Parameters
    ----------
    x : array_like of any shape
        Inputs of the sigmoid (not its outputs).

    Returns
    -------
    ndarray of the same shape and floating dtype

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.activations import sigmoid_grad
    >>> print(sigmoid_grad(np.array([0.0, 2.0])))
    [0.25       0.10499359]
    """
    y = sigmoid(x)
    return (1.0 - y) * y


def relu_grad(x: ArrayLike) -> np.ndarray:
    r"""Return the derivative of ReLU at `x`: 1 where $x > 0$, else 0.

    The book's helper (`common/functions.py`); we take 0 at $x = 0$, as the
    [`Relu`][nnbook.layers.Relu] layer does. (The book's `relu_grad` returns 1 at 0;
    the derivative is undefined there, and the layer, which is what trains, uses 0.)

    Book: chapter 5, section 5.5.1.

    Parameters
    ----------
    x : array_like of any shape
        Inputs of ReLU.

    Returns
    -------
    ndarray of the same shape and floating dtype

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.activations import relu_grad
    >>> print(relu_grad(np.array([-1.0, 0.0, 2.5])))
    [0. 0. 1.]
    """
    x = _as_float(x)
    return (x > 0).astype(x.dtype)


def identity_function(x: ArrayLike) -> np.ndarray:
    """Return `x` unchanged (as a new array): the output activation for regression.

    Book: chapter 3, section 3.4.3 (and 3.5.1 on choosing the output layer).

    Parameters
    ----------
    x : array_like of any shape
        Input values.

    Returns
    -------
    ndarray of the same shape
        A copy of `x`, in `x`'s floating dtype.

    Notes
    -----
    The book returns `x` itself; we return a copy so a caller that writes into the
    network's output cannot change the network's input.

    Examples
    --------
    >>> from nnbook.activations import identity_function
    >>> print(identity_function([0.3, 0.7]))
    [0.3 0.7]
    """
    return _as_float(x).copy()


def softmax(x: ArrayLike) -> np.ndarray:
    r"""Return the softmax of `x` along its last axis: positive values that sum to 1.

    Softmax (ソフトマックス関数) turns a vector of scores into probabilities that keep the
    scores' order. A 2-D input is treated as a batch: each row is normalised separately.

    Book: chapter 3, section 3.5.

    Parameters
    ----------
    x : array_like of shape (K,) or (N, K), or any shape (..., K)
        Scores; the last axis holds the classes.

    Returns
    -------
    ndarray of the same shape
        Probabilities along the last axis, in `x`'s floating dtype.

    Notes
    -----
    $y_k = \frac{e^{a_k}}{\sum_{i=1}^{K} e^{a_i}}$.

    Computed literally, $e^{a_k}$ overflows for $a_k > 709$ (float64). Subtracting any
    constant $C$ from every score leaves the result unchanged,

    $$\frac{e^{a_k - C}}{\sum_i e^{a_i - C}} = \frac{e^{a_k}}{\sum_i e^{a_i}},$$

    so we take $C = \max_i a_i$ (section 3.5.2): the largest exponent is then $e^0 = 1$
    and nothing overflows. Underflow of the small terms to 0 is harmless.

    The book's batched version transposes the input (`x.T`); reducing over `axis=-1`
    with `keepdims=True` gives the same numbers for any number of leading axes.

    Infinite scores get the limit of the formula, without a warning: a row with
    $+\infty$ entries shares the probability equally among them (0 elsewhere), and
    $-\infty$ entries get 0. A row that has no limit, one holding NaN or whose every
    score is $-\infty$, gives NaN throughout (again without a warning), so that a
    diverging network's NaN still shows in its loss. The book's listing gives NaN with
    a `RuntimeWarning` for any row holding $+\infty$.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.activations import softmax
    >>> y = softmax(np.array([0.3, 2.9, 4.0]))
    >>> print(y)
    [0.01821127 0.24519181 0.73659691]
    >>> print(np.sum(y))
    1.0

    Scores far beyond `exp`'s range stay finite:

    >>> print(softmax(np.array([1010.0, 1000.0, 990.0])))
    [9.99954600e-01 4.53978686e-05 2.06106005e-09]

    A batch is normalised row by row:

    >>> print(softmax(np.array([[0.0, 0.0], [0.0, np.log(3.0)]])))
    [[0.5  0.5 ]
     [0.25 0.75]]

    Infinite scores give the formula's limit; a row of NaN or of only $-\infty$ has none:

    >>> print(softmax(np.array([[np.inf, 1.0, np.inf], [-np.inf, 0.0, -np.inf]])))
    [[0.5 0.  0.5]
     [0.  1.  0. ]]
    >>> print(softmax(np.array([-np.inf, -np.inf])))
    [nan nan]
    """
    x = _as_float(x)
    if x.ndim == 0 or x.shape[-1] == 0:
        raise ValueError(
            f"softmax needs at least one score along the last axis; got shape {x.shape}"
        )
    top = np.max(x, axis=-1, keepdims=True)
    if np.isfinite(top).all():
        # A spread of scores wider than the dtype's range makes x - max overflow to
        # -inf, whose exp is exactly the 0 it should be.
        with np.errstate(over="ignore"):
            exp = np.exp(x - top)
        return exp / np.sum(exp, axis=-1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):
        exp = np.exp(x - top)  # NaN in rows whose top is +inf, NaN or -inf
        exp = np.where(np.isposinf(top), np.isposinf(x).astype(x.dtype), exp)
        return exp / np.sum(exp, axis=-1, keepdims=True)
