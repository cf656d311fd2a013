"""Downloads, against HTTP servers on 127.0.0.1 only (never the internet).

The mirrors serve a synthetic `book/sample_weight.pkl` registered in place of the
book's, so these tests need no data; one end-to-end MNIST test serves the shared data
home (`NNBOOK_DATA`, as in CI).
"""

import hashlib
import os
import pickle
import socket
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import numpy as np
import pytest

from nnbook.datasets import (
    ChecksumError,
    DataNotFoundError,
    DownloadError,
    _download,
    _home,
    _registry,
    _verify,
    fetch,
    load_book_params,
    load_mnist,
)
from nnbook.datasets._registry import FileSpec

BLOB = pickle.dumps({"W1": np.arange(40_000, dtype=np.float32).reshape(200, 200)})
SMALL = FileSpec(
    "book/sample_weight.pkl", hashlib.sha256(BLOB).hexdigest(), urls=(), size=len(BLOB)
)
SHARED = os.environ.get("NNBOOK_DATA", "")  # read before `isolated` unsets it


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Empty data homes, a synthetic sample_weight.pkl, and no way out of 127.0.0.1."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    for var in ("NNBOOK_DATA", "NNBOOK_OFFLINE", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NNBOOK_MIRRORS", refused_url())  # a forgotten mirror= fails fast
    monkeypatch.setattr(_home, "SYSTEM_DATA_HOMES", ())
    monkeypatch.setitem(_registry.WEIGHTS, "sample_weight", {"2016": SMALL, "2022": SMALL})
    path = tmp_path / "mirror" / SMALL.relpath
    path.parent.mkdir(parents=True)
    path.write_bytes(BLOB)


