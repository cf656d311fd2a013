"""Checkpoints of a training run: save after every epoch, resume exactly, stop on Ctrl-C.

A checkpoint is two files side by side: `NAME.npz` holds the arrays (the parameters,
the optimizer's moments, the loss of every iteration, the current epoch's order of
the training samples) and `NAME.json` the rest, readable by a person: the settings
of the run, the accuracies per epoch, the counters, and the states of the random
generators. Both are written to temporary files first and then renamed, so an
interrupted save leaves the previous checkpoint intact.

Resuming restores everything a [`Trainer`][nnbook.trainer.Trainer] step depends on,
so a run that is stopped and resumed ends with the same parameters, to the bit, as
one that ran straight through.

Book: chapter 8 (the deep network trains for hours with the book's code); the
training loop is chapter 6's `Trainer`.
"""

from __future__ import annotations

import json
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nnbook.trainer import Trainer, TrainingHistory

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "TrainingInterrupted",
    "checkpoint_paths",
    "load_checkpoint",
    "restore",
    "save_checkpoint",
    "train_with_checkpoints",
]

FORMAT = "nnbook-checkpoint-1"


class CheckpointError(ValueError):
    """A checkpoint is missing, damaged, or does not fit the run it should resume."""


class TrainingInterrupted(KeyboardInterrupt):
    """Training was stopped by Ctrl-C (SIGINT) after its checkpoint was saved.

    Attributes
    ----------
    checkpoint : Path
        The `.npz` file written just before stopping.
    epoch, iteration : int
        Where the run stopped.
    """

    def __init__(self, checkpoint: Path, epoch: int, iteration: int) -> None:
        super().__init__(
            f"interrupted at iteration {iteration} (epoch {epoch}); saved {checkpoint}"
        )
        self.checkpoint, self.epoch, self.iteration = checkpoint, epoch, iteration


def checkpoint_paths(path: str | os.PathLike) -> tuple[Path, Path]:
    """Return the `.npz` and `.json` paths of a checkpoint named `path`.

    Parameters
    ----------
    path : str or path-like
        `run`, `run.npz` or `run.json`: all name the same checkpoint.

    Returns
    -------
    (Path, Path)

    Examples
    --------
    >>> from nnbook.checkpoint import checkpoint_paths
    >>> print(*checkpoint_paths("runs/deep.npz"))
    runs/deep.npz runs/deep.json
    """
    p = Path(path)
    if p.suffix in (".npz", ".json"):
        p = p.with_suffix("")
    return p.with_name(p.name + ".npz"), p.with_name(p.name + ".json")


# -- what a trainer's state is made of ------------------------------------------------


def _generators(trainer: Trainer) -> dict[str, np.random.Generator]:
    """Every random generator a training step draws from, by a stable name."""
    found = {"trainer": trainer.rng}
    for name, layer in trainer.network.layers.items():
        rng = getattr(layer, "rng", None)
        if isinstance(rng, np.random.Generator):
            found[f"layer:{name}"] = rng
    rng = getattr(trainer.x_train, "rng", None)  # AugmentedImages
    if isinstance(rng, np.random.Generator):
        found["x_train"] = rng
    return found


def _buffers(network) -> dict[str, np.ndarray]:
    """BatchNormalization's moving averages, under `Network.save_params`'s names."""
    out = {}
    for name, layer in network.layers.items():
        for attr in ("running_mean", "running_var"):
            value = getattr(layer, attr, None)
            if isinstance(value, np.ndarray):
                out[f"{name}.{attr}"] = value
    return out


def _optimizer_state(optimizer) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Split an optimizer's state into JSON scalars and arrays (`m`, `v`, `h`...)."""
    scalars, arrays = {}, {}
    for name, value in vars(optimizer).items():
        if name.startswith("_"):
            continue
        if isinstance(value, dict):
            for key, array in value.items():
                arrays[f"optimizer/{name}/{key}"] = array
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            scalars[name] = value
    return scalars, arrays


