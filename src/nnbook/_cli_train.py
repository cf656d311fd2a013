"""`nnbook train MODEL` and `nnbook evaluate MODEL`: the book's networks from a shell.

Registered on the `nnbook` command by `register(commands)` in `nnbook.cli`. Errors
print one line on stderr and exit with 1; bad options are usage errors (exit 2); Ctrl-C
during training saves a checkpoint and exits with 130.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["MODELS", "ModelSpec", "register"]


@dataclass(frozen=True)
class ModelSpec:
    """A network `nnbook train` and `nnbook evaluate` know, with its book settings."""

    cls_name: str
    help: str
    flatten: bool
    optimizer: str
    lr: float
    epochs: int
    eval_samples: int | None
    book_weights: str | None = None
    kwargs: tuple[tuple[str, Any], ...] = ()

    def build(self, *, rng: np.random.Generator, dtype: Any):
        """Return a new network of this model."""
        import nnbook.models

        cls = getattr(nnbook.models, self.cls_name)
        return cls(**dict(self.kwargs), rng=rng, dtype=dtype)


#: The models by command-line name, with the settings of the book's training scripts.
MODELS: dict[str, ModelSpec] = {
    "two-layer": ModelSpec(
        "TwoLayerNet",
        "784-50-10, ReLU (chapter 5); SGD lr 0.1, 17 epochs",
        flatten=True,
        optimizer="sgd",
        lr=0.1,
        epochs=17,
        eval_samples=None,
        kwargs=(("input_size", 784), ("hidden_size", 50), ("output_size", 10)),
    ),
    "multi-layer": ModelSpec(
        "MultiLayerNet",
        "784-100x4-10, ReLU, He weights (chapter 6); Adam lr 0.001, 20 epochs",
        flatten=True,
        optimizer="adam",
        lr=0.001,
        epochs=20,
        eval_samples=None,
        kwargs=(("input_size", 784), ("hidden_size_list", [100] * 4), ("output_size", 10)),
    ),
    "simple-conv": ModelSpec(
        "SimpleConvNet",
        "conv 30x5x5 - pool - 100 - 10 (chapter 7); Adam lr 0.001, 20 epochs",
        flatten=False,
        optimizer="adam",
        lr=0.001,
        epochs=20,
        eval_samples=1000,
        book_weights="params",
    ),
    "deep-conv": ModelSpec(
        "DeepConvNet",
        "six 3x3 convolutions, three poolings, dropout (chapter 8); Adam lr 0.001, "
        "20 epochs",
        flatten=False,
        optimizer="adam",
        lr=0.001,
        epochs=20,
        eval_samples=1000,
        book_weights="deep_convnet_params",
    ),
}

_OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")


class _Failure(Exception):
    """An error reported as one line on stderr, with exit status 1."""


# -- argument types: each bad value is a usage error naming the fix --------------------


def _whole_number(text: str, minimum: int, rule: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be {rule}, got {value}")
    return value


def _positive_int(text: str) -> int:
    return _whole_number(text, 1, "at least 1")


def _seed(text: str) -> int:
    return _whole_number(text, 0, "0 or more")


def _learning_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def _weights(text: str) -> str:
    if text.startswith("book:") and text not in ("book:2016", "book:2022"):
        raise argparse.ArgumentTypeError(
            f"unknown book revision {text!r}; use book:2016 (the book's accuracies) or "
            "book:2022 (the book repository's current files)"
        )
    return text


# -- data --------------------------------------------------------------------------------


def _data_errors() -> tuple[type[Exception], ...]:
    from nnbook import datasets

    return (datasets.ChecksumError, datasets.DataNotFoundError, datasets.DownloadError,
            datasets.IDXFormatError, datasets.UnsafePickleError)  # fmt: skip


def _load_data(
    dataset: str,
    flatten: bool,
    data_home: str | None,
    train_size: int | None = None,
    test_size: int | None = None,
):
    from nnbook.datasets import load_fashion_mnist, load_mnist

    loader = load_mnist if dataset == "mnist" else load_fashion_mnist
    try:
        (x_train, t_train), (x_test, t_test) = loader(flatten=flatten, data_home=data_home)
    except _data_errors() as exc:
        raise _Failure(" ".join(str(exc).split()) + " (see `nnbook data status`)") from None
    if train_size is not None:
        x_train, t_train = x_train[:train_size], t_train[:train_size]
    if test_size is not None:
        x_test, t_test = x_test[:test_size], t_test[:test_size]
    return (x_train, t_train), (x_test, t_test)


# -- nnbook train ----------------------------------------------------------------------

_RUN_SETTINGS = ("epochs", "batch_size", "optimizer", "lr", "dtype", "seed", "dataset",
                 "train_size", "test_size", "eval_samples", "augment")  # fmt: skip


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    """Return the run's settings: the options given, else the model's book defaults."""
    spec = MODELS[args.model]
    defaults = {
        "epochs": spec.epochs,
        "batch_size": 100,
        "optimizer": spec.optimizer,
        "lr": spec.lr,
        "dtype": "float32",
        "seed": 0,
        "dataset": "mnist",
        "train_size": None,
        "test_size": None,
        "eval_samples": spec.eval_samples,
        "augment": False,
    }
    given = {k: getattr(args, k) for k in _RUN_SETTINGS if getattr(args, k) is not None}
    return {"model": args.model, **defaults, **given}


def _resumed_settings(args: argparse.Namespace):
    from nnbook.checkpoint import load_checkpoint

    checkpoint = load_checkpoint(args.resume)
    saved = checkpoint.settings
    if saved.get("model") != args.model:
        raise _Failure(
            f"{checkpoint.path} is a checkpoint of {saved.get('model')!r}, not "
            f"{args.model!r}; run `nnbook train {saved.get('model')} --resume "
            f"{args.resume}`"
        )
    clashes = [
        f"--{k.replace('_', '-')} {getattr(args, k)} (saved: {saved.get(k)})"
        for k in _RUN_SETTINGS
        if k != "epochs"
        and getattr(args, k) is not None
        and getattr(args, k) != saved.get(k)
    ]
    if clashes:
        raise _Failure(
            f"a resumed run keeps the settings it was saved with; drop {', '.join(clashes)}"
            " or start a new run without --resume"
        )
    settings = dict(saved)
    if args.epochs is not None:
        settings["epochs"] = args.epochs
    return settings, checkpoint


def _build_trainer(settings: dict[str, Any], args: argparse.Namespace):
    from nnbook.augmentation import AugmentedImages
    from nnbook.trainer import Trainer

    spec = MODELS[settings["model"]]
    (x_train, t_train), (x_test, t_test) = _load_data(
        settings["dataset"],
        spec.flatten,
        args.data_home,
        settings["train_size"],
        settings["test_size"],
    )
    if settings["batch_size"] > len(x_train):
        raise _Failure(
            f"--batch-size {settings['batch_size']} is larger than the "
            f"{len(x_train)} training images; use a smaller batch"
        )
    rng = np.random.default_rng(settings["seed"])
    network = spec.build(rng=rng, dtype=np.dtype(settings["dtype"]))
    if settings["augment"]:
        x_train = AugmentedImages(x_train, rng=rng)
    return Trainer(
        network,
        x_train,
        t_train,
        x_test,
        t_test,
        epochs=settings["epochs"],
        mini_batch_size=settings["batch_size"],
        optimizer=settings["optimizer"],
        optimizer_param={"lr": settings["lr"]},
        evaluate_sample_num_per_epoch=settings["eval_samples"],
        rng=rng,
    )


def _train(args: argparse.Namespace) -> int:
    from nnbook.checkpoint import (
        CheckpointError,
        TrainingInterrupted,
        checkpoint_paths,
        restore,
        train_with_checkpoints,
    )

    try:
        if args.resume is not None:
            settings, checkpoint = _resumed_settings(args)
        else:
            settings, checkpoint = _settings(args), None
        path = args.checkpoint or args.resume or f"runs/{args.model}"
        trainer = _build_trainer(settings, args)
        if checkpoint is not None:
            restore(trainer, checkpoint)
    except CheckpointError as exc:
        raise _Failure(str(exc)) from None
    name = type(trainer.network).__name__
    where = f"resuming after iteration {trainer.current_iter}" if checkpoint else "starting"
    npz, json_file = checkpoint_paths(path)
    print(
        f"{name} on {trainer.train_size:,} {settings['dataset']} images, "
        f"{settings['epochs']} epochs of {trainer.iter_per_epoch} steps, "
        f"{settings['optimizer']} lr {settings['lr']}, {settings['dtype']}, seed "
        f"{settings['seed']}{', augmented' if settings['augment'] else ''}\n"
        f"{where}; checkpoint {npz} + {json_file.name}",
        file=sys.stderr,
    )

    def report(trainer) -> None:
        history = trainer.history
        losses = history.train_loss_list[-trainer.iter_per_epoch :]
        line = (
            f"epoch {trainer.current_epoch}/{trainer.epochs}: loss {np.mean(losses):.4f}, "
            f"train acc {history.train_acc_list[-1]:.4f}, test acc "
            f"{history.test_acc_list[-1]:.4f}, {history.seconds:.0f} s"
        )
        if args.progress:
            from tqdm.auto import tqdm

            tqdm.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr, flush=True)

    try:
        history = train_with_checkpoints(
            trainer, path, settings, progress=args.progress, on_epoch=report
        )
    except TrainingInterrupted as exc:
        print(
            f"nnbook: interrupted at iteration {exc.iteration} (epoch {exc.epoch}); saved "
            f"{exc.checkpoint}\nnnbook: continue with: nnbook train {args.model} --resume "
            f"{exc.checkpoint}",
            file=sys.stderr,
        )
        return 130
    print(
        f"final train accuracy {history.final_train_acc:.4f}, test accuracy "
        f"{history.final_test_acc:.4f} ({len(trainer.x_test):,} test images), "
        f"{history.seconds:.0f} s; saved {npz}"
    )
    return 0


# -- nnbook evaluate ---------------------------------------------------------------------


def _load_weights(args: argparse.Namespace, spec: ModelSpec) -> tuple[dict, str]:
    from nnbook.checkpoint import CheckpointError, checkpoint_paths, load_checkpoint
    from nnbook.datasets import load_book_params, read_params

    if args.weights.startswith("book:"):
        revision = args.weights.split(":", 1)[1]
        if spec.book_weights is None:
            books = [n for n, s in MODELS.items() if s.book_weights]
            raise _Failure(
                f"the book publishes no weights for {args.model}; book: weights exist for "
                f"{', '.join(books)}; pass --weights PATH for your own"
            )
        try:
            params = load_book_params(spec.book_weights, revision=revision,
                                      data_home=args.data_home)  # fmt: skip
        except _data_errors() as exc:
            raise _Failure(" ".join(str(exc).split())) from None
        return params, f"the book's weights ({revision})"
    path = Path(args.weights)
    if not path.exists():
        raise _Failure(
            f"no weights file {path}; pass book:2016, book:2022, a checkpoint of "
            "`nnbook train` (.npz) or a parameter file (.npz, or the book's .pkl)"
        )
    try:
        if path.suffix == ".pkl":
            return read_params(path), str(path)
        if checkpoint_paths(path)[1].exists():
            checkpoint = load_checkpoint(path)
            model = checkpoint.settings.get("model")
            if model not in (None, args.model):
                raise _Failure(
                    f"{path} is a checkpoint of {model!r}; run `nnbook evaluate {model} "
                    f"--weights {path}`"
                )
            return checkpoint.params, f"{path} (epoch {checkpoint.epoch})"
        with open(path, "rb") as f:
            if f.read(4) != b"PK\x03\x04":  # every .npz is a zip archive
                raise _Failure(
                    f"{path} is neither an .npz archive (written by save_params or "
                    "`nnbook train`) nor a .pkl file in the book's format"
                )
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}, str(path)
    except (CheckpointError, *_data_errors(), OSError, ValueError) as exc:
        raise _Failure(f"cannot read {path}: {exc}") from None


def _evaluate(args: argparse.Namespace) -> int:
    from nnbook.experiments import misclassified, predict_float16

    spec = MODELS[args.model]
    params, source = _load_weights(args, spec)
    network = spec.build(rng=np.random.default_rng(0), dtype=np.dtype(args.dtype))
    try:
        network.load_params(params)
    except (KeyError, ValueError) as exc:
        raise _Failure(
            f"{source} does not fit {args.model}: {str(exc).strip(chr(34))}"
        ) from None
    args.dataset = args.dataset or "mnist"
    _, (x_test, t_test) = _load_data(
        args.dataset, spec.flatten, args.data_home, test_size=args.test_size
    )
    model = network
    if args.dtype == "float16":

        class _Float16:  # float16 throughout, the products accumulated by BLAS
            def predict(self, x, train_flg=False):
                return predict_float16(network, x)

        model = _Float16()
    start = time.perf_counter()
    result = misclassified(model, x_test, t_test, max_view=args.max_view)
    seconds = time.perf_counter() - start
    print(
        f"{type(network).__name__}, {source}, {args.dtype}, {len(t_test):,} "
        f"{args.dataset} test images ({seconds:.1f} s)"
    )
    print(f"test accuracy: {result.accuracy:.4f} ({result.count} misclassified)")
    if result.count:
        print("======= misclassified result =======")
        print("{view index: (label, inference), ...}")
        print(result.pairs_text())
        common = ", ".join(f"{a}→{b} ×{n}" for (a, b), n in result.confusions(5))
        print(f"most frequent mistakes (label→inference): {common}")
    return 0


# -- registration ------------------------------------------------------------------------


def _run(
    handler: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except _Failure as exc:
            if getattr(args, "debug", False):
                raise
            print(f"nnbook: error: {exc}", file=sys.stderr)
            return 1

    return run


def register(
    commands: argparse._SubParsersAction, parents: Sequence[argparse.ArgumentParser] = ()
) -> None:
    """Add the `train` and `evaluate` commands to the `nnbook` command's sub-parsers.

    Parameters
    ----------
    commands : argparse sub-parsers
        What `ArgumentParser.add_subparsers` returned in `nnbook.cli.build_parser`.
    parents : sequence of ArgumentParser, optional
        Parsers whose options every command shares (e.g. `--debug`).
    """
    models = ", ".join(MODELS)
    epilog = "models:\n" + "\n".join(f"  {n:<12} {s.help}" for n, s in MODELS.items())
    train = commands.add_parser(
        "train",
        help="train one of the book's networks, with a checkpoint after every epoch",
        description="Train a network of the book on MNIST (or Fashion-MNIST).\n\n"
        "A checkpoint (NAME.npz + NAME.json) is written after every epoch; Ctrl-C\n"
        "saves one and stops; --resume continues from it. Options left out take the\n"
        "book's settings for the model (listed below).",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=list(parents),
    )
    train.add_argument("model", choices=list(MODELS), metavar="MODEL", help=models)
    train.add_argument(
        "--epochs", type=_positive_int, metavar="N", help="passes over the training data"
    )
    train.add_argument(
        "--batch-size", type=_positive_int, metavar="N", help="mini-batch size (100)"
    )
    train.add_argument(
        "--optimizer", choices=_OPTIMIZERS, type=str.lower, help="update rule"
    )
    train.add_argument("--lr", type=_learning_rate, metavar="RATE", help="learning rate")
    train.add_argument(
        "--dtype", choices=("float32", "float64"), help="float32 (default, fast) or float64"
    )
    train.add_argument(
        "--seed", type=_seed, metavar="N", help="seed of the weights and batches (0)"
    )
    train.add_argument("--dataset", choices=("mnist", "fashion-mnist"), help="(mnist)")
    train.add_argument(
        "--train-size", type=_positive_int, metavar="N", help="use the first N images"
    )
    train.add_argument(
        "--test-size", type=_positive_int, metavar="N", help="test on the first N images"
    )
    train.add_argument(
        "--eval-samples",
        type=_positive_int,
        metavar="N",
        help="per-epoch accuracies on the first N images (conv nets: 1000, as the book)",
    )
    train.add_argument(
        "--augment",
        action="store_const",
        const=True,
        help="rotate (up to 10°) and shift (up to 2 pixels) every training batch",
    )
    train.add_argument(
        "--checkpoint", metavar="PATH", help="checkpoint name (default: runs/MODEL)"
    )
    train.add_argument("--resume", metavar="PATH", help="continue from a checkpoint")
    train.add_argument(
        "--no-progress", dest="progress", action="store_false", help="no progress bar"
    )
    train.add_argument("--data-home", metavar="DIR", help="a data home to look in first")
    train.set_defaults(handler=_run(_train))

    evaluate = commands.add_parser(
        "evaluate",
        help="test accuracy of a network and the test images it gets wrong",
        description="Classify the test images with trained weights; print the accuracy\n"
        "and the first misclassified images, as the book's misclassified_mnist.py does.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=list(parents),
    )
    evaluate.add_argument("model", choices=list(MODELS), metavar="MODEL", help=models)
    evaluate.add_argument(
        "--weights",
        required=True,
        type=_weights,
        metavar="WEIGHTS",
        help="book:2016, book:2022, or a file: a checkpoint of `nnbook train`, an .npz "
        "of save_params, or the book's .pkl",
    )
    evaluate.add_argument(
        "--dtype",
        choices=("float16", "float32", "float64"),
        default="float64",
        help="float64 (default, the book's numbers), float32, or float16 (half precision "
        "throughout; products summed in float32)",
    )
    evaluate.add_argument(
        "--dataset",
        choices=("mnist", "fashion-mnist"),
        help="(mnist; gan: the dataset its run recorded)",
    )
    evaluate.add_argument(
        "--test-size", type=_positive_int, metavar="N", help="only the first N images"
    )
    evaluate.add_argument(
        "--max-view", type=_positive_int, default=20, metavar="N", help="mistakes listed"
    )
    evaluate.add_argument("--data-home", metavar="DIR", help="a data home to look in first")
    evaluate.set_defaults(handler=_run(_evaluate))
