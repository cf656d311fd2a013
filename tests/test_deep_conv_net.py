"""Chapter 8's DeepConvNet: the book's architecture and initial weights, the book's
weights (accuracies, misclassified digits), half precision, and a short training run.

The common network suite (tests/test_network.py) also runs a small DeepConvNet. The
data tests make the calls of the book's ch08 scripts (`misclassified_mnist.py`,
`half_float_network.py`, `train_deepnet.py`) and check what they print.
"""

from __future__ import annotations

import pickle
import shutil

import numpy as np
import pytest

from nnbook.datasets import fetch, load_mnist
from nnbook.experiments import (
    misclassified,
    predict_float16,
    receptive_fields,
    round_params,
)
from nnbook.layers import Convolution, Dropout, Pooling
from nnbook.models import DeepConvNet
from nnbook.reproduce import book_results, reproduce
from nnbook.trainer import Trainer

# The book's fan-ins (`pre_node_nums` in ch08/deep_convnet.py), written out by hand.
BOOK_FAN_INS = [1 * 3 * 3, 16 * 3 * 3, 16 * 3 * 3, 32 * 3 * 3, 32 * 3 * 3, 64 * 3 * 3,
                64 * 4 * 4, 50]  # fmt: skip

# The (and the book script's) first 20 mistakes with the repository's files.
MISCLASSIFIED_2022 = {1: (9, 8), 2: (9, 8), 3: (9, 8), 4: (6, 0), 5: (8, 5), 6: (9, 8),
                      7: (2, 7), 8: (6, 0), 9: (4, 1), 10: (4, 9), 11: (3, 2), 12: (8, 2),
                      13: (8, 2), 14: (1, 8), 15: (3, 9), 16: (7, 2), 17: (1, 7),
                      18: (5, 8), 19: (4, 9), 20: (4, 9)}  # fmt: skip

MISCLASSIFIED_2016 = {1: (6, 0), 2: (3, 5), 3: (3, 5), 4: (8, 3), 5: (7, 3), 6: (1, 3),
                      7: (8, 9), 8: (6, 0), 9: (6, 5), 10: (7, 2), 11: (9, 4), 12: (7, 1),
                      13: (5, 3), 14: (1, 3), 15: (0, 6), 16: (9, 4), 17: (7, 9),
                      18: (6, 0), 19: (9, 8), 20: (4, 9)}  # fmt: skip


def test_the_book_architecture():
    net = DeepConvNet(rng=0)
    assert list(net.layers) == [
        "Conv1", "Relu1", "Conv2", "Relu2", "Pool1",
        "Conv3", "Relu3", "Conv4", "Relu4", "Pool2",
        "Conv5", "Relu5", "Conv6", "Relu6", "Pool3",
        "Affine1", "Relu7", "Dropout1", "Affine2", "Dropout2",
    ]  # fmt: skip
    assert sum(p.size for p in net.params.values()) == 123_552
    assert list(net.params) == [f"{p}{k}" for k in range(1, 9) for p in "Wb"]
    shapes = [net.params[f"W{k}"].shape for k in range(1, 7)]
    assert shapes == [(16, 1, 3, 3), (16, 16, 3, 3), (32, 16, 3, 3), (32, 32, 3, 3),
                      (64, 32, 3, 3), (64, 64, 3, 3)]  # fmt: skip
    assert net.params["W7"].shape == (1024, 50) and net.params["W8"].shape == (50, 10)
    pads = [layer.pad for layer in net.layers.values() if isinstance(layer, Convolution)]
    assert pads == [1, 1, 1, 2, 1, 1]
    pools = [layer for layer in net.layers.values() if isinstance(layer, Pooling)]
    assert [(p.pool_h, p.pool_w, p.stride) for p in pools] == [(2, 2, 2)] * 3
    drops = [layer for layer in net.layers.values() if isinstance(layer, Dropout)]
    assert [d.dropout_ratio for d in drops] == [0.5, 0.5]
    assert net.params["W3"] is net.layers["Conv3"].W
    assert net.params["W8"] is net.layers["Affine2"].W


def test_he_initial_weights_with_the_book_fan_ins():
    net = DeepConvNet(rng=np.random.default_rng(1))
    assert net.fan_ins == BOOK_FAN_INS
    scales = np.sqrt(2.0 / np.array(BOOK_FAN_INS))
    np.testing.assert_allclose(net.weight_init_scales, scales, rtol=1e-15)
    assert net.weight_init_scales[0] == pytest.approx(0.4714045, abs=1e-7)
    assert net.weight_init_scales[1] == pytest.approx(0.1178511, abs=1e-7)
    assert net.weight_init_scales[-1] == pytest.approx(0.2)
    for k, scale in enumerate(scales, 1):
        W = net.params[f"W{k}"]
        # 144 draws for W1 up to 51,200 for W7: a 20 % band is > 3 standard errors.
        assert abs(W.std() / scale - 1) < 0.2, (k, W.std(), scale)
        assert np.all(net.params[f"b{k}"] == 0)


