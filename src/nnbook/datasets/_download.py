"""Download a registry file into the user cache: bounded, verified, atomic.

Every download is bounded, so that a broken or hostile mirror can cost neither memory
nor disk nor time without end:

- **size**: a mirror may send at most what the file can take (its size for a `.pkl`;
  for a `.gz`, its content's size plus the little that gzip can add). A `.gz` is
  decompressed as it arrives, 1 MiB at a time, and refused as soon as its content
  outgrows the registry's size, so a gzip bomb costs a few MiB of memory at most;
- **time**: each file has an overall time limit (`timeout`, by default 60 s plus one
  second per 100 kB of content), enforced on the whole transfer, not per read: a
  mirror that trickles bytes is cut off when the time is up;
- **content**: the SHA-256 of the content is computed as it arrives and checked before
  the file is moved into place.

The bytes go to a hidden temporary file beside the target (`.NAME.PID-XXXXXXXX.part`)
and are renamed onto the target only once checked, which is atomic on POSIX. Whatever
happens in this process (a refused connection, a 404, a wrong hash, Ctrl-C), the
temporary file is removed. A process killed outright cannot clean up after itself:
the next `fetch` into that folder removes temporary files whose process is gone (or
that nobody has written to for an hour), and `nnbook data status` lists them.

Mirrors are URL prefixes under which a data home's layout is served. The registry lists
https mirrors only; the environment variable `NNBOOK_MIRRORS` (URLs separated by
spaces) replaces them, so a classroom can serve one data home to every machine with
`python -m http.server --directory /path/to/data`; the tests do the same on 127.0.0.1.
A redirection from https to plain http is refused.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import sys
import threading
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urljoin

from ._errors import ChecksumError, DataHomeError, DownloadError, SettingError
from ._home import user_cache_dir
from ._registry import FileSpec
from ._verify import remember_verified

TIMEOUT_S = 60
"""Seconds to wait for a mirror to connect or to send the next bytes."""
MIN_RATE = 100_000
"""Bytes of content per second that the default time limit of a download allows for."""
CHUNK = 1 << 16
"""Bytes read from the network at a time."""
BLOCK = 1 << 20
"""Most bytes decompressed at a time: the memory a gzip bomb can cost."""
MAX_REDIRECTS = 5
STALE_AFTER_S = 3600
"""A temporary file nobody has written to for this long is left over, whoever made it."""


def default_timeout(spec: FileSpec) -> float:
    """Return the default time limit of a download of `spec`, in seconds, in all."""
    return TIMEOUT_S + spec.size / MIN_RATE


def max_transfer(spec: FileSpec) -> int:
    """Return the most bytes a mirror may send for `spec`.

    Gzip adds a header of a few bytes and, for content it cannot shrink, 5 bytes per
    16 KiB block at worst: 0.1 % and 4 KiB more is plenty.
    """
    if spec.gzipped:
        return spec.size + spec.size // 1000 + 4096
    return spec.size


def mirror_urls(spec: FileSpec, mirrors: Sequence[str] | None = None) -> list[str]:
    """Return the URLs to try for `spec`, in order.

    `mirrors` (or, when it is None, `$NNBOOK_MIRRORS`) replaces the registry's URLs
    with `MIRROR/RELPATH` for each mirror; when both are empty the registry's own
    URLs are used.

    Raises
    ------
    SettingError
        A mirror is not an http:// or https:// URL.
    """
    source = "mirrors"
    if mirrors is None:
        mirrors = os.environ.get("NNBOOK_MIRRORS", "").split()
        source = "NNBOOK_MIRRORS"
    for mirror in mirrors:
        if not re.match(r"https?://[^/]", mirror):
            raise SettingError(
                f"{source}: {mirror!r} is not an http:// or https:// URL; give URL "
                "prefixes under which a data home's layout is served, such as "
                "https://example.org/nnbook-data/"
            )
    if mirrors:
        return [mirror.rstrip("/") + "/" + spec.relpath for mirror in mirrors]
    return list(spec.urls)


# --- temporary files -------------------------------------------------------------------

_PART = re.compile(r"^\.(?P<name>.+)\.(?:(?P<pid>\d+)-)?[0-9a-f]{8}\.part$")


class Partial(NamedTuple):
    """A temporary file of a download, in the user cache."""

    path: Path
    size: int
    stale: bool
    """True when the download that wrote it is over (its process is gone)."""


def _part_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.part")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) is no probe on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def partial_downloads(folder: Path | None = None) -> list[Partial]:
    """Return the temporary download files under `folder` (default: the user cache)."""
    root = user_cache_dir() if folder is None else folder
    found = []
    try:
        paths = sorted(root.rglob(".*.part")) if root.is_dir() else []
    except OSError:
        return []
    for path in paths:
        match = _PART.match(path.name)
        try:
            stat = path.stat()
        except OSError:
            continue  # removed meanwhile
        if match is None or not path.is_file():
            continue
        pid = match["pid"]
        stale = (
            time.time() - stat.st_mtime > STALE_AFTER_S
            or pid is None  # named by an nnbook older than this one
            or not _alive(int(pid))
        )
        found.append(Partial(path, stat.st_size, stale))
    return found


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove the left-over temporary files in `folder` (not below); return them."""
    removed = []
    for part in partial_downloads(folder):
        if part.stale and part.path.parent == folder:
            try:
                part.path.unlink()
            except FileNotFoundError:
                continue
            except OSError:
                continue  # not ours to remove (permissions): status still lists it
            removed.append(part.path)
    return removed


