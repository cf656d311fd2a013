"""What every optimizer shares: the in-place `update(params, grads)` loop."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

import numpy as np

__all__ = ["Optimizer"]


class Optimizer:
    r"""Base class of the optimizers: update each parameter array in place.

    Subclasses implement `_step(key, param, grad)`, which changes `param` in place and
    keeps whatever per-parameter state it needs (velocity, squared-gradient sums...) in
    dicts keyed like `params`, created the first time a key is seen.

    Book: chapter 6, section 6.1.

    Parameters
    ----------
    lr : float
        Learning rate (学習係数) $\eta$.

    Notes
    -----
    The parameter arrays are shared by reference between a network's `params` dict and
    its layers, so `update` writes into them (`p -= ...`) and never rebinds
    `params[key]`; a network trained by any optimizer here sees its layers change.
    A plain Python float in `params` cannot be updated in place, so it is refused with
    a `TypeError` (wrap it with `np.array(...)`).

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.optimizers import SGD
    >>> W = np.array([1.0, 2.0])
    >>> params = {"W": W}
    >>> SGD(lr=0.5).update(params, {"W": np.array([1.0, 1.0])})
    >>> print(params["W"], params["W"] is W)
    [0.5 1.5] True
    """

    def __init__(self, lr: float) -> None:
        self.lr = lr

    def update(
        self, params: MutableMapping[str, np.ndarray], grads: Mapping[str, np.ndarray]
    ) -> None:
        """Update every array in `params` in place, one step against `grads`.

        Parameters
        ----------
        params : dict of str to ndarray
            The parameters, e.g. a network's `params`; each array is modified in place.
        grads : dict of str to ndarray
            The gradient of the loss for each key of `params`, same shapes.

        Raises
        ------
        KeyError
            If `grads` lacks a key of `params`.
        TypeError
            If a parameter is not a NumPy array (it could not be updated in place).
        """
        self._begin_step()
        for key, param in params.items():
            if not isinstance(param, np.ndarray):
                raise TypeError(
                    f"params[{key!r}] is a {type(param).__name__}, not an ndarray: "
                    "optimizers update arrays in place so that the layers sharing them "
                    f"see the change; store np.array({param!r}) instead"
                )
            try:
                grad = grads[key]
            except KeyError:
                raise KeyError(
                    f"grads has no entry {key!r}; it needs one gradient per parameter "
                    f"(params has {sorted(params)}, grads has {sorted(grads)})"
                ) from None
            self._step(key, param, grad)

    def _begin_step(self) -> None:
        """Advance per-step state shared by all keys (Adam's step counter)."""

    def _step(self, key: str, param: np.ndarray, grad: np.ndarray) -> None:
        raise NotImplementedError

    @staticmethod
    def _state(store: dict[str, np.ndarray], key: str, like: np.ndarray) -> np.ndarray:
        """Return `store[key]`, created as zeros shaped like `like` on first use."""
        value = store.get(key)
        if value is None:
            value = store[key] = np.zeros_like(like)
        return value

    def __repr__(self) -> str:
        hyper = ", ".join(
            f"{name}={value!r}"
            for name, value in vars(self).items()
            if isinstance(value, (int, float))
            and name != "iter"
            and not name.startswith("_")
        )
        return f"{type(self).__name__}({hyper})"
