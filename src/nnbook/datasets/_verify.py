"""Read a file's payload and check its SHA-256, once per process per file version.

The payload of a `.gz` file is its decompressed content: mirrors recompress the IDX
files, so only the payload has a hash that every good copy shares.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from pathlib import Path

from ._errors import ChecksumError, IDXFormatError
from ._registry import FileSpec

# (resolved path, size, mtime in ns) -> the SHA-256 its payload was seen to have.
_VERIFIED: dict[tuple[str, int, int], str] = {}


def _key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns)


_DELETE_ADVICE = "delete it and download it again (`nnbook data fetch`)"
_DELETED = "it was deleted from the user cache, so the next load downloads it again"


def read_payload(
    path: str | os.PathLike[str],
    *,
    gzipped: bool | None = None,
    advice: str = _DELETE_ADVICE,
) -> bytes:
    """Return the bytes of `path`, decompressed when it is a `.gz` file.

    Raises
    ------
    IDXFormatError
        The gzip stream is truncated or damaged.
    """
    path = Path(path)
    if gzipped is None:
        gzipped = path.name.endswith(".gz")
    raw = path.read_bytes()
    if not gzipped:
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as exc:
        raise IDXFormatError(
            f"{path} is a truncated or damaged gzip file ({exc}); {advice}"
        ) from exc


def remember_verified(path: Path, sha256: str) -> None:
    """Record that the payload of `path`, as it is now, has the hash `sha256`."""
    _VERIFIED[_key(path)] = sha256


def is_verified(spec: FileSpec, path: Path) -> bool:
    """Return True when `path` was already checked in this process and is unchanged."""
    return _VERIFIED.get(_key(path)) == spec.sha256


def load_verified(spec: FileSpec, path: Path, *, owned: bool = False) -> bytes:
    """Return the payload of `path` after checking it against `spec.sha256`.

    The check runs once per process for each version of a file (path, size and
    modification time); later calls only read. A file that fails the check is deleted
    when `owned` (it lies in the user cache), and left alone otherwise.

    Raises
    ------
    ChecksumError
        The payload's SHA-256 is not `spec.sha256`.
    IDXFormatError
        The gzip stream is truncated or damaged.
    """
    key = _key(path)
    try:
        payload = read_payload(
            path, gzipped=spec.gzipped, advice=_DELETED if owned else _DELETE_ADVICE
        )
    except IDXFormatError:
        if owned:
            path.unlink(missing_ok=True)
        raise
    if _VERIFIED.get(key) == spec.sha256:
        return payload
    actual = hashlib.sha256(payload).hexdigest()
    if actual != spec.sha256:
        if owned:
            path.unlink(missing_ok=True)
            action = _DELETED.capitalize() + "."
        else:
            action = "Replace it with a good copy, or remove it so the next place is used."
        raise ChecksumError(
            f"{path}: the SHA-256 of its {'decompressed ' if spec.gzipped else ''}"
            f"content is {actual}, expected {spec.sha256} for {spec.relpath}. {action}"
        )
    _VERIFIED[key] = actual
    return payload
