"""The `nnbook` command: `nnbook data status` and `nnbook data fetch`.

Run `nnbook --help`, or `python -m nnbook.cli --help` without installing the script.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from nnbook import __version__
from nnbook.datasets import (
    ChecksumError,
    DataNotFoundError,
    DownloadError,
    IDXFormatError,
    fetch,
)
from nnbook.datasets._home import data_homes, downloads_allowed, locate
from nnbook.datasets._registry import (
    DATASETS,
    DEFAULT_REVISION,
    REVISIONS,
    WEIGHTS,
    FileSpec,
    specs_for,
)
from nnbook.datasets._verify import load_verified

_FAILURES = (DataNotFoundError, DownloadError, ChecksumError, IDXFormatError)


def _entries() -> list[tuple[str, str | None]]:
    """Every (name, revision) pair, each distinct file once."""
    entries: list[tuple[str, str | None]] = [(name, None) for name in DATASETS]
    for name, by_revision in WEIGHTS.items():
        if len(set(by_revision.values())) == 1:
            entries.append((name, None))
        else:
            entries.extend((name, revision) for revision in REVISIONS)
    return entries


def _label(name: str, revision: str | None) -> str:
    return name if revision is None else f"{name}@{revision}"


def _file_state(spec: FileSpec, data_home: str | None, verify: bool) -> tuple[str, str]:
    found = locate(spec, data_home)
    if found is None:
        return "missing", ""
    where = f"{found.where}: {found.path}"
    if not verify:
        return "present", where
    try:
        load_verified(spec, found.path, owned=False)  # report only: never delete here
    except ChecksumError:
        return "WRONG HASH", where
    except IDXFormatError:
        return "DAMAGED", where
    return "verified", where


def _status(args: argparse.Namespace) -> int:
    print("Data homes, in look-up order:")
    for where, home in data_homes(args.data_home):
        print(f"  {where:<19} {home}{'' if home.is_dir() else '  (does not exist)'}")
    allowed = "allowed" if downloads_allowed() else "disabled (NNBOOK_OFFLINE is set)"
    print(f"Downloads into the user cache: {allowed}\n")
    bad = 0
    for name, revision in _entries():
        for spec in specs_for(name, revision):
            state, where = _file_state(spec, args.data_home, not args.no_verify)
            bad += state in ("WRONG HASH", "DAMAGED")
            print(f"{state:<10} {_label(name, revision):<26} {spec.filename:<28} {where}")
    if bad:
        print(f"\n{bad} file(s) failed their check: replace them, or delete them and run "
              "`nnbook data fetch`.")  # fmt: skip
    return 1 if bad else 0


def _fetch(args: argparse.Namespace) -> int:
    if args.names:
        multi = {name for name, revision in _entries() if revision is not None}
        revision = args.revision or DEFAULT_REVISION
        wanted = [(name, revision if name in multi else None) for name in args.names]
    else:
        wanted = _entries()
    failed = 0
    for name, revision in wanted:
        before = {spec: locate(spec) for spec in specs_for(name, revision)}
        try:
            paths = fetch(name, revision=revision, mirrors=args.mirror or None)
        except _FAILURES as exc:
            failed += 1
            print(f"error: {_label(name, revision)}: {exc}", file=sys.stderr)
            continue
        for (spec, found), path in zip(before.items(), paths, strict=True):
            how = f"already in {found.where}" if found else "downloaded"
            print(f"{_label(name, revision)}: {spec.filename} {how}: {path}")
    return 1 if failed else 0


def _name(text: str) -> str:
    if text not in (*DATASETS, *WEIGHTS):
        raise argparse.ArgumentTypeError(
            f"unknown name {text!r}; choose from {', '.join([*DATASETS, *WEIGHTS])}"
        )
    return text


def _reproduce(args: argparse.Namespace) -> int:
    from nnbook.reproduce import book_results, format_markdown, reproduce

    rows = reproduce(book_results(chapters=args.chapter or None))
    print(format_markdown(rows))
    return 0 if all(row.agrees for row in rows) else 1


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the `nnbook` command.

    Examples
    --------
    >>> from nnbook.cli import build_parser
    >>> args = build_parser().parse_args(["data", "fetch", "params", "--revision", "2022"])
    >>> print(args.names, args.revision)
    ['params'] 2022
    """
    parser = argparse.ArgumentParser(
        prog="nnbook", description="Companion tools for Deep Learning from Scratch."
    )
    parser.add_argument("--version", action="version", version=f"nnbook {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    data = commands.add_parser("data", help="datasets and the book's weights")
    data_commands = data.add_subparsers(title="data commands", metavar="ACTION")
    data.set_defaults(handler=lambda args: (data.print_help(), 2)[1])

    status = data_commands.add_parser(
        "status", help="where each file was found, and whether its checksum is right"
    )
    status.add_argument("--data-home", help="a data home to look in first")
    status.add_argument(
        "--no-verify", action="store_true", help="only look for the files; skip checksums"
    )
    status.set_defaults(handler=_status)

    fetch_cmd = data_commands.add_parser(
        "fetch", help="download missing files into the user cache (with progress bars)"
    )
    fetch_cmd.add_argument(
        "names",
        nargs="*",
        type=_name,
        metavar="NAME",
        help=f"any of {', '.join([*DATASETS, *WEIGHTS])} (default: everything, "
        "both revisions of the weights)",
    )
    fetch_cmd.add_argument(
        "--revision", choices=REVISIONS, help="revision of the weights named (default 2016)"
    )
    fetch_cmd.add_argument(
        "--mirror",
        action="append",
        metavar="URL",
        help="a URL serving a data home's layout, tried instead of the official mirrors "
        "(repeatable; default: $NNBOOK_MIRRORS, else the official ones)",
    )
    fetch_cmd.set_defaults(handler=_fetch)

    repro = commands.add_parser(
        "reproduce", help="compute the book's published numbers with nnbook, side by side"
    )
    repro.add_argument(
        "--chapter",
        type=int,
        action="append",
        metavar="N",
        help="only chapter N (repeatable)",
    )
    repro.set_defaults(handler=_reproduce)

    # The GAN (beyond the book): `train gan`, `sample`, `evaluate gan`.
    from nnbook._cli_gan import register as register_gan

    register_gan(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `nnbook` command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments, without the program name (default: `sys.argv[1:]`).

    Returns
    -------
    int
        0 on success; 1 when a file is missing, damaged or could not be downloaded, or
        when a reproduced number disagrees with the book; 2 for a usage error.

    Examples
    --------
    The same as `nnbook data status` in a shell (not run here: it reads the data):

    >>> from nnbook.cli import main
    >>> exit_status = main(["data", "status"])  # doctest: +SKIP
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