# --- one transfer ----------------------------------------------------------------------


class _Refused(Exception):
    """A mirror answered, but not with the file: the message says how."""

    def __init__(self, message: str, *, content: bool = False) -> None:
        super().__init__(message)
        self.content = content  # True: the bytes were wrong (not the transport)


class _TimedOut(Exception):
    """The time allowed for the file ran out."""


class _Content:
    """Check the bytes of a download as they arrive: size, gzip stream, SHA-256."""

    def __init__(self, spec: FileSpec) -> None:
        self.spec = spec
        self.limit = max_transfer(spec)
        self.received = 0
        self.size = 0
        self.sha = hashlib.sha256()
        self.inflate = zlib.decompressobj(wbits=31) if spec.gzipped else None

    def feed(self, chunk: bytes) -> None:
        self.received += len(chunk)
        if self.received > self.limit:
            raise _Refused(
                f"sent more than the {self.limit:,} bytes that {self.spec.relpath} can "
                "take; stopped there",
                content=True,
            )
        if self.inflate is None:
            self._content(chunk)
            return
        data = chunk
        while data:
            if self.inflate.eof:  # a further gzip member: rare, but valid gzip
                self.inflate = zlib.decompressobj(wbits=31)
            try:
                out = self.inflate.decompress(data, BLOCK)
            except zlib.error as exc:
                raise _Refused(f"not a valid gzip stream ({exc})", content=True) from None
            self._content(out)
            data = (
                self.inflate.unused_data
                if self.inflate.eof
                else self.inflate.unconsumed_tail
            )

    def _content(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.spec.size:
            raise _Refused(
                f"its content is larger than the {self.spec.size:,} bytes of "
                f"{self.spec.relpath} (a damaged file or a gzip bomb); stopped after "
                f"{self.received:,} bytes",
                content=True,
            )
        self.sha.update(data)

    def finish(self) -> str:
        """Return the content's SHA-256 once the transfer is complete."""
        if self.inflate is not None and not self.inflate.eof:
            raise _Refused(
                f"the gzip stream ended early, after {self.received:,} bytes (truncated)"
            )
        if self.size != self.spec.size:
            raise _Refused(
                f"the transfer ended after {self.size:,} of the {self.spec.size:,} bytes "
                "of content (truncated)"
            )
        return self.sha.hexdigest()


class _Bar:
    """A tqdm progress bar on stderr, or nothing."""

    def __init__(self, label: str, total: int | None, show: bool) -> None:
        self.bar = None
        if show:
            from tqdm import tqdm  # imported when needed: `import nnbook` stays light

            self.bar = tqdm(
                total=total,
                desc=label,
                unit="B",
                unit_scale=True,
                ncols=79,
                file=sys.stderr,
            )

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _request(session, url: str, deadline: float):
    """GET `url` (headers only), within the deadline even if the headers trickle."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _TimedOut
    box: dict[str, object] = {}
    abandoned = threading.Event()

    def work() -> None:
        try:
            response = session.get(
                url,
                stream=True,
                allow_redirects=False,
                timeout=(min(TIMEOUT_S, remaining), TIMEOUT_S),
                headers={"Accept-Encoding": "identity"},
            )
        except BaseException as exc:  # handed over to the waiting thread
            box["error"] = exc
            return
        if abandoned.is_set():
            response.close()
        box["response"] = response

    thread = threading.Thread(target=work, daemon=True, name="nnbook-download")
    thread.start()
    thread.join(remaining)
    if thread.is_alive():
        abandoned.set()  # the thread closes the response if it ever comes
        raise _TimedOut
    if "error" in box:
        if time.monotonic() >= deadline:
            raise _TimedOut from box["error"]  # type: ignore[misc]
        raise box["error"]  # type: ignore[misc]
    return box["response"]


def _transfer(
    url: str, part, content: _Content, label: str, progress: bool, deadline: float
) -> None:
    """Stream `url` into the open file `part`, feeding `content` as bytes arrive."""
    import requests  # imported when needed: `import nnbook` stays light

    with requests.Session() as session:
        for _ in range(MAX_REDIRECTS + 1):
            response = _request(session, url, deadline)
            with response:
                if response.is_redirect:
                    target = urljoin(url, response.headers.get("location", ""))
                    if url.startswith("https:") and not target.startswith("https:"):
                        raise _Refused(f"redirected to plain http ({target}): refused")
                    url = target
                    continue
                if response.status_code != 200:
                    raise _Refused(f"HTTP {response.status_code} {response.reason}")
                length = response.headers.get("Content-Length", "")
                total = int(length) if length.isdigit() else None
                if total is not None and total > content.limit:
                    raise _Refused(
                        f"announced {total:,} bytes, more than the {content.limit:,} "
                        f"that {content.spec.relpath} can take",
                        content=True,
                    )
                _body(response, part, content, label, progress, deadline, total)
                return
        raise _Refused(f"more than {MAX_REDIRECTS} redirections")


def _body(response, part, content, label, progress, deadline, total) -> None:
    raw = response.raw
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        raw.shutdown()  # wakes a read that is waiting for the next bytes

    timer = threading.Timer(max(0.0, deadline - time.monotonic()), expire)
    timer.daemon = True
    bar = _Bar(label, total, progress)
    timer.start()
    try:
        while True:
            try:
                chunk = raw.read1(CHUNK, decode_content=False)
            except Exception:
                if expired.is_set() or time.monotonic() >= deadline:
                    raise _TimedOut from None
                raise
            if expired.is_set():
                raise _TimedOut
            if not chunk:
                return
            content.feed(chunk)
            _write(part, chunk)
            bar.update(len(chunk))
    finally:
        timer.cancel()
        bar.close()


def _write(part, chunk: bytes) -> None:
    try:
        part.write(chunk)
    except OSError as exc:
        raise _cache_error(Path(part.name), exc) from exc


def _cache_error(path: Path, exc: OSError) -> DataHomeError:
    """Return the error for a user cache that cannot be written to."""
    cache = user_cache_dir()
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        blocker = next(
            (p for p in [path, *path.parents] if p.exists() and not p.is_dir()), path
        )
        return DataHomeError(
            f"cannot write {path}: {blocker} is a file, where the user cache {cache} "
            "needs a folder; move that file away, or set XDG_CACHE_HOME to another "
            "folder"
        )
    if exc.errno == errno.ENOSPC:
        return DataHomeError(
            f"cannot write {path}: no space left on the device; free some space, or "
            "set XDG_CACHE_HOME to a folder on another disk"
        )
    return DataHomeError(
        f"cannot write {path} in the user cache {cache}: {reason}; make it writable, "
        "or set XDG_CACHE_HOME to a folder you can write to"
    )


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
    for args in re.findall(r"\[Errno -?\d+\] ([^'\"\]]+)", text)[:1]:
        text = f"{args.strip()} ({type(exc).__name__})"
    return text


def _open_part(target: Path):
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        part = _part_path(target)
        return part, part.open("xb")
    except OSError as exc:
        raise _cache_error(target, exc) from exc


def download(
    spec: FileSpec,
    *,
    mirrors: Sequence[str] | None = None,
    progress: bool = True,
    timeout: float | None = None,
) -> Path:
    """Download `spec` into the user cache and return its path there.

    Each mirror is tried in turn until one serves a file whose payload has the expected
    size and SHA-256. The file is written atomically and recorded as verified for this
    process. Left-over temporary files of killed downloads in the target's folder are
    removed first.

    Parameters
    ----------
    timeout : float, optional
        Seconds allowed for the whole transfer of the file from one mirror (default
        `default_timeout(spec)`).

    Raises
    ------
    ChecksumError
        Every mirror answered, but with the wrong content.
    DownloadError
        No mirror served a good file; the message lists each URL and its failure.
    DataHomeError
        The user cache cannot be written to.
    """
    urls = mirror_urls(spec, mirrors)
    target = user_cache_dir() / spec.relpath
    limit = default_timeout(spec) if timeout is None else float(timeout)
    if not limit > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if target.parent.is_dir():
        remove_stale_partials(target.parent)
    failures: list[str] = []
    bad_content = timed_out = 0
    for url in urls:
        part, file = _open_part(target)
        try:
            with file:
                content = _Content(spec)
                deadline = time.monotonic() + limit
                try:
                    _transfer(url, file, content, spec.relpath, progress, deadline)
                    actual = content.finish()
                except _TimedOut:
                    timed_out += 1
                    failures.append(
                        f"{url}: gave up after {limit:g} s, the time allowed for this "
                        f"file ({content.received:,} bytes received)"
                    )
                    continue
                except _Refused as exc:
                    bad_content += exc.content
                    failures.append(f"{url}: {exc}")
                    continue
                except DataHomeError:
                    raise
                except Exception as exc:  # network errors: requests', urllib3's, OSError
                    failures.append(f"{url}: {_describe(exc)}")
                    continue
            if actual != spec.sha256:
                bad_content += 1
                failures.append(f"{url}: wrong content (SHA-256 {actual})")
                continue
            try:
                os.replace(part, target)
            except OSError as exc:
                raise _cache_error(target, exc) from exc
            remember_verified(target, actual)
            return target
        finally:
            part.unlink(missing_ok=True)
    listing = "\n".join(f"  - {failure}" for failure in failures)
    provide = (
        "provide the file yourself: set NNBOOK_DATA to a data home holding it, or "
        "pass data_home=..."
    )
    if failures and bad_content == len(failures):
        raise ChecksumError(
            f"every mirror served a wrong {spec.relpath} (expected {spec.size:,} bytes "
            f"of content with SHA-256 {spec.sha256}); nothing was saved:\n{listing}\n"
            f"Try other mirrors (NNBOOK_MIRRORS, or `nnbook data fetch --mirror URL`), "
            f"or {provide}"
        )
    more_time = (
        " allow more time (fetch(..., timeout=SECONDS), or `nnbook data fetch "
        "--timeout SECONDS`),"
        if timed_out
        else ""
    )
    raise DownloadError(
        f"could not download {spec.relpath} from any of its {len(urls)} mirror(s); "
        f"nothing was saved:\n{listing}\nCheck the network connection,{more_time} or "
        f"{provide}"
    )
