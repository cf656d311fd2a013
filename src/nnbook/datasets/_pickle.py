"""The book's pretrained weights, read with a restricted unpickler.

A pickle is a small program that the unpickler runs; it can call any importable
function, `os.system` included. The book ships its weights as pickles, so we read
them with an unpickler that admits only the few NumPy functions needed to rebuild
arrays, dtypes and scalars, and refuses every other global before anything is called.
"""

from __future__ import annotations

import codecs
import io
import os
import pickle
from pathlib import Path

import numpy as np

from ._errors import UnsafePickleError
from ._fetch import resolve_verified
from ._registry import weight_spec

PathLike = str | os.PathLike[str]

# Taken from NumPy's own pickling, so that they are right on NumPy 1.x and 2.x alike;
# pickles written by NumPy 1.x (the book's) name them under numpy.core, NumPy 2 under
# numpy._core.
_RECONSTRUCT = np.zeros(1).__reduce__()[0]
_FROMBUFFER = np.zeros(1).__reduce_ex__(5)[0]
_SCALAR = np.float64(0).__reduce__()[0]
_ALLOWED = {
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): codecs.encode,  # how protocols 0-2 store bytes
}
for _core in ("numpy.core", "numpy._core"):
    _ALLOWED[(f"{_core}.multiarray", "_reconstruct")] = _RECONSTRUCT
    _ALLOWED[(f"{_core}.multiarray", "scalar")] = _SCALAR
    _ALLOWED[(f"{_core}.numeric", "_frombuffer")] = _FROMBUFFER


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise UnsafePickleError(
                f"refused to load the global {module}.{name} from {self.source}: only "
                "NumPy arrays, dtypes and scalars are allowed in a parameter file. "
                "Nothing from the file was run; do not load it with plain pickle."
            ) from None

    def __init__(self, file: io.BufferedIOBase, source: str) -> None:
        super().__init__(file)
        self.source = source


def _check(obj: object, source: str) -> dict[str, np.ndarray]:
    if not isinstance(obj, dict):
        raise ValueError(
            f"{source}: expected a dict of parameter arrays, got {type(obj).__name__}"
        )
    for key, value in obj.items():
        if isinstance(value, np.generic):  # a NumPy scalar: keep it as a 0-d array
            value = obj[key] = np.array(value)
        if not isinstance(key, str) or not isinstance(value, np.ndarray):
            raise ValueError(
                f"{source}: expected str keys and ndarray values, got {key!r}: "
                f"{type(value).__name__}"
            )
        if value.dtype.hasobject:
            raise ValueError(f"{source}: {key} is an object array, not numbers")
    return obj


def loads_params(data: bytes, *, source: str = "<bytes>") -> dict[str, np.ndarray]:
    """Rebuild a dict of parameter arrays from pickle bytes, refusing anything else.

    Book: chapter 3, section 3.6.2 (`init_network` reads `sample_weight.pkl`).

    Parameters
    ----------
    data : bytes
        A pickle of a dict mapping parameter names to NumPy arrays.
    source : str, default "<bytes>"
        What to call the data in error messages.

    Returns
    -------
    dict of str to ndarray
        The parameters, as writable arrays the caller owns.

    Raises
    ------
    UnsafePickleError
        The pickle names a global other than NumPy's array, dtype and scalar builders;
        nothing it asked for was run.
    ValueError
        The pickle holds something other than a dict of str to numeric arrays.

    Examples
    --------
    >>> import pickle
    >>> import numpy as np
    >>> from nnbook.datasets import loads_params
    >>> blob = pickle.dumps({"W1": np.eye(2, dtype=np.float32), "b1": np.zeros(2)})
    >>> params = loads_params(blob)
    >>> print(sorted(params), params["W1"].dtype, params["b1"].shape)
    ['W1', 'b1'] float32 (2,)

    A pickle that would run `print` when loaded is refused before anything runs:

    >>> class Evil:
    ...     def __reduce__(self):
    ...         return (print, ("this never prints",))
    >>> loads_params(pickle.dumps({"W1": Evil()}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nnbook.datasets.UnsafePickleError: refused to load the global builtins.print from ...
    """
    obj = _RestrictedUnpickler(io.BytesIO(data), source).load()
    return _check(obj, source)


def read_params(path: PathLike) -> dict[str, np.ndarray]:
    """Read a pickle file of parameter arrays safely (see `loads_params`).

    Use it for weights saved by the book's `save_params` or by yourself; no checksum
    is checked. Book: chapter 7, section 7.5 (`load_params`).

    Parameters
    ----------
    path : str or PathLike
        The pickle file.

    Returns
    -------
    dict of str to ndarray
        The parameters.

    Raises
    ------
    UnsafePickleError
        The file names a global other than NumPy's array builders.
    ValueError
        The file holds something other than a dict of str to numeric arrays.

    Examples
    --------
    >>> import pickle, tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from nnbook.datasets import read_params
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "params.pkl"
    ...     _ = path.write_bytes(pickle.dumps({"W": np.arange(6).reshape(2, 3)}))
    ...     print(read_params(path)["W"])
    [[0 1 2]
     [3 4 5]]
    """
    path = Path(path)
    return loads_params(path.read_bytes(), source=str(path))


def load_book_params(
    name: str, *, revision: str | None = None, data_home: PathLike | None = None
) -> dict[str, np.ndarray]:
    """Load one of the book's pretrained parameter files, checked and safely unpickled.

    Book: chapter 3, section 3.6.2 (`sample_weight.pkl`); chapter 7, section 7.5
    (`params.pkl`); chapter 8, section 8.1 (`deep_convnet_params.pkl`).

    Parameters
    ----------
    name : {'sample_weight', 'params', 'deep_convnet_params'}
        `sample_weight`: the chapter-3 network 784-50-100-10, float32 (W1..W3, b1..b3).
        `params`: the chapter-7 SimpleConvNet (W1..W3, b1..b3).
        `deep_convnet_params`: the chapter-8 DeepConvNet (W1..W8, b1..b8), float64.
    revision : {'2016', '2022'}, optional
        '2016' (default): the files published with the book, which give its accuracies
        (SimpleConvNet 0.989, DeepConvNet 0.9935). '2022': the book repository's
        current files, one-epoch retrains (0.96 and 0.9797). `sample_weight` is the
        same file in both.
    data_home : str or PathLike, optional
        A data home looked in first (it holds `book/*.pkl` and `book/2016/*.pkl`).

    Returns
    -------
    dict of str to ndarray
        Fresh, writable parameter arrays, keyed as in the book (`"W1"`, `"b1"`, ...).

    Raises
    ------
    DataNotFoundError, ChecksumError, DownloadError
        As for `load_mnist`.
    UnsafePickleError
        Cannot happen for a file that passed its checksum; kept as a second guard.

    Examples
    --------
    This needs the data; the tests run it where it is:

    >>> from nnbook.datasets import load_book_params
    >>> network = load_book_params("sample_weight")
    >>> print(sorted(network), network["W1"].shape, network["W1"].dtype)
    ['W1', 'W2', 'W3', 'b1', 'b2', 'b3'] (784, 50) float32
    """
    spec = weight_spec(name, revision)
    path, payload = resolve_verified(spec, data_home)
    return loads_params(payload, source=str(path))
