"""Gradient checking (勾配確認): backward passes against numerical gradients (5.7.3).

`check_layer_gradient` and `check_model_gradient` compare a backward pass with the
numerical gradient of [`nnbook.gradient`][nnbook.gradient], measured by
`relative_error`; they are what the test-suite uses for every layer and network.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nnbook.gradient import numerical_gradient

__all__ = ["check_layer_gradient", "check_model_gradient", "relative_error"]


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
    >>> from nnbook.gradient_check import relative_error
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
        [`relative_error`][nnbook.gradient_check.relative_error] for the input (key `"x"`,
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
    >>> from nnbook.gradient_check import check_layer_gradient
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
        [`relative_error`][nnbook.gradient_check.relative_error] for each key of
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
    >>> from nnbook.gradient_check import check_model_gradient
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
