"""The GAN's commands: `nnbook train gan`, `nnbook sample`, `nnbook evaluate gan`.

`register(commands)` adds them to the `nnbook` parser; `nnbook.cli.build_parser` calls
it after `nnbook._cli_train.register`, whose `nnbook train MODEL` and
`nnbook evaluate MODEL` the GAN joins as one more MODEL, `gan`, with options of its own
(a missing `train` or `evaluate` command is made here). Options of the other models
that mean nothing to a GAN are refused for `gan`, and the GAN's for the others.
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


def _sizes(text: str) -> list[int]:
    """Parse `256,512,1024` (hidden layer sizes) into a list of positive integers."""
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected sizes separated by commas, such as 256,512,1024; got {text!r}"
        ) from None
    if not all(size >= 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"every size must be at least 1, got {text!r}")
    return sizes


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _train(args: argparse.Namespace) -> int:
    from nnbook.gan_trainer import run_gan

    if args.out is None:
        print("nnbook: error: train gan needs --out DIR, the run folder", file=sys.stderr)
        return 2
    args.epochs = 30 if args.epochs is None else args.epochs
    args.seed = 0 if args.seed is None else args.seed
    args.batch_size = 64 if args.batch_size is None else args.batch_size
    args.dataset = "mnist" if args.dataset is None else args.dataset
    checkpoint = Path(args.out) / "checkpoint.npz"
    options = {
        key: value
        for key, value in (("lr", args.lr), ("generator_hidden", args.generator_hidden))
        if value is not None
    }
    if checkpoint.exists():
        loaded = _load(checkpoint)
        if loaded is None:
            return 1
        _, history = loaded
        # Resuming needs no --lr or --generator-hidden again: the run recorded them.
        for key, value in history.info.get("gan_options", {}).items():
            options.setdefault(key, value)
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
            limit=args.train_size,
            data_home=args.data_home,
            verbose=args.progress,
            **options,
        )
    except ValueError as exc:
        print(f"nnbook: error: {exc}", file=sys.stderr)
        return 2
    means = history.epoch_means()
    print(
        f"{history.epochs_done} epochs, {sum(history.epoch_seconds):.0f} s of training; "
        f"last epoch: loss D {means['loss_d'][-1]:.3f}, loss G {means['loss_g'][-1]:.3f}, "
        f"D(x) {means['d_real'][-1]:.3f}, D(G(z)) {means['d_fake'][-1]:.3f}"
    )
    print(f"checkpoint: {checkpoint}")
    return 0


def _load(path: str):
    """Return `load_checkpoint(path)`, or None after printing why it is no GAN run."""
    from nnbook.cli import one_line
    from nnbook.gan_trainer import load_checkpoint

    try:
        return load_checkpoint(path)
    except (FileNotFoundError, ValueError) as exc:
        print(f"nnbook: error: {one_line(exc)}", file=sys.stderr)
        return None


def _sample(args: argparse.Namespace) -> int:
    import matplotlib.pyplot as plt

    from nnbook.plotting._gan import _tile
    from nnbook.plotting._images import image_stack

    loaded = _load(args.checkpoint)
    if loaded is None:
        return 1
    gan, _ = loaded
    if args.digit is not None and not gan.conditional:
        print(
            "nnbook: error: --digit needs a conditional GAN (`nnbook train gan "
            "--conditional`); this one draws digits of its own choosing",
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
    grid = _tile(image_stack(images), min(args.ncols, args.n))
    plt.imsave(out, np.kron(grid, np.ones((args.scale, args.scale))), cmap="gray_r",
               vmin=0, vmax=1)  # fmt: skip
    print(f"{args.n} samples written to {out}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from nnbook.evaluation import evaluate_gan, format_reports, judge_for

    if args.checkpoint is None:
        print("nnbook: error: evaluate gan needs the CHECKPOINT of a GAN run",
              file=sys.stderr)  # fmt: skip
        return 2
    n = 10000 if args.n is None else args.n
    memorisation = 2000 if args.memorisation is None else args.memorisation
    seed = 0 if args.seed is None else args.seed
    loaded = _load(args.checkpoint)
    if loaded is None:
        return 1
    gan, history = loaded
    recorded = history.info.get("dataset")
    if recorded and args.dataset and args.dataset != recorded:
        print(f"nnbook: error: {args.checkpoint} learned {recorded}, not {args.dataset}; "
              "leave --dataset out", file=sys.stderr)  # fmt: skip
        return 2
    dataset = recorded or args.dataset
    if dataset is None:
        print(f"nnbook: error: {args.checkpoint} does not record which images the GAN "
              "learned (GAN.save keeps the model alone); add --dataset mnist or "
              "--dataset fashion-mnist", file=sys.stderr)  # fmt: skip
        return 2
    judge = judge_for(dataset, data_home=args.data_home, verbose=not args.json)
    reports = evaluate_gan(
        gan,
        judge,
        n=n,
        n_memorisation=memorisation,
        data_home=args.data_home,
        rng=seed,
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


# Options of `nnbook train`/`evaluate` that only the other models take (when given,
# `gan` refuses them) and the GAN's own (refused for the other models).
_TRAIN_OTHERS = ("optimizer", "dtype", "test_size", "eval_samples", "augment",
                 "checkpoint", "resume")  # fmt: skip
_EVALUATE_OTHERS = ("weights", "dtype", "test_size", "max_view")
_TRAIN_GAN_ONLY = ("conditional", "out", "generator_hidden")
_EVALUATE_GAN_ONLY = ("checkpoint", "json", "memorisation", "n", "seed")


def _models_parser(commands, name: str, help: str) -> argparse.ArgumentParser:
    """Return the parser of `nnbook NAME MODEL` with `gan` among its MODELs.

    `nnbook._cli_train` usually made it; otherwise a bare one is made here.
    """
    parser = commands.choices.get(name)
    if parser is None:
        parser = commands.add_parser(name, help=help)
        parser.add_argument("model", choices=[], metavar="MODEL")
        parser.set_defaults(handler=None)
    model = next(a for a in parser._actions if a.dest == "model")
    model.choices = [*model.choices, "gan"]
    model.help = f"{model.help}, gan" if model.help else "gan"
    gan = "  gan          beyond the book: a GAN (fully connected); Adam lr 2e-4, 30 epochs"
    parser.epilog = f"{parser.epilog}\n{gan}" if parser.epilog else f"models:\n{gan}"
    return parser


def _add(parser: argparse.ArgumentParser, *flags: str, **kwargs) -> None:
    """Add an option unless the other models' command already has it."""
    if not any(f in parser._option_string_actions for f in flags):
        parser.add_argument(*flags, **kwargs)


