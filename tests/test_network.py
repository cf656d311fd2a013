"""The network core: every model is a `Network`, and the core keeps its promises.

Each entry of ``MODELS`` makes a small float64 network and a batch for it; every test
below runs on each. To add a model (SimpleConvNet, DeepConvNet, the GAN's networks),
append one ``Model`` (a factory taking ``dtype`` and the input shape of one sample).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

from nnbook.gradient import numerical_gradient
from nnbook.gradient_check import relative_error
from nnbook.layers import Affine, Relu, SoftmaxWithLoss
from nnbook.models import (
    DeepConvNet,
    MultiLayerNet,
    MultiLayerNetExtend,
    Network,
    SigmoidTwoLayerNet,
    SimpleConvNet,
    ThreeLayerNet,
    TwoLayerNet,
    init_network,
)
from support import FixedMask


def _small_deep_conv_net(dtype) -> DeepConvNet:
    """Chapter 8's network, two filters per convolution, on 1×6×6 images."""
    two = {"filter_num": 2}
    net = DeepConvNet((1, 6, 6), two, two, two, two, two, two, hidden_size=4,
                      output_size=3, rng=0, dtype=dtype)  # fmt: skip
    for name in ("Dropout1", "Dropout2"):
        net.layers[name].rng = FixedMask(7)  # one function for numerical gradients
    return net


@dataclass
class Model:
    id: str
    make: Callable[..., Network]
    x_shape: tuple[int, ...]  # one sample
    classes: int


MODELS = [
    Model(
        "TwoLayerNet", lambda dtype: TwoLayerNet(6, 5, 3, 0.5, rng=0, dtype=dtype), (6,), 3
    ),
    Model(
        "SigmoidTwoLayerNet",
        lambda dtype: SigmoidTwoLayerNet(6, 5, 3, 0.5, rng=0, dtype=dtype),
        (6,),
        3,
    ),
    Model(
        "ThreeLayerNet",
        lambda dtype: ThreeLayerNet(
            {k: v.astype(dtype) for k, v in init_network().items()}, output="identity"
        ),
        (2,),
        2,
    ),
    Model(
        "MultiLayerNet-decay",
        lambda dtype: MultiLayerNet(
            6, [5, 4], 3, weight_decay_lambda=0.1, rng=0, dtype=dtype
        ),
        (6,),
        3,
    ),
    Model(
        "MultiLayerNetExtend-bn",
        lambda dtype: MultiLayerNetExtend(
            6, [5, 4], 3, use_batchnorm=True, rng=0, dtype=dtype
        ),
        (6,),
        3,
    ),
    Model(
        "SimpleConvNet",
        lambda dtype: SimpleConvNet(
            (2, 7, 6),
            {"filter_num": 3, "filter_size": 3, "pad": 1},
            5,
            3,
            0.5,
            rng=0,
            dtype=dtype,
        ),
        (2, 7, 6),
        3,
    ),
    Model("DeepConvNet", _small_deep_conv_net, (1, 6, 6), 3),
]


@pytest.fixture(params=MODELS, ids=lambda m: m.id)
def model(request) -> Model:
    return request.param


def _batch(model: Model, n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, *model.x_shape))
    t = rng.integers(0, model.classes, n)
    return x, t


def test_every_model_is_a_network(model):
    assert isinstance(model.make(np.float64), Network)


def _assert_shared(net: Network):
    for key, (layer, p) in net.param_names.items():
        assert net.params[key] is net.layers[layer].params[p], key


def test_params_are_the_layers_arrays_after_construction_and_loading(model, tmp_path):
    net = model.make(np.float64)
    _assert_shared(net)
    other = model.make(np.float64)
    for p in other.params.values():
        p += 1.0
    path = tmp_path / "params.npz"
    other.save_params(path)
    net.load_params(path)
    _assert_shared(net)
    for key in net.params:
        np.testing.assert_array_equal(net.params[key], other.params[key])
    net.load_params({k: v * 2 for k, v in other.params.items()})
    _assert_shared(net)
    np.testing.assert_array_equal(net.params["W1"], 2 * other.params["W1"])


