import numpy as np
import pytest

from nnbook.models import ThreeLayerNet, forward, init_network


def test_book_values():
    np.testing.assert_allclose(
        forward(init_network(), np.array([1.0, 0.5])), [0.31682708, 0.69627909], atol=5e-9
    )
    np.testing.assert_allclose(
        forward(init_network(), np.array([2.0, 1.0]), output="softmax"),
        [0.40442364, 0.59557636],
        atol=5e-9,
    )


def test_batch_rows_equal_single_inputs():
    net = ThreeLayerNet(init_network(), output="identity")
    x = np.random.default_rng(1).normal(size=(7, 2))
    np.testing.assert_allclose(net.predict(x), np.stack([net.predict(row) for row in x]))


def test_params_are_copied_and_keep_dtype():
    network = {k: v.astype(np.float32) for k, v in init_network().items()}
    net = ThreeLayerNet(network)
    assert all(v.dtype == np.float32 for v in net.params.values())
    network["W1"][0, 0] = 99.0
    assert net.params["W1"][0, 0] != 99.0
    assert net.predict(np.ones(2, dtype=np.float32)).dtype == np.float32


def test_accuracy_is_independent_of_batch_size_and_accepts_one_hot():
    rng = np.random.default_rng(2)
    net = ThreeLayerNet(init_network())
    x = rng.normal(size=(23, 2))
    t = rng.integers(0, 2, size=23)
    accs = {net.accuracy(x, t, batch_size=b) for b in (1, 5, 100, None)}
    assert len(accs) == 1
    assert net.accuracy(x, np.eye(2)[t]) == accs.pop()


def test_clear_errors():
    net = ThreeLayerNet(init_network())
    with pytest.raises(ValueError, match=r"expected x of shape \(2,\) or \(N, 2\)"):
        net.predict(np.ones((3, 4)))
    with pytest.raises(ValueError, match="lacks"):
        ThreeLayerNet({"W1": np.ones((2, 2))})
    with pytest.raises(ValueError, match="output must be one of"):
        ThreeLayerNet(init_network(), output="tanh")
    with pytest.raises(ValueError, match="batch_size"):
        net.accuracy(np.ones((2, 2)), np.zeros(2), batch_size=0)


@pytest.mark.data
def test_book_accuracy_on_mnist(need_data):
    need_data("mnist", "sample_weight")
    from nnbook.datasets import load_mnist

    _, (x_test, t_test) = load_mnist()
    net = ThreeLayerNet.from_book_weights()
    assert net.params["W1"].shape == (784, 50)
    assert net.params["W2"].shape == (50, 100)
    assert net.params["W3"].shape == (100, 10)
    # The book prints Accuracy:0.9352, one image at a time and in batches of 100.
    assert net.accuracy(x_test, t_test, batch_size=100) == 0.9352
    assert net.accuracy(x_test[:2000], t_test[:2000], batch_size=1) == net.accuracy(
        x_test[:2000], t_test[:2000], batch_size=100
    )