def _history_json(history: TrainingHistory) -> dict[str, Any]:
    losses = np.asarray(history.train_loss_list)
    per_epoch = [
        float(np.mean(losses[i : i + history.iter_per_epoch]))
        for i in range(0, len(losses) - history.iter_per_epoch + 1, history.iter_per_epoch)
    ]
    return {
        "iter_per_epoch": history.iter_per_epoch,
        "acc_iterations": history.acc_iterations,
        "train_acc_list": history.train_acc_list,
        "test_acc_list": history.test_acc_list,
        "mean_loss_per_epoch": per_epoch,
        "final_train_acc": _finite_or_none(history.final_train_acc),
        "final_test_acc": _finite_or_none(history.final_test_acc),
        "seconds": history.seconds,
    }


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _write_atomically(path: Path, write: Callable[[Any], None], mode: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, mode) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def save_checkpoint(
    path: str | os.PathLike, trainer: Trainer, settings: Mapping[str, Any] | None = None
) -> Path:
    """Save everything needed to resume `trainer`: `NAME.npz` and `NAME.json`.

    Parameters
    ----------
    path : str or path-like
        The checkpoint's name (`run`, `run.npz` or `run.json`); its folder is created.
    trainer : Trainer
        The run to save, at any iteration (between two steps).
    settings : mapping, optional
        JSON-serialisable settings of the run (model, learning rate...), stored as
        they are for whoever resumes it.

    Returns
    -------
    Path
        The `.npz` file.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from nnbook.checkpoint import load_checkpoint, save_checkpoint
    >>> from nnbook.models import TwoLayerNet
    >>> from nnbook.trainer import Trainer
    >>> rng = np.random.default_rng(0)
    >>> x, t = rng.random((40, 4)), rng.integers(0, 3, 40)
    >>> trainer = Trainer(TwoLayerNet(4, 5, 3, rng=0), x, t, x, t, epochs=3,
    ...                   mini_batch_size=10, optimizer="adam", rng=1)
    >>> for _ in range(6):
    ...     _ = trainer.train_step()
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = save_checkpoint(f"{tmp}/run", trainer, {"model": "two-layer"})
    ...     checkpoint = load_checkpoint(f"{tmp}/run")
    >>> print(checkpoint.epoch, checkpoint.iteration, checkpoint.settings)
    1 6 {'model': 'two-layer'}
    >>> print(checkpoint.history.test_acc_list == trainer.test_acc_list)
    True
    """
    npz_path, json_path = checkpoint_paths(path)
    network = trainer.network
    arrays: dict[str, np.ndarray] = {f"params/{k}": v for k, v in network.params.items()}
    arrays.update({f"buffers/{k}": v for k, v in _buffers(network).items()})
    scalars, optimizer_arrays = _optimizer_state(trainer.optimizer)
    arrays.update(optimizer_arrays)
    arrays["history/train_loss"] = np.asarray(trainer.history.train_loss_list, float)
    order = getattr(trainer, "_order", None)  # the current epoch's permutation
    mid_epoch = trainer.current_iter % trainer.iter_per_epoch != 0
    if mid_epoch and order is not None:
        arrays["trainer/order"] = order
    arrays["meta/iteration"] = np.array(trainer.current_iter)
    state = {
        "format": FORMAT,
        "saved": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "settings": dict(settings or {}),
        "network": type(network).__name__,
        "dtype": str(network.dtype),
        "shapes": {k: list(v.shape) for k, v in network.params.items()},
        "epoch": trainer.current_epoch,
        "iteration": trainer.current_iter,
        "epochs": trainer.epochs,
        "max_iter": trainer.max_iter,
        "batch_size": trainer.batch_size,
        "train_size": trainer.train_size,
        "optimizer": {"name": type(trainer.optimizer).__name__, **scalars},
        "rng": {name: g.bit_generator.state for name, g in _generators(trainer).items()},
        "history": _history_json(trainer.history),
    }
    text = json.dumps(state, indent=1)  # fails here, before any file is touched
    npz_path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(npz_path, lambda f: np.savez(f, **arrays), "wb")
    _write_atomically(json_path, lambda f: f.write(text), "w")
    return npz_path


@dataclass
class Checkpoint:
    """A checkpoint read back by [`load_checkpoint`][nnbook.checkpoint.load_checkpoint].

    Attributes
    ----------
    path : Path
        The `.npz` file.
    settings : dict
        The run's settings, as saved.
    epoch, iteration : int
        Epochs and iterations completed.
    history : TrainingHistory
        The history so far.
    params : dict of str to ndarray
        The network's parameters (and BatchNormalization's moving averages), ready
        for `network.load_params`.
    state : dict
        Everything in the `.json` file.
    arrays : dict of str to ndarray
        Everything in the `.npz` file.
    """

    path: Path
    settings: dict[str, Any]
    epoch: int
    iteration: int
    history: TrainingHistory
    params: dict[str, np.ndarray]
    state: dict[str, Any] = field(repr=False)
    arrays: dict[str, np.ndarray] = field(repr=False)