def test_same_seed_same_weights_in_every_dtype():
    a, b = DeepConvNet(rng=3), DeepConvNet(rng=3, dtype=np.float32)
    for key in a.params:
        np.testing.assert_array_equal(a.params[key].astype(np.float32), b.params[key])


def test_other_settings_compute_their_own_sizes():
    net = DeepConvNet(
        (3, 32, 32), conv_param_1={"filter_num": 8}, conv_param_4={"pad": 1},
        hidden_size=20, output_size=5, rng=0,
    )  # fmt: skip
    # 32 -> 16 -> 8 -> 4 (padding 1 keeps the fourth convolution's size)
    assert net.params["W1"].shape == (8, 3, 3, 3)
    assert net.params["W2"].shape == (16, 8, 3, 3)
    assert net.params["W7"].shape == (64 * 4 * 4, 20)
    assert net.fan_ins[:2] == [27, 72]
    x = np.random.default_rng(0).random((2, 3, 32, 32))
    assert net.predict(x).shape == (2, 5)


def test_bad_settings_are_refused_before_anything_is_built():
    with pytest.raises(ValueError, match=r"unknown keys \['size'\] in conv_param_3"):
        DeepConvNet(conv_param_3={"size": 5})
    with pytest.raises(ValueError, match="too small: nothing is left after pooling 3"):
        DeepConvNet((1, 3, 3))
    with pytest.raises(ValueError, match="conv_param_1: a filter of size 9"):
        DeepConvNet((1, 4, 4), conv_param_1={"filter_size": 9, "pad": 0})
    with pytest.raises(ValueError, match=r"input_dim must be \(C, H, W\)"):
        DeepConvNet((28, 28))
    with pytest.raises(ValueError, match="not a floating type"):
        DeepConvNet(dtype=np.int64)


def test_the_final_dropout_halves_the_scores_at_inference_but_not_the_argmax():
    net = DeepConvNet(rng=0)
    x = np.random.default_rng(2).random((4, 1, 28, 28))
    h = x
    for name, layer in net.layers.items():
        if name == "Dropout2":
            break
        h = layer.forward(h, train_flg=False)
    y = net.predict(x)
    np.testing.assert_allclose(y, 0.5 * h, rtol=1e-15)
    assert np.array_equal(y.argmax(axis=1), h.argmax(axis=1))


def test_receptive_fields_of_the_book_network():
    sizes = [(rf.layer, rf.size, rf.jump) for rf in receptive_fields(DeepConvNet(rng=0))]
    assert sizes == [("Conv1", 3, 1), ("Conv2", 5, 1), ("Pool1", 6, 2), ("Conv3", 10, 2),
                     ("Conv4", 14, 2), ("Pool2", 16, 4), ("Conv5", 24, 4),
                     ("Conv6", 32, 4), ("Pool3", 36, 8)]  # fmt: skip


