"""Datasets and the book's pretrained weights: found, verified, downloaded if need be.

`load_mnist` keeps the book's signature and return value, so the book's code runs
unchanged; `load_fashion_mnist` is its drop-in twin; `load_book_params` reads the
book's pickled weights with a restricted unpickler. Book: chapter 3, section 3.6.

Every file is looked for in the *data homes*, in this order:

1. the `data_home=` argument (an explicit folder must exist: it is never skipped);
2. the folder named by the environment variable `NNBOOK_DATA`;
3. the system copies under `/usr/share/datasets` (Debian's `dataset-fashion-mnist`);
4. the user cache, `$XDG_CACHE_HOME/nnbook` (default `~/.cache/nnbook`);
5. failing all of those, it is downloaded from its mirrors into the user cache, with
   a progress bar, checked, and written atomically. `NNBOOK_OFFLINE=1` turns downloads
   off (it takes 1/0, true/false, yes/no, on/off); `NNBOOK_MIRRORS` (URL prefixes
   separated by spaces) replaces the mirrors.

A download is bounded in size (no more than the file's size is accepted, and a `.gz`
is decompressed as it arrives and refused as soon as it outgrows it) and in time (an
overall limit per file, not only per read); `status()` reports what is where, and
`catalog()` lists what can be fetched.

A data home holds `mnist/*.gz`, `fashion-mnist/*.gz`, `book/*.pkl` (the book
repository's current weights) and `book/2016/*.pkl` (the weights published with the
book). Every file is checked against the SHA-256 of its content (decompressed, for the
`.gz` files, since mirrors recompress them) once per process. Only the user cache is
ever written to, and only there is a damaged file deleted. Every error raised on
purpose derives from `DataError` and says what to do about it.
"""

from ._errors import (
    ChecksumError,
    DataError,
    DataHomeError,
    DataNotFoundError,
    DownloadError,
    IDXFormatError,
    ParamsFormatError,
    SettingError,
    UnsafePickleError,
)
from ._fetch import available, fetch
from ._home import user_cache_dir
from ._idx import parse_idx, read_idx
from ._mnist import load_fashion_mnist, load_mnist
from ._pickle import load_book_params, loads_params, read_params
from ._registry import DEFAULT_REVISION, NAMES, REVISIONS
from ._status import DataStatus, FileStatus, catalog, status

__all__ = [
    "DEFAULT_REVISION",
    "NAMES",
    "REVISIONS",
    "ChecksumError",
    "DataError",
    "DataHomeError",
    "DataNotFoundError",
    "DataStatus",
    "DownloadError",
    "FileStatus",
    "IDXFormatError",
    "ParamsFormatError",
    "SettingError",
    "UnsafePickleError",
    "available",
    "catalog",
    "fetch",
    "load_book_params",
    "load_fashion_mnist",
    "load_mnist",
    "loads_params",
    "parse_idx",
    "read_idx",
    "read_params",
    "status",
    "user_cache_dir",
]
