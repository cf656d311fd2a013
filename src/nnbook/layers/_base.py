"""The two contracts every layer follows: `Layer` and `LossLayer` (book chapters 5-8)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike

from nnbook.activations import _check_numeric

__all__ = ["Layer", "LossLayer", "param_property"]

#: The dtype kinds a layer computes on: bool, signed and unsigned integers, floats.
_NUMERIC_KINDS = "biuf"


def param_property(name: str, doc: str) -> property:
    """Return a property over `params[name]` whose setter copies into the array.

    The book's code assigns parameters as attributes (`layer.W = W`, in its
    `load_params`). A plain attribute would stop sharing the array with the network's
    `params`; this setter instead writes the new values into the existing array (same
    shape required), so `net.params["W1"] is layer.W` stays true.
    """

    def get(self: Layer) -> np.ndarray:
        return self.params[name]

    def set_(self: Layer, value: np.ndarray) -> None:
        current = self.params[name]
        value = np.asarray(value)
        if value.shape != current.shape:
            raise ValueError(
                f"{type(self).__name__}.{name} has shape {current.shape}; cannot assign "
                f"an array of shape {value.shape} (the array is shared with the network's "
                "params, so it is copied into, never replaced)"
            )
        current[...] = value

    return property(get, set_, doc=doc)


def grad_property(name: str, doc: str) -> property:
    """Return a read-only property over `grads[name]` (the book's `dW`, `db`...)."""

    def get(self: Layer) -> np.ndarray | None:
        return self.grads.get(name)

    return property(get, doc=doc)


class Layer:
    """Base class of every layer: the contract chapters 5-8 and the GAN rely on.

    A layer turns `x` into an output in `forward` and, given the gradient of the loss
    with respect to that output, returns the gradient with respect to `x` in `backward`,
    storing the gradients of its parameters in `grads` on the way.

    Book: chapter 5, section 5.4 (the `forward`/`backward` interface).

    Attributes
    ----------
    params : dict of str to ndarray
        The layer's learnable parameters, e.g. `{"W": ..., "b": ...}`. The arrays are
        shared by reference with the network that owns the layer, so an optimizer that
        updates `net.params` in place updates the layer. Never rebind an entry
        (`params["W"] = ...`); copy into it (`params["W"][...] = ...`, or the book's
        `layer.W = ...`, which copies).
    grads : dict of str to ndarray
        Gradients of the loss with respect to each entry of `params`, with the same keys
        and shapes, filled in by `backward`.
    can_skip_dx : bool
        Class attribute: True when `backward(dout, need_dx=False)` can skip computing
        the gradient with respect to the input (a network's first layer needs none).
    can_borrow_x : bool
        Class attribute: True when `forward(x, train_flg, copy_x=False)` keeps a
        reference to `x` instead of the copy it keeps by default (`Affine`); a caller
        that runs `backward` before `x` can change saves the copy.

    Notes
    -----
    Rules every subclass keeps:

    - `forward(x, train_flg=True)` returns a new array and never writes into `x`;
      layers that behave differently at test time (Dropout, BatchNormalization) read
      `train_flg`, the others accept and ignore it.
    - What `backward` needs is kept as attributes under the book's names (`Relu.mask`,
      `Sigmoid.out`, `Affine.x`...), `None` until the first `forward`.
    - `backward(dout)` never writes into `dout`, raises `RuntimeError` if called before
      `forward`, and `ValueError` if `dout` does not have the forward output's shape.
    - The dtype follows the input: float32 in, float32 out.
    - Input that is not real numbers (an object array holding `None`, strings,
      complex numbers) is refused with a `TypeError`, and so is such a `dout`. An
      empty batch (N = 0) gives an empty output where that is defined, and a
      `ValueError` where it is not (a loss, BatchNormalization in training).

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.layers import Layer
    >>> class Double(Layer):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.x = None
    ...     def forward(self, x, train_flg=True):
    ...         self.x = x
    ...         return 2 * x
    ...     def backward(self, dout):
    ...         (x,) = self._require("x")
    ...         self._check_dout(dout, x.shape)
    ...         return 2 * dout
    >>> layer = Double()
    >>> print(layer.forward(np.array([1.0, 2.0])), layer.backward(np.ones(2)))
    [2. 4.] [2. 2.]
    """

    can_skip_dx: ClassVar[bool] = False
    can_borrow_x: ClassVar[bool] = False

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Compute the layer's output for `x`."""
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return the gradient with respect to the input, given `dout`."""
        raise NotImplementedError

    def _require(self, *names: str) -> tuple:
        """Return the attributes `forward` set, or raise if `forward` has not run."""
        values = tuple(getattr(self, name, None) for name in names)
        if any(value is None for value in values):
            raise RuntimeError(
                f"{type(self).__name__}.backward() called before forward(); "
                "run forward(x) first so the layer has the values backward needs"
            )
        return values

    def _check_input(self, x: ArrayLike, name: str = "x") -> np.ndarray:
        """Return `x` as an ndarray of numbers, or raise a `TypeError` naming the fix.

        Object arrays (which may hold `None`), strings and complex numbers are refused:
        NumPy would otherwise turn `None` into NaN or fail deep inside the layer.
        """
        try:
            return _check_numeric(x if isinstance(x, np.ndarray) else np.asarray(x), name)
        except TypeError as exc:
            raise TypeError(f"{type(self).__name__}.forward(): {exc}") from None

    def _check_dout(self, dout: np.ndarray, shape: tuple[int, ...]) -> None:
        """Refuse a `dout` whose shape is not the forward output's (no broadcasting)."""
        kind = getattr(dout, "dtype", np.dtype(float)).kind
        if kind not in _NUMERIC_KINDS:
            raise TypeError(
                f"{type(self).__name__}.backward() got dout of dtype "
                f"{np.asarray(dout).dtype}; pass the gradient as an array of real numbers"
            )
        if np.shape(dout) != tuple(shape):
            raise ValueError(
                f"{type(self).__name__}.backward() got dout of shape {np.shape(dout)}, "
                f"but the forward output had shape {tuple(shape)}; pass the gradient "
                "with respect to that output, of the same shape"
            )

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}={v.shape}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"


