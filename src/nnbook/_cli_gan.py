"""The GAN's commands: `nnbook train gan`, `nnbook sample`, `nnbook evaluate gan`.

`register(commands)` adds them to the `nnbook` parser (`nnbook.cli.build_parser` calls
it). `train` and `evaluate` take the model as a sub-command (`nnbook train gan`), so
that other models can join them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

__all__ = ["register"]

DATASETS = ("mnist", "fashion-mnist")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _train(args: argparse.Namespace) -> int:
    from nnbook.gan_trainer import load_checkpoint, run_gan

    checkpoint = Path(args.out) / "checkpoint.npz"
    if checkpoint.exists():
        _, history = load_checkpoint(checkpoint)
        if history.epochs_done >= args.epochs:
            print(f"{checkpoint} already has {history.epochs_done} epochs; nothing to do")
            return 0
        print(f"resuming {checkpoint} after epoch {history.epochs_done}")
    try:
        _, history = run_gan(
            args.out,
            dataset=args.dataset,
            conditional=args.conditional,
            epochs=args.epochs,
            seed=args.seed,
            batch_size=args.batch_size,
            limit=args.limit,
            data_home=args.data_home,
            verbose=not args.quiet,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    means = history.epoch_means()
    print(
        f"{history.epochs_done} epochs, {sum(history.epoch_seconds):.0f} s of training; "
        f"last epoch: loss D {means['loss_d'][-1]:.3f}, loss G {means['loss_g'][-1]:.3f}, "
        f"D(x) {means['d_real'][-1]:.3f}, D(G(z)) {means['d_fake'][-1]:.3f}"
    )
    print(f"checkpoint: {checkpoint}")
    return 0


def _grid(images: np.ndarray, ncols: int) -> np.ndarray:
    """Tile (N, 784) images into one (rows·29−1, cols·29−1) picture, 1-pixel gaps."""
    n = len(images)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    grid = np.zeros((nrows * 29 - 1, ncols * 29 - 1), dtype=np.float32)
    for i, image in enumerate(images.reshape(n, 28, 28)):
        r, c = divmod(i, ncols)
        grid[r * 29 : r * 29 + 28, c * 29 : c * 29 + 28] = image
    return grid


def _sample(args: argparse.Namespace) -> int:
    import matplotlib.pyplot as plt

    from nnbook.gan_trainer import load_checkpoint

    gan, _ = load_checkpoint(args.checkpoint)
    if args.digit is not None and not gan.conditional:
        print(
            "error: --digit needs a conditional GAN (`nnbook train gan --conditional`); "
            "this one draws digits of its own choosing",
            file=sys.stderr,
        )
        return 2
    labels = None
    if gan.conditional:
        digit = args.digit
        labels = np.full(args.n, digit) if digit is not None else np.arange(args.n) % 10
    images = gan.sample(args.n, labels, rng=args.seed)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    grid = _grid(images, args.ncols)
    plt.imsave(out, np.kron(grid, np.ones((args.scale, args.scale))), cmap="gray_r",
               vmin=0, vmax=1)  # fmt: skip
    print(f"{args.n} samples written to {out}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from nnbook.evaluation import evaluate_gan, format_reports, judge_for
    from nnbook.gan_trainer import load_checkpoint

    gan, history = load_checkpoint(args.checkpoint)
    dataset = history.info.get("dataset", "mnist")
    judge = judge_for(dataset, data_home=args.data_home, verbose=not args.json)
    reports = evaluate_gan(
        gan,
        judge,
        n=args.n,
        n_memorisation=args.memorisation,
        data_home=args.data_home,
        rng=args.seed,
    )
    if args.json:
        print(
            json.dumps(
                {
                    "checkpoint": str(args.checkpoint),
                    "dataset": dataset,
                    "conditional": gan.conditional,
                    "epochs": history.epochs_done,
                    "judge": {"name": judge.name, "accuracy": judge.accuracy},
                    "model": reports["GAN"].to_dict(),
                    "real_test_images": reports["real test images"].to_dict(),
                }
            )
        )
    else:
        accuracy = "" if judge.accuracy is None else f", test accuracy {judge.accuracy}"
        print(f"judge: {judge.name}{accuracy}")
        print(format_reports(reports, judge.class_names))
    return 0


def _model_commands(commands, name: str, help: str):
    """Return the sub-commands of `nnbook NAME` (`train`, `evaluate`), made if need be.

    Each model is a sub-command of its own (`nnbook train gan ...`), with its own
    options. Another module may have made `nnbook NAME` already: its sub-commands are
    reused; a `nnbook NAME` without sub-commands cannot take the GAN's and is refused.
    """
    parser = commands.choices.get(name)
    if parser is None:
        parser = commands.add_parser(name, help=help)
        parser.set_defaults(handler=lambda args: (parser.print_help(), 2)[1])
        return parser.add_subparsers(title="models", metavar="MODEL")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError(
        f"`nnbook {name}` is already registered without sub-commands, so `nnbook {name} "
        "gan` cannot join it: make each model a sub-command of its own (an "
        "add_subparsers() on that parser), which nnbook._cli_gan then reuses"
    )


def register(commands) -> None:
    """Add `train gan`, `sample` and `evaluate gan` to the `nnbook` sub-commands.

    Parameters
    ----------
    commands : argparse._SubParsersAction
        What `parser.add_subparsers()` returned for the `nnbook` parser.
    """
    train = _model_commands(commands, "train", "train a model")
    gan = train.add_parser(
        "gan",
        help="train a GAN (beyond the book) with a progress bar and a checkpoint per epoch",
        description="Train a GAN on MNIST or Fashion-MNIST. A checkpoint is written to "
        "OUT/checkpoint.npz after every epoch; running the same command again resumes "
        "from it.",
    )
    gan.add_argument("--conditional", action="store_true",
                     help="feed the class label to both networks")  # fmt: skip
    gan.add_argument("--dataset", choices=DATASETS, default="mnist")
    gan.add_argument("--epochs", type=_positive, default=30, help="total epochs (30)")
    gan.add_argument("--seed", type=int, default=0, help="random seed (0)")
    gan.add_argument("--batch-size", type=_positive, default=64, help="default 64")
    gan.add_argument("--limit", type=_positive, metavar="N",
                     help="train on the first N images only (quick trials)")  # fmt: skip
    gan.add_argument("--out", required=True, metavar="DIR", help="run folder")
    gan.add_argument("--data-home", help="a data home to look in first")
    gan.add_argument("--quiet", action="store_true", help="no progress bar")
    gan.set_defaults(handler=_train)

    sample = commands.add_parser(
        "sample", help="draw samples of a trained GAN into a PNG grid"
    )
    sample.add_argument("checkpoint", metavar="CHECKPOINT",
                        help="checkpoint.npz, or the run folder holding it")  # fmt: skip
    sample.add_argument("--digit", type=int, choices=range(10), metavar="D",
                        help="only this class, 0-9 (conditional GANs)")  # fmt: skip
    sample.add_argument("-n", type=_positive, default=64, help="how many (64)")
    sample.add_argument("-o", "--output", default="grid.png", help="PNG file (grid.png)")
    sample.add_argument("--ncols", type=_positive, default=8, help="images per row (8)")
    sample.add_argument("--scale", type=_positive, default=2, help="pixels per pixel (2)")
    sample.add_argument("--seed", type=int, default=0, help="random seed of the noise (0)")
    sample.set_defaults(handler=_sample)

    evaluate = _model_commands(commands, "evaluate", "evaluate a trained model")
    judge = evaluate.add_parser(
        "gan",
        help="the judge's numbers for a trained GAN, beside the real test images'",
    )
    judge.add_argument("checkpoint", metavar="CHECKPOINT",
                       help="checkpoint.npz, or the run folder holding it")  # fmt: skip
    judge.add_argument("--json", action="store_true", help="print one JSON object")
    judge.add_argument(
        "-n",
        type=_positive,
        default=10000,
        help="samples judged (10000; conditional: equal shares of the classes)",
    )
    judge.add_argument(
        "--memorisation",
        type=int,
        default=2000,
        metavar="N",
        help="samples compared with every training image (2000)",
    )
    judge.add_argument("--seed", type=int, default=0, help="random seed of the noise (0)")
    judge.add_argument("--data-home", help="a data home to look in first")
    judge.set_defaults(handler=_evaluate)
