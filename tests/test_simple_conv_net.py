"""Chapter 7's SimpleConvNet: its shape, the book's gradient check, saving in the book's
format, and (with data) the book's weights and a short training run that learns.

The common network suite (tests/test_network.py) also runs a small SimpleConvNet.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from nnbook.datasets import load_book_params, load_mnist
from nnbook.gradient_check import check_model_gradient
from nnbook.models import SimpleConvNet
from nnbook.trainer import Trainer

BOOK_CHECK = {  # ch07/gradient_check.py: a 1×10×10 input, 10 filters of 3×3, hidden 10
    "input_dim": (1, 10, 10),
    "conv_param": {"filter_num": 10, "filter_size": 3, "pad": 0, "stride": 1},
    "hidden_size": 10,
    "output_size": 10,
    "weight_init_std": 0.01,
}


def test_the_book_network_shape():
    net = SimpleConvNet(rng=0)
    assert list(net.layers) == ["Conv1", "Relu1", "Pool1", "Affine1", "Relu2", "Affine2"]
    assert net.params["W2"].shape == (4320, 100)
    assert sum(p.size for p in net.params.values()) == 433_890
    assert net.params["W1"] is net.layers["Conv1"].W
    assert net.layers["Pool1"].stride == 2
    assert abs(net.params["W2"].std() - 0.01) < 0.001


def test_conv_param_defaults_and_errors():
    net = SimpleConvNet((1, 12, 10), {"filter_num": 4, "pad": 2}, hidden_size=3, rng=0)
    assert net.params["W1"].shape == (4, 1, 5, 5)
    assert net.params["W2"].shape == (4 * 6 * 5, 3)  # conv 12×10, pooled 6×5
    with pytest.raises(ValueError, match=r"unknown conv_param keys \['filters'\]"):
        SimpleConvNet(conv_param={"filters": 3})
    with pytest.raises(ValueError, match=r"does not fit an input of size 28 .* evenly"):
        SimpleConvNet(conv_param={"stride": 2})
    with pytest.raises(ValueError, match="too small for 2×2 pooling"):
        SimpleConvNet((1, 5, 5))
    with pytest.raises(ValueError, match="floating"):
        SimpleConvNet(dtype=np.int32)


def test_book_gradient_check():
    """ch07/gradient_check.py, float64: backprop equals the numerical gradient.

    The book prints mean absolute differences of about 1e-6 for W1 and 1e-10 for the
    others. Ours are far below for W2, W3 and the biases (no 1e-7 inside the log).
    W1 can still show 1e-7 to 1e-6 for some draws: the step h = 1e-4 of the numerical
    gradient then moves a convolution output across ReLU's kink at 0 or changes which
    value wins a pooling window, where the function is not differentiable. This draw
    crosses none.
    """
    rng = np.random.default_rng(3)
    net = SimpleConvNet(**BOOK_CHECK, rng=rng)
    X = rng.random(100).reshape((1, 1, 10, 10))
    T = np.array([1])
    grad_num = net.numerical_gradient(X, T)
    grad = net.gradient(X, T)
    for key in grad:
        assert np.abs(grad_num[key] - grad[key]).mean() < 1e-9, key
    errors = check_model_gradient(net, X, T)
    assert max(errors.values()) < 1e-6, errors


def test_book_labels_of_shape_n_by_1_are_refused_with_the_fix():
    net = SimpleConvNet(**BOOK_CHECK, rng=0)
    with pytest.raises(ValueError, match=r"integer labels of shape \(1,\)"):
        net.gradient(np.zeros((1, 1, 10, 10)), np.array([1]).reshape((1, 1)))


def test_float32_and_float64_agree():
    x = np.random.default_rng(1).random((8, 1, 28, 28))
    y64 = SimpleConvNet(rng=5).predict(x)
    y32 = SimpleConvNet(rng=5, dtype=np.float32).predict(x)
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32, y64, rtol=1e-4, atol=1e-6)


def test_save_and_load_in_the_book_pickle_format(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net = SimpleConvNet(**BOOK_CHECK, rng=1)
    net.save_params()  # the book's default name, params.pkl, in the current folder
    with open("params.pkl", "rb") as f:
        saved = pickle.load(f)  # plain pickle: what the book's own code would do
    assert sorted(saved) == sorted(net.params)
    other = SimpleConvNet(**BOOK_CHECK, rng=2)
    W1 = other.params["W1"]
    other.load_params("params.pkl")
    assert other.params["W1"] is W1 and other.layers["Conv1"].W is W1
    for key, value in net.params.items():
        np.testing.assert_array_equal(other.params[key], value)
    other.save_params(tmp_path / "copy.npz")
    net.load_params(tmp_path / "copy.npz")


# With data: the book's weights and a short training run --------------------------------


@pytest.fixture
def mnist_test(need_data):
    need_data("mnist")
    _, (x_test, t_test) = load_mnist(flatten=False)
    return x_test, t_test


@pytest.mark.data
@pytest.mark.parametrize(("revision", "expected"), [("2016", 0.989), ("2022", 0.96)])
def test_book_weights_reach_the_book_accuracy(mnist_test, need_data, revision, expected):
    need_data("params", revision=revision)
    x_test, t_test = mnist_test
    params = load_book_params("params", revision=revision)
    predictions = {}
    for dtype in (np.float64, np.float32):
        net = SimpleConvNet(rng=0, dtype=dtype)
        net.load_params(params)
        if dtype == np.float64:
            assert net.accuracy(x_test, t_test) == expected
        predictions[dtype] = np.concatenate(
            [
                net.predict(x_test[i : i + 1000]).argmax(axis=1)
                for i in range(0, 10000, 1000)
            ]
        )
    differ = int(np.sum(predictions[np.float32] != predictions[np.float64]))
    assert differ <= 1, differ


@pytest.mark.data
def test_a_short_training_run_learns(need_data):
    need_data("mnist")
    (x_train, t_train), (x_test, t_test) = load_mnist(flatten=False)
    net = SimpleConvNet(rng=0, dtype=np.float32)
    trainer = Trainer(
        net,
        x_train[:3000],
        t_train[:3000],
        x_test[:1000],
        t_test[:1000],
        epochs=2,
        mini_batch_size=100,
        optimizer="Adam",
        optimizer_param={"lr": 0.001},
        evaluate_sample_num_per_epoch=1000,
        rng=0,
    )
    history = trainer.train()
    # From chance (0.1) to about 0.8 in 60 steps (0.816 when this test was written).
    assert history.test_acc_list[0] < 0.3
    assert history.test_acc_list[-1] > 0.7, history.test_acc_list