def test_a_failed_load_changes_nothing(model):
    net = model.make(np.float64)
    before = {k: v.copy() for k, v in net.params.items()}
    good = {k: np.zeros_like(v) for k, v in net.params.items()}
    last = list(good)[-1]
    bad_shape = dict(good, **{last: np.zeros((7, 7))})
    with pytest.raises(ValueError, match=f"cannot load {last}: shape"):
        net.load_params(bad_shape)
    missing = {k: v for k, v in good.items() if k != last}
    with pytest.raises(KeyError, match=f"missing parameters \\['{last}'\\]"):
        net.load_params(missing)
    with pytest.raises(KeyError, match="unknown keys \\['W99'\\]"):
        net.load_params(dict(good, W99=np.zeros(1)))
    for k, v in net.params.items():
        np.testing.assert_array_equal(v, before[k])


@pytest.mark.parametrize("net_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("x_dtype", [np.float32, np.float64])
def test_one_dtype_everywhere(model, net_dtype, x_dtype):
    net = model.make(net_dtype)
    x, t = _batch(model, 4)
    x = x.astype(x_dtype)
    assert all(p.dtype == net_dtype for p in net.params.values())
    assert net.predict(x).dtype == net_dtype
    assert net.loss(x, t).dtype == net_dtype
    grads = net.gradient(x, t)
    assert all(g.dtype == net_dtype for g in grads.values()), {
        k: g.dtype for k, g in grads.items()
    }
    net.loss(x, t)
    assert net.backward().dtype == net_dtype


@pytest.mark.parametrize("dtype", [int, np.int32, bool])
def test_integer_dtypes_are_refused(model, dtype):
    with pytest.raises(ValueError, match="not a floating type"):
        model.make(dtype)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_backward_returns_the_gradient_with_respect_to_x(model, seed):
    net = model.make(np.float64)
    rng = np.random.default_rng(seed)
    x, t = _batch(model, int(rng.integers(2, 6)), seed)
    net.loss(x, t)
    dx = net.backward()
    num = numerical_gradient(lambda x_: float(net.loss(x_, t)), x.copy())
    assert dx.shape == x.shape
    assert relative_error(dx, num) < 1e-6


def test_gradient_agrees_with_numerical_gradient(model):
    net = model.make(np.float64)
    # Seed 1 keeps every ReLU input away from 0 (with seed 0 one sample has a hidden
    # layer that is all zeros: a kink where central differences are wrong).
    x, t = _batch(model, 5, seed=1)
    grads = net.gradient(x, t)
    num = net.numerical_gradient(x, t)
    assert set(grads) == set(num) == set(net.params)
    for key in grads:
        # atol: a bias before BatchNorm has a gradient of exactly 0 (up to 1e-17).
        np.testing.assert_allclose(grads[key], num[key], rtol=1e-5, atol=1e-9, err_msg=key)


@pytest.mark.parametrize("batch_size", [1, 3, 4, 100])
def test_accuracy_counts_the_remainder_batch(model, batch_size):
    net = model.make(np.float64)
    x, _ = _batch(model, 10)
    t = np.argmax(net.predict(x), axis=1)
    t[-1] = (t[-1] + 1) % model.classes  # only the very last sample is wrong
    assert net.accuracy(x, t, batch_size=batch_size) == pytest.approx(0.9)
    one_hot = np.eye(model.classes)[t]
    assert net.accuracy(x, one_hot, batch_size=batch_size) == pytest.approx(0.9)


@pytest.mark.parametrize(
    ("t_shape", "match"),
    [
        ((10, 1), r"need t.ravel\(\)"),
        ((9,), "do not fit 10 samples"),
        ((10, 2, 2), "do not fit 10 samples"),
    ],
)
def test_accuracy_refuses_bad_label_shapes(model, t_shape, match):
    net = model.make(np.float64)
    x, _ = _batch(model, 10)
    with pytest.raises(ValueError, match=match):
        net.accuracy(x, np.zeros(t_shape, dtype=int))


def test_accuracy_refuses_one_hot_of_the_wrong_width(model):
    net = model.make(np.float64)
    x, t = _batch(model, 10)
    with pytest.raises(ValueError, match="classes but the network outputs"):
        net.accuracy(x, np.eye(model.classes + 1)[t])


def test_empty_and_non_numeric_batches_are_refused(model):
    net = model.make(np.float64)
    with pytest.raises(ValueError, match="non-empty batch"):
        net.predict(np.zeros((0, *model.x_shape)))
    with pytest.raises(ValueError, match="empty batch"):
        net.accuracy(np.zeros((0, *model.x_shape)), np.zeros(0, dtype=int))
    with pytest.raises(TypeError, match="numeric array"):
        net.predict(np.full((2, *model.x_shape), None))


def test_first_layer_skips_dx_in_gradient_but_not_in_backward():
    calls = []

    class Spy(Affine):
        def backward(self, dout, need_dx=True):
            calls.append(need_dx)
            return super().backward(dout, need_dx=need_dx)

    rng = np.random.default_rng(0)
    net = Network(
        {
            "Affine1": Spy(rng.standard_normal((3, 4)), np.zeros(4)),
            "Relu1": Relu(),
            "Affine2": Spy(rng.standard_normal((4, 2)), np.zeros(2)),
        },
        SoftmaxWithLoss(),
    )
    x, t = rng.standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])
    net.gradient(x, t)
    assert calls == [True, False]  # Affine2 then Affine1
    net.backward()
    assert calls[2:] == [True, True]