def refused_url() -> str:
    """A URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def good(tmp_path, serve):
    with serve(tmp_path / "mirror") as url:
        yield url


@pytest.fixture
def empty(tmp_path, serve):
    (tmp_path / "empty").mkdir()
    with serve(tmp_path / "empty") as url:  # answers 404 to everything
        yield url


@pytest.fixture
def corrupt(tmp_path, serve):
    """A mirror serving sample_weight.pkl with one byte changed."""
    blob = bytearray(BLOB)
    blob[len(blob) // 2] ^= 0xFF
    path = tmp_path / "corrupt" / SMALL.relpath
    path.parent.mkdir(parents=True)
    path.write_bytes(bytes(blob))
    with serve(tmp_path / "corrupt") as url:
        yield url


@pytest.fixture
def shared_data(skip_or_fail) -> Path:
    if not SHARED or not (Path(SHARED) / "mnist").is_dir():
        skip_or_fail("needs NNBOOK_DATA pointing at the shared data home (as in CI)")
    return Path(SHARED)


def cache_listing(tmp_path) -> list[str]:
    """Every file in the user cache, hidden temporary files included."""
    root = tmp_path / "xdg"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_success_lands_verified_in_the_user_cache(tmp_path, good, capfd, monkeypatch):
    (path,) = fetch("sample_weight", mirrors=[good])
    assert path == tmp_path / "xdg" / "nnbook" / "book" / "sample_weight.pkl"
    assert cache_listing(tmp_path) == ["nnbook/book/sample_weight.pkl"]
    assert _verify.is_verified(SMALL, path)
    err = capfd.readouterr().err
    assert "book/sample_weight.pkl" in err and "100%" in err  # the progress bar
    monkeypatch.setenv("NNBOOK_OFFLINE", "1")  # now found locally: no network needed
    assert load_book_params("sample_weight")["W1"].shape == (200, 200)


def test_mirror_fallback(tmp_path, good, empty):
    mirrors = [refused_url(), empty, good]
    (path,) = fetch("sample_weight", mirrors=mirrors)
    assert path.is_file()
    assert cache_listing(tmp_path) == ["nnbook/book/sample_weight.pkl"]


def test_mirrors_from_the_environment(tmp_path, good, monkeypatch):
    monkeypatch.setenv("NNBOOK_MIRRORS", f"{refused_url()}  {good.rstrip('/')}")
    monkeypatch.setenv("NNBOOK_OFFLINE", "0")  # "0" means downloads are allowed
    assert load_book_params("sample_weight")["W1"][1, 0] == 200
    assert cache_listing(tmp_path) == ["nnbook/book/sample_weight.pkl"]


def test_load_mnist_downloads_into_an_empty_cache(
    tmp_path, shared_data, monkeypatch, capfd, serve
):
    with serve(shared_data) as url:
        monkeypatch.setenv("NNBOOK_MIRRORS", url)
        (x_train, _), (x_test, _) = load_mnist()
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert len(cache_listing(tmp_path)) == 4
    err = capfd.readouterr().err
    for spec in _registry.DATASETS["mnist"].values():
        assert spec.relpath in err


def test_hash_mismatch_leaves_nothing(tmp_path, corrupt):
    with pytest.raises(ChecksumError) as info:
        fetch("sample_weight", mirrors=[corrupt])
    message = str(info.value)
    assert "book/sample_weight.pkl" in message
    assert SMALL.sha256 in message  # expected
    assert "wrong content (SHA-256 " in message  # and the actual one
    assert cache_listing(tmp_path) == []


def test_hash_mismatch_then_a_good_mirror(tmp_path, corrupt, good):
    fetch("sample_weight", mirrors=[corrupt, good])
    assert cache_listing(tmp_path) == ["nnbook/book/sample_weight.pkl"]


def test_connection_refused_everywhere(tmp_path):
    mirrors = [refused_url(), refused_url()]
    with pytest.raises(DownloadError) as info:
        fetch("sample_weight", mirrors=mirrors)
    message = str(info.value)
    for mirror in mirrors:
        assert f"{mirror}book/sample_weight.pkl: Connection refused" in message
    assert "NNBOOK_DATA" in message
    assert cache_listing(tmp_path) == []


class Truncating(SimpleHTTPRequestHandler):
    """Promises the whole file, sends half of it, and hangs up."""

    def copyfile(self, source, outputfile):
        data = source.read()
        outputfile.write(data[: len(data) // 2])
        self.close_connection = True


def test_a_broken_transfer_leaves_no_partial_file(tmp_path, serve):
    with serve(tmp_path / "mirror", handler=Truncating) as url:
        with pytest.raises(DownloadError, match=r"sample_weight\.pkl"):
            fetch("sample_weight", mirrors=[url], progress=False)
    assert cache_listing(tmp_path) == []


def test_an_interrupted_download_leaves_no_partial_file(tmp_path, monkeypatch):
    def interrupted(url, part, content, label, progress, deadline):
        part.write(b"half a file")
        part.flush()
        assert len(cache_listing(tmp_path)) == 1  # the temporary file, for now
        raise KeyboardInterrupt

    monkeypatch.setattr(_download, "_transfer", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fetch("sample_weight", mirrors=["http://127.0.0.1:9/"])
    assert cache_listing(tmp_path) == []


def test_a_truncated_gzip_from_a_mirror_is_refused(tmp_path, serve):
    spec = _registry.DATASETS["mnist"]["t10k-labels"]
    served = tmp_path / "served" / spec.relpath
    served.parent.mkdir(parents=True)
    served.write_bytes(b"\x1f\x8b\x08\x00 truncated")
    with serve(tmp_path / "served") as url, pytest.raises(DownloadError, match="gzip"):
        _download.download(spec, mirrors=[url], progress=False)
    assert cache_listing(tmp_path) == []


class Counting(SimpleHTTPRequestHandler):
    requests = 0

    def do_GET(self):
        Counting.requests += 1
        super().do_GET()


def test_offline_means_no_request(tmp_path, monkeypatch, serve):
    monkeypatch.setenv("NNBOOK_OFFLINE", "1")
    Counting.requests = 0
    with serve(tmp_path, handler=Counting) as url:
        with pytest.raises(DataNotFoundError, match="NNBOOK_OFFLINE"):
            fetch("sample_weight", mirrors=[url])
        monkeypatch.setenv("NNBOOK_MIRRORS", url)
        with pytest.raises(DataNotFoundError):
            load_mnist()
    assert Counting.requests == 0


def test_never_writes_into_nnbook_data(tmp_path, good, monkeypatch):
    readonly_home = tmp_path / "readonly"
    readonly_home.mkdir()
    monkeypatch.setenv("NNBOOK_DATA", str(readonly_home))
    fetch("sample_weight", mirrors=[good])
    assert list(readonly_home.iterdir()) == []


def test_fetch_replaces_a_damaged_cached_copy(tmp_path, good):
    damaged = tmp_path / "xdg" / "nnbook" / SMALL.relpath
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"damaged")
    (path,) = fetch("sample_weight", mirrors=[good])
    assert path == damaged and _verify.is_verified(SMALL, path)


def test_fetch_keeps_files_found_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setenv("NNBOOK_DATA", str(tmp_path / "mirror"))
    (path,) = fetch("sample_weight", mirrors=[refused_url()])
    assert path == tmp_path / "mirror" / SMALL.relpath
    assert cache_listing(tmp_path) == []


def test_mirror_urls(monkeypatch):
    spec = _registry.DATASETS["mnist"]["train-images"]
    monkeypatch.delenv("NNBOOK_MIRRORS")
    assert _download.mirror_urls(spec) == [
        "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz",
        "https://storage.googleapis.com/cvdf-datasets/mnist/train-images-idx3-ubyte.gz",
    ]
    assert _download.mirror_urls(_registry.weight_spec("params", "2016")) == [
        "https://raw.githubusercontent.com/oreilly-japan/deep-learning-from-scratch/"
        "0dda3d1715e2431b76eb4089b60881948853ba2a/ch07/params.pkl"
    ]
    assert _download.mirror_urls(_registry.weight_spec("deep_convnet_params", "2022")) == [
        "https://raw.githubusercontent.com/oreilly-japan/deep-learning-from-scratch/"
        "07b11618cdb5d5f78ad45464de0730efc07b0a4a/ch08/deep_convnet_params.pkl"
    ]
    monkeypatch.setenv("NNBOOK_MIRRORS", "http://a/data/ http://b")
    assert _download.mirror_urls(spec) == [
        "http://a/data/mnist/train-images-idx3-ubyte.gz",
        "http://b/mnist/train-images-idx3-ubyte.gz",
    ]
    assert _download.mirror_urls(spec, ["http://c/"]) == [
        "http://c/mnist/train-images-idx3-ubyte.gz"
    ]
