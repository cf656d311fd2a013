r"""Training a GAN for epochs: history, fixed-noise samples, checkpoints and resuming.

[`train_gan`][nnbook.gan_trainer.train_gan] runs
[`GAN.train_step`][nnbook.models.GAN.train_step] over shuffled mini-batches, records
both losses and the discriminator's verdicts in a
[`GANHistory`][nnbook.gan_trainer.GANHistory], keeps the images of the fixed noise
after every epoch, and can write a checkpoint after every epoch from which a later call
resumes exactly.

Book: not in the book; the loop is chapter 6's `Trainer` for two players.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nnbook.models import GAN

__all__ = ["GANHistory", "load_checkpoint", "run_gan", "save_checkpoint", "train_gan"]


def _to_uint8(images: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(np.asarray(images) * 255), 0, 255).astype(np.uint8)


@dataclass(repr=False)
class GANHistory:
    """What a GAN's training records, step by step and epoch by epoch.

    Attributes
    ----------
    loss_d_list, loss_g_list : list of float
        The discriminator's and the generator's loss at every step.
    d_real_list, d_fake_list : list of float
        The discriminator's mean verdict $D(x)$ on the real batch and $D(G(z))$ on
        the generated batch, at every step.
    iter_per_epoch : int
        Steps per epoch.
    fixed_samples : list of ndarray of shape (100, 784), uint8
        The images of the GAN's fixed noise before training (entry 0) and after each
        epoch (entry $e$ after $e$ epochs), pixels 0-255.
    epoch_seconds : list of float
        Wall time of each epoch.
    epoch_cpu_seconds : list of float
        Processor time of each epoch (`time.process_time`): on a busy machine this,
        not the wall time, is what the epoch would take alone (one BLAS thread).
    info : dict
        What the run was: dataset, batch size, seed (free-form, kept in checkpoints).

    Examples
    --------
    >>> from nnbook.gan_trainer import GANHistory
    >>> history = GANHistory(iter_per_epoch=2)
    >>> history.loss_d_list += [1.4, 1.2, 1.1, 1.0]
    >>> history.loss_g_list += [0.7, 0.9, 1.0, 1.2]
    >>> history.d_real_list += [0.5, 0.6, 0.6, 0.7]
    >>> history.d_fake_list += [0.5, 0.4, 0.4, 0.3]
    >>> print(history.epochs_done, history.epoch_means()["loss_g"].tolist())
    2 [0.8, 1.1]
    """

    loss_d_list: list[float] = field(default_factory=list)
    loss_g_list: list[float] = field(default_factory=list)
    d_real_list: list[float] = field(default_factory=list)
    d_fake_list: list[float] = field(default_factory=list)
    iter_per_epoch: int = 1
    fixed_samples: list[np.ndarray] = field(default_factory=list)
    epoch_seconds: list[float] = field(default_factory=list)
    epoch_cpu_seconds: list[float] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def epochs_done(self) -> int:
        """Complete epochs recorded."""
        return len(self.loss_d_list) // self.iter_per_epoch

    def epoch_means(self) -> dict[str, np.ndarray]:
        """Return the mean of each per-step record over each complete epoch.

        Returns
        -------
        dict of str to ndarray of shape (epochs_done,)
            Keys `loss_d`, `loss_g`, `d_real`, `d_fake`.
        """
        n = self.epochs_done * self.iter_per_epoch
        out = {}
        for key in ("loss_d", "loss_g", "d_real", "d_fake"):
            values = np.asarray(getattr(self, f"{key}_list")[:n], dtype=np.float64)
            out[key] = values.reshape(self.epochs_done, self.iter_per_epoch).mean(axis=1)
        return out

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Return the history as arrays (what a checkpoint stores)."""
        return {
            "history/loss_d": np.asarray(self.loss_d_list, dtype=np.float32),
            "history/loss_g": np.asarray(self.loss_g_list, dtype=np.float32),
            "history/d_real": np.asarray(self.d_real_list, dtype=np.float32),
            "history/d_fake": np.asarray(self.d_fake_list, dtype=np.float32),
            "history/fixed_samples": np.asarray(self.fixed_samples, dtype=np.uint8),
            "history/epoch_seconds": np.asarray(self.epoch_seconds, dtype=np.float64),
            "history/epoch_cpu_seconds": np.asarray(self.epoch_cpu_seconds, np.float64),
            "history/meta": np.array(
                json.dumps({"iter_per_epoch": self.iter_per_epoch, "info": self.info})
            ),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> GANHistory:
        """Rebuild a history from `to_arrays()`."""
        meta = json.loads(str(arrays["history/meta"]))
        return cls(
            loss_d_list=arrays["history/loss_d"].tolist(),
            loss_g_list=arrays["history/loss_g"].tolist(),
            d_real_list=arrays["history/d_real"].tolist(),
            d_fake_list=arrays["history/d_fake"].tolist(),
            iter_per_epoch=int(meta["iter_per_epoch"]),
            fixed_samples=list(arrays["history/fixed_samples"]),
            epoch_seconds=arrays["history/epoch_seconds"].tolist(),
            epoch_cpu_seconds=arrays["history/epoch_cpu_seconds"].tolist(),
            info=dict(meta["info"]),
        )

    def __repr__(self) -> str:
        return (
            f"GANHistory({self.epochs_done} epochs of {self.iter_per_epoch} steps, "
            f"{len(self.fixed_samples)} fixed-noise grids)"
        )


def save_checkpoint(path: str | os.PathLike, gan: GAN, history: GANHistory) -> Path:
    """Write the GAN and its history to one `.npz` file, atomically.

    The file is written under a temporary name in the same folder and then renamed,
    so that an interrupted run never leaves a half-written checkpoint.

    Parameters
    ----------
    path : str or path-like
        The checkpoint file (e.g. `run/checkpoint.npz`); its folder is created.
    gan : GAN
    history : GANHistory

    Returns
    -------
    Path
        The checkpoint's path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **gan.state(), **history.to_arrays())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_checkpoint(path: str | os.PathLike) -> tuple[GAN, GANHistory]:
    """Load a GAN and its history from a checkpoint written by `save_checkpoint`.

    Parameters
    ----------
    path : str or path-like
        The `.npz` file, or a run folder holding `checkpoint.npz`. A file of
        `GAN.save` (the model alone) loads too, with an empty history.

    Returns
    -------
    (GAN, GANHistory)

    Raises
    ------
    FileNotFoundError
        If there is no checkpoint there.
    ValueError
        If the file is not a GAN checkpoint.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "checkpoint.npz"
    if not path.is_file():
        raise FileNotFoundError(
            f"no GAN checkpoint at {path}; train one with `nnbook train gan --out DIR`"
        )
    try:
        data = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError):
        data = None  # a pickle, or not NumPy's at all
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ValueError(
            f"{path} is not a GAN checkpoint written by nnbook: it is no .npz archive; "
            "train one with `nnbook train gan --out DIR`"
        )
    with data:
        arrays = {k: data[k] for k in data.files}
    if "meta" not in arrays:
        raise ValueError(
            f"{path} is not a GAN checkpoint written by nnbook (it lacks the GAN's "
            "settings); train one with `nnbook train gan --out DIR`"
        )
    if "history/meta" not in arrays:  # GAN.save: the model without a run's record
        return GAN.from_state(arrays), GANHistory()
    return GAN.from_state(arrays), GANHistory.from_arrays(arrays)


