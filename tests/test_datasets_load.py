"""`load_mnist` on a synthetic data home: the book's shapes, dtypes and options.

The registry is pointed at tiny IDX files (5 training and 3 test images), so these
tests need neither the real data nor the network.
"""

import gzip
import hashlib
from pathlib import Path

import numpy as np
import pytest

from nnbook.datasets import IDXFormatError, _home, _mnist, _registry, load_mnist
from nnbook.datasets._registry import FileSpec


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Empty data homes everywhere, downloads off."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("NNBOOK_DATA", raising=False)
    monkeypatch.setenv("NNBOOK_OFFLINE", "1")
    monkeypatch.setattr(_home, "SYSTEM_DATA_HOMES", ())


def idx_gz(array: np.ndarray) -> bytes:
    header = np.array([0x0800 + array.ndim, *array.shape], dtype=">u4").tobytes()
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def register(home: Path, part: str, blob: bytes, monkeypatch) -> None:
    """Write `blob` as the MNIST file `part` in `home` and make the registry expect it."""
    relpath = _registry.DATASETS["mnist"][part].relpath
    path = home / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(blob)
    payload = gzip.decompress(blob)
    sha = hashlib.sha256(payload).hexdigest()
    spec = FileSpec(relpath, sha, urls=(), size=len(payload))
    monkeypatch.setitem(_registry.DATASETS["mnist"], part, spec)


@pytest.fixture
def tiny_mnist(tmp_path, monkeypatch):
    """A data home with a 5-image train set and a 3-image test set, registered."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images": rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8),
        "train-labels": np.array([5, 0, 4, 1, 9], np.uint8),
        "t10k-images": rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8),
        "t10k-labels": np.array([7, 2, 1], np.uint8),
    }
    arrays["train-images"][0, 0, :2] = [0, 255]
    home = tmp_path / "dh"
    for part, array in arrays.items():
        register(home, part, idx_gz(array), monkeypatch)
    return home, arrays


def test_load_mnist_like_the_book(tiny_mnist):
    home, arrays = tiny_mnist
    (x_train, t_train), (x_test, t_test) = load_mnist(data_home=home)
    assert x_train.shape == (5, 784) and x_test.shape == (3, 784)
    assert x_train.dtype == np.float32
    expected = arrays["train-images"].reshape(5, 784).astype(np.float32) / np.float32(255)
    np.testing.assert_array_equal(x_train, expected)
    assert x_train[0, 0] == 0.0 and x_train[0, 1] == 1.0
    assert t_train.dtype == np.uint8
    np.testing.assert_array_equal(t_test, [7, 2, 1])


def test_load_mnist_options(tiny_mnist):
    home, arrays = tiny_mnist
    (x, t), _ = load_mnist(
        normalize=False, flatten=False, one_hot_label=True, data_home=home
    )
    assert x.dtype == np.uint8 and x.shape == (5, 1, 28, 28)
    np.testing.assert_array_equal(x[:, 0], arrays["train-images"])
    assert t.shape == (5, 10) and t.dtype == np.float32
    np.testing.assert_array_equal(t.argmax(axis=1), arrays["train-labels"])
    np.testing.assert_array_equal(t.sum(axis=1), 1.0)


def test_load_mnist_returns_fresh_arrays_and_caches_the_parse(tiny_mnist):
    home, _ = tiny_mnist
    (x, t), _ = load_mnist(normalize=False, data_home=home)
    hits = _mnist._parsed.cache_info().hits
    x[:] = 0
    t[:] = 0
    (x2, t2), _ = load_mnist(normalize=False, data_home=home)
    assert _mnist._parsed.cache_info().hits == hits + 4
    assert x2.any() and t2.any()
    assert x2.flags.writeable and t2.flags.writeable


def test_load_mnist_rejects_mismatched_counts(tiny_mnist, monkeypatch):
    home, _ = tiny_mnist
    register(home, "train-labels", idx_gz(np.array([1, 2, 3], np.uint8)), monkeypatch)
    with pytest.raises(IDXFormatError, match="5 images but 3 labels"):
        load_mnist(data_home=home)


def test_load_mnist_rejects_labels_in_place_of_images(tiny_mnist, monkeypatch):
    home, _ = tiny_mnist
    register(home, "t10k-images", idx_gz(np.array([1, 2, 3], np.uint8)), monkeypatch)
    with pytest.raises(IDXFormatError, match="magic number 2049"):
        load_mnist(data_home=home)


def test_load_mnist_never_writes_outside_the_cache(tiny_mnist, tmp_path, monkeypatch):
    home, _ = tiny_mnist
    monkeypatch.setenv("NNBOOK_DATA", str(home))
    before = sorted(home.rglob("*"))
    load_mnist()
    load_mnist(one_hot_label=True)
    assert sorted(home.rglob("*")) == before
    assert not (tmp_path / "xdg").exists()
