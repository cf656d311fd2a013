"""Data homes: look-up order, checksum verification, and the errors a reader meets.

No test here needs the real data or the network: files are synthetic, written into
temporary data homes, with the registry's specs made to match them where needed.
"""

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from nnbook.datasets import (
    ChecksumError,
    DataNotFoundError,
    IDXFormatError,
    _home,
    _registry,
    _verify,
    available,
    load_mnist,
    user_cache_dir,
)
from nnbook.datasets._fetch import resolve
from nnbook.datasets._registry import FileSpec


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Empty data homes everywhere, downloads off, and no way to reach the internet."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("NNBOOK_DATA", raising=False)
    monkeypatch.setenv("NNBOOK_OFFLINE", "1")
    monkeypatch.setenv("NNBOOK_MIRRORS", "http://127.0.0.1:9/")  # discard port: refused
    monkeypatch.setattr(_home, "SYSTEM_DATA_HOMES", (str(tmp_path / "system"),))
    return tmp_path


def idx_gz(array: np.ndarray) -> bytes:
    header = np.array([0x0800 + array.ndim, *array.shape], dtype=">u4").tobytes()
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def sha(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def write(home: Path, relpath: str, blob: bytes) -> Path:
    path = home / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(blob)
    return path


def spec_for(relpath: str, blob: bytes) -> FileSpec:
    payload = gzip.decompress(blob) if relpath.endswith(".gz") else blob
    return FileSpec(relpath, sha(payload), urls=(), size=len(payload))


# --- where files are looked for --------------------------------------------------------


def test_user_cache_follows_xdg(monkeypatch, tmp_path):
    assert user_cache_dir() == tmp_path / "xdg" / "nnbook"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as XDG says
    assert user_cache_dir() == Path.home() / ".cache" / "nnbook"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert user_cache_dir() == Path.home() / ".cache" / "nnbook"


def test_look_up_order(tmp_path, monkeypatch):
    relpath = "book/thing.pkl"
    spec = FileSpec(relpath, "0" * 64, urls=(), size=1)
    homes = {
        "data_home argument": tmp_path / "arg",
        "NNBOOK_DATA": tmp_path / "env",
        "system": tmp_path / "system",
        "user cache": tmp_path / "xdg" / "nnbook",
    }
    for home in homes.values():
        write(home, relpath, b"x")
    monkeypatch.setenv("NNBOOK_DATA", str(homes["NNBOOK_DATA"]))
    for where, home in homes.items():
        found = _home.locate(spec, data_home=homes["data_home argument"])
        assert (found.where, found.path) == (where, home / relpath)
        assert found.owned == (where == "user cache")
        (home / relpath).unlink()
    assert _home.locate(spec, data_home=homes["data_home argument"]) is None


def test_data_home_without_the_file_falls_through(tmp_path, monkeypatch):
    spec = FileSpec("mnist/a.gz", "0" * 64, urls=(), size=1)
    write(tmp_path / "env", spec.relpath, b"x")
    monkeypatch.setenv("NNBOOK_DATA", str(tmp_path / "env"))
    (tmp_path / "empty").mkdir()  # a data home that exists but lacks the file
    found = _home.locate(spec, data_home=tmp_path / "empty")
    assert found.where == "NNBOOK_DATA"


def test_data_home_accepts_str_and_tilde(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    spec = FileSpec("mnist/a.gz", "0" * 64, urls=(), size=1)
    write(tmp_path / "dh", spec.relpath, b"x")
    assert _home.locate(spec, data_home="~/dh").path == tmp_path / "dh" / spec.relpath


def test_not_found_message_lists_every_place_and_every_remedy(tmp_path, monkeypatch):
    monkeypatch.setenv("NNBOOK_DATA", str(tmp_path / "env"))
    (tmp_path / "arg").mkdir()
    spec = _registry.DATASETS["mnist"]["t10k-labels"]
    with pytest.raises(DataNotFoundError) as info:
        resolve(spec, data_home=tmp_path / "arg")
    err = info.value
    message = str(err)
    assert isinstance(err, FileNotFoundError)
    assert not message.startswith("[Errno")
    assert err.relpath == "mnist/t10k-labels-idx1-ubyte.gz"
    for home in ("arg", "env", "system", "xdg/nnbook"):
        assert str(tmp_path / home / "mnist" / "t10k-labels-idx1-ubyte.gz") in message
    assert len(err.searched) == 4
    assert "NNBOOK_OFFLINE" in message
    assert "set NNBOOK_DATA" in message
    assert "data_home=" in message
    assert "nnbook data fetch mnist" in message


def test_not_found_message_says_what_was_not_given():
    spec = _registry.weight_spec("params")
    with pytest.raises(DataNotFoundError) as info:
        resolve(spec)
    assert info.value.searched[:2] == [
        "(no data_home= argument given)",
        "(NNBOOK_DATA is not set)",
    ]
    assert "book/2016/params.pkl" in str(info.value)
    assert "`nnbook data fetch`" in str(info.value)


def test_load_mnist_offline_without_data_raises_not_found():
    with pytest.raises(DataNotFoundError, match=r"mnist/train-images-idx3-ubyte\.gz"):
        load_mnist()


def test_available_never_downloads(monkeypatch):
    monkeypatch.delenv("NNBOOK_OFFLINE")

    def fail(*args, **kwargs):
        raise AssertionError("available() must not download")

    monkeypatch.setattr("nnbook.datasets._fetch.download", fail)
    for name in _registry.NAMES:
        assert available(name) is False
    assert available("params", revision="2022") is False


def test_available_finds_files_without_hashing(tmp_path):
    home = tmp_path / "dh"
    for spec in _registry.DATASETS["fashion-mnist"].values():
        write(home, spec.relpath, b"not checked by available()")
    assert available("fashion-mnist", data_home=home)
    assert not available("mnist", data_home=home)


@pytest.mark.parametrize(
    ("name", "revision", "match"),
    [
        ("cifar10", None, "unknown data name"),
        ("params", "2019", "unknown revision"),
        ("mnist", "2016", "no revisions"),
    ],
)
def test_bad_names(name, revision, match):
    with pytest.raises(ValueError, match=match):
        available(name, revision=revision)


# --- verification --------------------------------------------------------------------


def test_wrong_hash_outside_the_cache_is_reported_and_kept(tmp_path):
    blob = idx_gz(np.arange(4, dtype=np.uint8))
    path = write(tmp_path / "dh", "mnist/x-idx1-ubyte.gz", blob)
    spec = FileSpec("mnist/x-idx1-ubyte.gz", "f" * 64, urls=(), size=12)
    with pytest.raises(ChecksumError) as info:
        _verify.load_verified(spec, path, owned=False)
    message = str(info.value)
    assert str(path) in message
    assert "f" * 64 in message
    assert sha(gzip.decompress(blob)) in message
    assert path.exists()


def test_wrong_hash_in_the_cache_is_deleted(tmp_path):
    path = write(tmp_path / "xdg" / "nnbook", "book/x.pkl", b"bad bytes")
    spec = FileSpec("book/x.pkl", "0" * 64, urls=(), size=9)
    with pytest.raises(ChecksumError, match="deleted from the user cache"):
        _verify.load_verified(spec, path, owned=True)
    assert not path.exists()


def test_truncated_gzip_in_the_cache_is_deleted(tmp_path):
    blob = idx_gz(np.arange(1000, dtype=np.uint16).astype(np.uint8))
    path = write(tmp_path / "xdg" / "nnbook", "mnist/y-idx1-ubyte.gz", blob[:-20])
    spec = spec_for("mnist/y-idx1-ubyte.gz", blob)
    with pytest.raises(IDXFormatError, match="deleted from the user cache"):
        _verify.load_verified(spec, path, owned=True)
    assert not path.exists()


def test_gz_files_are_checked_by_their_payload(tmp_path):
    payload_array = np.arange(300, dtype=np.uint16).astype(np.uint8)
    fast = idx_gz(payload_array)
    small = gzip.compress(gzip.decompress(fast), compresslevel=9, mtime=0)
    spec = spec_for("mnist/z-idx1-ubyte.gz", fast)
    for i, blob in enumerate((fast, small)):  # two wrappers, one payload: both good
        path = write(tmp_path / f"h{i}", spec.relpath, blob)
        assert _verify.load_verified(spec, path) == gzip.decompress(fast)


def test_verification_is_remembered_per_file_version(tmp_path):
    blob = b"payload"
    spec = spec_for("book/v.pkl", blob)
    path = write(tmp_path / "dh", spec.relpath, blob)
    assert not _verify.is_verified(spec, path)
    _verify.load_verified(spec, path)
    assert _verify.is_verified(spec, path)
    path.write_bytes(b"changed")
    os.utime(path, ns=(1, 1))
    assert not _verify.is_verified(spec, path)
    with pytest.raises(ChecksumError):
        _verify.load_verified(spec, path)
