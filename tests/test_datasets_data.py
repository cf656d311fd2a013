"""The real files: MNIST, Fashion-MNIST and the book's weights (need a data home).

CI's data home (`NNBOOK_DATA`) holds MNIST and the weights; Fashion-MNIST comes from
Debian's `dataset-fashion-mnist` package, which `make test` installs when run as root (as
in CI). Under `NNBOOK_STRICT` the absence of any of them fails.
"""

import time

import numpy as np
import pytest

from nnbook.datasets import (
    _mnist,
    load_book_params,
    load_fashion_mnist,
    load_mnist,
)

pytestmark = pytest.mark.data


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """A test here must never download what a data home lacks."""
    monkeypatch.setenv("NNBOOK_OFFLINE", "1")


MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture
def mnist(need_data):
    need_data("mnist")
    return load_mnist()


def test_load_mnist_shapes_dtypes_and_ranges(mnist):
    (x_train, t_train), (x_test, t_test) = mnist
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert x_train.dtype == x_test.dtype == np.float32
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert t_train.shape == (60000,) and t_test.shape == (10000,)
    assert t_train.dtype == t_test.dtype == np.uint8
    assert np.bincount(t_train).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(t_test).tolist() == MNIST_TEST_COUNTS
    assert t_train[:5].tolist() == [5, 0, 4, 1, 9]  # the book's first digits
    assert t_test[:3].tolist() == [7, 2, 1]


def test_load_mnist_raw_pixels_and_nchw(need_data):
    need_data("mnist")
    (x, _), (x_test, _) = load_mnist(normalize=False, flatten=False)
    assert x.shape == (60000, 1, 28, 28) and x_test.shape == (10000, 1, 28, 28)
    assert x.dtype == np.uint8 and x.max() == 255
    normalized = load_mnist(flatten=False)[0][0]
    np.testing.assert_array_equal(normalized, x.astype(np.float32) / np.float32(255))


def test_load_mnist_one_hot(need_data):
    need_data("mnist")
    (_, t), (_, t_test) = load_mnist(one_hot_label=True)
    labels = load_mnist()[0][1]
    assert t.shape == (60000, 10) and t_test.shape == (10000, 10)
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t.sum(axis=1), 1.0)
    np.testing.assert_array_equal(t.argmax(axis=1), labels)


def test_labels_index_like_the_book(mnist):
    (_, t_train), _ = mnist
    y = np.zeros((5, 10))
    y[np.arange(5), t_train[:5]] = 1.0  # uint8 labels index fine
    assert y.argmax(axis=1).tolist() == [5, 0, 4, 1, 9]


def test_repeated_loads_are_cached_and_independent(mnist):
    (x_train, t_train), _ = mnist
    x_train[:] = 0
    t_train[:] = 0
    hits = _mnist._parsed.cache_info().hits
    start = time.perf_counter()
    (x_again, t_again), _ = load_mnist()
    elapsed = time.perf_counter() - start
    assert _mnist._parsed.cache_info().hits == hits + 4
    assert x_again.max() == 1.0 and np.bincount(t_again).tolist() == MNIST_TRAIN_COUNTS
    assert elapsed < 5.0  # about 0.05 s when warm; generous for a busy CI machine


def test_book_network_accuracy_is_0_9352(mnist):
    # The data README's authenticity check: the book's chapter-3 network on t10k.
    _, (x_test, t_test) = mnist
    network = load_book_params("sample_weight")

    def sigmoid(a):
        return 1 / (1 + np.exp(-a))

    a1 = sigmoid(x_test @ network["W1"] + network["b1"])
    a2 = sigmoid(a1 @ network["W2"] + network["b2"])
    y = a2 @ network["W3"] + network["b3"]
    assert np.mean(y.argmax(axis=1) == t_test) == 0.9352


def test_load_fashion_mnist(need_data):
    need_data("fashion-mnist")
    (x_train, t_train), (x_test, t_test) = load_fashion_mnist()
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert x_train.dtype == np.float32 and 0.0 <= x_train.min() < x_train.max() <= 1.0
    assert np.bincount(t_train).tolist() == [6000] * 10
    assert np.bincount(t_test).tolist() == [1000] * 10
    assert t_train[:5].tolist() == [9, 0, 0, 3, 0]


SIMPLE_CONVNET = {
    "W1": (30, 1, 5, 5), "b1": (30,), "W2": (4320, 100), "b2": (100,),
    "W3": (100, 10), "b3": (10,),
}  # fmt: skip
DEEP_CONVNET = {
    "W1": (16, 1, 3, 3), "W2": (16, 16, 3, 3), "W3": (32, 16, 3, 3),
    "W4": (32, 32, 3, 3), "W5": (64, 32, 3, 3), "W6": (64, 64, 3, 3),
    "W7": (1024, 50), "W8": (50, 10),
    **{f"b{i}": (n,) for i, n in enumerate([16, 16, 32, 32, 64, 64, 50, 10], start=1)},
}  # fmt: skip
SAMPLE_WEIGHT = {
    "W1": (784, 50), "b1": (50,), "W2": (50, 100), "b2": (100,),
    "W3": (100, 10), "b3": (10,),
}  # fmt: skip


@pytest.mark.parametrize("revision", ["2016", "2022"])
@pytest.mark.parametrize(
    ("name", "shapes", "dtype"),
    [
        ("sample_weight", SAMPLE_WEIGHT, np.float32),
        ("params", SIMPLE_CONVNET, np.float64),
        ("deep_convnet_params", DEEP_CONVNET, np.float64),
    ],
)
def test_book_params(name, shapes, dtype, revision, need_data):
    need_data(name, revision=revision)
    params = load_book_params(name, revision=revision)
    assert {key: value.shape for key, value in params.items()} == shapes
    assert all(value.dtype == dtype for value in params.values())
    assert all(value.flags.writeable for value in params.values())


@pytest.mark.parametrize("name", ["params", "deep_convnet_params"])
def test_revisions_differ_and_default_is_2016(name, need_data):
    need_data(name, revision="2016")
    need_data(name, revision="2022")
    old = load_book_params(name, revision="2016")
    new = load_book_params(name, revision="2022")
    default = load_book_params(name)
    assert not np.array_equal(old["W1"], new["W1"])
    np.testing.assert_array_equal(default["W1"], old["W1"])
