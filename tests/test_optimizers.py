"""Optimizers of chapter 6: worked steps, in-place updates, lazy state, convergence."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.optimizers import (
    OPTIMIZERS,
    SGD,
    AdaGrad,
    Adam,
    Momentum,
    Nesterov,
    Optimizer,
    RMSprop,
    get_optimizer,
)

ALL = [SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam]


def run(opt: Optimizer, p0, g, steps: int = 1) -> list[float]:
    params = {"p": np.array(p0, dtype=np.float64)}
    for _ in range(steps):
        opt.update(params, {"p": np.array(g, dtype=np.float64)})
    return params["p"].tolist()


# Worked values (the issue's; the same numbers are doctests) --------------------------


def test_adam_one_step():
    assert run(Adam(lr=0.001), [1.0, -2.0], [0.5, -0.1]) == [
        0.9990000063245154,
        -1.9990000316217766,
    ]


def test_rmsprop_one_step():
    assert run(RMSprop(lr=0.01), [1.0], [0.5]) == [0.9000001999996]


def test_adagrad_one_step():
    assert run(AdaGrad(lr=0.01), [1.0], [0.5]) == [0.9900000019999996]


def test_momentum_two_steps():
    assert run(Momentum(lr=0.01), [1.0], [0.5], steps=2) == [0.9855]


def test_nesterov_two_steps():
    assert run(Nesterov(lr=0.01), [1.0], [0.5], steps=2) == [0.9769500000000001]


def test_sgd_one_step():
    assert run(SGD(lr=0.1), [1.0, 2.0], [1.0, -1.0]) == [0.9, 2.1]


def test_book_defaults():
    assert SGD().lr == 0.01
    assert (Momentum().lr, Momentum().momentum) == (0.01, 0.9)
    assert (Nesterov().lr, Nesterov().momentum) == (0.01, 0.9)
    assert AdaGrad().lr == 0.01
    assert (RMSprop().lr, RMSprop().decay_rate) == (0.01, 0.99)
    assert (Adam().lr, Adam().beta1, Adam().beta2) == (0.001, 0.9, 0.999)


# Formulas against independent references ---------------------------------------------


def test_nesterov_is_classic_nag_in_shifted_variables():
    """Bengio et al.'s form tracks Theta = theta + mu*v of the classic look-ahead NAG."""
    A = np.array([[3.0, 1.0], [1.0, 2.0]])

    def grad(x):
        return A @ x

    lr, mu = 0.05, 0.9
    theta, v = np.array([1.0, -2.0]), np.zeros(2)
    opt, params = Nesterov(lr=lr, momentum=mu), {"p": np.array([1.0, -2.0])}
    for _ in range(25):
        v = mu * v - lr * grad(theta + mu * v)  # gradient at the look-ahead point
        theta = theta + v
        opt.update(params, {"p": grad(params["p"])})
        np.testing.assert_allclose(params["p"], theta + mu * v, rtol=1e-12, atol=1e-14)


def test_adam_matches_bias_corrected_textbook_form_without_epsilon():
    rng = np.random.default_rng(0)
    lr, b1, b2 = 0.01, 0.9, 0.999
    opt, params = Adam(lr, b1, b2), {"p": rng.standard_normal(5)}
    ref, m, v = params["p"].copy(), np.zeros(5), np.zeros(5)
    for step in range(1, 20):
        g = rng.standard_normal(5)
        opt.update(params, {"p": g})
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        ref -= lr * (m / (1 - b1**step)) / np.sqrt(v / (1 - b2**step))
    assert opt.iter == 19
    np.testing.assert_allclose(params["p"], ref, rtol=1e-5)


# The update contract -----------------------------------------------------------------


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_update_is_in_place_and_keeps_dtype(cls):
    W = np.ones((3, 2), dtype=np.float32)
    b = np.zeros(2, dtype=np.float32)
    params = {"W": W, "b": b}
    grads = {"W": np.full((3, 2), 0.5, np.float32), "b": np.ones(2, np.float32)}
    grads_before = {k: g.copy() for k, g in grads.items()}
    opt = cls()
    for _ in range(3):
        opt.update(params, grads)
    assert params["W"] is W and params["b"] is b
    assert W.dtype == np.float32 and b.dtype == np.float32
    assert np.all(W < 1) and np.all(b < 0)
    for k in grads:
        np.testing.assert_array_equal(grads[k], grads_before[k])


@pytest.mark.parametrize("cls", ALL[1:], ids=lambda c: c.__name__)
def test_state_is_created_lazily_per_key(cls):
    opt = cls()
    opt.update({"a": np.ones(2)}, {"a": np.ones(2)})
    state = [d for d in vars(opt).values() if isinstance(d, dict)]
    assert state and all(set(d) == {"a"} for d in state)
    # A key seen for the first time later gets its own fresh state.
    opt.update({"a": np.ones(2), "b": np.ones(3)}, {"a": np.ones(2), "b": np.ones(3)})
    assert all(set(d) == {"a", "b"} and d["b"].shape == (3,) for d in state)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_numbers_in_params_are_rebound_and_arrays_updated_in_place(cls):
    W = np.ones(2)
    params = {"x": -7.0, "n": 3, "h": np.float32(0.5), "W": W}
    opt = cls(lr=0.1)
    for _ in range(2):
        opt.update(params, {"x": -0.7, "n": 1, "h": np.float32(2.0), "W": np.ones(2)})
    assert type(params["x"]) is float and params["x"] > -7.0
    assert type(params["n"]) is float and params["n"] < 3  # an int becomes a float
    assert type(params["h"]) is np.float32 and params["h"] < 0.5  # keeps its type
    assert params["W"] is W and np.all(W < 1)
    # the same steps as a float64 array parameter
    ref = {"x": np.array(-7.0)}
    ref_opt = cls(lr=0.1)
    for _ in range(2):
        ref_opt.update(ref, {"x": np.array(-0.7)})
    assert params["x"] == float(ref["x"])