def train_gan(
    gan: GAN,
    x_train: ArrayLike,
    t_train: ArrayLike | None = None,
    *,
    epochs: int,
    batch_size: int = 64,
    history: GANHistory | None = None,
    checkpoint: str | os.PathLike | None = None,
    verbose: bool = False,
) -> GANHistory:
    """Train `gan` until `epochs` epochs are done; return the history.

    Each epoch visits the training images in a new random order (drawn from the GAN's
    own generator, so a resumed run continues exactly as an uninterrupted one) in
    `len(x_train) // batch_size` steps. After each epoch the images of the fixed noise
    are recorded and, if `checkpoint` is given, the GAN and the history are saved.

    Book: not in the book; chapter 6's `Trainer` does the same for one network.

    Parameters
    ----------
    gan : GAN
        Trained in place.
    x_train : array_like of shape (N, 784)
        Training images, pixels in [0, 1].
    t_train : array_like of shape (N,), optional
        Their classes; needed for a conditional GAN.
    epochs : int
        Total epochs wanted, counting those already in `history`.
    batch_size : int, default=64
        Real images per step (the discriminator also sees as many generated ones).
    history : GANHistory, optional
        The history of the run so far, to continue (from `load_checkpoint`).
    checkpoint : str or path-like, optional
        File written after every epoch (see `save_checkpoint`).
    verbose : bool, default=False
        Show a progress bar with both losses and the discriminator's verdicts.

    Returns
    -------
    GANHistory

    Examples
    --------
    >>> import numpy as np
    >>> from nnbook.gan_trainer import train_gan
    >>> from nnbook.models import GAN
    >>> gan = GAN(generator_hidden=[16], discriminator_hidden=[16], rng=0)
    >>> x = np.random.default_rng(0).random((64, 784))
    >>> history = train_gan(gan, x, epochs=2, batch_size=16)
    >>> print(history, gan.steps)
    GANHistory(2 epochs of 4 steps, 3 fixed-noise grids) 8
    """
    x_train = np.asarray(x_train)
    if gan.conditional and t_train is None:
        raise ValueError("a conditional GAN trains on labelled images: pass t_train")
    if t_train is not None and len(t_train) != len(x_train):
        raise ValueError(
            f"x_train and t_train differ in length: {len(x_train)} and {len(t_train)}"
        )
    iter_per_epoch = len(x_train) // batch_size
    if iter_per_epoch < 1:
        raise ValueError(
            f"batch_size={batch_size} is larger than the {len(x_train)} training images"
        )
    if history is None:
        history = GANHistory(iter_per_epoch=iter_per_epoch)
    elif history.iter_per_epoch != iter_per_epoch:
        raise ValueError(
            f"the history has {history.iter_per_epoch} steps per epoch but this data "
            f"and batch size give {iter_per_epoch}; resume with the same settings"
        )
    if not history.fixed_samples:
        history.fixed_samples.append(_to_uint8(gan.fixed_samples()))
    t_train = None if t_train is None else np.asarray(t_train)

    bar = None
    if verbose:
        from tqdm.auto import tqdm

        total = max(epochs - history.epochs_done, 0) * iter_per_epoch
        bar = tqdm(total=total, desc="GAN", unit="step")
    try:
        for epoch in range(history.epochs_done, epochs):
            start, cpu_start = time.perf_counter(), time.process_time()
            order = gan.rng.permutation(len(x_train))
            for k in range(iter_per_epoch):
                idx = order[k * batch_size : (k + 1) * batch_size]
                t_batch = None if t_train is None else t_train[idx]
                step = gan.train_step(x_train[idx], t_batch)
                history.loss_d_list.append(step.loss_d)
                history.loss_g_list.append(step.loss_g)
                history.d_real_list.append(step.d_real)
                history.d_fake_list.append(step.d_fake)
                if bar is not None:
                    bar.update()
                    if k % 20 == 0:
                        bar.set_postfix(
                            epoch=epoch + 1,
                            loss_d=f"{step.loss_d:.3f}",
                            loss_g=f"{step.loss_g:.3f}",
                            D_x=f"{step.d_real:.2f}",
                            D_G_z=f"{step.d_fake:.2f}",
                            refresh=False,
                        )
            history.fixed_samples.append(_to_uint8(gan.fixed_samples()))
            history.epoch_seconds.append(time.perf_counter() - start)
            history.epoch_cpu_seconds.append(time.process_time() - cpu_start)
            if checkpoint is not None:
                save_checkpoint(checkpoint, gan, history)
    finally:
        if bar is not None:
            bar.close()
    return history


