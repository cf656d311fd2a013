"""What every optimizer shares: the in-place `update(params, grads)` loop."""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Mapping, MutableMapping
from numbers import Real
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["Optimizer"]


class Optimizer:
    r"""Base class of the optimizers: update each parameter array in place.

    Subclasses implement `_step(key, param, grad)`, which changes `param` in place and
    keeps whatever per-parameter state it needs (velocity, squared-gradient sums...) in
    dicts keyed like `params` and named in `_state_names`, created the first time a key
    is seen.

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

    A parameter may also be a plain number, as in the book's
    `ch06/optimizer_compare_naive.py`, which keeps the point $(x, y)$ as two Python
    floats in `params`. A number cannot be changed in place, so for such an entry
    `update` computes the step in float64 and *rebinds* `params[key]` to the new value,
    a Python float (a NumPy scalar stays a NumPy scalar of its dtype). Arrays are
    always updated in place.

    `update` checks everything before it changes anything: every key of `params` must
    have a gradient of exactly the parameter's shape (no broadcasting: a gradient of
    shape (1,) for a (3, 2) weight is an error, not a step), parameters must be
    writeable floating-point arrays or numbers, gradients real numbers, and state kept
    from earlier updates must still fit. A call that raises leaves the parameters, the
    state and Adam's step count as they were. Entries of `grads` that are not in
    `params` are ignored, so a subset of a network's parameters can be trained (the
    book's loop reads only the keys of `params` too).

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.optimizers import SGD
    >>> W = np.array([1.0, 2.0])
    >>> params = {"W": W}
    >>> SGD(lr=0.5).update(params, {"W": np.array([1.0, 1.0])})
    >>> print(params["W"], params["W"] is W)
    [0.5 1.5] True

    The book's `optimizer_compare_naive.py` passes Python floats: they are rebound.

    >>> params = {"x": -7.0, "y": 2.0}
    >>> SGD(lr=0.95).update(params, {"x": -7.0 / 10.0, "y": 2.0 * 2.0})
    >>> print(params)
    {'x': -6.335, 'y': -1.7999999999999998}

    A gradient that does not fit is refused before any parameter moves:

    >>> params = {"W": np.ones((2, 2)), "b": np.zeros(2)}
    >>> SGD().update(params, {"W": np.ones((2, 2)), "b": np.ones(1)})
    Traceback (most recent call last):
    ...
    ValueError: grads['b'] has shape (1,) but params['b'] has shape (2,); a gradient must have exactly its parameter's shape (nothing is broadcast); nothing was updated
    >>> print(params["W"].tolist())
    [[1.0, 1.0], [1.0, 1.0]]
    """  # noqa: E501

    #: Names of the dicts of per-parameter state (`("v",)` for Momentum), checked by
    #: `update` before a step.
    _state_names: ClassVar[tuple[str, ...]] = ()

    def __init__(self, lr: float) -> None:
        self.lr = lr

    def update(
        self,
        params: MutableMapping[str, np.ndarray | float],
        grads: Mapping[str, ArrayLike],
    ) -> None:
        """Update every entry of `params` one step against `grads`.

        Parameters
        ----------
        params : dict of str to ndarray or float
            The parameters, e.g. a network's `params`. Arrays (floating point) are
            modified in place; numbers are replaced by their new value.
        grads : dict of str to array_like
            The gradient of the loss for each key of `params`, of exactly the
            parameter's shape. Extra keys are ignored.

        Raises
        ------
        KeyError
            If `grads` lacks a key of `params`.
        TypeError
            If a parameter is neither a floating-point array nor a number, or a
            gradient is not real numbers.
        ValueError
            If a gradient's shape differs from its parameter's, a parameter array is
            read-only, or the optimizer's state for a key has another shape (it was
            used with another network).

        Notes
        -----
        Nothing is changed when an error is raised: all keys are checked first.
        """
        plan = self._check(params, grads)
        self._begin_step()
        for key, param, grad, rebind in plan:
            self._step(key, param, grad)
            if rebind is not None:
                params[key] = rebind(param)

    def _check(self, params: Mapping, grads: Mapping) -> list[tuple]:
        """Validate every key; return `(key, array, grad, rebind)` for each parameter.

        `rebind` is None for arrays (updated in place) and, for a number, a function
        turning the 0-d working array back into a number of the parameter's type.
        """
        if not isinstance(params, Mapping) or not isinstance(grads, Mapping):
            raise TypeError(
                "update(params, grads) takes two dicts of str to array, got "
                f"{type(params).__name__} and {type(grads).__name__}"
            )
        missing = [key for key in params if key not in grads]
        if missing:
            raise KeyError(
                f"grads has no entry for {missing}; it needs one gradient per parameter "
                f"(params has {list(params)}, grads has {list(grads)}); nothing was "
                "updated"
            )
        plan = []
        for key, param in params.items():
            array, rebind = _as_parameter(key, param, params)
            grad = np.asarray(grads[key])
            if grad.dtype.kind not in "iuf":
                raise TypeError(
                    f"grads[{key!r}] has dtype {grad.dtype}; a gradient must be real "
                    "numbers (a floating-point array); nothing was updated"
                )
            if grad.shape != array.shape:
                raise ValueError(
                    f"grads[{key!r}] has shape {grad.shape} but params[{key!r}] has "
                    f"shape {array.shape}; a gradient must have exactly its "
                    "parameter's shape (nothing is broadcast); nothing was updated"
                )
            for name in self._state_names:
                state = getattr(self, name).get(key)
                if state is not None and state.shape != array.shape:
                    raise ValueError(
                        f"{type(self).__name__}.{name}[{key!r}] has shape {state.shape} "
                        f"from earlier updates, but params[{key!r}] now has shape "
                        f"{array.shape}; use a new optimizer for a new network; "
                        "nothing was updated"
                    )
            plan.append((key, array, grad, rebind))
        return plan

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


def _as_parameter(
    key: str, param: object, params: Mapping
) -> tuple[np.ndarray, Callable[[np.ndarray], float] | None]:
    """Return the array to update for `params[key]` and how to rebind a number.

    An ndarray is returned as is (updated in place, rebind None). A real number (the
    book's `optimizer_compare_naive.py` keeps Python floats) becomes a 0-d float array,
    and the returned function turns it back into a number after the step.
    """
    if isinstance(param, np.ndarray):
        if param.dtype.kind != "f":
            raise TypeError(
                f"params[{key!r}] has dtype {param.dtype}; an optimizer updates in place, "
                "which needs floating point: create it with dtype=np.float64 (or "
                "np.float32); nothing was updated"
            )
        if not param.flags.writeable:
            raise ValueError(
                f"params[{key!r}] is a read-only array and cannot be updated in place; "
                "pass a writeable copy (np.array(...)); nothing was updated"
            )
        return param, None
    if isinstance(param, (bool, np.bool_)) or not isinstance(param, (Real, np.number)):
        raise TypeError(
            f"params[{key!r}] is a {type(param).__name__}, not an ndarray or a number: "
            f"store np.array({reprlib.repr(param)}, dtype=float) (arrays are updated in "
            "place, so the layers sharing them see the change) or a float (replaced by "
            "its new value); nothing was updated"
        )
    if not isinstance(params, MutableMapping):
        raise TypeError(
            f"params[{key!r}] is a number, which update() replaces by its new value, but "
            f"params is a read-only {type(params).__name__}; pass a dict"
        )
    if isinstance(param, np.floating):
        return np.array(param), lambda a: a[()]
    return np.array(param, dtype=np.float64), float
