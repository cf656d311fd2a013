"""Parse IDX files, the format of MNIST and Fashion-MNIST, with NumPy only.

An IDX file is a 4-byte magic number, one big-endian uint32 per dimension, then the
data in C order. The magic number's bytes are `0, 0, type, ndim`; MNIST uses type
`0x08` (unsigned byte) only, so its labels start with 2049 (`0x00000801`, 1-D) and its
images with 2051 (`0x00000803`, 3-D).
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

from ._errors import IDXFormatError
from ._verify import DELETE_ADVICE, GZIP_ERRORS, read_at_most

LABELS_MAGIC = 2049
"""Magic number of an IDX file of unsigned bytes with one dimension (labels)."""
IMAGES_MAGIC = 2051
"""Magic number of an IDX file of unsigned bytes with three dimensions (images)."""


def parse_idx(
    data: bytes, *, magic: int | None = None, name: str = "<bytes>"
) -> np.ndarray:
    """Return the array held by the bytes of an (uncompressed) IDX file.

    Only unsigned-byte IDX files are read, which is what MNIST-like datasets use.
    Book: chapter 3, section 3.6.1.

    Parameters
    ----------
    data : bytes
        The whole IDX file, already decompressed.
    magic : int, optional
        The magic number the file must have: `LABELS_MAGIC` (2049) or `IMAGES_MAGIC`
        (2051). When None, any unsigned-byte IDX file is accepted.
    name : str, default "<bytes>"
        What to call the file in error messages.

    Returns
    -------
    ndarray of uint8 and shape given by the header
        A read-only view of `data` (no copy); `(N,)` for labels, `(N, H, W)` for
        images.

    Raises
    ------
    IDXFormatError
        The magic number is not the expected one, or the size is not what the header
        promises.

    Examples
    --------
    Two 2x3 "images", written by hand in IDX format:

    >>> import numpy as np
    >>> from nnbook.datasets import parse_idx
    >>> header = np.array([2051, 2, 2, 3], dtype=">u4").tobytes()
    >>> x = parse_idx(header + bytes(range(12)), magic=2051)
    >>> print(x.shape, x.dtype)
    (2, 2, 3) uint8
    >>> print(x[1])
    [[ 6  7  8]
     [ 9 10 11]]

    A label file read as images is refused:

    >>> labels = np.array([2049, 3], dtype=">u4").tobytes() + bytes([7, 2, 1])
    >>> parse_idx(labels, magic=2051, name="t10k-labels")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nnbook.datasets.IDXFormatError: t10k-labels: magic number 2049 (1-D labels), ...
    """
    if len(data) < 4:
        raise IDXFormatError(f"{name}: {len(data)} bytes is too short for an IDX header")
    found = int.from_bytes(data[:4], "big")
    if magic is not None and found != magic:
        raise IDXFormatError(
            f"{name}: magic number {found} ({_kind(found)}), "
            f"expected {magic} ({_kind(magic)})"
        )
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08 or data[3] == 0:
        raise IDXFormatError(
            f"{name}: magic number {found} is not that of an unsigned-byte IDX file "
            "(expected 0x0000080N, N the number of dimensions)"
        )
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IDXFormatError(
            f"{name}: {len(data)} bytes is too short for a {ndim}-D header"
        )
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    expected = header + int(np.prod(shape, dtype=np.int64))
    if len(data) != expected:
        raise IDXFormatError(
            f"{name}: {len(data)} bytes, but its header (shape {shape}) promises "
            f"{expected}; the file is truncated or not an IDX file"
        )
    array = np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)
    array.flags.writeable = False
    return array


def _kind(magic: int) -> str:
    return {LABELS_MAGIC: "1-D labels", IMAGES_MAGIC: "3-D images"}.get(magic, "unknown")


def read_idx(path: str | os.PathLike[str], *, magic: int | None = None) -> np.ndarray:
    """Read an IDX file, gzip-compressed (`.gz`) or not, into a read-only array.

    No checksum is checked here: the dataset loaders do that first.
    Book: chapter 3, section 3.6.1.

    Parameters
    ----------
    path : str or PathLike
        The file; a name ending in `.gz` is decompressed.
    magic : int, optional
        The magic number the file must have (see `parse_idx`).

    Returns
    -------
    ndarray of uint8
        The file's array, read-only.

    Raises
    ------
    IDXFormatError
        A truncated or damaged gzip stream, a wrong magic number or a wrong size.

    Examples
    --------
    >>> import gzip, tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from nnbook.datasets import read_idx
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "labels-idx1-ubyte.gz"
    ...     header = np.array([2049, 4], dtype=">u4").tobytes()
    ...     _ = path.write_bytes(gzip.compress(header + bytes([5, 0, 4, 1])))
    ...     print(read_idx(path, magic=2049))
    [5 0 4 1]
    """
    path = Path(path)
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as file:
            data = _read_declared(file, path)
    except GZIP_ERRORS as exc:
        if isinstance(exc, OSError) and exc.errno is not None:
            raise  # the file itself could not be read
        raise IDXFormatError(
            f"{path} is a truncated or damaged gzip file ({exc}); {DELETE_ADVICE}"
        ) from exc
    return parse_idx(data, magic=magic, name=str(path))


# Deflate cannot shrink data more than about 1032 to 1: a header promising more than
# this many bytes per compressed byte is a lie (or a gzip bomb), refused before reading.
_MAX_RATIO = 1100


def _read_declared(file, path: Path) -> bytes:
    """Read an IDX file's header, then at most one byte more than it declares."""
    head = file.read(4)
    if len(head) < 4 or head[3] == 0:
        return head + file.read(64)  # too short or malformed: parse_idx says which
    head += file.read(4 * head[3])
    shape = np.frombuffer(head, dtype=">u4", offset=4, count=(len(head) - 4) // 4)
    declared = len(head) + int(np.prod(shape.astype(object), initial=1))
    if path.name.endswith(".gz") and declared > _MAX_RATIO * path.stat().st_size + 4096:
        raise IDXFormatError(
            f"{path}: its header promises {declared:,} bytes, more than a gzip file of "
            f"{path.stat().st_size:,} bytes can hold; it is damaged or not an IDX file"
        )
    return head + read_at_most(file, declared - len(head) + 1)
