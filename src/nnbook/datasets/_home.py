"""Where data is looked for: the data homes, in look-up order.

1. the `data_home=` argument of the call (it must exist: an explicit folder that is
   missing is an error, never a silent fall-through to the next place);
2. the folder named by the environment variable `NNBOOK_DATA`;
3. system-wide copies under `/usr/share/datasets` (Debian's `dataset-fashion-mnist`
   package puts Fashion-MNIST there);
4. the user cache, `$XDG_CACHE_HOME/nnbook` (by default `~/.cache/nnbook`).

All four share one layout (`mnist/*.gz`, `fashion-mnist/*.gz`, `book/*.pkl`,
`book/2016/*.pkl`). Only the user cache is ever written to.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import NamedTuple

from ._errors import DataHomeError, SettingError
from ._registry import FileSpec

SYSTEM_DATA_HOMES: tuple[str, ...] = ("/usr/share/datasets",)
"""System-wide data homes, looked in after `NNBOOK_DATA` and before the user cache."""

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


def user_cache_dir() -> Path:
    """Return the user cache, the one data home that downloads are written to.

    It is `$XDG_CACHE_HOME/nnbook`, or `~/.cache/nnbook` when `XDG_CACHE_HOME` is unset
    or not an absolute path (as the XDG Base Directory specification asks). It is not
    created here.

    Returns
    -------
    Path
        The folder; it may not exist yet.

    Raises
    ------
    DataHomeError
        `XDG_CACHE_HOME` is unset and the home folder cannot be determined.

    Examples
    --------
    >>> from nnbook.datasets import user_cache_dir
    >>> print(user_cache_dir().name)
    nnbook
    """
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "nnbook"
    try:
        return Path.home() / ".cache" / "nnbook"
    except (RuntimeError, KeyError) as exc:  # no $HOME and no passwd entry
        raise DataHomeError(
            "cannot find the user cache: the home folder is unknown (HOME is not set) "
            "and XDG_CACHE_HOME is not set; set XDG_CACHE_HOME to an absolute path"
        ) from exc


def downloads_allowed() -> bool:
    """Return False when the environment variable `NNBOOK_OFFLINE` says "offline".

    `NNBOOK_OFFLINE` takes the usual spellings of yes and no, in any case: `1`, `true`,
    `yes`, `on` forbid downloads; `0`, `false`, `no`, `off` or an empty value allow
    them, as does leaving it unset.

    Raises
    ------
    SettingError
        `NNBOOK_OFFLINE` has any other value.
    """
    value = os.environ.get("NNBOOK_OFFLINE", "")
    word = value.strip().lower()
    if word in _TRUE:
        return False
    if word in _FALSE:
        return True
    raise SettingError(
        f"NNBOOK_OFFLINE={value!r} is neither yes nor no: set it to 1, true, yes or on "
        "to forbid downloads, or to 0, false, no or off (or unset it) to allow them"
    )


class Location(NamedTuple):
    """A file found in a data home."""

    path: Path
    where: str
    """Which data home: "data_home argument", "NNBOOK_DATA", "system" or "user cache"."""
    owned: bool
    """True only in the user cache: the one place a damaged file may be deleted."""


def _expand(text: str | os.PathLike[str], what: str) -> Path:
    path = Path(text)
    try:
        return path.expanduser()
    except RuntimeError as exc:  # "~someone" with no such user
        user = str(path).split("/")[0]
        message = (
            f"cannot expand {user!r} in {what}={os.fspath(text)!r}: there is no such "
            "user, so it names no folder; give the folder's full path instead"
        )
        if what == "NNBOOK_DATA":
            raise SettingError(message) from exc
        raise DataHomeError(message) from exc


def data_homes(data_home: str | os.PathLike[str] | None = None) -> list[tuple[str, Path]]:
    """Return the data homes in look-up order, as `(label, folder)` pairs.

    Raises
    ------
    DataHomeError
        `data_home` is given but is not an existing folder, or the user cache cannot
        be found.
    SettingError
        `NNBOOK_DATA` names a folder that cannot be expanded (`~nosuchuser`).
    """
    homes: list[tuple[str, Path]] = []
    if data_home is not None:
        folder = _expand(data_home, "data_home")
        if not folder.is_dir():
            state = "is not a folder" if folder.exists() else "does not exist"
            raise DataHomeError(
                f"data_home={os.fspath(data_home)!r} {state}: pass a folder that holds "
                "mnist/ or book/ (see `nnbook data status`), or leave data_home out to "
                "use NNBOOK_DATA and the user cache"
            )
        homes.append(("data_home argument", folder))
    env = os.environ.get("NNBOOK_DATA", "")
    if env:
        homes.append(("NNBOOK_DATA", _expand(env, "NNBOOK_DATA")))
    homes.extend(("system", Path(folder)) for folder in SYSTEM_DATA_HOMES)
    homes.append(("user cache", user_cache_dir()))
    return homes


def unreadable(path: Path, where: str, exc: OSError) -> DataHomeError:
    """Return the error for a file or folder of a data home that cannot be read."""
    reason = exc.strerror or str(exc)
    fix = {
        "data_home argument": "or pass another data_home",
        "NNBOOK_DATA": "or point NNBOOK_DATA elsewhere",
        "user cache": "or set XDG_CACHE_HOME to another folder",
    }.get(where, "or remove it")
    return DataHomeError(
        f"cannot read {path} ({where}): {reason}; give yourself read access to it {fix}"
    )


def locate(
    spec: FileSpec, data_home: str | os.PathLike[str] | None = None
) -> Location | None:
    """Return where `spec` is found first, or None when it is in no data home.

    Raises
    ------
    DataHomeError
        A data home cannot be searched (permission denied), or `data_home` is missing.
    """
    for where, home in data_homes(data_home):
        path = home / spec.relpath
        try:
            if path.is_file():
                return Location(path, where, owned=(where == "user cache"))
        except OSError as exc:  # is_file() already answers False for a missing path
            if exc.errno in (errno.EACCES, errno.EPERM):
                raise unreadable(path, where, exc) from exc
            raise
    return None


def describe(home: Path) -> str:
    """Return "" for an existing folder, else why it is not one, for listings."""
    try:
        if home.is_dir():
            return ""
        return "  (not a folder)" if home.exists() else "  (does not exist)"
    except OSError as exc:
        return f"  (cannot be read: {exc.strerror or exc})"


def searched(spec: FileSpec, data_home: str | os.PathLike[str] | None = None) -> list[str]:
    """Describe every place `spec` was looked for, in look-up order, for error messages."""
    places = [
        f"{home / spec.relpath} ({where}){describe(home) if where == 'NNBOOK_DATA' else ''}"
        for where, home in data_homes(data_home)
    ]
    if not os.environ.get("NNBOOK_DATA"):
        places.insert(0 if data_home is None else 1, "(NNBOOK_DATA is not set)")
    if data_home is None:
        places.insert(0, "(no data_home= argument given)")
    return places
