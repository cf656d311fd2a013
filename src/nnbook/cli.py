"""The `nnbook` command: `nnbook data status`, `nnbook data fetch`, `nnbook reproduce`.

Run `nnbook --help`, or `python -m nnbook.cli --help` without installing the script.

Exit status: 0 on success; 1 when something went wrong (a file missing, damaged or not
downloadable, a data home or setting that cannot be used, a reproduced number that
disagrees with the book), with one line on stderr that says what and how to fix it;
2 for a usage error; 130 after Ctrl-C and 143 after SIGTERM. A traceback is printed
only with `--debug`.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence

from nnbook import __version__
from nnbook.datasets import (
    DEFAULT_REVISION,
    REVISIONS,
    ChecksumError,
    DataError,
    DataNotFoundError,
    DownloadError,
    IDXFormatError,
    catalog,
    fetch,
    status,
)

# Failures of one file: `data fetch` reports them and goes on with the next name. Any
# other DataError (a data home or a setting that cannot be used) ends the command.
_FILE_FAILURES = (DataNotFoundError, DownloadError, ChecksumError, IDXFormatError)
_BAD_STATES = {"wrong hash": "WRONG HASH", "damaged": "DAMAGED", "unreadable": "UNREADABLE"}


class _Terminated(BaseException):
    """Raised in the main thread on SIGTERM, so that `finally` blocks clean up."""


def one_line(exc: BaseException) -> str:
    r"""Return the message of `exc` on one line, its bulleted lists joined by semicolons.

    Examples
    --------
    >>> from nnbook.cli import one_line
    >>> message = "could not download x:\n  - a: refused\n  - b: 404\nRetry."
    >>> print(one_line(OSError(message)))
    could not download x: a: refused; b: 404. Retry.
    """
    out = ""
    for raw in str(exc).splitlines():
        line = raw.strip()
        if not line:
            continue
        bullet = line.startswith("- ")
        line = line[2:] if bullet else line
        if not out:
            out = line
        elif out.endswith((":", ";", ",")):
            out += " " + line
        elif bullet:
            out += "; " + line
        else:
            out += (" " if out.endswith((".", "!", "?")) else ". ") + line
    return out or type(exc).__name__


def _names() -> list[str]:
    return list(dict.fromkeys(name for name, _ in catalog()))


def _status(args: argparse.Namespace) -> int:
    report = status(data_home=args.data_home, verify=not args.no_verify)
    print("Data homes, in look-up order:")
    for where, home, problem in report.homes:
        print(f"  {where:<19} {home}{problem}")
    allowed = "allowed" if report.downloads_allowed else "disabled (NNBOOK_OFFLINE is set)"
    print(f"Downloads into the user cache: {allowed}\n")
    for f in report.files:
        state = _BAD_STATES.get(f.state, f.state)
        where = f"{f.where}: {f.path}" if f.path else ""
        print(f"{state:<10} {f.label:<26} {f.filename:<28} {where}")
    if report.partial:
        print("\nUnfinished downloads in the user cache:")
        for part in report.partial:
            why = (
                "left by a download that was killed; `nnbook data fetch` removes it"
                if part.stale
                else "a download in progress"
            )
            print(f"  {part.path}  ({part.size:,} bytes, {why})")
    failed = report.failed
    if failed:
        print(f"\n{len(failed)} file(s) failed their check: replace them, or delete them "
              "and run `nnbook data fetch`.")  # fmt: skip
        for f in failed:
            print(f"  - {one_line(f.problem)}")
    return 1 if failed else 0


def _fetch(args: argparse.Namespace) -> int:
    entries = catalog()
    if args.names:
        multi = {name for name, revision in entries if revision is not None}
        revision = args.revision or DEFAULT_REVISION
        wanted = [(name, revision if name in multi else None) for name in args.names]
    else:
        wanted = entries
    before = {f.relpath: f for f in status(verify=False).files}
    failed = 0
    for name, revision in wanted:
        label = name if revision is None else f"{name}@{revision}"
        try:
            paths = fetch(
                name, revision=revision, mirrors=args.mirror or None, timeout=args.timeout
            )
        except _FILE_FAILURES as exc:
            failed += 1
            print(f"nnbook: error: {label}: {one_line(exc)}", file=sys.stderr)
            continue
        for path in paths:
            found = next(
                (f for f in before.values() if f.path is not None and f.path == path), None
            )
            how = f"already in {found.where}" if found else "downloaded"
            print(f"{label}: {path.name} {how}: {path}")
    return 1 if failed else 0


def _reproduce(args: argparse.Namespace) -> int:
    from nnbook.reproduce import book_results, format_markdown, reproduce

    rows = reproduce(book_results(chapters=args.chapter or None), seeds=range(args.seeds))
    print(format_markdown(rows))
    return 0 if all(row.agrees for row in rows) else 1


def _name(text: str) -> str:
    if text not in _names():
        raise argparse.ArgumentTypeError(
            f"unknown name {text!r}; choose from {', '.join(_names())}"
        )
    return text


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(
            f"expected a positive number of seconds, got {text!r}"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the `nnbook` command.

    Examples
    --------
    >>> from nnbook.cli import build_parser
    >>> args = build_parser().parse_args(["data", "fetch", "params", "--revision", "2022"])
    >>> print(args.names, args.revision)
    ['params'] 2022
    """
    from nnbook.reproduce import book_results

    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="on an error, print the full traceback instead of one line",
    )
    parser = argparse.ArgumentParser(
        prog="nnbook",
        description="Companion tools for Deep Learning from Scratch.",
        parents=[debug],
    )
    parser.add_argument("--version", action="version", version=f"nnbook {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    data = commands.add_parser(
        "data", help="datasets and the book's weights", parents=[debug]
    )
    data_commands = data.add_subparsers(title="data commands", metavar="ACTION")
    data.set_defaults(handler=lambda args: (data.print_help(), 2)[1])

    status_cmd = data_commands.add_parser(
        "status",
        help="where each file was found, and whether its checksum is right",
        parents=[debug],
    )
    status_cmd.add_argument("--data-home", help="a data home to look in first")
    status_cmd.add_argument(
        "--no-verify", action="store_true", help="only look for the files; skip checksums"
    )
    status_cmd.set_defaults(handler=_status)

    names = ", ".join(_names())
    fetch_cmd = data_commands.add_parser(
        "fetch",
        help="download missing files into the user cache (with progress bars)",
        parents=[debug],
    )
    fetch_cmd.add_argument(
        "names",
        nargs="*",
        type=_name,
        metavar="NAME",
        help=f"any of {names} (default: everything, both revisions of the weights)",
    )
    fetch_cmd.add_argument(
        "--revision",
        choices=REVISIONS,
        help=f"revision of the weights named (default {DEFAULT_REVISION})",
    )
    fetch_cmd.add_argument(
        "--mirror",
        action="append",
        metavar="URL",
        help="a URL serving a data home's layout, tried instead of the official mirrors "
        "(repeatable; default: $NNBOOK_MIRRORS, else the official ones)",
    )
    fetch_cmd.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="time allowed for the whole download of one file from one mirror "
        "(default: 60 s plus 1 s per 100 kB)",
    )
    fetch_cmd.set_defaults(handler=_fetch)

    chapters = sorted({result.chapter for result in book_results()})
    repro = commands.add_parser(
        "reproduce",
        help="compute the book's published numbers with nnbook, side by side",
        parents=[debug],
    )
    repro.add_argument(
        "--chapter",
        type=int,
        choices=chapters,
        action="append",
        metavar="N",
        help=f"only chapter N, one of {', '.join(map(str, chapters))} (repeatable)",
    )
    repro.add_argument(
        "--seeds",
        type=int,
        default=0,
        metavar="K",
        help="also train each trained accuracy with seeds 0..K-1 and show the spread "
        "(about 10 s per run)",
    )
    repro.set_defaults(handler=_reproduce)

    # `nnbook train` and `nnbook evaluate` (chapter 8) live in their own module.
    from nnbook._cli_train import register as register_training

    register_training(commands, parents=[debug])

    # The GAN (beyond the book) joins them: `train gan`, `evaluate gan`, and `sample`.
    from nnbook._cli_gan import register as register_gan

    register_gan(commands)
    return parser