def load_checkpoint(path: str | os.PathLike) -> Checkpoint:
    """Read a checkpoint written by `save_checkpoint`.

    Parameters
    ----------
    path : str or path-like
        `run`, `run.npz` or `run.json`.

    Returns
    -------
    Checkpoint

    Raises
    ------
    CheckpointError
        If a file is missing, unreadable, of another format, or if the two files
        belong to different saves.
    """
    npz_path, json_path = checkpoint_paths(path)
    for p in (npz_path, json_path):
        if not p.is_file():
            raise CheckpointError(
                f"no checkpoint at {p}: a checkpoint is the pair {npz_path.name} and "
                f"{json_path.name}, written by `nnbook train` after every epoch"
            )
    try:
        state = json.loads(json_path.read_text(encoding="utf-8"))
        with np.load(npz_path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"cannot read the checkpoint {npz_path}: {exc}") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"{json_path} is not an nnbook checkpoint ({FORMAT})")
    if int(arrays.get("meta/iteration", -1)) != state.get("iteration"):
        raise CheckpointError(
            f"{npz_path.name} and {json_path.name} come from different saves (an "
            "interrupted save?); use the files of one save, or start a new run"
        )
    h = state["history"]
    history = TrainingHistory(
        train_loss_list=arrays["history/train_loss"].tolist(),
        train_acc_list=list(h["train_acc_list"]),
        test_acc_list=list(h["test_acc_list"]),
        acc_iterations=list(h["acc_iterations"]),
        iter_per_epoch=int(h["iter_per_epoch"]),
        final_train_acc=float("nan")
        if h["final_train_acc"] is None
        else h["final_train_acc"],
        final_test_acc=float("nan") if h["final_test_acc"] is None else h["final_test_acc"],
        seconds=float(h["seconds"]),
    )
    params = {k.split("/", 1)[1]: v for k, v in arrays.items() if k.startswith("params/")}
    params.update(
        {k.split("/", 1)[1]: v for k, v in arrays.items() if k.startswith("buffers/")}
    )
    return Checkpoint(
        path=npz_path,
        settings=dict(state.get("settings", {})),
        epoch=int(state["epoch"]),
        iteration=int(state["iteration"]),
        history=history,
        params=params,
        state=state,
        arrays=arrays,
    )


def restore(trainer: Trainer, checkpoint: Checkpoint) -> None:
    """Put a freshly built trainer into the state saved in `checkpoint`.

    The trainer must be built as the saved one was (same network, optimizer, batch
    size, training-set size and number of epochs may grow); everything is checked
    before anything is changed.

    Parameters
    ----------
    trainer : Trainer
        A new trainer for the same run.
    checkpoint : Checkpoint
        What `load_checkpoint` returned.

    Raises
    ------
    CheckpointError
        If the trainer does not fit the checkpoint; the message names the difference.
    """
    state, arrays = checkpoint.state, checkpoint.arrays
    network = trainer.network
    problems = []
    if state["network"] != type(network).__name__:
        problems.append(f"network {state['network']} vs {type(network).__name__}")
    shapes = {k: list(v.shape) for k, v in network.params.items()}
    if state["shapes"] != shapes:
        problems.append(f"parameter shapes {state['shapes']} vs {shapes}")
    if state["optimizer"]["name"] != type(trainer.optimizer).__name__:
        problems.append(
            f"optimizer {state['optimizer']['name']} vs {type(trainer.optimizer).__name__}"
        )
    for key, mine in (
        ("batch_size", trainer.batch_size),
        ("train_size", trainer.train_size),
    ):
        if state[key] != mine:
            problems.append(f"{key} {state[key]} vs {mine}")
    if checkpoint.iteration > trainer.max_iter:
        problems.append(
            f"the checkpoint is at iteration {checkpoint.iteration}, past this run's "
            f"{trainer.max_iter}"
        )
    names = set(_generators(trainer))
    if set(state["rng"]) != names:
        problems.append(f"random generators {sorted(state['rng'])} vs {sorted(names)}")
    mid_epoch = checkpoint.iteration % trainer.iter_per_epoch != 0
    if mid_epoch and "trainer/order" not in arrays:
        problems.append("the checkpoint stopped mid-epoch but has no sample order")
    if problems:
        raise CheckpointError(
            f"{checkpoint.path} does not fit this run: " + "; ".join(problems) + "; "
            "resume with the settings it was saved with, or start a new run"
        )
    network.load_params(checkpoint.params)
    optimizer = trainer.optimizer
    for name, value in state["optimizer"].items():
        if name != "name":
            setattr(optimizer, name, value)
    for key, array in arrays.items():
        if key.startswith("optimizer/"):
            _, name, param = key.split("/", 2)
            getattr(optimizer, name)[param] = array.copy()
    for name, g in _generators(trainer).items():
        g.bit_generator.state = state["rng"][name]
    trainer.current_iter = checkpoint.iteration
    trainer.current_epoch = checkpoint.epoch
    trainer.history = checkpoint.history
    trainer._order = arrays["trainer/order"].copy() if mid_epoch else None


