"""MultiLayerNet and MultiLayerNetExtend: gradient checks and the network contract."""

from __future__ import annotations

import re

import numpy as np
import pytest

from nnbook.gradient_check import relative_error
from nnbook.layers import Dropout
from nnbook.models import MultiLayerNet, MultiLayerNetExtend
from nnbook.optimizers import SGD
from support import FixedMask


def _prepare(net, rng: np.random.Generator):
    """Give the biases non-zero values (keeps ReLU inputs off the kink at 0 even where
    Dropout zeroed a whole row) and fix the Dropout masks."""
    for key, p in net.params.items():
        if re.fullmatch(r"b\d+", key):
            p[...] = 0.1 * rng.standard_normal(p.shape) + 0.1
    for i, layer in enumerate(net.layers.values()):
        if isinstance(layer, Dropout):
            layer.rng = FixedMask(100 + i)
    return net


def _check(net, n: int = 8, seed: int = 0) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    _prepare(net, rng)
    x = rng.standard_normal((n, net.input_size))
    t = rng.integers(0, net.output_size, n)
    grads = net.gradient(x, t)
    numeric = net.numerical_gradient(x, t)
    assert list(grads) == list(net.params) == list(numeric)
    errors = {}
    last_bias = f"b{net.hidden_layer_num + 1}"
    for key in net.params:
        assert grads[key].shape == net.params[key].shape
        if net.use_batchnorm and re.fullmatch(r"b\d+", key) and key != last_bias:
            # A bias just before BatchNorm cancels out: its true gradient is 0.
            assert np.abs(grads[key]).max() < 1e-12
            assert np.abs(numeric[key]).max() < 1e-8
            continue
        errors[key] = relative_error(grads[key], numeric[key])
    return errors


NETS = {
    "relu": lambda: MultiLayerNet(6, [5, 4], 3, rng=1),
    "sigmoid-xavier": lambda: MultiLayerNet(
        6, [5, 4], 3, activation="sigmoid", weight_init_std="xavier", rng=2
    ),
    "weight-decay": lambda: MultiLayerNet(6, [5, 4, 4], 3, weight_decay_lambda=0.3, rng=3),
    "extend-plain": lambda: MultiLayerNetExtend(6, [5, 4], 3, rng=4),
    "batchnorm": lambda: MultiLayerNetExtend(6, [5, 4], 3, use_batchnorm=True, rng=5),
    "dropout": lambda: MultiLayerNetExtend(
        6, [8, 8], 3, use_dropout=True, dropout_ratio=0.3, rng=6
    ),
    "batchnorm-dropout-decay-sigmoid": lambda: MultiLayerNetExtend(
        6,
        [8, 8],
        3,
        activation="sigmoid",
        weight_decay_lambda=0.2,
        use_dropout=True,
        dropout_ration=0.2,
        use_batchnorm=True,
        rng=7,
    ),
}


@pytest.mark.parametrize("make", NETS.values(), ids=NETS.keys())
def test_backprop_matches_numerical_gradient(make):
    errors = _check(make())
    # h = 1e-4 (the book's step) leaves a truncation error of about 1e-6 relative.
    assert max(errors.values()) < 1e-5, errors


def test_batch_of_one_makes_batchnorm_degenerate():
    # Why the checks use a real batch: with N = 1 every normalised value is 0, and so
    # the weights below the BatchNorm get no gradient at all.
    net = MultiLayerNetExtend(6, [5], 3, use_batchnorm=True, rng=0)
    grads = net.gradient(np.ones((1, 6)), np.array([1]))
    assert np.all(grads["W1"] == 0)


def test_params_are_shared_with_layers_and_updates_reach_them():
    net = MultiLayerNetExtend(4, [3, 3], 2, use_batchnorm=True, rng=0)
    for idx in (1, 2, 3):
        assert net.params[f"W{idx}"] is net.layers[f"Affine{idx}"].params["W"]
        assert net.params[f"b{idx}"] is net.layers[f"Affine{idx}"].params["b"]
    assert net.params["gamma1"] is net.layers["BatchNorm1"].params["gamma"]
    before = net.params["W1"].copy()
    x, t = np.random.default_rng(1).standard_normal((5, 4)), np.array([0, 1, 0, 1, 1])
    SGD(lr=0.1).update(net.params, net.gradient(x, t))
    assert not np.array_equal(net.layers["Affine1"].W, before)