def _terminate(signum: int, frame: object) -> None:
    raise _Terminated


def _run(handler, args: argparse.Namespace) -> int:
    debug = getattr(args, "debug", False)
    try:
        return handler(args)
    except KeyboardInterrupt:
        if debug:
            raise
        print("nnbook: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130
    except _Terminated:
        if debug:
            raise
        print("nnbook: terminated; nothing half-written was kept", file=sys.stderr)
        return 143
    except BrokenPipeError:  # `nnbook data status | head`: the reader left
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except DataError as exc:
        if debug:
            raise
        print(f"nnbook: error: {one_line(exc)}", file=sys.stderr)
        return 1
    except OSError as exc:  # the machine's trouble: a full disk, a vanished folder
        if debug:
            raise
        print(f"nnbook: error: {one_line(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:
        if debug:
            raise
        print(
            f"nnbook: internal error: {type(exc).__name__}: {one_line(exc)} (this is a "
            "bug: run the command again with --debug and report the traceback)",
            file=sys.stderr,
        )
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `nnbook` command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments, without the program name (default: `sys.argv[1:]`).

    Returns
    -------
    int
        0 on success; 1 when a file is missing, damaged or could not be downloaded, a
        data home or setting cannot be used, or a reproduced number disagrees with the
        book (one line on stderr says which and what to do); 2 for a usage error; 130
        when interrupted (Ctrl-C) and 143 when terminated (SIGTERM).

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
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    try:
        return _run(handler, args)
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