def train_with_checkpoints(
    trainer: Trainer,
    path: str | os.PathLike,
    settings: Mapping[str, Any] | None = None,
    *,
    progress: bool = False,
    stop: Callable[[], bool] | None = None,
    on_epoch: Callable[[Trainer], None] | None = None,
) -> TrainingHistory:
    """Train to the end, saving a checkpoint after every epoch; Ctrl-C saves and stops.

    Runs `trainer.train_step()` until `trainer.max_iter` (continuing from where a
    restored trainer stands), writes the checkpoint at the end of every epoch, and
    finishes with `trainer.train()`, which sets the final accuracies. While it runs,
    the first Ctrl-C (SIGINT) lets the current step finish, saves, and raises
    `TrainingInterrupted`; a second one stops at once (the last epoch's checkpoint is
    intact).

    Parameters
    ----------
    trainer : Trainer
        A new trainer, or one put back by `restore`.
    path : str or path-like
        Checkpoint name (see `save_checkpoint`).
    settings : mapping, optional
        Stored in every checkpoint.
    progress : bool, default=False
        Show a tqdm progress bar with the epoch, loss and latest accuracies.
    stop : callable () -> bool, optional
        Checked after every step; True stops as Ctrl-C does (for tests and callers
        with their own signals).
    on_epoch : callable (Trainer) -> None, optional
        Called after each epoch's checkpoint is saved (to print a line per epoch).

    Returns
    -------
    TrainingHistory

    Raises
    ------
    TrainingInterrupted
        After Ctrl-C (or `stop`), once the checkpoint is saved.
    """
    requested = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():

        def on_sigint(signum, frame):
            if requested.is_set():
                raise KeyboardInterrupt
            requested.set()

        previous = signal.signal(signal.SIGINT, on_sigint)
    from tqdm.auto import tqdm

    start = time.perf_counter()
    bar = tqdm(
        total=trainer.max_iter,
        initial=trainer.current_iter,
        desc=type(trainer.network).__name__,
        unit="it",
        disable=not progress,
        dynamic_ncols=True,
    )
    try:
        while trainer.current_iter < trainer.max_iter:
            loss = trainer.train_step()
            bar.update(1)
            if progress:
                bar.set_postfix(
                    epoch=f"{trainer.current_epoch}/{trainer.epochs}",
                    loss=f"{loss:.3f}",
                    train_acc=f"{trainer.train_acc_list[-1]:.4f}",
                    test_acc=f"{trainer.test_acc_list[-1]:.4f}",
                    refresh=False,
                )
            end_of_epoch = trainer.current_iter % trainer.iter_per_epoch == 0
            halt = requested.is_set() or (stop is not None and stop())
            if end_of_epoch or halt:
                trainer.history.seconds += time.perf_counter() - start
                start = time.perf_counter()
                saved = save_checkpoint(path, trainer, settings)
                if end_of_epoch and on_epoch is not None:
                    on_epoch(trainer)
            if halt:
                raise TrainingInterrupted(
                    saved, trainer.current_epoch, trainer.current_iter
                )
    finally:
        bar.close()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    trainer.history.seconds += time.perf_counter() - start
    history = trainer.train()  # nothing left to run: sets the final accuracies
    save_checkpoint(path, trainer, settings)
    return history
