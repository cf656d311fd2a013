"""Find a file in the data homes, or download it: `available`, `fetch` and friends."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ._download import download, remove_stale_partials
from ._errors import ChecksumError, DataNotFoundError, IDXFormatError
from ._home import Location, downloads_allowed, locate, searched, user_cache_dir
from ._registry import FileSpec, specs_for
from ._verify import load_verified

PathLike = str | os.PathLike[str]


def resolve(
    spec: FileSpec,
    data_home: PathLike | None = None,
    *,
    mirrors: Sequence[str] | None = None,
    progress: bool = True,
    timeout: float | None = None,
) -> Location:
    """Return where `spec` is, downloading it into the user cache if it is nowhere.

    Raises
    ------
    DataNotFoundError
        The file is in no data home and downloads are disabled (`NNBOOK_OFFLINE=1`).
    DownloadError, ChecksumError
        The download failed on every mirror.
    DataHomeError, SettingError
        A data home or an environment variable cannot be used.
    """
    found = locate(spec, data_home)
    if found is not None:
        return found
    if not downloads_allowed():
        raise DataNotFoundError(
            spec.relpath,
            searched(spec, data_home),
            reason="Downloads are disabled because NNBOOK_OFFLINE is set.",
        )
    path = download(spec, mirrors=mirrors, progress=progress, timeout=timeout)
    return Location(path, "user cache", owned=True)


def resolve_verified(
    spec: FileSpec, data_home: PathLike | None = None
) -> tuple[Path, bytes]:
    """Return the path of `spec` and its payload, checked against its SHA-256."""
    where = resolve(spec, data_home)
    return where.path, load_verified(spec, where.path, owned=where.owned, where=where.where)


def available(
    name: str, *, revision: str | None = None, data_home: PathLike | None = None
) -> bool:
    """Return whether every file of `name` is present in some data home.

    Nothing is downloaded and no checksum is computed (the loaders check it), so this
    is fast enough to gate tests and notebook cells on.

    Parameters
    ----------
    name : {'mnist', 'fashion-mnist', 'sample_weight', 'params', 'deep_convnet_params'}
        A dataset, or one of the book's weight files.
    revision : {'2016', '2022'}, optional
        For the weight files: which version (default '2016', the book's).
    data_home : str or PathLike, optional
        A data home looked in first, before `$NNBOOK_DATA`, the system copies and the
        user cache. It must exist.

    Returns
    -------
    bool
        True when every file is found locally.

    Raises
    ------
    ValueError
        `name` or `revision` is unknown.
    DataHomeError
        `data_home` is not an existing folder, or a data home cannot be read.

    Examples
    --------
    A data home holding the four MNIST files makes `available("mnist")` true (the
    files' content is only checked when they are loaded):

    >>> import tempfile
    >>> from pathlib import Path
    >>> from nnbook.datasets import available
    >>> with tempfile.TemporaryDirectory() as home:
    ...     for part in ("train-images-idx3", "train-labels-idx1",
    ...                  "t10k-images-idx3", "t10k-labels-idx1"):
    ...         path = Path(home) / "mnist" / f"{part}-ubyte.gz"
    ...         path.parent.mkdir(exist_ok=True)
    ...         _ = path.write_bytes(b"")
    ...     print(available("mnist", data_home=home))
    True
    >>> available("cifar10")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown data name 'cifar10'; expected one of ['mnist', 'fashion-mnist', ...]
    """
    return all(locate(spec, data_home) is not None for spec in specs_for(name, revision))


def fetch(
    name: str,
    *,
    revision: str | None = None,
    mirrors: Sequence[str] | None = None,
    progress: bool = True,
    timeout: float | None = None,
) -> list[Path]:
    """Make sure every file of `name` is present and verified, downloading what is not.

    Files already found in a data home (`$NNBOOK_DATA`, the system copies, the user
    cache) are checked and kept; missing ones are downloaded into the user cache, with
    a progress bar on stderr. Temporary files left in the user cache by downloads that
    were killed are removed. This is what `nnbook data fetch` runs.

    A download is bounded: a mirror may send no more than the file's size (for a `.gz`,
    its content is decompressed as it arrives and refused as soon as it outgrows the
    expected size), and the whole transfer of one file must end within `timeout`.

    Parameters
    ----------
    name : {'mnist', 'fashion-mnist', 'sample_weight', 'params', 'deep_convnet_params'}
        A dataset, or one of the book's weight files.
    revision : {'2016', '2022'}, optional
        For the weight files: which version (default '2016', the book's).
    mirrors : sequence of str, optional
        URL prefixes serving a data home's layout, tried in turn instead of the
        registry's own URLs (default: `$NNBOOK_MIRRORS` if set, else the registry's).
    progress : bool, default True
        Draw a progress bar for each download.
    timeout : float, optional
        Seconds that the download of one file from one mirror may take in all (not
        per read). Default: 60 s plus 1 s per 100 kB of the file's content, which is
        about 9 minutes for MNIST's training images.

    Returns
    -------
    list of Path
        Where each file of `name` is.

    Raises
    ------
    DataNotFoundError
        A file is missing and `NNBOOK_OFFLINE` is set.
    DownloadError, ChecksumError
        A download failed on every mirror (refused, too slow, too large, or wrong).
    DataHomeError
        The user cache cannot be written to (a file is in the way, no permission, a
        full disk).
    SettingError
        `NNBOOK_OFFLINE` or `NNBOOK_MIRRORS` has a value nnbook cannot use.

    Examples
    --------
    Not run here, as it may download (about 11 MB for MNIST):

    >>> from nnbook.datasets import fetch
    >>> paths = fetch("mnist")  # doctest: +SKIP
    """
    specs = specs_for(name, revision)
    cache = user_cache_dir()
    for folder in {(cache / spec.relpath).parent for spec in specs}:
        if folder.is_dir():
            remove_stale_partials(folder)
    paths = []
    for spec in specs:
        where = resolve(spec, mirrors=mirrors, progress=progress, timeout=timeout)
        try:
            load_verified(spec, where.path, owned=where.owned, where=where.where)
        except (ChecksumError, IDXFormatError):
            if not where.owned:
                raise
            # The damaged copy in the user cache was deleted: download a fresh one.
            where = resolve(spec, mirrors=mirrors, progress=progress, timeout=timeout)
        paths.append(where.path)
    return paths
