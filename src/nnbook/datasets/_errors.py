"""The errors that `nnbook.datasets` raises on purpose.

Each one says what went wrong and how to fix it, so that a reader who meets one in a
notebook knows what to do next without reading our source.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence


class DataNotFoundError(FileNotFoundError):
    """A dataset or weight file was found in no data home and could not be downloaded.

    The message names the file, every place that was looked in, and the ways to provide
    it: set `NNBOOK_DATA`, pass `data_home=`, or download it (`nnbook data fetch`).

    Attributes
    ----------
    relpath : str
        The file's path inside a data home, such as `"mnist/t10k-images-idx3-ubyte.gz"`.
    searched : list of str
        The places that were looked in, in look-up order.

    Examples
    --------
    >>> from nnbook.datasets import DataNotFoundError
    >>> err = DataNotFoundError("mnist/t10k-labels-idx1-ubyte.gz", ["/tmp/a (NNBOOK_DATA)"])
    >>> print(isinstance(err, FileNotFoundError), err.relpath)
    True mnist/t10k-labels-idx1-ubyte.gz
    """

    __module__ = "nnbook.datasets"

    def __init__(self, relpath: str, searched: Sequence[str], reason: str = "") -> None:
        self.relpath = relpath
        self.searched = list(searched)
        looked = "\n".join(f"  - {place}" for place in self.searched) or "  (nowhere)"
        dataset = relpath.split("/")[0]
        name = "" if dataset == "book" else f" {dataset}"
        message = (
            f"{relpath} was not found. Looked in, in this order:\n{looked}\n"
            + (f"{reason}\n" if reason else "")
            + "To provide it, do one of these:\n"
            f"  - set NNBOOK_DATA to a data home (a folder holding {relpath});\n"
            "  - pass data_home=... pointing at such a folder;\n"
            f"  - download it into the user cache: `nnbook data fetch{name}` "
            "(needs the network; unset NNBOOK_OFFLINE)."
        )
        super().__init__(message)


class ChecksumError(ValueError):
    """A file's SHA-256 is not the one the registry expects.

    For gzip-compressed files the hash is that of the decompressed payload, because
    mirrors recompress the files. A damaged copy in the user cache is deleted before
    this is raised; copies elsewhere are never touched.

    Examples
    --------
    >>> from nnbook.datasets import ChecksumError
    >>> print(issubclass(ChecksumError, ValueError))
    True
    """

    __module__ = "nnbook.datasets"


class IDXFormatError(ValueError):
    """An IDX file or its gzip wrapper is malformed.

    The magic number is wrong, the size is not what the header promises, or the gzip
    stream is truncated or damaged.

    Examples
    --------
    >>> from nnbook.datasets import IDXFormatError
    >>> print(issubclass(IDXFormatError, ValueError))
    True
    """

    __module__ = "nnbook.datasets"


class UnsafePickleError(pickle.UnpicklingError):
    """A pickle asked for a Python object that the restricted unpickler does not admit.

    Only NumPy arrays, dtypes and scalars are admitted (plus the dicts, lists and tuples
    that pickle builds without asking for any global). Nothing the pickle asked for was
    run.

    Examples
    --------
    >>> import pickle
    >>> from nnbook.datasets import UnsafePickleError
    >>> print(issubclass(UnsafePickleError, pickle.UnpicklingError))
    True
    """

    __module__ = "nnbook.datasets"


class DownloadError(OSError):
    """A file could not be downloaded from any of its mirrors.

    The message lists each URL that was tried and why it failed.

    Examples
    --------
    >>> from nnbook.datasets import DownloadError
    >>> print(issubclass(DownloadError, OSError))
    True
    """

    __module__ = "nnbook.datasets"
