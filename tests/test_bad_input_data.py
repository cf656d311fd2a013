"""Bad input to `nnbook.datasets`: hostile mirrors, killed downloads, odd data homes.

Every case asserts the error's type, that its message names the problem and the fix,
and that nothing was left behind: no file, not even a hidden temporary one, in the user
cache. The misbehaving mirrors run on 127.0.0.1 (the `serve` fixture); the time limits
are set low so that the slow cases take a second or two.
"""

import errno
import gzip
import hashlib
import os
import pickle
import signal
import subprocess
import sys
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import numpy as np
import pytest

from nnbook.datasets import (
    ChecksumError,
    DataHomeError,
    DataNotFoundError,
    DownloadError,
    IDXFormatError,
    SettingError,
    _download,
    _home,
    _registry,
    _verify,
    available,
    fetch,
    load_book_params,
    read_idx,
    status,
)
from nnbook.datasets._registry import FileSpec

BLOB = pickle.dumps({"W1": np.arange(30_000, dtype=np.float32).reshape(150, 200)})
SMALL = FileSpec(
    "book/sample_weight.pkl", hashlib.sha256(BLOB).hexdigest(), urls=(), size=len(BLOB)
)
IMAGES = _registry.DATASETS["mnist"]["train-images"]  # 47,040,016 bytes of content


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Empty data homes, a synthetic sample_weight.pkl, and no way out of 127.0.0.1."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    for var in ("NNBOOK_DATA", "NNBOOK_OFFLINE", "NNBOOK_MIRRORS"):
        monkeypatch.delenv(var, raising=False)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(_home, "SYSTEM_DATA_HOMES", ())
    monkeypatch.setitem(_registry.WEIGHTS, "sample_weight", {"2016": SMALL, "2022": SMALL})
    path = tmp_path / "mirror" / SMALL.relpath
    path.parent.mkdir(parents=True)
    path.write_bytes(BLOB)


def cache_listing(tmp_path) -> list[str]:
    """Every file under the user cache's parent, hidden temporary files included."""
    root = tmp_path / "xdg"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# --- misbehaving mirrors --------------------------------------------------------------


def gzip_bomb(content_bytes: int) -> bytes:
    """A valid gzip stream of zeros: about 1,000 times smaller than its content."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    parts = [packer.compress(block) for _ in range(content_bytes >> 20)]
    return b"".join([*parts, packer.flush()])


BOMB = gzip_bomb(64 << 20)  # 64 MiB of content (more than MNIST's 47 MB) in 65 kB


class Bomb(BaseHTTPRequestHandler):
    """Serves the gzip bomb, with an honest Content-Length, for any path."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(BOMB)))
        self.end_headers()
        self.wfile.write(BOMB)


class Endless(BaseHTTPRequestHandler):
    """Sends zeros without end and without a Content-Length."""

    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        block = bytes(1 << 16)
        try:
            while True:
                self.wfile.write(block)
        except OSError:
            pass  # the client hung up, as it should


class Boastful(BaseHTTPRequestHandler):
    """Announces 10 GB, then sends them, were anyone to listen."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(10**10))
        self.end_headers()
        try:
            while True:
                self.wfile.write(bytes(1 << 16))
        except OSError:
            pass


class Trickle(BaseHTTPRequestHandler):
    """Sends 100 bytes every 0.2 s: no single read ever waits long enough to time out."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(SMALL.size))
        self.end_headers()
        try:
            for _ in range(1000):
                self.wfile.write(b"x" * 100)
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass


