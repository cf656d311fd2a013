"""Checkpoints: a stopped and resumed run ends where an uninterrupted one does, to the
bit; broken or mismatched checkpoints are refused with the reason; a failed save keeps
the previous checkpoint."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnbook import checkpoint as ckpt
from nnbook.augmentation import AugmentedImages
from nnbook.checkpoint import (
    CheckpointError,
    TrainingInterrupted,
    load_checkpoint,
    restore,
    save_checkpoint,
    train_with_checkpoints,
)
from nnbook.models import MultiLayerNetExtend
from nnbook.trainer import Trainer

X = np.random.default_rng(0).random((60, 16))
T = np.random.default_rng(1).integers(0, 3, 60)


def make_trainer(epochs: int = 3, batch: int = 10, seed: int = 0) -> Trainer:
    """A run with every source of randomness: weights, Dropout, batches, augmentation."""
    rng = np.random.default_rng(seed)
    net = MultiLayerNetExtend(16, [8, 8], 3, use_dropout=True, use_batchnorm=True, rng=rng)
    data = AugmentedImages(X, max_angle=20, max_shift=1, rng=rng)
    return Trainer(net, data, T, X, T, epochs=epochs, mini_batch_size=batch,
                   optimizer="adam", optimizer_param={"lr": 0.01}, rng=rng)  # fmt: skip


def assert_same_run(a: Trainer, b: Trainer) -> None:
    for key in a.network.params:
        np.testing.assert_array_equal(a.network.params[key], b.network.params[key], key)
    assert a.train_loss_list == b.train_loss_list
    assert a.test_acc_list == b.test_acc_list
    for name in ("BatchNorm1", "BatchNorm2"):
        np.testing.assert_array_equal(
            a.network.layers[name].running_mean, b.network.layers[name].running_mean
        )
    np.testing.assert_array_equal(a.optimizer.m["W1"], b.optimizer.m["W1"])


@pytest.mark.parametrize("stop_after", [6, 8, 13])  # an epoch's end, and mid-epoch
def test_stop_and_resume_gives_the_uninterrupted_run_exactly(tmp_path, stop_after):
    straight = make_trainer()
    straight.train()

    first = make_trainer()
    steps = iter(range(1, 100))
    with pytest.raises(TrainingInterrupted) as stopped:
        train_with_checkpoints(
            first, tmp_path / "run", stop=lambda: next(steps) >= stop_after
        )
    assert stopped.value.iteration == stop_after
    assert stopped.value.checkpoint == tmp_path / "run.npz"

    resumed = make_trainer(seed=99)  # other weights and generators: all overwritten
    restore(resumed, load_checkpoint(tmp_path / "run.json"))
    assert resumed.current_iter == stop_after
    history = train_with_checkpoints(resumed, tmp_path / "run")
    assert_same_run(resumed, straight)
    assert history.final_test_acc == straight.history.final_test_acc
    final = load_checkpoint(tmp_path / "run")
    assert final.iteration == straight.max_iter == 18
    assert final.history.final_test_acc == straight.history.final_test_acc


def test_a_checkpoint_after_every_epoch_and_readable_json(tmp_path):
    trainer = make_trainer(epochs=2)
    seen = []

    def on_epoch(t):
        seen.append(json.loads((tmp_path / "run.json").read_text())["epoch"])

    train_with_checkpoints(trainer, tmp_path / "run", {"model": "toy"}, on_epoch=on_epoch)
    assert seen == [1, 2]
    state = json.loads((tmp_path / "run.json").read_text())
    assert state["settings"] == {"model": "toy"}
    assert state["network"] == "MultiLayerNetExtend"
    assert len(state["history"]["test_acc_list"]) == 3
    assert len(state["history"]["mean_loss_per_epoch"]) == 2
    assert set(state["rng"]) == {"trainer", "layer:Dropout1", "layer:Dropout2", "x_train"}
    assert state["optimizer"]["name"] == "Adam" and state["optimizer"]["iter"] == 12
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json", "run.npz"]


def test_a_trainer_that_does_not_fit_is_refused_and_left_alone(tmp_path):
    trainer = make_trainer()
    for _ in range(7):
        trainer.train_step()
    save_checkpoint(tmp_path / "run", trainer)
    checkpoint = load_checkpoint(tmp_path / "run")
    other = make_trainer(batch=20)
    before = {k: v.copy() for k, v in other.network.params.items()}
    with pytest.raises(CheckpointError, match=r"batch_size 10 vs 20"):
        restore(other, checkpoint)
    for key, value in other.network.params.items():
        np.testing.assert_array_equal(value, before[key])
    assert other.current_iter == 0
    longer = make_trainer(epochs=5)  # more epochs is fine: the run goes on
    restore(longer, checkpoint)
    assert longer.current_iter == 7 and longer.max_iter == 30


def test_mismatched_or_missing_files_are_refused(tmp_path):
    trainer = make_trainer()
    trainer.train_step()
    save_checkpoint(tmp_path / "a", trainer)
    trainer.train_step()
    save_checkpoint(tmp_path / "b", trainer)
    (tmp_path / "b.json").replace(tmp_path / "a.json")  # a.npz with b's json
    with pytest.raises(CheckpointError, match="different saves"):
        load_checkpoint(tmp_path / "a")
    with pytest.raises(CheckpointError, match="no checkpoint at"):
        load_checkpoint(tmp_path / "b")
    (tmp_path / "c.npz").write_bytes(b"not a zip")
    (tmp_path / "c.json").write_text("{}")
    with pytest.raises(CheckpointError, match="cannot read"):
        load_checkpoint(tmp_path / "c")


def test_a_failed_save_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    trainer = make_trainer()
    trainer.train_step()
    save_checkpoint(tmp_path / "run", trainer)
    before = (tmp_path / "run.npz").read_bytes(), (tmp_path / "run.json").read_text()
    trainer.train_step()

    def broken_savez(f, **arrays):
        f.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(ckpt.np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(tmp_path / "run", trainer)
    assert (tmp_path / "run.npz").read_bytes() == before[0]
    assert (tmp_path / "run.json").read_text() == before[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json", "run.npz"]
    with pytest.raises(TypeError):
        save_checkpoint(tmp_path / "run", trainer, {"bad": object()})
    assert (tmp_path / "run.json").read_text() == before[1]
