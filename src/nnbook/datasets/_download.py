"""Download a registry file into the user cache: mirrors in turn, verified, atomic.

The bytes go to a hidden temporary file beside the target (`.NAME.XXXXXXXX.part`),
are checked against the payload SHA-256, and only then renamed onto the target, which
is atomic on POSIX. Whatever happens (a refused connection, a 404, a wrong hash, a
KeyboardInterrupt), the temporary file is removed and no partial file is left.

Mirrors are URL prefixes under which a data home's layout is served. The environment
variable `NNBOOK_MIRRORS` (URLs separated by spaces) replaces the registry's URLs, so a
classroom can serve one data home to every machine with
`python -m http.server --directory /path/to/data`; the tests do the same on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path

from ._errors import ChecksumError, DownloadError, IDXFormatError
from ._home import user_cache_dir
from ._registry import FileSpec
from ._verify import read_payload, remember_verified

TIMEOUT_S = 60
"""Seconds to wait for a mirror to connect or to send the next bytes."""


def mirror_urls(spec: FileSpec, mirrors: Sequence[str] | None = None) -> list[str]:
    """Return the URLs to try for `spec`, in order.

    `mirrors` (or, when it is None, `$NNBOOK_MIRRORS`) replaces the registry's URLs
    with `MIRROR/RELPATH` for each mirror; when both are empty the registry's own
    URLs are used.
    """
    if mirrors is None:
        mirrors = os.environ.get("NNBOOK_MIRRORS", "").split()
    if mirrors:
        return [mirror.rstrip("/") + "/" + spec.relpath for mirror in mirrors]
    return list(spec.urls)


class _Progress:
    """A tqdm bar, drawn on stderr only once the mirror has answered with a size.

    pooch's `HTTPDownloader` sets `total`, then calls `update`, `reset` and `close`; a
    mirror that refuses the connection or answers 404 therefore draws no empty bar.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None

    def __bool__(self) -> bool:
        return True

    @property
    def total(self) -> int | None:
        return None if self.bar is None else self.bar.total

    @total.setter
    def total(self, total: int) -> None:
        from tqdm import tqdm  # imported when needed: `import nnbook` stays light

        self.bar = tqdm(
            total=total or None,
            desc=self.label,
            unit="B",
            unit_scale=True,
            ncols=79,
            file=sys.stderr,
        )

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def reset(self) -> None:
        # pooch calls reset() then update(total) to fill the bar at the end; pointing
        # it back at 0 would show a nonsense rate, so set the count straight instead.
        if self.bar is not None:
            self.bar.n = 0

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _get(url: str, dest: Path, label: str, progress: bool) -> None:
    """Stream `url` into `dest` with pooch, drawing a progress bar on stderr."""
    import pooch  # imported when needed: `import nnbook` stays light

    bar = _Progress(label) if progress else False
    try:
        downloader = pooch.HTTPDownloader(
            progressbar=bar, chunk_size=1 << 16, timeout=TIMEOUT_S
        )
        downloader(url, str(dest), None)
    finally:
        if bar:
            bar.close()


def _describe(exc: BaseException) -> str:
    """Describe a failed attempt in one line, keeping its root cause."""
    text = str(exc) or type(exc).__name__
    cause, seen = exc, {id(exc)}
    while (cause.__cause__ or cause.__context__) and len(seen) < 20:
        cause = cause.__cause__ or cause.__context__
        if id(cause) in seen:
            break
        seen.add(id(cause))
    if cause is not exc and isinstance(cause, OSError) and cause.strerror:
        text = f"{cause.strerror} ({type(exc).__name__})"
    return text


def download(
    spec: FileSpec, *, mirrors: Sequence[str] | None = None, progress: bool = True
) -> Path:
    """Download `spec` into the user cache and return its path there.

    Each mirror is tried in turn until one serves a file whose payload has the expected
    SHA-256. The file is written atomically and recorded as verified for this process.

    Raises
    ------
    ChecksumError
        Every mirror answered, but with the wrong content.
    DownloadError
        No mirror served a good file; the message lists each URL and its failure.
    """
    target = user_cache_dir() / spec.relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    bad_hash = 0
    urls = mirror_urls(spec, mirrors)
    for url in urls:
        part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            _get(url, part, spec.relpath, progress)
            payload = read_payload(part, gzipped=spec.gzipped, advice="a bad mirror")
            actual = hashlib.sha256(payload).hexdigest()
            if actual != spec.sha256:
                bad_hash += 1
                failures.append(f"{url}: wrong content (SHA-256 {actual})")
                continue
            os.replace(part, target)
            remember_verified(target, actual)
            return target
        except (OSError, EOFError, zlib.error, IDXFormatError) as exc:
            failures.append(f"{url}: {_describe(exc)}")
        finally:
            part.unlink(missing_ok=True)
    listing = "\n".join(f"  - {failure}" for failure in failures)
    if failures and bad_hash == len(failures):
        raise ChecksumError(
            f"every mirror served a wrong {spec.relpath} (expected payload SHA-256 "
            f"{spec.sha256}); nothing was saved:\n{listing}"
        )
    raise DownloadError(
        f"could not download {spec.relpath} from any of its {len(urls)} mirror(s):\n"
        f"{listing}\nCheck the network connection, or provide the file yourself: set "
        "NNBOOK_DATA to a data home holding it, or pass data_home=..."
    )