def _dispatch(parser, gan_handler, gan_only: tuple[str, ...], others: tuple[str, ...]):
    """Send `MODEL == "gan"` to `gan_handler`, the others to the command's own handler."""
    other = parser.get_default("handler")

    def given(args: argparse.Namespace, names: tuple[str, ...]) -> list[str]:
        return [n for n in names if getattr(args, n, None) != parser.get_default(n)]

    def handler(args: argparse.Namespace) -> int:
        is_gan = args.model == "gan"
        alien = given(args, others if is_gan else gan_only)
        if alien:
            whose = "cannot be used with gan" if is_gan else "only for gan"
            print(f"nnbook: error: {', '.join(map(_option, alien))}: {whose}",
                  file=sys.stderr)  # fmt: skip
            return 2
        if is_gan:
            return gan_handler(args)
        if other is None:
            parser.print_help()
            return 2
        return other(args)

    parser.set_defaults(handler=handler)


def register(commands) -> None:
    """Add `train gan`, `sample` and `evaluate gan` to the `nnbook` sub-commands.

    Parameters
    ----------
    commands : argparse._SubParsersAction
        What `parser.add_subparsers()` returned for the `nnbook` parser, after
        `nnbook._cli_train.register` (if at all) added `train` and `evaluate`.
    """
    train = _models_parser(commands, "train", "train a model")
    _add(train, "--conditional", action="store_true",
         help="gan: feed the class label to both networks")  # fmt: skip
    _add(train, "--out", metavar="DIR",
         help="gan: the run folder; OUT/checkpoint.npz is written after every epoch, "
         "and the same command resumes it")  # fmt: skip
    _add(train, "--epochs", type=_positive, help="gan: total epochs (30)")
    _add(train, "--seed", type=int, help="gan: random seed (0)")
    _add(train, "--lr", type=float, metavar="RATE", help="learning rate (gan: 2e-4)")
    _add(train, "--batch-size", type=_positive, help="gan: 64")
    _add(train, "--generator-hidden", type=_sizes, metavar="N,N,...",
         help="gan: the generator's hidden layer sizes (256,512)")  # fmt: skip
    _add(train, "--dataset", choices=DATASETS, help="(mnist)")
    _add(train, "--train-size", type=_positive, metavar="N",
         help="use the first N images")  # fmt: skip
    _add(train, "--no-progress", dest="progress", action="store_false",
         help="no progress bar")  # fmt: skip
    _add(train, "--data-home", metavar="DIR", help="a data home to look in first")
    _dispatch(train, _train, _TRAIN_GAN_ONLY, _TRAIN_OTHERS)

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

    evaluate = _models_parser(commands, "evaluate", "evaluate a trained model")
    weights = next((a for a in evaluate._actions if a.dest == "weights"), None)
    if weights is not None and weights.required:
        # The other models need --weights; `evaluate gan` takes a CHECKPOINT instead.
        weights.required = False
        _require_weights(evaluate)
    evaluate.add_argument(
        "checkpoint",
        nargs="?",
        metavar="CHECKPOINT",
        help="gan: checkpoint.npz, or the run folder holding it",
    )
    evaluate.add_argument("--json", action="store_true", help="gan: print one JSON object")
    evaluate.add_argument("-n", type=_positive,
                          help="gan: samples judged (10000; conditional: equal shares of "
                          "the classes)")  # fmt: skip
    evaluate.add_argument(
        "--memorisation",
        type=int,
        metavar="N",
        help="gan: samples compared with every training image (2000)",
    )
    evaluate.add_argument("--seed", type=int, help="gan: random seed of the noise (0)")
    _add(evaluate, "--data-home", metavar="DIR", help="a data home to look in first")
    _dispatch(evaluate, _evaluate, _EVALUATE_GAN_ONLY, _EVALUATE_OTHERS)


def _require_weights(parser: argparse.ArgumentParser) -> None:
    """Keep `--weights` required for the models other than `gan`."""
    other = parser.get_default("handler")

    def handler(args: argparse.Namespace) -> int:
        if args.model != "gan" and args.weights is None:
            parser.error(
                f"the following arguments are required for {args.model}: --weights"
            )
        return other(args)

    parser.set_defaults(handler=handler)
