"""Trainer: history lengths, epochs as permutations, reproducibility, the NaN stop."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.models import MultiLayerNet
from nnbook.optimizers import SGD, Adam
from nnbook.trainer import Trainer, TrainingDiverged


def blobs(seed: int = 0, n: int = 120):
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 3, n)
    centres = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
    x = rng.standard_normal((n, 2)) + centres[t]
    return x, t


def make_trainer(seed=0, **kw):
    x, t = blobs()
    net = MultiLayerNet(2, [10, 10], 3, rng=seed)
    kw.setdefault("epochs", 4)
    kw.setdefault("mini_batch_size", 25)
    kw.setdefault("rng", seed)
    return Trainer(net, x[:100], t[:100], x[100:], t[100:], **kw)


def test_history_lengths():
    trainer = make_trainer(epochs=4, mini_batch_size=25)
    trainer.train()
    assert trainer.iter_per_epoch == 4 and trainer.max_iter == 16
    assert len(trainer.train_loss_list) == 16
    assert len(trainer.train_acc_list) == len(trainer.test_acc_list) == 5
    assert trainer.current_epoch == 4 and trainer.current_iter == 16


def test_remainder_is_left_out_and_small_data_gives_one_batch():
    trainer = make_trainer(epochs=2, mini_batch_size=30)  # 100 // 30 = 3
    trainer.train()
    assert len(trainer.train_loss_list) == 6
    trainer = make_trainer(epochs=3, mini_batch_size=500)
    trainer.train()
    assert trainer.iter_per_epoch == 1 and len(trainer.train_acc_list) == 4


def test_zero_epochs_still_records_the_starting_accuracy():
    trainer = make_trainer(epochs=0)
    trainer.train()
    assert trainer.train_loss_list == [] and len(trainer.test_acc_list) == 1


def test_each_epoch_visits_every_sample_once():
    seen = []

    class Recorder(MultiLayerNet):
        def gradient(self, x, t):
            seen.append(x[:, 0].copy())
            return super().gradient(x, t)

    x = np.stack([np.arange(100.0), np.zeros(100)], axis=1)
    t = np.zeros(100, dtype=int)
    net = Recorder(2, [4], 2, rng=0)
    Trainer(net, x, t, x, t, epochs=3, mini_batch_size=20, rng=1).train()
    epochs = np.concatenate(seen).reshape(3, 100)
    for order in epochs:
        np.testing.assert_array_equal(np.sort(order), np.arange(100.0))
    assert not np.array_equal(epochs[0], epochs[1])


def test_reproducible_with_a_seed():
    a, b, c = make_trainer(seed=3), make_trainer(seed=3), make_trainer(seed=4)
    for trainer in (a, b, c):
        trainer.train()
    assert a.train_loss_list == b.train_loss_list
    assert a.test_acc_list == b.test_acc_list
    assert a.train_loss_list != c.train_loss_list


def test_training_learns():
    trainer = make_trainer(
        epochs=10, mini_batch_size=10, optimizer="Adam", optimizer_param={"lr": 0.01}
    )
    trainer.train()
    assert trainer.test_acc_list[-1] > 0.9 > trainer.test_acc_list[0]
    assert np.mean(trainer.train_loss_list[-10:]) < np.mean(trainer.train_loss_list[:10])


def test_optimizer_by_name_or_instance():
    assert isinstance(make_trainer().optimizer, SGD)
    assert make_trainer().optimizer.lr == 0.01
    adam = Adam(lr=0.005)
    assert make_trainer(optimizer=adam).optimizer is adam
    assert (
        make_trainer(optimizer="momentum", optimizer_param={"lr": 0.1}).optimizer.lr == 0.1
    )
    with pytest.raises(ValueError, match="instance"):
        make_trainer(optimizer=adam, optimizer_param={"lr": 0.1})
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_trainer(optimizer="lbfgs")


def test_evaluation_on_a_sample():
    calls = []

    class Counting(MultiLayerNet):
        def accuracy(self, x, t):
            calls.append(len(x))
            return super().accuracy(x, t)

    x, t = blobs()
    net = Counting(2, [4], 3, rng=0)
    Trainer(net, x[:100], t[:100], x[100:], t[100:], epochs=2,
            evaluate_sample_num_per_epoch=7, rng=0).train()  # fmt: skip
    # Every epoch on 7 samples, then the final accuracies on all of them.
    assert calls == [7, 7] * 3 + [100, len(x) - 100]


def test_network_without_last_loss_gets_loss_after_update():
    class Plain:
        def __init__(self):
            self.net = MultiLayerNet(2, [4], 3, rng=0)
            self.params = self.net.params
            self.loss_calls = 0

        def gradient(self, x, t):
            return self.net.gradient(x, t)

        def loss(self, x, t):
            self.loss_calls += 1
            return self.net.loss(x, t)

        def accuracy(self, x, t):
            return self.net.accuracy(x, t)

    x, t = blobs()
    plain = Plain()
    trainer = Trainer(plain, x, t, x, t, epochs=1, mini_batch_size=40, rng=0)
    trainer.train()
    assert plain.loss_calls == 3 == len(trainer.train_loss_list)


def test_nan_loss_stops_with_a_clear_error():
    # SGD with lr * lambda = 10 makes the weight decay amplify the weights tenfold
    # (with alternating sign) at every step until they overflow.
    rng = np.random.default_rng(0)
    x, t = rng.random((200, 20)), rng.integers(0, 3, 200)
    net = MultiLayerNet(20, [30, 30], 3, weight_decay_lambda=1.0, rng=0)
    trainer = Trainer(net, x, t, x, t, epochs=50, mini_batch_size=20,
                      optimizer="sgd", optimizer_param={"lr": 10}, rng=0)  # fmt: skip
    with pytest.raises(TrainingDiverged, match=r"iteration \d+.*smaller learning rate"):
        trainer.train()
    assert issubclass(TrainingDiverged, FloatingPointError)
    assert all(np.isfinite(trainer.train_loss_list))
    assert 0 < trainer.current_iter < trainer.max_iter


def test_verbose_shows_a_progress_bar(capsys):
    make_trainer(epochs=1, verbose=True).train()
    err = capsys.readouterr().err
    assert "4/4" in err and "loss=" in err


def test_quiet_by_default(capsys):
    make_trainer(epochs=1).train()
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_mismatched_lengths_are_refused():
    x, t = blobs()
    net = MultiLayerNet(2, [4], 3, rng=0)
    with pytest.raises(ValueError, match="differ in length"):
        Trainer(net, x, t[:-1], x, t)