class Silent(BaseHTTPRequestHandler):
    """Sends the headers, then nothing at all for a minute."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(SMALL.size))
        self.end_headers()
        self.wfile.flush()
        time.sleep(60)


class SlowHeaders(BaseHTTPRequestHandler):
    """Trickles the status line and headers themselves, one byte every 0.2 s."""

    def do_GET(self):
        try:
            for byte in b"HTTP/1.0 200 OK\r\nX-Padding: " + b"x" * 1000:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass


class WrongContent(BaseHTTPRequestHandler):
    """Serves the right number of bytes, with the wrong content."""

    def do_GET(self):
        body = bytes(SMALL.size)
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class RedirectLoop(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(302)
        self.send_header("Location", self.path)
        self.end_headers()


def test_a_gzip_bomb_fails_fast_with_bounded_memory(tmp_path, serve):
    import requests  # noqa: F401  (imported now, so its import is not counted below)

    with serve(handler=Bomb) as url:
        tracemalloc.start()
        start = time.process_time()  # CPU time: what the bomb costs, whatever the load
        try:
            with pytest.raises(ChecksumError) as info:
                _download.download(IMAGES, mirrors=[url], progress=False)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        seconds = time.process_time() - start
    message = str(info.value)
    assert "larger than the 47,040,016 bytes of mnist/train-images-idx3-ubyte.gz" in message
    assert "gzip bomb" in message and "nothing was saved" in message
    assert "Try other mirrors" in message and "NNBOOK_DATA" in message  # the fixes
    # The content was decompressed 1 MiB at a time and refused once past 47 MB: memory
    # stays a few MiB (not 64 MiB, nor the 47 MB of the real file), and it takes well
    # under a second of CPU (decompressing all 64 MiB, then hashing, takes several).
    assert peak < 6 << 20, f"peak traced memory {peak / 2**20:.1f} MiB"
    assert seconds < 2
    assert cache_listing(tmp_path) == []


def test_an_endless_stream_is_cut_at_the_files_size(tmp_path, serve, monkeypatch):
    written = []
    real_write = _download._write

    def counting_write(part, chunk):
        written.append(len(chunk))
        real_write(part, chunk)

    monkeypatch.setattr(_download, "_write", counting_write)
    with serve(handler=Endless) as url, pytest.raises(ChecksumError) as info:
        fetch("sample_weight", mirrors=[url], progress=False)
    assert f"sent more than the {SMALL.size:,} bytes that book/sample_weight.pkl" in str(
        info.value
    )
    assert sum(written) <= SMALL.size  # the disk never held more than the file's size
    assert cache_listing(tmp_path) == []


def test_a_size_announced_too_large_is_refused_before_reading(tmp_path, serve):
    with serve(handler=Boastful) as url, pytest.raises(ChecksumError) as info:
        fetch("sample_weight", mirrors=[url], progress=False)
    assert "announced 10,000,000,000 bytes, more than the" in str(info.value)
    assert cache_listing(tmp_path) == []


@pytest.mark.parametrize("handler", [Trickle, Silent, SlowHeaders])
def test_a_slow_mirror_fails_within_the_time_limit(tmp_path, serve, handler):
    with serve(handler=handler) as url:
        start = time.perf_counter()
        with pytest.raises(DownloadError) as info:
            fetch("sample_weight", mirrors=[url], progress=False, timeout=1.0)
        seconds = time.perf_counter() - start
    message = str(info.value)
    assert "gave up after 1 s, the time allowed for this file" in message
    assert "allow more time (fetch(..., timeout=SECONDS)" in message
    assert "--timeout SECONDS" in message
    assert 0.95 < seconds < 5  # the mirror would go on for a minute or more
    assert cache_listing(tmp_path) == []


def test_the_default_time_limit_grows_with_the_file():
    assert _download.default_timeout(SMALL) == pytest.approx(60 + SMALL.size / 1e5)
    assert 500 < _download.default_timeout(IMAGES) < 600  # 47 MB: about 9 minutes


def test_a_wrong_hash_is_refused_and_nothing_is_saved(tmp_path, serve):
    with serve(handler=WrongContent) as url, pytest.raises(ChecksumError) as info:
        fetch("sample_weight", mirrors=[url], progress=False)
    message = str(info.value)
    assert f"every mirror served a wrong {SMALL.relpath}" in message
    assert hashlib.sha256(bytes(SMALL.size)).hexdigest() in message
    assert "Try other mirrors" in message
    assert cache_listing(tmp_path) == []


def test_endless_redirections_are_refused(tmp_path, serve):
    with serve(handler=RedirectLoop) as url, pytest.raises(DownloadError) as info:
        fetch("sample_weight", mirrors=[url], progress=False)
    assert "more than 5 redirections" in str(info.value)
    assert cache_listing(tmp_path) == []


def test_a_redirection_from_https_to_plain_http_is_refused(tmp_path, monkeypatch):
    class Redirect:  # what an https mirror would answer; no TLS server needed
        is_redirect = True

        def __init__(self):
            self.headers = {"location": "http://elsewhere.example/book/sample_weight.pkl"}

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(_download, "_request", lambda session, url, deadline: Redirect())
    with pytest.raises(DownloadError) as info:
        fetch("sample_weight", mirrors=["https://mirror.example/"], progress=False)
    assert "redirected to plain http (http://elsewhere.example/" in str(info.value)
    assert cache_listing(tmp_path) == []


def test_a_bad_mirror_then_a_good_one(tmp_path, serve):
    with serve(handler=Bomb) as bomb, serve(tmp_path / "mirror") as good:
        (path,) = fetch("sample_weight", mirrors=[bomb, good], progress=False)
    assert cache_listing(tmp_path) == ["nnbook/book/sample_weight.pkl"]
    assert path.read_bytes() == BLOB


def test_the_registry_lists_https_mirrors_only_and_a_size_for_every_file(monkeypatch):
    monkeypatch.undo()  # the real registry
    specs = [s for d in _registry.DATASETS.values() for s in d.values()]
    specs += [s for w in _registry.WEIGHTS.values() for s in w.values()]
    for spec in specs:
        assert spec.size > 0
        assert spec.urls and all(url.startswith("https://") for url in spec.urls)


# --- killed and interrupted downloads -------------------------------------------------


def _as_in_a_terminal() -> None:
    # A job started in the background by a non-interactive shell (as CI may start the
    # test-suite) inherits SIGINT *ignored*, and Python then keeps ignoring it; a
    # command run from a terminal has the default, which Python turns into
    # KeyboardInterrupt. The Ctrl-C test needs the latter.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def nnbook_cli(*args: str, env: dict[str, str]) -> subprocess.Popen:
    # The installed `nnbook` script, as a reader types it. Not `python -m nnbook.cli`:
    # there, CPython 3.11 ends the process by SIGINT (status -2) instead of our 130
    # when the Ctrl-C that we caught happened to land inside an `exec` of generated
    # source (a dataclass or namedtuple being made while `requests` is imported). A
    # shell shows 130 for both; the script's `sys.exit` always gives 130.
    script = Path(sys.executable).with_name("nnbook")
    assert script.is_file(), f"{script} is missing: pip install -e . installs it"
    return subprocess.Popen(
        [str(script), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_as_in_a_terminal,
    )


def wait_for_part(tmp_path, process, seconds=20.0) -> list[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        parts = [p for p in cache_listing(tmp_path) if p.endswith(".part")]
        if parts:
            return parts
        time.sleep(0.05)
    process.kill()
    raise AssertionError(f"no temporary file appeared: {process.communicate()}")


def test_a_killed_download_is_reported_then_cleaned(tmp_path, serve):
    env = dict(os.environ)
    with serve(handler=Trickle) as url:
        process = nnbook_cli("data", "fetch", "sample_weight", "--mirror", url, env=env)
        (part,) = wait_for_part(tmp_path, process)
        process.kill()  # SIGKILL: no chance to clean up
        process.communicate()
    assert cache_listing(tmp_path) == [part]  # what a killed download leaves
    (left,) = status(verify=False).partial
    assert left.stale and str(left.path).endswith(part.split("/")[-1])
    # A download in progress elsewhere (a live process) is listed, but not stale:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        live = tmp_path / "xdg" / "nnbook" / "book" / f".x.pkl.{sleeper.pid}-0123abcd.part"
        live.write_bytes(b"in progress")
        states = {p.path.name: p.stale for p in status(verify=False).partial}
        assert states == {Path(part).name: True, live.name: False}
        with serve(tmp_path / "mirror") as good:
            fetch("sample_weight", mirrors=[good], progress=False)
    finally:
        sleeper.kill()
        sleeper.wait()
    # The next fetch removed the stale file and kept the live one.
    assert cache_listing(tmp_path) == [
        f"nnbook/book/{live.name}",
        "nnbook/book/sample_weight.pkl",
    ]


@pytest.mark.parametrize(
    ("signum", "code", "word"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
    ids=["SIGINT", "SIGTERM"],
)
def test_ctrl_c_and_sigterm_give_one_line_and_leave_nothing(
    tmp_path, serve, signum, code, word
):
    with serve(handler=Trickle) as url:
        process = nnbook_cli(
            "data", "fetch", "sample_weight", "--mirror", url, env=dict(os.environ)
        )
        wait_for_part(tmp_path, process)
        process.send_signal(signum)
        _, err = process.communicate(timeout=20)
    assert process.returncode == code, err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]  # the progress bar may come before it
    assert last == f"nnbook: {word}; nothing half-written was kept"
    assert cache_listing(tmp_path) == []


# --- data homes and the environment ---------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "On", " 1 "])
def test_offline_spellings_that_mean_offline(value, monkeypatch):
    monkeypatch.setenv("NNBOOK_OFFLINE", value)
    with pytest.raises(DataNotFoundError, match="NNBOOK_OFFLINE"):
        fetch("sample_weight", mirrors=["http://127.0.0.1:9/"], progress=False)


@pytest.mark.parametrize("value", ["", "0", "false", "False", "no", "OFF"])
def test_offline_spellings_that_mean_online(value, monkeypatch, tmp_path, serve):
    monkeypatch.setenv("NNBOOK_OFFLINE", value)
    with serve(tmp_path / "mirror") as url:
        (path,) = fetch("sample_weight", mirrors=[url], progress=False)
    assert path.is_file()


@pytest.mark.parametrize("value", ["maybe", "2", "offline", "y"])
def test_offline_spellings_that_are_refused(value, monkeypatch, tmp_path):
    monkeypatch.setenv("NNBOOK_OFFLINE", value)
    with pytest.raises(SettingError) as info:
        fetch("sample_weight", mirrors=["http://127.0.0.1:9/"], progress=False)
    message = str(info.value)
    assert f"NNBOOK_OFFLINE={value!r}" in message
    assert "1, true, yes or on" in message and "0, false, no or off" in message
    assert cache_listing(tmp_path) == []


def test_a_missing_data_home_argument_is_refused_not_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("NNBOOK_DATA", str(tmp_path / "mirror"))  # has the file
    typo = tmp_path / "no-such-folder"
    for call in (
        lambda: load_book_params("sample_weight", data_home=typo),
        lambda: available("sample_weight", data_home=typo),
        lambda: status(data_home=typo),
    ):
        with pytest.raises(DataHomeError) as info:
            call()
        message = str(info.value)
        assert f"data_home={str(typo)!r} does not exist" in message
        assert "leave data_home out" in message
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(DataHomeError, match="is not a folder"):
        load_book_params("sample_weight", data_home=tmp_path / "a-file")
    assert not typo.exists()


def test_a_tilde_user_that_does_not_exist_names_the_variable(monkeypatch):
    monkeypatch.setenv("NNBOOK_DATA", "~nosuchuser-nnbook/data")
    with pytest.raises(SettingError) as info:
        load_book_params("sample_weight")
    message = str(info.value)
    assert "NNBOOK_DATA='~nosuchuser-nnbook/data'" in message
    assert "no such user" in message and "full path" in message
    monkeypatch.delenv("NNBOOK_DATA")
    with pytest.raises(DataHomeError, match=r"in data_home='~nosuchuser-nnbook'"):
        available("mnist", data_home="~nosuchuser-nnbook")


def test_a_bad_mirror_setting_is_refused(monkeypatch):
    monkeypatch.setenv("NNBOOK_MIRRORS", "ftp://example.org/data/")
    with pytest.raises(SettingError, match=r"NNBOOK_MIRRORS: 'ftp://example.org/data/'"):
        fetch("sample_weight", progress=False)


def test_a_user_cache_that_is_a_file(tmp_path, serve):
    (tmp_path / "xdg").mkdir()
    blocker = tmp_path / "xdg" / "nnbook"
    blocker.write_text("not a folder")
    with serve(tmp_path / "mirror") as url, pytest.raises(DataHomeError) as info:
        fetch("sample_weight", mirrors=[url], progress=False)
    message = str(info.value)
    assert f"{blocker} is a file, where the user cache" in message
    assert "set XDG_CACHE_HOME to another folder" in message
    assert blocker.read_text() == "not a folder"
    assert cache_listing(tmp_path) == ["nnbook"]


def denied(monkeypatch, method: str, inside: Path) -> None:
    """Make `Path.<method>` fail with EACCES inside `inside`, as for a non-root user."""
    real = getattr(Path, method)

    def guarded(self, *args, **kwargs):
        if inside in self.parents or self == inside:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, method, guarded)


def test_a_user_cache_that_cannot_be_written(tmp_path, serve, monkeypatch):
    denied(monkeypatch, "open", tmp_path / "xdg")  # root ignores chmod: simulate it
    with serve(tmp_path / "mirror") as url, pytest.raises(DataHomeError) as info:
        fetch("sample_weight", mirrors=[url], progress=False)
    message = str(info.value)
    assert "Permission denied" in message
    assert "make it writable, or set XDG_CACHE_HOME" in message
    assert cache_listing(tmp_path) == []


def test_a_full_disk(tmp_path, serve, monkeypatch):
    def full(part, chunk):
        raise _download._cache_error(Path(part.name), OSError(errno.ENOSPC, "No space"))

    monkeypatch.setattr(_download, "_write", full)
    with serve(tmp_path / "mirror") as url, pytest.raises(DataHomeError) as info:
        fetch("sample_weight", mirrors=[url], progress=False)
    assert "no space left on the device; free some space" in str(info.value)
    assert cache_listing(tmp_path) == []


def test_an_unreadable_data_home(tmp_path, monkeypatch):
    home = tmp_path / "locked"
    (home / "book").mkdir(parents=True)
    monkeypatch.setenv("NNBOOK_DATA", str(home))
    denied(monkeypatch, "stat", home)  # what is_file() meets in a folder without +x
    with pytest.raises(DataHomeError) as info:
        load_book_params("sample_weight")
    message = str(info.value)
    assert f"cannot read {home / SMALL.relpath} (NNBOOK_DATA): Permission denied" in message
    assert "point NNBOOK_DATA elsewhere" in message


def test_an_unreadable_file(tmp_path, monkeypatch):
    home = tmp_path / "mirror"
    monkeypatch.setenv("NNBOOK_DATA", str(home))
    denied(monkeypatch, "open", home / "book")
    with pytest.raises(DataHomeError) as info:
        load_book_params("sample_weight")
    assert "give yourself read access to it or point NNBOOK_DATA elsewhere" in str(
        info.value
    )


# --- damaged files in a data home -----------------------------------------------------


def test_a_gzip_bomb_in_a_data_home_is_read_no_further_than_its_size(tmp_path):
    labels = _registry.DATASETS["mnist"]["t10k-labels"]  # 10,008 bytes of content
    bomb = tmp_path / "dh" / labels.relpath
    bomb.parent.mkdir(parents=True)
    bomb.write_bytes(BOMB)
    tracemalloc.start()
    try:
        with pytest.raises(ChecksumError) as info:
            _verify.load_verified(labels, bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "its content is longer than the 10,008 bytes expected" in str(info.value)
    assert "Replace it with a good copy" in str(info.value)
    assert peak < 4 << 20
    assert bomb.exists()  # not ours to delete


def test_read_idx_reads_no_further_than_its_header_declares(tmp_path):
    header = np.array([2049, 4], dtype=">u4").tobytes()
    path = tmp_path / "labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(header + bytes(64 << 20), compresslevel=1))
    with pytest.raises(IDXFormatError, match="promises 12"):
        read_idx(path)
    liar = np.array([2051, 60000, 60000, 60000], dtype=">u4").tobytes()
    path.write_bytes(gzip.compress(liar))
    with pytest.raises(IDXFormatError, match="more than a gzip file of"):
        read_idx(path)