def test_save_and_load_in_the_book_pickle_format(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net = DeepConvNet(rng=1)
    net.save_params("deep_convnet_params.pkl")
    with open("deep_convnet_params.pkl", "rb") as f:
        saved = pickle.load(f)  # plain pickle, as the book's load_params reads it
    assert sorted(saved) == sorted(net.params)
    other = DeepConvNet(rng=2, dtype=np.float32)
    W1 = other.params["W1"]
    other.load_params("deep_convnet_params.pkl")
    assert other.params["W1"] is W1 and W1.dtype == np.float32
    np.testing.assert_array_equal(W1, net.params["W1"].astype(np.float32))


def test_a_float16_network_computes_in_float16_and_agrees_with_the_blas_path():
    x = np.random.default_rng(4).random((3, 1, 28, 28))
    half = DeepConvNet(rng=5, dtype=np.float16)
    assert all(p.dtype == np.float16 for p in half.params.values())
    y_native = half.predict(x)  # NumPy's own float16 kernels
    y_blas = predict_float16(half, x)
    assert y_native.dtype == y_blas.dtype == np.float16
    y64 = DeepConvNet(rng=5).predict(x)
    scale = np.abs(y64).max()
    # Both are float16 computations of the same network: a few units of float16's
    # last place (2**-11 relative) apart from each other and from float64.
    assert np.abs(y_native.astype(float) - y_blas).max() < 2e-3 * scale
    assert np.abs(y_blas - y64).max() < 1e-2 * scale
    with pytest.raises(ValueError, match="needs a float16 network"):
        predict_float16(DeepConvNet(rng=5), x)


# With data: the book's weights -----------------------------------------------------------


@pytest.fixture
def mnist_test(need_data):
    need_data("mnist")
    for revision in ("2016", "2022"):
        need_data("deep_convnet_params", revision=revision)
    _, (x_test, t_test) = load_mnist(flatten=False)
    return x_test, t_test


@pytest.mark.data
def test_the_book_weights_give_the_book_accuracy_in_float64_and_in_float16(mnist_test):
    """The results page's chapter-8 rows: 0.9935 (2016 weights) in float64 and float16.

    (The repository's current weights, 0.9797, and the book's float16 emulation,
    0.9798, are checked below.)
    """
    rows = reproduce(book_results(chapters=[8]))
    assert [row.ours for row in rows] == ["0.9935", "0.9935"]
    assert all(row.agrees for row in rows)


@pytest.mark.data
def test_the_current_weights_accuracy_and_first_misclassified_digits(mnist_test):
    """What the book's ch08/misclassified_mnist.py prints with the repository's file."""
    x_test, t_test = mnist_test
    net = DeepConvNet.from_book_weights("2022")
    result = misclassified(net, x_test, t_test)
    assert result.accuracy == 0.9797
    assert result.pairs == MISCLASSIFIED_2022
    assert str(result.pairs) == (
        "{1: (9, 8), 2: (9, 8), 3: (9, 8), 4: (6, 0), 5: (8, 5), 6: (9, 8), 7: (2, 7), "
        "8: (6, 0), 9: (4, 1), 10: (4, 9), 11: (3, 2), 12: (8, 2), 13: (8, 2), "
        "14: (1, 8), 15: (3, 9), 16: (7, 2), 17: (1, 7), 18: (5, 8), 19: (4, 9), "
        "20: (4, 9)}"
    )
    assert result.indices[0] == 78 and result.indices[-1] == 881
    assert all(t_test[i] != result.predictions[i] for i in result.indices)
    assert result.count == 203


@pytest.mark.data
def test_the_books_float16_experiment_gives_0_9798(mnist_test, tmp_path, monkeypatch):
    """ch08/half_float_network.py: the book's file loaded by name, its parameters and
    the images rounded to float16, the arithmetic still float64."""
    (path,) = fetch("deep_convnet_params", revision="2022", progress=False)
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(path, "deep_convnet_params.pkl")
    network = DeepConvNet()
    network.load_params("deep_convnet_params.pkl")  # the book's call, a safe unpickler
    x_test, t_test = mnist_test
    x_test = x_test.astype(np.float16)
    round_params(network, np.float16)
    assert all(p.dtype == np.float64 for p in network.params.values())
    assert network.accuracy(x_test, t_test) == 0.9798


@pytest.mark.data
def test_the_first_misclassified_digits_of_the_2016_weights(mnist_test):
    x_test, t_test = mnist_test
    net = DeepConvNet.from_book_weights("2016")
    n = 2131  # the 20th mistake is image 2130
    result = misclassified(net, x_test[:n], t_test[:n])
    assert result.pairs == MISCLASSIFIED_2016
    assert result.indices[-1] == 2130 and result.count == 20


@pytest.mark.data
def test_a_short_training_run_learns(mnist_test, tmp_path):
    (x_train, t_train), _ = load_mnist(flatten=False)
    x_test, t_test = mnist_test
    net = DeepConvNet(rng=0, dtype=np.float32)
    trainer = Trainer(net, x_train[:600], t_train[:600], x_test[:300], t_test[:300],
                      epochs=2, mini_batch_size=50, optimizer="Adam",
                      optimizer_param={"lr": 0.001}, rng=0)  # fmt: skip
    history = trainer.train()
    assert len(history.train_loss_list) == 24
    assert history.test_acc_list[0] < 0.25  # chance is 0.1
    assert history.test_acc_list[-1] > 0.3, history.test_acc_list  # 0.457 when written
    assert np.mean(history.train_loss_list[-4:]) < np.mean(history.train_loss_list[:4])
    net.save_params(tmp_path / "deep_convnet_params.pkl")  # as ch08/train_deepnet.py
    again = DeepConvNet(dtype=np.float32)
    again.load_params(tmp_path / "deep_convnet_params.pkl")
    np.testing.assert_array_equal(again.predict(x_test[:5]), net.predict(x_test[:5]))
