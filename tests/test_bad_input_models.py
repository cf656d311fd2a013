"""Bad input to the networks: a clear error that names the fix, and nothing changed.

Every case asserts the error type, that the message says what to do, and that the
network is as before the failed call: its parameters, and BatchNormalization's moving
averages (issue 12, groups 4-6). The models are small float64 versions of each kind.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from nnbook.layers import Affine, SoftmaxWithLoss
from nnbook.models import (
    MultiLayerNet,
    MultiLayerNetExtend,
    Network,
    SigmoidTwoLayerNet,
    SimpleConvNet,
    ThreeLayerNet,
    TwoLayerNet,
    init_network,
)

# Each model (3 classes) and the shape of one of its samples. To add one, add an entry.
MODELS: dict[str, tuple[Callable[..., Network], tuple[int, ...]]] = {
    "TwoLayerNet": (lambda **kw: TwoLayerNet(6, 5, 3, 0.5, rng=0, **kw), (6,)),
    "SigmoidTwoLayerNet": (
        lambda **kw: SigmoidTwoLayerNet(6, 5, 3, 0.5, rng=0, **kw),
        (6,),
    ),
    "MultiLayerNet": (lambda **kw: MultiLayerNet(6, [5, 4], 3, rng=0, **kw), (6,)),
    "MultiLayerNetExtend-bn": (
        lambda **kw: MultiLayerNetExtend(6, [5, 4], 3, use_batchnorm=True, rng=0, **kw),
        (6,),
    ),
    "SimpleConvNet": (
        lambda **kw: SimpleConvNet(
            (1, 6, 6),
            {"filter_num": 2, "filter_size": 3, "pad": 1, "stride": 1},
            hidden_size=4,
            output_size=3,
            rng=0,
            **kw,
        ),
        (1, 6, 6),
    ),
}


def batch(name: str, n: int = 8, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, *MODELS[name][1])), rng.integers(0, 3, n)


def trained(name: str) -> Network:
    """A network after one gradient step (BatchNorm has moving averages)."""
    net = MODELS[name][0]()
    grads = net.gradient(*batch(name))
    for key, g in grads.items():
        net.params[key] -= 0.1 * g
    return net


def snapshot(net: Network) -> dict:
    out = {k: v.copy() for k, v in net.params.items()}
    for name, layer in net.layers.items():
        for attr in ("running_mean", "running_var"):
            if hasattr(layer, attr):
                value = getattr(layer, attr)
                out[f"{name}.{attr}"] = None if value is None else value.copy()
    out["last_loss"] = net.last_loss
    return out


def assert_unchanged(net: Network, before: dict) -> None:
    after = snapshot(net)
    assert set(after) == set(before)
    for key, value in before.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(after[key], value, err_msg=key)
        else:
            assert after[key] == value, key


# Construction ----------------------------------------------------------------------


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("dtype", [int, np.int32, bool, "U3"], ids=str)
def test_a_network_of_a_non_floating_dtype_is_refused(name, dtype):
    with pytest.raises(ValueError, match=r"not a floating type; use np\.float64"):
        MODELS[name][0](dtype=dtype)


def test_a_network_of_parameters_in_another_dtype_is_refused():
    layers = {"Affine1": Affine(np.ones((2, 2), np.float32), np.zeros(2, np.float32))}
    with pytest.raises(ValueError, match="create the parameters with dtype=float64"):
        Network(layers, SoftmaxWithLoss())


# Bad batches: refused before any layer runs ----------------------------------------


def _with_none(x: np.ndarray) -> np.ndarray:
    out = x.astype(object)
    out.flat[1] = None
    return out


BAD_X = {  # how to spoil a good batch, the error and the fix its message must name
    "empty": (lambda x: x[:0], ValueError, r"non-empty batch"),
    "object-with-None": (_with_none, TypeError, r"np\.asarray\(x, dtype=float\)"),
    "strings": (lambda x: x.astype(str), TypeError, r"numeric array"),
    "scalar": (lambda x: np.float64(1.0), ValueError, r"x\[np\.newaxis\]"),
}


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("bad", BAD_X)
@pytest.mark.parametrize("method", ["predict", "loss", "gradient", "accuracy"])
def test_a_bad_batch_is_refused_and_changes_nothing(name, bad, method):
    net = trained(name)
    spoil, error, match = BAD_X[bad]
    x = spoil(batch(name)[0])
    t = np.zeros(len(x) if np.ndim(x) else 0, dtype=int)
    before = snapshot(net)
    if method == "accuracy" and bad in ("empty", "scalar"):
        match = "empty batch is undefined; pass some samples"
    args = (x,) if method == "predict" else (x, t)
    with pytest.raises(error, match=match):
        getattr(net, method)(*args)
    assert_unchanged(net, before)


def test_a_single_sample_without_the_batch_axis_is_refused():
    net = trained("TwoLayerNet")
    before = snapshot(net)
    with pytest.raises(ValueError, match=r"x\[np\.newaxis\]"):
        net.predict(np.ones(6))
    assert_unchanged(net, before)


def test_three_layer_net_accuracy_of_an_empty_batch_is_refused():
    net = ThreeLayerNet(init_network())
    with pytest.raises(ValueError, match="pass some samples"):
        net.accuracy(np.empty((0, 2)), np.empty(0, dtype=int))


# Bad targets ---------------------------------------------------------------------

BAD_T_ACCURACY = {
    "labels-(N,1)": (lambda t: t[:, None], r"t\.ravel\(\)"),
    "wrong-length": (lambda t: t[:5], r"integer labels of shape \(8,\)"),
    "float-labels": (lambda t: t.astype(float), r"integer labels of shape \(8,\)"),
    "one-hot-too-wide": (lambda t: np.eye(4)[t], r"4 classes but the network outputs 3"),
    "3-d": (lambda t: t[:, None, None], r"one-hot targets of shape \(8, C\)"),
}


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("bad", BAD_T_ACCURACY)
def test_accuracy_refuses_targets_that_do_not_fit_and_changes_nothing(name, bad):
    net = trained(name)
    x, t = batch(name)
    spoil, match = BAD_T_ACCURACY[bad]
    before = snapshot(net)
    with pytest.raises(ValueError, match=match):
        net.accuracy(x, spoil(t))
    assert_unchanged(net, before)


BAD_T_LOSS = {
    "label-minus-one": (lambda t: np.where(np.arange(8) == 2, -1, t), r"lie in \[0, 3\)"),
    "label-too-large": (lambda t: np.where(np.arange(8) == 2, 3, t), r"lie in \[0, 3\)"),
    "labels-(N,1)": (lambda t: t[:, None], r"integer labels of shape \(8,\)"),
}


@pytest.mark.parametrize(
    ("name", "method"),
    [(name, method) for name in MODELS for method in ("loss", "gradient")],
)
@pytest.mark.parametrize("bad", BAD_T_LOSS)
def test_loss_and_gradient_refuse_bad_labels_and_change_nothing(name, method, bad):
    net = trained(name)
    x, t = batch(name)
    spoil, match = BAD_T_LOSS[bad]
    before = snapshot(net)
    with pytest.raises(ValueError, match=match):
        getattr(net, method)(x, spoil(t))
    assert_unchanged(net, before)


# Loading parameters --------------------------------------------------------------


@pytest.mark.parametrize(
    ("spoil", "error", "match"),
    [
        (lambda v: v.pop("W2"), KeyError, r"missing parameters \['W2'\]"),
        (lambda v: v.__setitem__("W9", np.ones(2)), KeyError, r"unknown keys \['W9'\]"),
        (lambda v: v.__setitem__("b2", np.ones(4)), ValueError, "saved from a network of"),
    ],
    ids=["missing", "unknown", "wrong-shape"],
)
def test_a_failed_load_names_the_problem_and_changes_nothing(spoil, error, match):
    net = trained("TwoLayerNet")
    values = {k: v + 1.0 for k, v in net.params.items()}
    spoil(values)
    before = snapshot(net)
    with pytest.raises(error, match=match):
        net.load_params(values)
    assert_unchanged(net, before)


def test_a_load_with_values_that_are_not_numbers_changes_nothing():
    net = trained("TwoLayerNet")
    values = {k: v + 1.0 for k, v in net.params.items()}
    values["b2"] = np.array(["a", "b", "c"])
    before = snapshot(net)
    with pytest.raises(TypeError, match="not numbers"):
        net.load_params(values)
    assert_unchanged(net, before)


# BatchNorm networks before training -----------------------------------------------


def test_an_untrained_batchnorm_network_predicts_without_blowing_up():
    net = MultiLayerNetExtend(6, [5, 4], 3, use_batchnorm=True, activation="sigmoid", rng=0)
    plain = MultiLayerNetExtend(6, [5, 4], 3, activation="sigmoid", rng=0)
    x, _ = batch("MultiLayerNet")
    # gamma = 1 and beta = 0: before training the BatchNorm layers pass x on as is.
    np.testing.assert_allclose(net.predict(x), plain.predict(x), rtol=1e-12)
