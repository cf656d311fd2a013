"""What is where: `catalog` and `status`, which `nnbook data status` prints."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ._download import Partial, partial_downloads
from ._errors import ChecksumError, DataHomeError, IDXFormatError
from ._home import data_homes, describe, downloads_allowed, locate, user_cache_dir
from ._registry import DATASETS, REVISIONS, WEIGHTS, specs_for
from ._verify import load_verified

PathLike = str | os.PathLike[str]


def catalog() -> list[tuple[str, str | None]]:
    """Return every `(name, revision)` that nnbook can load, each distinct file once.

    The revision is None for the datasets and for weight files that have a single
    version. This is what `nnbook data fetch` fetches when it is given no names.

    Returns
    -------
    list of (str, str or None)
        In the order the book meets them.

    Examples
    --------
    >>> from nnbook.datasets import catalog
    >>> for name, revision in catalog():
    ...     print(name, revision)
    mnist None
    fashion-mnist None
    sample_weight None
    params 2016
    params 2022
    deep_convnet_params 2016
    deep_convnet_params 2022
    """
    entries: list[tuple[str, str | None]] = [(name, None) for name in DATASETS]
    for name, by_revision in WEIGHTS.items():
        if len(set(by_revision.values())) == 1:
            entries.append((name, None))
        else:
            entries.extend((name, revision) for revision in REVISIONS)
    return entries


@dataclass(frozen=True)
class FileStatus:
    """The state of one file of the registry.

    Attributes
    ----------
    name : str
        The dataset or weight file it belongs to (`"mnist"`, `"params"`...).
    revision : str or None
        The weights' revision, or None.
    relpath : str
        Its path inside a data home.
    state : {'verified', 'present', 'missing', 'wrong hash', 'damaged', 'unreadable'}
        `present` when found but not checked (`verify=False`).
    where : str
        The data home it was found in (`"NNBOOK_DATA"`, `"user cache"`...), or "".
    path : Path or None
        Where it was found.
    problem : str
        For `wrong hash`, `damaged` and `unreadable`: the error's message.
    """

    name: str
    revision: str | None
    relpath: str
    state: str
    where: str = ""
    path: Path | None = None
    problem: str = ""

    @property
    def label(self) -> str:
        """`name`, or `name@revision` for weights with two revisions."""
        return self.name if self.revision is None else f"{self.name}@{self.revision}"

    @property
    def filename(self) -> str:
        """The file's name, without its folder."""
        return self.relpath.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class DataStatus:
    """What `status` found: the data homes, the files, and unfinished downloads.

    Attributes
    ----------
    homes : list of (str, Path, str)
        Each data home in look-up order: its label, its folder, and "" or why it is not
        usable (`"  (does not exist)"`...).
    downloads_allowed : bool
        False when `NNBOOK_OFFLINE` forbids downloads.
    files : list of FileStatus
        Every file of the registry, in `catalog` order.
    partial : list
        Temporary files of downloads in the user cache, each with its `path`, `size`
        and `stale` (True when the download that wrote it was killed: the next
        `fetch` removes it).
    """

    homes: list[tuple[str, Path, str]]
    downloads_allowed: bool
    files: list[FileStatus]
    partial: list[Partial]

    @property
    def failed(self) -> list[FileStatus]:
        """The files that were found but failed their check."""
        return [f for f in self.files if f.state in ("wrong hash", "damaged", "unreadable")]


def _file_status(
    name: str, revision: str | None, spec, data_home: PathLike | None, verify: bool
) -> FileStatus:
    found = locate(spec, data_home)
    if found is None:
        return FileStatus(name, revision, spec.relpath, "missing")
    state, problem = "present", ""
    if verify:
        try:
            load_verified(spec, found.path, where=found.where)  # never deletes here
            state = "verified"
        except ChecksumError as exc:
            state, problem = "wrong hash", str(exc)
        except IDXFormatError as exc:
            state, problem = "damaged", str(exc)
        except DataHomeError as exc:
            state, problem = "unreadable", str(exc)
    return FileStatus(name, revision, spec.relpath, state, found.where, found.path, problem)


def status(*, data_home: PathLike | None = None, verify: bool = True) -> DataStatus:
    """Report where each file is found, whether it is intact, and unfinished downloads.

    Nothing is downloaded, changed or deleted: a file that fails its check is reported,
    even in the user cache. This is what `nnbook data status` prints.

    Parameters
    ----------
    data_home : str or PathLike, optional
        A data home looked in first. It must exist.
    verify : bool, default True
        Check each file found against its size and SHA-256 (about a second for all of
        MNIST); when False, only look for the files.

    Returns
    -------
    DataStatus
        The data homes, every file's `FileStatus`, and the temporary files that
        downloads left in the user cache.

    Raises
    ------
    DataHomeError
        `data_home` is not an existing folder, or a data home cannot be read.
    SettingError
        `NNBOOK_OFFLINE` or `NNBOOK_DATA` has a value nnbook cannot use.

    Examples
    --------
    >>> from nnbook.datasets import status
    >>> report = status(verify=False)
    >>> print(len(report.files), report.files[0].relpath)
    13 mnist/train-images-idx3-ubyte.gz
    >>> print(sorted({f.state for f in report.files} - {"present", "missing"}))
    []
    """
    homes = [(where, home, describe(home)) for where, home in data_homes(data_home)]
    allowed = downloads_allowed()
    files = [
        _file_status(name, revision, spec, data_home, verify)
        for name, revision in catalog()
        for spec in specs_for(name, revision)
    ]
    return DataStatus(homes, allowed, files, partial_downloads(user_cache_dir()))