class LossLayer(Layer):
    """Base class of the layers that end a network: `forward(x, t)` returns the loss.

    A loss layer compares the scores `x` with the targets `t` and returns a scalar;
    `backward(dout=1)` returns the gradient of that scalar with respect to `x`. The
    loss is the end of the graph, so `dout` defaults to 1 (and may be another scalar,
    when the loss is one term of a weighted sum).

    Book: chapter 5, section 5.6.3 (`SoftmaxWithLoss`).

    Attributes
    ----------
    loss : scalar or None
        The loss of the latest `forward`.
    y : ndarray or None
        The layer's prediction (probabilities) of the latest `forward`.
    t : ndarray or None
        The targets of the latest `forward`.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.layers import LossLayer
    >>> class HalfSquaredError(LossLayer):
    ...     def forward(self, x, t):
    ...         self.y, self.t = x, t
    ...         self.loss = 0.5 * np.sum((x - t) ** 2)
    ...         return self.loss
    ...     def backward(self, dout=1):
    ...         y, t = self._require("y", "t")
    ...         return (y - t) * dout
    >>> layer = HalfSquaredError()
    >>> print(layer.forward(np.array([1.0, 3.0]), np.array([0.0, 1.0])))
    2.5
    >>> print(layer.backward())
    [1. 2.]
    """

    def __init__(self) -> None:
        super().__init__()
        self.loss = None
        self.y: np.ndarray | None = None
        self.t: np.ndarray | None = None

    def forward(self, x: np.ndarray, t: np.ndarray) -> np.floating:  # type: ignore[override]
        """Return the loss of the scores `x` against the targets `t`."""
        raise NotImplementedError

    def backward(self, dout: float = 1) -> np.ndarray:
        """Return the gradient of `dout` times the loss with respect to `x`."""
        raise NotImplementedError

    @staticmethod
    def _check_scalar_dout(dout) -> None:
        if np.ndim(dout) != 0:
            raise ValueError(
                f"a loss layer's backward takes a scalar dout (the gradient with respect "
                f"to the loss), got an array of shape {np.shape(dout)}"
            )
        if np.asarray(dout).dtype.kind not in _NUMERIC_KINDS:
            raise TypeError(
                f"a loss layer's backward takes a number as dout, got {dout!r}; pass a "
                "float such as 1.0"
            )