@pytest.mark.parametrize(
    ("name", "lr"), [("SGD", 0.95), ("Momentum", 0.1), ("AdaGrad", 1.5), ("Adam", 0.3)]
)
def test_book_optimizer_compare_naive_runs_with_only_the_import_changed(name, lr):
    """The loop of the book's ch06/optimizer_compare_naive.py (its plotting left out).

    The book keeps the point as two Python floats in `params` and its gradient as two
    floats in `grads`, which start as the ints 0; only `from common.optimizer import *`
    changes to `from nnbook.optimizers import *` (here: the class picked by name).
    """
    import nnbook.optimizers

    def df(x, y):
        return x / 10.0, 2.0 * y

    init_pos = (-7.0, 2.0)
    params = {}
    params["x"], params["y"] = init_pos[0], init_pos[1]
    grads = {}
    grads["x"], grads["y"] = 0, 0
    optimizer = getattr(nnbook.optimizers, name)(lr=lr)
    x_history, y_history = [], []
    for _ in range(30):
        x_history.append(params["x"])
        y_history.append(params["y"])
        grads["x"], grads["y"] = df(params["x"], params["y"])
        optimizer.update(params, grads)

    assert all(type(v) is float for v in x_history + y_history)
    # The same path as with one float64 vector (every optimizer acts elementwise).
    path = nnbook.optimizers.optimizer_path(
        getattr(nnbook.optimizers, name)(lr=lr), lambda p: np.array(df(*p)), init_pos, 29
    )
    np.testing.assert_array_equal(np.column_stack([x_history, y_history]), path)


def test_missing_gradient_names_the_key():
    with pytest.raises(KeyError, match="'b'"):
        SGD().update({"W": np.ones(2), "b": np.ones(2)}, {"W": np.ones(2)})


def test_zero_array_params_work():
    params = {"x": np.array(-7.0), "y": np.array(2.0)}
    Adam(lr=0.3).update(params, {"x": np.array(-0.7), "y": np.array(4.0)})
    assert params["x"].shape == () and params["x"] > -7.0 and params["y"] < 2.0


@pytest.mark.parametrize(
    ("cls", "lr"),
    [
        (SGD, 0.95),
        (Momentum, 0.1),
        (Nesterov, 0.1),
        (AdaGrad, 1.5),
        (RMSprop, 0.1),
        (Adam, 0.3),
    ],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_each_optimizer_approaches_the_minimum_of_the_book_function(cls, lr):
    # f(x, y) = x**2 / 20 + y**2 from (-7, 2) (section 6.1.3), 300 steps.
    params = {"x": np.array(-7.0), "y": np.array(2.0)}
    opt = cls(lr=lr)
    for _ in range(300):
        opt.update(params, {"x": params["x"] / 10.0, "y": 2.0 * params["y"]})
    assert params["x"] ** 2 / 20 + params["y"] ** 2 < 0.05


# Choosing by name ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["sgd", "SGD", "Momentum", "nesterov", "AdaGrad", "rmsprop", "ADAM"]
)
def test_get_optimizer_by_name(name):
    opt = get_optimizer(name, lr=0.5)
    assert isinstance(opt, OPTIMIZERS[name.lower()]) and opt.lr == 0.5


def test_get_optimizer_passes_instances_through():
    opt = Adam()
    assert get_optimizer(opt) is opt
    with pytest.raises(ValueError, match="instance"):
        get_optimizer(opt, lr=0.1)


def test_get_optimizer_errors():
    with pytest.raises(ValueError, match="adam"):
        get_optimizer("adamw")
    with pytest.raises(TypeError):
        get_optimizer("sgd", momentum=0.9)


def test_repr_shows_hyperparameters():
    assert repr(RMSprop()) == "RMSprop(lr=0.01, decay_rate=0.99)"


def test_optimizer_path_matches_separate_scalar_params():
    from nnbook.optimizers import optimizer_path

    def grad(p):
        return np.array([p[0] / 10.0, 2.0 * p[1]])

    path = optimizer_path(Adam(lr=0.3), grad, (-7.0, 2.0), steps=30)
    assert path.shape == (31, 2)
    np.testing.assert_array_equal(path[0], [-7.0, 2.0])
    opt, params = Adam(lr=0.3), {"x": np.array(-7.0), "y": np.array(2.0)}
    for _ in range(30):
        opt.update(params, {"x": params["x"] / 10.0, "y": 2.0 * params["y"]})
    np.testing.assert_allclose(path[-1], [params["x"], params["y"]], rtol=1e-15)
