"""The contract every layer follows (book chapters 5-7)."""

from __future__ import annotations

import numpy as np

__all__ = ["Layer"]


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
        (`params["W"] = ...`); copy into it (`params["W"][...] = ...`).
    grads : dict of str to ndarray
        Gradients of the loss with respect to each entry of `params`, with the same keys
        and shapes, filled in by `backward`.

    Notes
    -----
    Rules every subclass keeps:

    - `forward(x, train_flg=True)` returns a new array and never writes into `x`;
      layers that behave differently at test time (Dropout, BatchNormalization) read
      `train_flg`, the others accept and ignore it.
    - `backward(dout)` never writes into `dout` and raises `RuntimeError` if called
      before `forward`.
    - The dtype follows the input: float32 in, float32 out.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.layers import Layer
    >>> class Double(Layer):
    ...     def forward(self, x, train_flg=True):
    ...         self._remember(x=x)
    ...         return 2 * x
    ...     def backward(self, dout):
    ...         self._cached("x")
    ...         return 2 * dout
    >>> layer = Double()
    >>> print(layer.forward(np.array([1.0, 2.0])), layer.backward(np.ones(2)))
    [2. 4.] [2. 2.]
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._cache: dict[str, object] = {}

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Compute the layer's output for `x`."""
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return the gradient with respect to the input, given `dout`."""
        raise NotImplementedError

    def _remember(self, **values: object) -> None:
        """Store what `backward` needs from the latest `forward`."""
        self._cache.update(values)

    def _cached(self, *names: str) -> tuple:
        """Return values stored by `forward`, or raise if `forward` has not run."""
        try:
            return tuple(self._cache[name] for name in names)
        except KeyError:
            raise RuntimeError(
                f"{type(self).__name__}.backward() called before forward(); "
                "run forward(x) first so the layer has the values backward needs"
            ) from None

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}={v.shape}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"
