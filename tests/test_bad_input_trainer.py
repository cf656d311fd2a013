"""Bad input to `Trainer`: a clear error that names the fix, and nothing changed.

Every case asserts the error type, that the message says what to do (and, for a
diverged step, whether the data or the step is to blame), and that the network is as
before the failed step: parameters, BatchNormalization's moving averages, and the
trainer's own counters and history (issue 12, groups 5 and 6).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nnbook.models import MultiLayerNet, MultiLayerNetExtend
from nnbook.trainer import Trainer, TrainingDiverged


def data(n: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 3, n)
    return rng.standard_normal((n, 4)) + t[:, None], t


def make_net(bn: bool):
    if bn:
        return MultiLayerNetExtend(4, [5], 3, use_batchnorm=True, rng=0)
    return MultiLayerNet(4, [5], 3, rng=0)


def snapshot(trainer: Trainer) -> dict:
    net = trainer.network
    out = {k: v.copy() for k, v in net.params.items()}
    for name, layer in net.layers.items():
        if hasattr(layer, "running_mean"):
            out[name] = (
                None if layer.running_mean is None else layer.running_mean.copy(),
                None if layer.running_var is None else layer.running_var.copy(),
            )
    out["counters"] = (trainer.current_iter, trainer.current_epoch)
    out["losses"] = list(trainer.train_loss_list)
    return out


def assert_unchanged(trainer: Trainer, before: dict) -> None:
    after = snapshot(trainer)
    assert set(after) == set(before)
    for key, value in before.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(after[key], value, err_msg=key)
        elif isinstance(value, tuple) and key.startswith("BatchNorm"):
            for a, b in zip(after[key], value, strict=True):
                assert (a is None) == (b is None), key
                if b is not None:
                    np.testing.assert_array_equal(a, b, err_msg=key)
        else:
            assert after[key] == value, key


def run_until_it_fails(trainer: Trainer, error=TrainingDiverged):
    """Step until a step raises; return the error and the state before that step."""
    for _ in range(trainer.max_iter):
        before = snapshot(trainer)
        try:
            trainer.train_step()
        except error as exc:
            return exc, before
    pytest.fail("training did not fail")


# A diverged step: the data or the step, and nothing applied -------------------------


@pytest.mark.parametrize("bn", [False, True], ids=["plain", "batchnorm"])
@pytest.mark.parametrize("bad_value", [np.nan, np.inf, -np.inf])
def test_bad_values_in_the_data_are_named_and_nothing_is_applied(bn, bad_value):
    x, t = data()
    x[7, 2] = bad_value
    trainer = Trainer(
        make_net(bn), x, t, x[:10], t[:10], epochs=2, mini_batch_size=8, rng=0
    )
    with np.errstate(invalid="ignore"):  # inf - inf inside BatchNorm: NumPy's warning
        exc, before = run_until_it_fails(trainer)
    message = str(exc)
    assert "inputs" in message and "The data is bad, not the step" in message
    assert "np.nan_to_num" in message and "the update was not applied" in message
    assert_unchanged(trainer, before)


@pytest.mark.parametrize("bn", [False, True], ids=["plain", "batchnorm"])
def test_a_diverging_learning_rate_is_named_and_the_last_good_parameters_kept(bn):
    x, t = data()
    trainer = Trainer(
        make_net(bn), x, t, x, t, epochs=50, mini_batch_size=10,
        optimizer_param={"lr": 1e300}, rng=0,
    )  # fmt: skip
    exc, before = run_until_it_fails(trainer)
    assert "The step diverged: try a smaller learning rate than lr=1e+300" in str(exc)
    assert_unchanged(trainer, before)
    assert all(np.isfinite(p).all() for p in trainer.network.params.values())


def test_a_diverged_step_after_batchnorm_leaves_its_moving_averages_as_they_were():
    x, t = data()
    net = make_net(bn=True)
    net.params["W2"][...] = 1e308  # scores overflow after BatchNorm, whose input is fine
    trainer = Trainer(net, x, t, x, t, epochs=1, mini_batch_size=10, rng=0)
    exc, before = run_until_it_fails(trainer)
    assert "The step diverged" in str(exc)
    assert_unchanged(trainer, before)


# Bad arguments: refused before anything runs ----------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"t_train": np.zeros(39, dtype=int)}, ValueError, "differ in length"),
        ({"mini_batch_size": 0}, ValueError, "mini_batch_size >= 1"),
        ({"epochs": -1}, ValueError, "epochs >= 0"),
        ({"optimizer": "adamw"}, ValueError, r"choose one of \["),
        ({"optimizer_param": {"lr": 0.1, "momentum": 0.9}}, TypeError, "momentum"),
    ],
    ids=["lengths", "batch-size", "epochs", "optimizer-name", "hyperparameter"],
)
def test_bad_arguments_are_refused_at_construction(kwargs, error, match):
    x, t = data()
    net = make_net(bn=False)
    before = {k: v.copy() for k, v in net.params.items()}
    args = {"x_train": x, "t_train": t, "x_test": x, "t_test": t, **kwargs}
    with pytest.raises(error, match=match):
        Trainer(net, **args)
    for key, value in before.items():
        np.testing.assert_array_equal(net.params[key], value)


@pytest.mark.parametrize(
    ("spoil", "error", "match"),
    [
        (lambda x, t: (x.astype(object), t), TypeError, r"np\.asarray\(x, dtype=float\)"),
        (lambda x, t: (x, t[:, None]), ValueError, r"t\.ravel\(\)"),
    ],
    ids=["object", "labels-(N,1)"],
)
def test_bad_training_data_is_refused_before_the_first_step(spoil, error, match):
    x, t = spoil(*data())
    trainer = Trainer(make_net(bn=True), x, t, *data(), epochs=1, mini_batch_size=10)
    before = snapshot(trainer)
    with pytest.raises(error, match=match):
        trainer.train()
    assert_unchanged(trainer, before)


def test_an_empty_training_set_is_refused():
    x, t = data()
    with pytest.raises(ValueError, match=r"empty.*(pass some samples|training sample)"):
        Trainer(make_net(bn=False), x[:0], t[:0], x, t, epochs=1).train()


def test_labels_out_of_range_fail_the_step_and_keep_the_parameters():
    x, t = data()
    t[3] = -1
    trainer = Trainer(make_net(bn=False), x, t, x, t % 3, epochs=1, mini_batch_size=40)
    before = snapshot(trainer)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        trainer.train_step()
    assert_unchanged(trainer, before)


# BatchNormalization at entry 0 -----------------------------------------------------


def test_a_batchnorm_network_is_evaluated_before_its_first_step_without_warnings():
    x, t = data()
    net = make_net(bn=True)
    trainer = Trainer(net, x, t, x, t, epochs=1, mini_batch_size=10, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trainer.train_step()
    # Entry 0 is the accuracy of the untrained network, BatchNorm passing x through.
    assert trainer.train_acc_list[0] == make_net(bn=False).accuracy(x, t)