def test_layer_names_follow_the_book():
    net = MultiLayerNetExtend(4, [3, 3], 2, use_batchnorm=True, use_dropout=True, rng=0)
    assert list(net.layers) == [
        "Affine1", "BatchNorm1", "Activation_function1", "Dropout1",
        "Affine2", "BatchNorm2", "Activation_function2", "Dropout2",
        "Affine3",
    ]  # fmt: skip
    assert set(net.params) == {"W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2",
                               "beta2", "W3", "b3"}  # fmt: skip


def test_loss_adds_half_lambda_sum_of_squared_weights():
    rng = np.random.default_rng(0)
    x, t = rng.standard_normal((5, 4)), rng.integers(0, 2, 5)
    plain = MultiLayerNet(4, [3], 2, rng=9)
    decayed = MultiLayerNet(4, [3], 2, weight_decay_lambda=0.1, rng=9)
    squares = sum(np.sum(plain.params[k] ** 2) for k in ("W1", "W2"))
    assert decayed.loss(x, t) == pytest.approx(plain.loss(x, t) + 0.05 * squares, 1e-12)


def test_weight_init_scales():
    net = MultiLayerNet(784, [100, 100], 10, weight_init_std="he", rng=0)
    assert net.params["W1"].std() == pytest.approx(np.sqrt(2 / 784), rel=0.02)
    assert net.params["W2"].std() == pytest.approx(np.sqrt(2 / 100), rel=0.02)
    net = MultiLayerNet(784, [100], 10, weight_init_std=0.01, rng=0)
    assert net.params["W1"].std() == pytest.approx(0.01, rel=0.02)
    assert not net.params["b1"].any()


def test_seed_gives_same_weights_in_float32_and_float64():
    a = MultiLayerNet(10, [5], 3, rng=42)
    b = MultiLayerNet(10, [5], 3, rng=42, dtype=np.float32)
    assert b.params["W1"].dtype == np.float32
    np.testing.assert_allclose(b.params["W1"], a.params["W1"], rtol=1e-6)
    x = np.random.default_rng(0).standard_normal((4, 10)).astype(np.float32)
    grads = b.gradient(x, np.array([0, 1, 2, 0]))
    assert all(g.dtype == np.float32 for g in grads.values())
    assert isinstance(b.last_loss, float)


def test_predict_defaults_to_inference_mode():
    net = MultiLayerNetExtend(4, [50], 3, use_dropout=True, use_batchnorm=True, rng=0)
    x = np.random.default_rng(1).standard_normal((6, 4))
    for _ in range(3):
        net.gradient(x, np.array([0, 1, 2, 0, 1, 2]))
    np.testing.assert_array_equal(net.predict(x), net.predict(x))
    assert not np.array_equal(
        net.predict(x, train_flg=True), net.predict(x, train_flg=True)
    )


def test_accuracy_accepts_labels_and_one_hot():
    net = MultiLayerNet(4, [3], 3, rng=0)
    x = np.random.default_rng(1).standard_normal((20, 4))
    t = np.random.default_rng(2).integers(0, 3, 20)
    assert net.accuracy(x, t) == net.accuracy(x, np.eye(3)[t])
    pred = net.predict(x).argmax(axis=1)
    assert net.accuracy(x, pred) == 1.0


def test_dropout_ratio_spellings():
    a = MultiLayerNetExtend(4, [3], 2, use_dropout=True, dropout_ration=0.2)
    b = MultiLayerNetExtend(4, [3], 2, use_dropout=True, dropout_ratio=0.2)
    assert a.layers["Dropout1"].dropout_ratio == b.layers["Dropout1"].dropout_ratio == 0.2
    assert MultiLayerNetExtend(4, [3], 2, use_dropout=True).dropout_ratio == 0.5
    with pytest.raises(TypeError, match="not both"):
        MultiLayerNetExtend(4, [3], 2, dropout_ration=0.2, dropout_ratio=0.2)


def test_unknown_activation_and_init_are_refused():
    with pytest.raises(ValueError, match="activation"):
        MultiLayerNet(4, [3], 2, activation="tanh")
    with pytest.raises(ValueError, match="weight_init_std"):
        MultiLayerNet(4, [3], 2, weight_init_std="glorot")
