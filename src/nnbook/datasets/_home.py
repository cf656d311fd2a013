"""Where data is looked for: the data homes, in look-up order.

1. the `data_home=` argument of the call;
2. the folder named by the environment variable `NNBOOK_DATA`;
3. system-wide copies under `/usr/share/datasets` (Debian's `dataset-fashion-mnist`
   package puts Fashion-MNIST there);
4. the user cache, `$XDG_CACHE_HOME/nnbook` (by default `~/.cache/nnbook`).

All four share one layout (`mnist/*.gz`, `fashion-mnist/*.gz`, `book/*.pkl`,
`book/2016/*.pkl`). Only the user cache is ever written to.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from ._registry import FileSpec

SYSTEM_DATA_HOMES: tuple[str, ...] = ("/usr/share/datasets",)
"""System-wide data homes, looked in after `NNBOOK_DATA` and before the user cache."""


def user_cache_dir() -> Path:
    """Return the user cache, the one data home that downloads are written to.

    It is `$XDG_CACHE_HOME/nnbook`, or `~/.cache/nnbook` when `XDG_CACHE_HOME` is unset
    or not an absolute path (as the XDG Base Directory specification asks). It is not
    created here.

    Returns
    -------
    Path
        The folder; it may not exist yet.

    Examples
    --------
    >>> from nnbook.datasets import user_cache_dir
    >>> print(user_cache_dir().name)
    nnbook
    """
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "nnbook"


def downloads_allowed() -> bool:
    """Return False when the environment variable `NNBOOK_OFFLINE` is set (not "0")."""
    return os.environ.get("NNBOOK_OFFLINE", "") in ("", "0")


class Location(NamedTuple):
    """A file found in a data home."""

    path: Path
    where: str
    """Which data home: "data_home argument", "NNBOOK_DATA", "system" or "user cache"."""
    owned: bool
    """True only in the user cache: the one place a damaged file may be deleted."""


def data_homes(data_home: str | os.PathLike[str] | None = None) -> list[tuple[str, Path]]:
    """Return the data homes in look-up order, as `(label, folder)` pairs."""
    homes: list[tuple[str, Path]] = []
    if data_home is not None:
        homes.append(("data_home argument", Path(data_home).expanduser()))
    env = os.environ.get("NNBOOK_DATA", "")
    if env:
        homes.append(("NNBOOK_DATA", Path(env).expanduser()))
    homes.extend(("system", Path(folder)) for folder in SYSTEM_DATA_HOMES)
    homes.append(("user cache", user_cache_dir()))
    return homes


def locate(
    spec: FileSpec, data_home: str | os.PathLike[str] | None = None
) -> Location | None:
    """Return where `spec` is found first, or None when it is in no data home."""
    for where, home in data_homes(data_home):
        path = home / spec.relpath
        if path.is_file():
            return Location(path, where, owned=(where == "user cache"))
    return None


def searched(spec: FileSpec, data_home: str | os.PathLike[str] | None = None) -> list[str]:
    """Describe every place `spec` was looked for, in look-up order, for error messages."""
    places = [f"{home / spec.relpath} ({where})" for where, home in data_homes(data_home)]
    if not os.environ.get("NNBOOK_DATA"):
        places.insert(0 if data_home is None else 1, "(NNBOOK_DATA is not set)")
    if data_home is None:
        places.insert(0, "(no data_home= argument given)")
    return places
