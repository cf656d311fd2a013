"""IDX parsing on small synthetic files: good files, wrong magic, wrong size, bad gzip."""

import gzip

import numpy as np
import pytest

from nnbook.datasets import IDXFormatError, parse_idx, read_idx


def idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    """Write `array` (uint8) as an IDX file, optionally with a forced magic number."""
    magic = 0x0800 + array.ndim if magic is None else magic
    header = np.array([magic, *array.shape], dtype=">u4").tobytes()
    return header + array.astype(np.uint8).tobytes()


def test_parse_labels_and_images():
    labels = np.array([7, 2, 1, 0], dtype=np.uint8)
    images = np.arange(2 * 28 * 28, dtype=np.uint16).astype(np.uint8).reshape(2, 28, 28)
    t = parse_idx(idx_bytes(labels), magic=2049)
    x = parse_idx(idx_bytes(images), magic=2051)
    np.testing.assert_array_equal(t, labels)
    np.testing.assert_array_equal(x, images)
    assert t.dtype == x.dtype == np.uint8
    assert x.shape == (2, 28, 28)


def test_parsed_array_is_read_only():
    x = parse_idx(idx_bytes(np.zeros((1, 2, 2), np.uint8)))
    with pytest.raises(ValueError, match="read-only"):
        x[0, 0, 0] = 1


def test_magic_is_optional():
    x = parse_idx(idx_bytes(np.ones((2, 3), np.uint8)))
    assert x.shape == (2, 3)


def test_wrong_magic_names_both_numbers_and_the_file():
    data = idx_bytes(np.array([1, 2, 3], np.uint8))
    with pytest.raises(
        IDXFormatError, match=r"train-labels: magic number 2049.*expected 2051"
    ):
        parse_idx(data, magic=2051, name="train-labels")


@pytest.mark.parametrize("magic", [0x0D01, 0x01000801, 0x0800])
def test_not_an_unsigned_byte_idx_file(magic):
    data = np.array([magic, 1], dtype=">u4").tobytes() + b"\x00" * 4
    with pytest.raises(IDXFormatError, match="not that of an unsigned-byte IDX file"):
        parse_idx(data, name="odd")


@pytest.mark.parametrize("delta", [-1, +1, -784])
def test_wrong_size(delta):
    data = idx_bytes(np.zeros((3, 28, 28), np.uint8))
    bad = data[:delta] if delta < 0 else data + b"\x00" * delta
    with pytest.raises(
        IDXFormatError, match=r"header \(shape \(3, 28, 28\)\) promises 2368"
    ):
        parse_idx(bad, magic=2051, name="x")


@pytest.mark.parametrize("data", [b"", b"\x00\x00", b"\x00\x00\x08\x03\x00\x00\x00\x01"])
def test_too_short_for_a_header(data):
    with pytest.raises(IDXFormatError, match="too short"):
        parse_idx(data)


def test_read_idx_gz_and_plain(tmp_path):
    labels = np.array([5, 0, 4, 1, 9], np.uint8)
    (tmp_path / "a-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(labels)))
    (tmp_path / "a-idx1-ubyte").write_bytes(idx_bytes(labels))
    np.testing.assert_array_equal(
        read_idx(tmp_path / "a-idx1-ubyte.gz", magic=2049), labels
    )
    np.testing.assert_array_equal(read_idx(tmp_path / "a-idx1-ubyte", magic=2049), labels)


def test_truncated_gzip_names_the_file_and_the_fix(tmp_path):
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    blob = gzip.compress(idx_bytes(np.arange(784 * 4, dtype=np.uint8).reshape(4, 28, 28)))
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(IDXFormatError) as info:
        read_idx(path)
    message = str(info.value)
    assert str(path) in message
    assert "truncated or damaged gzip" in message
    assert "delete it and download it again" in message
    assert isinstance(info.value.__cause__, EOFError)


def test_not_gzip_at_all(tmp_path):
    path = tmp_path / "x-idx1-ubyte.gz"
    path.write_bytes(b"this is not gzip")
    with pytest.raises(IDXFormatError, match="truncated or damaged gzip"):
        read_idx(path)
