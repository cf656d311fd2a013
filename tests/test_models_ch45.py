"""The networks of chapters 4 and 5: SimpleNet, SigmoidTwoLayerNet, TwoLayerNet."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.gradient import numerical_gradient
from nnbook.gradient_check import check_model_gradient, relative_error
from nnbook.models import SigmoidTwoLayerNet, SimpleNet, TwoLayerNet
from nnbook.trainer import train_neuralnet

BOOK_W = np.array(
    [[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]]
)
NETS = [SigmoidTwoLayerNet, TwoLayerNet]
# Largest relative error of the analytic gradient. Chapter 4's network computes its loss
# as the book does, with the 1e-7 guard inside log that the hand-derived gradient
# ignores (relative deviation about 1e-7 / y_t); chapter 5's loss layer needs no guard.
TOLERANCE = {SigmoidTwoLayerNet: 1e-5, TwoLayerNet: 1e-7}


def test_simple_net_book_values():
    net = SimpleNet(BOOK_W.copy())
    x, t = np.array([0.6, 0.9]), np.array([0, 0, 1])
    assert str(net.loss(x, t)) == "0.9280682857864075"
    dW = numerical_gradient(lambda w: net.loss(x, t), net.W)
    assert (
        str(dW)
        == "[[ 0.21924757  0.14356243 -0.36281   ]\n [ 0.32887136  0.21534364 -0.544215  ]]"
    )
    np.testing.assert_array_equal(net.W, BOOK_W)


def test_simple_net_random_weights_are_seeded():
    np.testing.assert_array_equal(SimpleNet(rng=3).W, SimpleNet(rng=3).W)
    assert SimpleNet(rng=3).W.shape == (2, 3)
    with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
        SimpleNet(np.ones((3, 2)))


@pytest.mark.parametrize("cls", NETS)
@pytest.mark.parametrize("targets", ["labels", "one-hot"])
def test_gradient_matches_numerical(cls, targets):
    rng = np.random.default_rng(0)
    net = cls(input_size=6, hidden_size=5, output_size=4, weight_init_std=0.5, rng=rng)
    x = rng.standard_normal((3, 6))
    t = rng.integers(0, 4, 3)
    if targets == "one-hot":
        t = np.eye(4)[t]
    before = {k: v.copy() for k, v in net.params.items()}
    errors = check_model_gradient(net, x, t)
    assert set(errors) == {"W1", "b1", "W2", "b2"}
    assert max(errors.values()) < TOLERANCE[cls], errors
    for key, value in net.params.items():
        assert value.tobytes() == before[key].tobytes()


@pytest.mark.parametrize("cls", NETS)
def test_numerical_gradient_method_agrees_with_gradient(cls):
    rng = np.random.default_rng(1)
    net = cls(5, 4, 3, weight_init_std=0.5, rng=rng)
    x, t = rng.standard_normal((2, 5)), np.array([0, 2])
    grad, numeric = net.gradient(x, t), net.numerical_gradient(x, t)
    for key in net.params:
        assert grad[key].shape == net.params[key].shape
        assert relative_error(grad[key], numeric[key]) < TOLERANCE[cls]


def test_two_layer_net_shares_parameters_with_layers():
    net = TwoLayerNet(4, 3, 2, rng=0)
    assert net.params["W1"] is net.layers["Affine1"].params["W"]
    assert net.params["b1"] is net.layers["Affine1"].params["b"]
    assert net.params["W2"] is net.layers["Affine2"].params["W"]
    assert net.params["b2"] is net.layers["Affine2"].params["b"]
    assert list(net.layers) == ["Affine1", "Relu1", "Affine2"]
    x = np.ones((1, 4))
    before = net.predict(x)
    net.params["b2"] += 1.0  # an in-place update reaches the layer
    np.testing.assert_allclose(net.predict(x), before + 1.0)


@pytest.mark.parametrize("cls", NETS)
def test_shapes_seeding_and_repr(cls):
    a, b = cls(784, 50, 10, rng=7), cls(784, 50, 10, rng=7)
    for key in ("W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(a.params[key], b.params[key])
    assert {k: v.shape for k, v in a.params.items()} == {
        "W1": (784, 50),
        "b1": (50,),
        "W2": (50, 10),
        "b2": (10,),
    }
    assert np.all(a.params["b1"] == 0)
    assert a.params["W1"].std() == pytest.approx(0.01, rel=0.05)
    assert repr(a) == f"{cls.__name__}(784-50-10, dtype=float64)"


@pytest.mark.parametrize("cls", NETS)
def test_float32_network_stays_float32(cls):
    net = cls(6, 5, 3, rng=0, dtype=np.float32)
    x = np.random.default_rng(0).random((4, 6), dtype=np.float32)
    t = np.array([0, 1, 2, 0])
    assert net.predict(x).dtype == np.float32
    assert net.loss(x, t).dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.gradient(x, t).values())


@pytest.mark.parametrize("cls", NETS)
def test_accuracy_labels_and_one_hot(cls):
    net = cls(3, 4, 2, weight_init_std=1.0, rng=0)
    x = np.random.default_rng(1).standard_normal((10, 3))
    predicted = np.argmax(net.predict(x), axis=1)
    assert net.accuracy(x, predicted) == 1.0
    assert net.accuracy(x, np.eye(2)[predicted]) == 1.0
    assert net.accuracy(x, 1 - predicted) == 0.0


@pytest.mark.parametrize("cls", NETS)
def test_train_neuralnet_learns_a_toy_problem_without_touching_data(cls):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((300, 2))
    t = (x[:, 0] * x[:, 1] > 0).astype(int)
    x_before, t_before = x.copy(), t.copy()
    net = cls(2, 16, 2, weight_init_std=1.0, rng=rng)
    history = train_neuralnet(
        net, x, t, x, t, iters_num=1500, batch_size=30, learning_rate=0.5, rng=rng
    )
    assert len(history.train_loss_list) == 1500
    assert history.iter_per_epoch == 10
    assert history.acc_iterations[:3] == [1, 11, 21] and len(history.acc_iterations) == 150
    assert len(history.train_acc_list) == len(history.test_acc_list) == 150
    assert np.mean(history.train_loss_list[-100:]) < np.mean(history.train_loss_list[:100])
    assert history.final_train_acc > 0.9
    assert history.seconds > 0
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(t, t_before)


def test_train_neuralnet_is_reproducible():
    rng_data = np.random.default_rng(0)
    x = rng_data.standard_normal((100, 3))
    t = rng_data.integers(0, 2, 100)
    runs = []
    for _ in range(2):
        net = TwoLayerNet(3, 4, 2, rng=5)
        runs.append(train_neuralnet(net, x, t, x, t, iters_num=50, batch_size=10, rng=9))
    assert runs[0].train_loss_list == runs[1].train_loss_list


@pytest.mark.data
def test_book_gradient_check_on_mnist(need_data):
    """Section 5.7.3: backprop vs numerical gradient on three MNIST images."""
    need_data("mnist")
    from nnbook.datasets import load_mnist

    (x_train, t_train), _ = load_mnist(normalize=True, one_hot_label=True)
    net = TwoLayerNet(input_size=784, hidden_size=50, output_size=10, rng=0)
    x_batch, t_batch = x_train[:3], t_train[:3]
    grad_numerical = net.numerical_gradient(x_batch, t_batch)
    grad_backprop = net.gradient(x_batch, t_batch)
    for key in ("W1", "b1", "W2", "b2"):
        diff = np.mean(np.abs(grad_backprop[key] - grad_numerical[key]))
        assert diff < 1e-9, (key, diff)  # the book prints 1e-10 and below
