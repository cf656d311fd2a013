"""The chapter 4-6 experiments (nnbook.experiments) on small synthetic data."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnbook.activations import relu, sigmoid
from nnbook.experiments import (
    activation_distributions,
    batchnorm_comparison,
    compare_optimizers,
    compare_weight_inits,
    hyperparameter_search,
    overfitting_runs,
    seed_spread,
    train_side_by_side,
    train_two_layer_net,
)
from nnbook.models import MultiLayerNet
from nnbook.optimizers import SGD, Momentum

RNG = np.random.default_rng(0)
X = RNG.random((60, 12), dtype=np.float32)
T = RNG.integers(0, 10, 60)
SMALL = {"hidden_size_list": [6]}


def test_side_by_side_networks_see_the_same_batches():
    # Two identical networks with identical optimizers must follow identical paths.
    nets = {name: MultiLayerNet(12, [6], 10, rng=3) for name in ("a", "b")}
    losses = train_side_by_side(nets, SGD(lr=0.1), X, T, iterations=6, batch_size=8)
    assert losses["a"] == losses["b"] and len(losses["a"]) == 6
    np.testing.assert_array_equal(nets["a"].params["W1"], nets["b"].params["W1"])


def test_side_by_side_needs_an_optimizer_per_network():
    nets = {name: MultiLayerNet(12, [6], 10, rng=3) for name in ("a", "b")}
    before = nets["a"].params["W1"].copy()
    with pytest.raises(ValueError, match=r"no optimizer for \['b'\]"):
        train_side_by_side(nets, {"a": Momentum()}, X, T, iterations=2, batch_size=8)
    np.testing.assert_array_equal(nets["a"].params["W1"], before)  # nothing trained


def test_optimizer_comparison_starts_from_the_same_weights_and_repeats():
    first = compare_optimizers(X, T, X, T, iterations=4, batch_size=8, **SMALL)
    again = compare_optimizers(X, T, X, T, iterations=4, batch_size=8, **SMALL)
    assert first == again
    # The first loss is computed before any update: the same for every optimizer.
    assert len({losses[0] for losses in first.losses.values()}) == 1
    assert set(first.final_loss(2)) == {"SGD", "Momentum", "AdaGrad", "Adam"}


def test_weight_init_comparison_differs_only_in_the_initial_scale():
    result = compare_weight_inits(X, T, X, T, iterations=3, batch_size=8, **SMALL)
    first = {name: losses[0] for name, losses in result.losses.items()}
    assert first["std = 0.01"] == pytest.approx(np.log(10), abs=1e-3)  # tiny weights
    assert len(set(first.values())) == 3


def test_activation_distributions_show_vanishing_and_kept_signals():
    tiny = [z.std() for z in activation_distributions(relu, 0.01)]
    he = [z.std() for z in activation_distributions(relu, "he")]
    assert all(b < a / 5 for a, b in itertools.pairwise(tiny))  # vanishes
    assert max(he) / min(he) < 1.5  # He keeps the spread
    saturated = activation_distributions(sigmoid, 1.0)[-1]
    assert np.mean((saturated < 0.1) | (saturated > 0.9)) > 0.5


def test_batchnorm_comparison_marks_divergence():
    runs = batchnorm_comparison(
        X,
        T,
        weight_scales=[0.1, 1e30],
        n_train=60,
        epochs=2,
        batch_size=20,
        lr=1.0,
        hidden_size_list=[6, 6],
    )
    assert [run.weight_std for run in runs] == [0.1, 1e30]
    huge = runs[1]
    assert huge.without_bn_diverged and huge.final(batchnorm=False) is None
    assert len(runs[0].with_bn) == 3 and runs[0].final(batchnorm=True) is not None


def test_overfitting_runs_share_their_start():
    runs = overfitting_runs(X, T, X, T, n_train=40, epochs=2, batch_size=20, **SMALL)
    assert list(runs) == [
        "no regularisation",
        "weight decay, λ = 0.1",
        "Dropout, ratio 0.2",
    ]
    assert {h.train_acc_list[0] for h in runs.values()} == {
        runs["no regularisation"].train_acc_list[0]
    }


def test_hyperparameter_search_is_sorted_and_stays_in_its_ranges():
    found = hyperparameter_search(X, T, trials=4, epochs=1, n_data=50, **SMALL)
    finals = [trial.val_acc[-1] for trial in found]
    assert finals == sorted(finals, reverse=True)
    assert all(1e-6 <= t.lr <= 1e-2 and 1e-8 <= t.weight_decay <= 1e-4 for t in found)
    assert found == hyperparameter_search(X, T, trials=4, epochs=1, n_data=50, **SMALL)


def test_a_seed_names_a_whole_run():
    data = ((X, T), (X, T))
    kwargs = {"hidden_size": 5, "iters_num": 12, "batch_size": 10}
    runs = seed_spread(5, data, seeds=[1, 2], **kwargs)
    again = train_two_layer_net(5, data, seed=2, **kwargs)
    assert runs[1].test_acc == again.final_test_acc
    with pytest.raises(ValueError, match="chapter must be 4"):
        train_two_layer_net(3, data)
