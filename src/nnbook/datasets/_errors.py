"""The errors that `nnbook.datasets` raises on purpose.

Each one says what went wrong and how to fix it, so that a reader who meets one in a
notebook knows what to do next without reading our source.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence


class DataError(Exception):
    """The base of every error that `nnbook.datasets` raises on purpose.

    Each subclass also derives from the built-in error it is a kind of
    (`FileNotFoundError`, `ValueError`, `OSError`...), so code that catches those keeps
    working; catch `DataError` to catch them all, as the `nnbook` command does.

    Examples
    --------
    >>> from nnbook.datasets import ChecksumError, DataError, DataNotFoundError
    >>> print(issubclass(ChecksumError, DataError))
    True
    >>> print(issubclass(DataNotFoundError, DataError))
    True
    """

    __module__ = "nnbook.datasets"


class DataNotFoundError(DataError, FileNotFoundError):
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


class ChecksumError(DataError, ValueError):
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


class IDXFormatError(DataError, ValueError):
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


class UnsafePickleError(DataError, pickle.UnpicklingError):
    """A pickle asked for something that the restricted unpickler does not admit.

    Only what NumPy's own pickles of numeric arrays, dtypes and scalars use is admitted
    (plus the dicts, lists and tuples that pickle builds without asking for any global),
    and only in the way NumPy uses it; an array must also hold exactly the bytes its
    shape declares, and all arrays together no more bytes than the file has. Nothing
    the pickle asked for was run.

    Examples
    --------
    >>> import pickle
    >>> from nnbook.datasets import UnsafePickleError
    >>> print(issubclass(UnsafePickleError, pickle.UnpicklingError))
    True
    """

    __module__ = "nnbook.datasets"


class DownloadError(DataError, OSError):
    """A file could not be downloaded from any of its mirrors.

    The message lists each URL that was tried and why it failed.

    Examples
    --------
    >>> from nnbook.datasets import DownloadError
    >>> print(issubclass(DownloadError, OSError))
    True
    """

    __module__ = "nnbook.datasets"


class ParamsFormatError(DataError, ValueError):
    """A parameter file is not a pickle of a dict of numeric arrays.

    It is empty, is not a pickle at all, ends before its pickle does, or holds
    something other than a dict mapping names to numeric arrays.

    Examples
    --------
    >>> from nnbook.datasets import ParamsFormatError
    >>> print(issubclass(ParamsFormatError, ValueError))
    True
    """

    __module__ = "nnbook.datasets"


class DataHomeError(DataError, OSError):
    """A data home or the user cache cannot be used as one.

    A `data_home=` argument that does not exist, a folder that cannot be read, a user
    cache that is a file or cannot be written to, a disk that is full. The message names
    the folder, what is wrong with it and what to do.

    Examples
    --------
    >>> from nnbook.datasets import DataHomeError
    >>> print(issubclass(DataHomeError, OSError))
    True
    """

    __module__ = "nnbook.datasets"


class SettingError(DataError, ValueError):
    """An environment variable that nnbook reads has a value it cannot use.

    The message names the variable, its value and the values it accepts: for example
    `NNBOOK_OFFLINE=maybe` (it takes 1/0, true/false, yes/no, on/off) or
    `NNBOOK_DATA=~nosuchuser` (no such user's home to expand).

    Examples
    --------
    >>> from nnbook.datasets import SettingError
    >>> print(issubclass(SettingError, ValueError))
    True
    """

    __module__ = "nnbook.datasets"