def test_weight_decay_is_added_to_every_W_and_only_W():
    plain = MultiLayerNet(6, [5], 3, rng=0)
    decayed = MultiLayerNet(6, [5], 3, weight_decay_lambda=0.5, rng=0)
    x, t = _batch(MODELS[0], 4)
    g0, g1 = plain.gradient(x, t), decayed.gradient(x, t)
    for key in g0:
        extra = 0.5 * plain.params[key] if key.startswith("W") else 0
        np.testing.assert_allclose(g1[key], g0[key] + extra)
    penalty = 0.25 * sum(np.sum(plain.params[k] ** 2) for k in ("W1", "W2"))
    assert decayed.loss(x, t) == pytest.approx(plain.loss(x, t) + penalty)


def test_batchnorm_moving_averages_are_saved_and_loaded(tmp_path):
    net = MultiLayerNetExtend(6, [5], 3, use_batchnorm=True, rng=0)
    x, t = _batch(MODELS[0], 8)
    net.gradient(x, t)
    net.save_params(tmp_path / "bn.npz")
    fresh = MultiLayerNetExtend(6, [5], 3, use_batchnorm=True, rng=1)
    fresh.load_params(tmp_path / "bn.npz")
    np.testing.assert_array_equal(fresh.predict(x), net.predict(x))


def test_param_names_follow_the_book():
    net = MultiLayerNetExtend(6, [5, 4], 3, use_batchnorm=True, rng=0)
    assert list(net.params) == [
        "W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3",
    ]  # fmt: skip
    assert net.param_names["gamma2"] == ("BatchNorm2", "gamma")


def test_a_network_refuses_parameters_of_another_dtype():
    layer = Affine(np.ones((3, 2), dtype=np.float32), np.zeros(2, dtype=np.float32))
    with pytest.raises(ValueError, match="is float32 but the network's dtype is float64"):
        Network({"Affine1": layer}, SoftmaxWithLoss())


def test_gradient_does_not_copy_the_input_and_loss_then_backward_does():
    # gradient() runs backward before the caller can change x, so the first Affine
    # keeps a reference; loss() then backward() is two calls, so it keeps a copy.
    rng = np.random.default_rng(13)
    net = TwoLayerNet(6, 5, 3, rng=rng)
    x, t = rng.standard_normal((4, 6)), np.array([0, 1, 2, 1])
    grads = {k: g.copy() for k, g in net.gradient(x, t).items()}
    assert np.shares_memory(net.layers["Affine1"].x, x)
    net.loss(x, t)
    assert not np.shares_memory(net.layers["Affine1"].x, x)
    x_before = x.copy()
    x += 100.0  # changed between loss and backward: the gradient must not see it
    net.backward()
    np.testing.assert_array_equal(net.layers["Affine1"].dW, grads["W1"])
    np.testing.assert_array_equal(net.gradient(x_before, t)["W1"], grads["W1"])
