"""Read a file's payload and check its SHA-256, once per process per file version.

The payload of a `.gz` file is its decompressed content: mirrors recompress the IDX
files, so only the payload has a hash that every good copy shares. A payload is never
read past the size the registry gives it, so a damaged or hostile file (a gzip bomb)
costs at most that much memory before it is refused.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import os
import zlib
from pathlib import Path

from ._errors import ChecksumError, IDXFormatError
from ._home import unreadable
from ._registry import FileSpec

# (resolved path, size, mtime in ns) -> the SHA-256 its payload was seen to have.
_VERIFIED: dict[tuple[str, int, int], str] = {}

GZIP_ERRORS = (EOFError, OSError, zlib.error)
"""What the gzip module raises on a truncated or damaged stream (BadGzipFile is an
OSError)."""


def _key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns)


DELETE_ADVICE = "delete it and download it again (`nnbook data fetch`)"
_DELETED = "it was deleted from the user cache, so the next load downloads it again"


def read_at_most(file, limit: int) -> bytes:
    """Read at most `limit` bytes from a binary file, in blocks of 1 MiB.

    `file.read(limit)` would reserve `limit` bytes at once, whatever the file holds;
    this reserves only what is really read.
    """
    parts = []
    left = limit
    while left > 0:
        block = file.read(min(left, 1 << 20))
        if not block:
            break
        parts.append(block)
        left -= len(block)
    return b"".join(parts)


def read_bounded(
    path: str | os.PathLike[str],
    limit: int,
    *,
    gzipped: bool | None = None,
    advice: str = DELETE_ADVICE,
) -> bytes:
    """Return the payload of `path` (decompressed for `.gz`), reading at most `limit + 1`.

    A payload longer than `limit` comes back `limit + 1` bytes long, so the caller can
    tell it is too long without it ever being read whole.

    Raises
    ------
    IDXFormatError
        The gzip stream is truncated or damaged.
    """
    path = Path(path)
    if gzipped is None:
        gzipped = path.name.endswith(".gz")
    if not gzipped:
        with path.open("rb") as file:
            return read_at_most(file, limit + 1)
    try:
        with gzip.open(path, "rb") as file:
            return read_at_most(file, limit + 1)
    except GZIP_ERRORS as exc:
        if isinstance(exc, OSError) and exc.errno is not None:
            raise  # a read error of the file itself, not of its gzip stream
        raise IDXFormatError(
            f"{path} is a truncated or damaged gzip file ({exc}); {advice}"
        ) from exc


def remember_verified(path: Path, sha256: str) -> None:
    """Record that the payload of `path`, as it is now, has the hash `sha256`."""
    _VERIFIED[_key(path)] = sha256


def is_verified(spec: FileSpec, path: Path) -> bool:
    """Return True when `path` was already checked in this process and is unchanged."""
    return _VERIFIED.get(_key(path)) == spec.sha256


def _wrong(spec: FileSpec, path: Path, what: str, owned: bool) -> ChecksumError:
    if owned:
        path.unlink(missing_ok=True)
        action = _DELETED.capitalize() + "."
    else:
        action = "Replace it with a good copy, or remove it so the next place is used."
    return ChecksumError(f"{path}: {what} for {spec.relpath}. {action}")


def load_verified(
    spec: FileSpec, path: Path, *, owned: bool = False, where: str = ""
) -> bytes:
    """Return the payload of `path` after checking its size and SHA-256 against `spec`.

    The hash is computed once per process for each version of a file (path, size and
    modification time); later calls only read. A file that fails the check is deleted
    when `owned` (it lies in the user cache), and left alone otherwise. At most
    `spec.size + 1` bytes of payload are ever read.

    Raises
    ------
    ChecksumError
        The payload's size or SHA-256 is not the registry's.
    IDXFormatError
        The gzip stream is truncated or damaged.
    DataHomeError
        The file cannot be read (permission denied).
    """
    try:
        key = _key(path)
        if not spec.gzipped and key[1] != spec.size:
            raise _wrong(
                spec, path, f"it is {key[1]:,} bytes long, expected {spec.size:,}", owned
            )
        payload = read_bounded(
            path,
            spec.size,
            gzipped=spec.gzipped,
            advice=_DELETED if owned else DELETE_ADVICE,
        )
    except IDXFormatError:
        if owned:
            path.unlink(missing_ok=True)
        raise
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise unreadable(path, where or "data home", exc) from exc
        raise
    if len(payload) != spec.size:
        if len(payload) > spec.size:
            what = f"its content is longer than the {spec.size:,} bytes expected"
        else:
            what = f"its content is only {len(payload):,} bytes, expected {spec.size:,}"
        raise _wrong(spec, path, what, owned)
    if _VERIFIED.get(key) == spec.sha256:
        return payload
    actual = hashlib.sha256(payload).hexdigest()
    if actual != spec.sha256:
        raise _wrong(
            spec,
            path,
            f"the SHA-256 of its {'decompressed ' if spec.gzipped else ''}content is "
            f"{actual}, expected {spec.sha256}",
            owned,
        )
    _VERIFIED[key] = actual
    return payload
