r"""The network core: ordered layers and a loss layer, on which every model stands."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from nnbook.gradient import numerical_gradient as _numerical_gradient
from nnbook.layers import Layer, LossLayer

__all__ = ["Network", "check_float_dtype"]


def check_float_dtype(dtype: DTypeLike) -> np.dtype:
    """Return `dtype` as a NumPy floating dtype, or raise a `ValueError` naming the fix.

    Parameters
    ----------
    dtype : dtype-like
        For example `np.float32` or `"float64"`.

    Returns
    -------
    numpy.dtype

    Raises
    ------
    ValueError
        If `dtype` is not a floating type: integer weights would be all zeros and
        gradients would be truncated.

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.models import check_float_dtype
    >>> print(check_float_dtype("float32"))
    float32
    >>> check_float_dtype(int)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: a network computes in floating point: dtype int64 is not a floating type;...
    """
    dt = np.dtype(dtype)
    if not np.issubdtype(dt, np.floating):
        raise ValueError(
            f"a network computes in floating point: dtype {dt} is not a floating type; "
            "use np.float64 (the book's numbers) or np.float32 (faster)"
        )
    return dt


def _default_param_names(layers: Mapping[str, Layer]) -> dict[str, tuple[str, str]]:
    """Name the layers' parameters the book's way: `W1`, `b1`, `gamma1`, `W2`...

    Each layer holding a `W` starts the next number; every parameter of that layer,
    and of the parameter layers after it that hold no `W` (BatchNormalization's
    `gamma`, `beta`), takes that number.
    """
    names: dict[str, tuple[str, str]] = {}
    k = 0
    for layer_name, layer in layers.items():
        if "W" in layer.params:
            k += 1
        for p in layer.params:
            key = f"{p}{max(k, 1)}"
            if key in names:
                raise ValueError(
                    f"two parameters would both be called {key!r} ({names[key]} and "
                    f"{(layer_name, p)}); pass param_names to name them"
                )
            names[key] = (layer_name, p)
    return names


class Network:
    r"""A network of layers ending in a loss layer: the core every nnbook model uses.

    The book writes each network (`TwoLayerNet`, `MultiLayerNet`, `SimpleConvNet`,
    `DeepConvNet`) with its own copy of `predict`, `loss`, `accuracy` and `gradient`;
    they differ only in their layers. Here they are written once: a model builds its
    ordered `layers` and its `last_layer` and hands them to this class.

    Book: chapter 5, section 5.7 (the layered network), and the networks of
    chapters 6-8 that repeat it.

    Parameters
    ----------
    layers : mapping of str to Layer
        The layers in forward order, under the book's names (`Affine1`, `Relu1`...).
    last_layer : LossLayer
        The loss at the end (the book's `lastLayer`), e.g. `SoftmaxWithLoss()`.
    dtype : dtype, default=float64
        The one dtype the network computes in; every parameter must have it. float64
        gives the book's numbers; float32 is the fast path (about twice as fast).
        Integer dtypes are refused.
    weight_decay_lambda : float, default=0
        Strength $\lambda$ of L2 weight decay on every `W` parameter.
    param_names : mapping of str to (str, str), optional
        The network's parameter names, each mapped to (layer name, the layer's
        parameter name). By default the book's numbering: every layer with a `W`
        starts the next number (`Affine1.W` → `W1`, `Affine1.b` → `b1`), and a
        parameter layer without `W` after it shares that number
        (`BatchNorm1.gamma` → `gamma1`).

    Attributes
    ----------
    params : dict of str to ndarray
        The very arrays the layers hold (`params["W1"] is layers["Affine1"].W`):
        updating them in place, as every optimizer does, updates the layers.
    layers : dict of str to Layer
    last_layer : LossLayer
    param_names : dict of str to (str, str)
    dtype : numpy.dtype
    weight_decay_lambda : float
    last_loss : float or None
        The loss of the latest `gradient` call, computed on the way (what `Trainer`
        records).

    Notes
    -----
    With $L_0$ the last layer's loss, the loss is
    $L = L_0 + \frac{\lambda}{2}\sum_l \|W_l\|^2$ and `gradient` adds $\lambda W_l$ to
    each `W` gradient (biases and BatchNorm parameters are not decayed, as in the
    book).

    `predict`, `loss` and `gradient` cast `x` to `dtype` once (no copy when it already
    has it), so everything inside runs in one dtype: the book's code silently
    computes float32 data in float64 in places, which costs speed and hides bugs.

    `gradient` runs the forward pass in training mode, then `backward` through the
    loss and the layers in reverse, and reads each layer's `grads`. The first layer
    is told not to compute the gradient with respect to the input (nobody needs the
    gradient of the loss with respect to an MNIST image when training); `backward`
    does compute it, for the GAN, whose generator learns through the discriminator's
    input gradient.

    Examples
    --------
    A network put together by hand: 3 inputs, 4 hidden ReLU units, 2 classes.

    >>> import numpy as np
    >>> from nnbook.layers import Affine, Relu, SoftmaxWithLoss
    >>> from nnbook.models import Network
    >>> rng = np.random.default_rng(0)
    >>> net = Network(
    ...     {"Affine1": Affine(rng.standard_normal((3, 4)), np.zeros(4)),
    ...      "Relu1": Relu(),
    ...      "Affine2": Affine(rng.standard_normal((4, 2)), np.zeros(2))},
    ...     SoftmaxWithLoss())
    >>> print(net.param_names)
    {'W1': ('Affine1', 'W'), 'b1': ('Affine1', 'b'), 'W2': ('Affine2', 'W'), 'b2': ('Affine2', 'b')}
    >>> print(net.params["W1"] is net.layers["Affine1"].W)
    True
    >>> x, t = rng.standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])
    >>> grads = net.gradient(x, t)
    >>> print({key: g.shape for key, g in grads.items()})
    {'W1': (3, 4), 'b1': (4,), 'W2': (4, 2), 'b2': (2,)}
    >>> print(round(net.last_loss, 6), net.accuracy(x, t))
    0.960483 0.6

    The gradient with respect to the input, for a caller that needs it (the GAN's
    generator learns through it), after a forward pass:

    >>> loss = net.loss(x, t)
    >>> print(net.backward().shape)
    (5, 3)
    """  # noqa: E501

    def __init__(
        self,
        layers: Mapping[str, Layer],
        last_layer: LossLayer,
        *,
        dtype: DTypeLike = np.float64,
        weight_decay_lambda: float = 0.0,
        param_names: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        dtype = check_float_dtype(dtype)
        layers = dict(layers)
        if not layers:
            raise ValueError("a network needs at least one layer")
        if not isinstance(last_layer, LossLayer):
            raise TypeError(
                f"last_layer must be a LossLayer such as SoftmaxWithLoss(), got "
                f"{type(last_layer).__name__}"
            )
        names = _default_param_names(layers) if param_names is None else dict(param_names)
        params: dict[str, np.ndarray] = {}
        for key, (layer_name, p) in names.items():
            try:
                array = layers[layer_name].params[p]
            except KeyError:
                raise KeyError(
                    f"param_names[{key!r}] = {(layer_name, p)!r} names no parameter of "
                    "the layers"
                ) from None
            if array.dtype != dtype:
                raise ValueError(
                    f"parameter {key} ({layer_name}.{p}) is {array.dtype} but the "
                    f"network's dtype is {dtype}; create the parameters with "
                    f"dtype={dtype}"
                )
            params[key] = array
        self.layers: dict[str, Layer] = layers
        self.last_layer = last_layer
        self.dtype = dtype
        self.weight_decay_lambda = float(weight_decay_lambda)
        self.param_names: dict[str, tuple[str, str]] = names
        self.params: dict[str, np.ndarray] = params
        self.last_loss: float | None = None

    # -- the forward pass --------------------------------------------------------------

    def _cast(self, x: ArrayLike) -> np.ndarray:
        """Return `x` as an array of the network's dtype, refusing what cannot be one."""
        x = np.asarray(x)
        if x.dtype.kind not in "biufc":  # bool, integers, floats, complex
            raise TypeError(
                f"x must be a numeric array, got dtype {x.dtype}; convert it with "
                "np.asarray(x, dtype=float) after removing non-numbers"
            )
        if x.ndim == 0 or x.shape[0] == 0:
            raise ValueError(
                f"x must be a non-empty batch (N, ...), got shape {x.shape}; for one "
                "sample use x[np.newaxis]"
            )
        return x.astype(self.dtype, copy=False)

    def predict(self, x: ArrayLike, train_flg: bool = False) -> np.ndarray:
        """Return the scores (before softmax) for a batch.

        Parameters
        ----------
        x : array_like of shape (N, ...)
            Inputs, cast to the network's dtype.
        train_flg : bool, default=False
            Training mode for Dropout and BatchNormalization layers.

        Returns
        -------
        ndarray of shape (N, C), of the network's dtype
        """
        return self._forward(x, train_flg)

    def _forward(self, x: ArrayLike, train_flg: bool, borrow: bool = False) -> np.ndarray:
        """Run the layers (not the loss); what `loss` and `accuracy` build on.

        With `borrow`, layers that can (`Affine`) keep references to their inputs
        instead of copies: only for a caller whose `backward` follows before anyone
        can change `x` (`gradient`).
        """
        x = self._cast(x)
        for layer in self.layers.values():
            if borrow and layer.can_borrow_x:
                x = layer.forward(x, train_flg, copy_x=False)  # type: ignore[call-arg]
            else:
                x = layer.forward(x, train_flg)
        return x

    def _weight_decay(self) -> float:
        lam = self.weight_decay_lambda
        if not lam:
            return 0.0
        total = sum(float(np.vdot(W, W)) for W in self._decayed().values())
        return 0.5 * lam * total

    def _decayed(self) -> dict[str, np.ndarray]:
        """Return the parameters weight decay applies to: every layer's `W`."""
        return {k: self.params[k] for k, (_, p) in self.param_names.items() if p == "W"}

    def loss(self, x: ArrayLike, t: ArrayLike, train_flg: bool = True) -> np.floating:
        """Return the loss of the batch: the last layer's loss plus weight decay.

        Parameters
        ----------
        x : array_like of shape (N, ...)
            Inputs.
        t : array_like of shape (N,) (labels) or (N, C) (one-hot)
            Targets.
        train_flg : bool, default=True
            Training mode for Dropout and BatchNormalization layers (the loss is
            what training minimises).

        Returns
        -------
        scalar of the network's dtype
        """
        return self._loss(x, t, train_flg)

    def _loss(
        self, x: ArrayLike, t: ArrayLike, train_flg: bool, borrow: bool = False
    ) -> np.floating:
        saved = self._save_moving_averages() if train_flg else None
        try:
            y = self._forward(x, train_flg, borrow)
            loss = self.last_layer.forward(y, t)
        except Exception:
            # A refused input or target must not leave BatchNorm's averages updated.
            if saved is not None:
                self._restore_moving_averages(saved)
            raise
        decay = self._weight_decay()
        return loss + self.dtype.type(decay) if decay else loss

    def accuracy(self, x: ArrayLike, t: ArrayLike, batch_size: int = 100) -> float:
        """Return the fraction of samples whose highest score is the target class.

        The inputs are run through `predict` (inference mode) `batch_size` at a time,
        as the book's chapter 7-8 networks do, so that memory stays bounded; a last,
        smaller batch is counted too.

        Parameters
        ----------
        x : array_like of shape (N, ...)
            Inputs.
        t : array_like of shape (N,) (integer labels) or (N, C) (one-hot)
            Targets.
        batch_size : int, default=100
            Samples per forward pass.

        Returns
        -------
        float

        Raises
        ------
        ValueError
            If `t` is not (N,) labels or (N, C) one-hot for the N rows of `x`.
        """
        if int(batch_size) < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        x = np.asarray(x)
        labels = self._labels(t, len(x) if x.ndim else 0)
        correct = 0
        for start in range(0, len(x), batch_size):
            y = self._forward(x[start : start + batch_size], train_flg=False)
            if np.ndim(t) == 2 and y.shape[1] != np.shape(t)[1]:
                raise ValueError(
                    f"one-hot targets have {np.shape(t)[1]} classes but the network "
                    f"outputs {y.shape[1]}"
                )
            correct += int(
                np.sum(np.argmax(y, axis=1) == labels[start : start + batch_size])
            )
        return correct / len(x)

    @staticmethod
    def _labels(t: ArrayLike, n: int) -> np.ndarray:
        t = np.asarray(t)
        if n == 0:
            raise ValueError("accuracy of an empty batch is undefined; pass some samples")
        if t.ndim == 2 and t.shape[0] == n and t.shape[1] > 1:
            return np.argmax(t, axis=1)
        if t.ndim == 1 and t.shape[0] == n and np.issubdtype(t.dtype, np.integer):
            return t
        raise ValueError(
            f"targets of shape {t.shape} (dtype {t.dtype}) do not fit {n} samples: pass "
            f"integer labels of shape ({n},) or one-hot targets of shape ({n}, C)"
            + ("; labels of shape (N, 1) need t.ravel()" if t.shape == (n, 1) else "")
        )

    # -- the backward pass -------------------------------------------------------------

    def _backward(self, dout: float, need_dx: bool) -> np.ndarray | None:
        d = self.last_layer.backward(dout)
        layers = list(self.layers.values())
        for layer in reversed(layers[1:]):
            d = layer.backward(d)
        first = layers[0]
        if not need_dx and first.can_skip_dx:
            return first.backward(d, need_dx=False)
        return first.backward(d)

    def backward(self, dout: float = 1) -> np.ndarray:
        """Backpropagate from the loss of the latest forward pass; return `dx`.

        Fills every layer's `grads` (read them with `gradient`) and returns the
        gradient of `dout` times the loss with respect to the network's input.

        Parameters
        ----------
        dout : float, default=1
            Gradient of the final objective with respect to the loss.

        Returns
        -------
        ndarray of the input's shape

        Raises
        ------
        RuntimeError
            If no forward pass (`loss`) ran before.
        """
        return self._backward(dout, need_dx=True)

    def _collect_grads(self) -> dict[str, np.ndarray]:
        grads = {
            key: self.layers[layer].grads[p] for key, (layer, p) in self.param_names.items()
        }
        lam = self.weight_decay_lambda
        if lam:
            for key, W in self._decayed().items():
                grads[key] = grads[key] + lam * W
        return grads

    def gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, np.ndarray]:
        """Return the gradient of `loss(x, t)` (training mode) by backpropagation.

        Parameters
        ----------
        x : array_like of shape (N, ...)
            Inputs.
        t : array_like of shape (N,) or (N, C)
            Targets.

        Returns
        -------
        dict of str to ndarray
            One entry per key of `params`, same shapes; the loss of this forward pass
            is kept in `last_loss`.
        """
        # backward follows at once, before the caller can change x: no copies of it.
        self.last_loss = float(self._loss(x, t, train_flg=True, borrow=True))
        self._backward(1, need_dx=False)
        return self._collect_grads()

    def numerical_gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, np.ndarray]:
        """Return the gradient of `loss(x, t)` (training mode) by central differences.

        Two forward passes per parameter entry: use it to check `gradient` on a small
        network in float64, not to train. The book's `numerical_gradient_2d` and each
        network's own copy of this method are all this one.

        Parameters
        ----------
        x : array_like of shape (N, ...)
            Inputs; use N > 1 with BatchNormalization, and fix Dropout's masks (a
            new mask every forward would make the differences meaningless).
        t : array_like of shape (N,) or (N, C)
            Targets.

        Returns
        -------
        dict of str to ndarray
            One entry per key of `params`.
        """

        # numerical_gradient perturbs each array in place, which is what loss() reads.
        def loss_w(_: np.ndarray) -> float:
            return self.loss(x, t, train_flg=True)

        return {key: _numerical_gradient(loss_w, p) for key, p in self.params.items()}

    # -- saving and loading ------------------------------------------------------------

    def save_params(self, path: str | os.PathLike) -> None:
        """Save the parameters to a NumPy `.npz` file, under the keys of `params`.

        BatchNormalization's moving averages are saved too, as
        `"<layer>.running_mean"` and `"<layer>.running_var"`.

        Parameters
        ----------
        path : str or path-like
            The file; NumPy adds `.npz` when missing.
        """
        np.savez(path, **self.params, **self._buffers())

    def _save_moving_averages(self) -> list[tuple[Layer, str, Any]]:
        """Return BatchNorm's moving averages as they are now (for an undo).

        The layers rebind these arrays on every update (never write into them), so
        keeping references is enough.
        """
        return [
            (layer, attr, getattr(layer, attr))
            for layer in self.layers.values()
            for attr in ("running_mean", "running_var")
            if hasattr(layer, attr)
        ]

    @staticmethod
    def _restore_moving_averages(saved: list[tuple[Layer, str, Any]]) -> None:
        """Put back what `_save_moving_averages` returned."""
        for layer, attr, value in saved:
            setattr(layer, attr, value)

    def _buffers(self) -> dict[str, np.ndarray]:
        out = {}
        for name, layer in self.layers.items():
            for attr in ("running_mean", "running_var"):
                value = getattr(layer, attr, None)
                if isinstance(value, np.ndarray):
                    out[f"{name}.{attr}"] = value
        return out

    def load_params(self, source: str | os.PathLike | Mapping[str, Any]) -> None:
        """Copy parameters into the network's arrays from a `.npz` file or a mapping.

        The values are copied into the existing arrays, so the arrays stay shared with
        the layers. Every key and shape is checked before anything is written: a
        failed load changes nothing. The book's pickles load through
        [`load_book_params`][nnbook.datasets.load_book_params], which returns a
        mapping this method accepts.

        Parameters
        ----------
        source : str, path-like or mapping of str to array_like
            An `.npz` file written by `save_params`, or a dict such as
            `{"W1": ..., "b1": ...}`. Values are cast to the network's dtype.

        Raises
        ------
        KeyError
            If a parameter is missing or an unknown key is given.
        ValueError
            If a shape differs.
        """
        if isinstance(source, Mapping):
            values = dict(source)
        else:
            with np.load(source, allow_pickle=False) as data:
                values = {key: data[key] for key in data.files}
        missing = sorted(set(self.params) - set(values))
        unknown = sorted(k for k in values if k not in self.params and not self._buffer(k))
        if missing or unknown:
            raise KeyError(
                f"cannot load: missing parameters {missing}, unknown keys {unknown}; "
                f"the network's parameters are {list(self.params)}"
            )
        checked = {}
        for key, value in values.items():
            value = np.asarray(value)
            if not (np.issubdtype(value.dtype, np.number) or value.dtype == np.bool_):
                raise TypeError(
                    f"cannot load {key}: its values are not numbers (dtype {value.dtype}); "
                    "nothing was loaded"
                )
            shape = self.params[key].shape if key in self.params else self._buffer(key)
            if value.shape != shape:
                raise ValueError(
                    f"cannot load {key}: shape {value.shape} does not match the "
                    f"network's {shape}; was it saved from a network of other sizes?"
                )
            checked[key] = value
        for key, value in checked.items():
            if key in self.params:
                self.params[key][...] = value
            else:
                name, attr = key.rsplit(".", 1)
                setattr(self.layers[name], attr, value.astype(self.dtype))

    def _buffer(self, key: str) -> tuple[int, ...] | None:
        """Return the shape of a BatchNorm moving average `"<layer>.<attr>"`, or None."""
        name, _, attr = key.rpartition(".")
        layer = self.layers.get(name)
        if attr not in ("running_mean", "running_var") or not hasattr(layer, attr):
            return None
        return layer.params["gamma"].shape

    def __repr__(self) -> str:
        return f"{type(self).__name__}({' → '.join(self.layers)}, dtype={self.dtype})"