def _load_data(dataset: str, data_home: str | os.PathLike | None):
    from nnbook.datasets import load_fashion_mnist, load_mnist

    if dataset not in ("mnist", "fashion-mnist"):
        raise ValueError(f"unknown dataset {dataset!r}; choose 'mnist' or 'fashion-mnist'")
    loader = load_mnist if dataset == "mnist" else load_fashion_mnist
    return loader(normalize=True, flatten=True, data_home=data_home)


def run_gan(
    out: str | os.PathLike,
    *,
    dataset: str = "mnist",
    conditional: bool = False,
    epochs: int = 30,
    seed: int = 0,
    batch_size: int = 64,
    limit: int | None = None,
    data_home: str | os.PathLike | None = None,
    verbose: bool = False,
    **gan_options: Any,
) -> tuple[GAN, GANHistory]:
    """Train a GAN in a run folder, resuming its checkpoint if there is one.

    What `nnbook train gan` does: a run folder `out`
    holds `checkpoint.npz`, written after every epoch. A run that already has
    `epochs` epochs is only loaded; a shorter one is resumed; a run made with other
    settings is refused rather than mixed.

    Book: not in the book.

    Parameters
    ----------
    out : str or path-like
        The run folder.
    dataset : {'mnist', 'fashion-mnist'}, default='mnist'
    conditional : bool, default=False
    epochs : int, default=30
        Total epochs.
    seed : int, default=0
        Seeds the GAN's generator (weights, noise, labels, shuffling).
    batch_size : int, default=64
    limit : int, optional
        Train on the first `limit` images only.
    data_home : str or path-like, optional
    verbose : bool, default=False
        Progress bar.
    **gan_options
        Further arguments of [`GAN`][nnbook.models.GAN] (e.g. `lr`), recorded in
        the run.

    Returns
    -------
    (GAN, GANHistory)

    Raises
    ------
    ValueError
        If `out` holds a run made with other settings.
    """
    checkpoint = Path(out) / "checkpoint.npz"
    info = {
        "dataset": dataset,
        "conditional": bool(conditional),
        "seed": int(seed),
        "batch_size": int(batch_size),
        "limit": None if limit is None else int(limit),
        "gan_options": gan_options,
    }
    if checkpoint.exists():
        gan, history = load_checkpoint(checkpoint)
        if history.info != json.loads(json.dumps(info)):
            raise ValueError(
                f"{checkpoint} is a run with {history.info}, not {info}; resume it with "
                "the same settings, or choose another folder"
            )
        if history.epochs_done >= epochs:
            return gan, history
    else:
        gan = GAN(conditional=conditional, rng=seed, **gan_options)
        history = None
    (x_train, t_train), _ = _load_data(dataset, data_home)
    if limit is not None:
        x_train, t_train = x_train[:limit], t_train[:limit]
    if history is None:
        history = GANHistory(iter_per_epoch=len(x_train) // batch_size, info=info)
    history = train_gan(
        gan,
        x_train,
        t_train if conditional else None,
        epochs=epochs,
        batch_size=batch_size,
        history=history,
        checkpoint=checkpoint,
        verbose=verbose,
    )
    return gan, history
