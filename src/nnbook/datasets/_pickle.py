"""The book's pretrained weights, read with a restricted unpickler.

A pickle is a small program that the unpickler runs; it can call any importable
function, `os.system` included, and even without calling anything it can make the
unpickler reserve memory without end. The book ships its weights as pickles, so we
read them in two passes:

1. a scan of the opcodes, before anything is built: the bytes must be a complete
   pickle, use none of the opcodes that NumPy's pickles never use (instances, extension
   codes, persistent ids, out-of-band buffers), and number their memo entries in order
   (a 10-byte pickle that names memo entry 2**31 would reserve 32 GiB);
2. the unpickling itself, where each global the pickle names is replaced by a checking
   stand-in for the few that NumPy's own pickles of numeric arrays use:
   `numpy.core.multiarray._reconstruct` (and `numpy._core...`, NumPy 2's name) with
   `numpy.ndarray` as its first argument only, `numpy.dtype` for numeric types only,
   `scalar`, `_frombuffer` and `_codecs.encode`. Each array must hold exactly the bytes
   its shape declares, and all arrays together no more bytes than the file has, so a
   small file can never claim a large array. Every other global is refused.
"""

from __future__ import annotations

import io
import math
import os
import pickle
import pickletools
import re
from pathlib import Path

import numpy as np

from ._errors import ParamsFormatError, UnsafePickleError
from ._fetch import resolve_verified
from ._registry import weight_spec

PathLike = str | os.PathLike[str]

_NOT_RUN = "Nothing from the file was run; do not load it with plain pickle."

# Opcodes that NumPy's pickles of arrays, dtypes and scalars never use: building
# instances of arbitrary classes, extension codes, persistent ids, out-of-band buffers.
_REFUSED_OPCODES = {
    "INST", "OBJ", "NEWOBJ", "NEWOBJ_EX", "EXT1", "EXT2", "EXT4",
    "PERSID", "BINPERSID", "NEXT_BUFFER", "READONLY_BUFFER",
}  # fmt: skip
_PUTS = {"PUT", "BINPUT", "LONG_BINPUT"}
_GETS = {"GET", "BINGET", "LONG_BINGET"}
_NUMERIC_KINDS = "biufc"  # bool, signed and unsigned integers, floats, complex
_MAX_NDIM = 32


class _Scope:
    """What one load may still build: the bytes of the file, spent once."""

    def __init__(self, source: str, budget: int) -> None:
        self.source = source
        self.budget = budget
        self.encoded = budget

    def refuse(self, what: str) -> UnsafePickleError:
        return UnsafePickleError(f"refused {self.source}: {what}. {_NOT_RUN}")

    def spend(self, nbytes: int, what: str) -> None:
        if nbytes > self.budget:
            raise self.refuse(
                f"{what} declares {nbytes:,} bytes, more than the {self.budget:,} bytes "
                "of the file that are left to hold it"
            )
        self.budget -= nbytes

    def dtype(self, value: object) -> np.dtype:
        if isinstance(value, _Dtype):
            value = value.resolve()
        if not isinstance(value, np.dtype) or value.kind not in _NUMERIC_KINDS:
            raise self.refuse(f"expected a numeric dtype, got {_name(value)}")
        return value

    def shape(self, value: object) -> tuple[int, ...]:
        if (
            not isinstance(value, tuple)
            or len(value) > _MAX_NDIM
            or not all(type(d) is int and d >= 0 for d in value)
        ):
            raise self.refuse(f"expected an array shape, got {_name(value)}")
        return value

    def array(
        self, data: object, dtype: object, shape: object, fortran: bool
    ) -> np.ndarray:
        dtype = self.dtype(dtype)
        shape = self.shape(shape)
        if not isinstance(data, (bytes, bytearray)):
            raise self.refuse(f"expected the array's bytes, got {_name(data)}")
        nbytes = math.prod(shape) * dtype.itemsize
        if nbytes != len(data):
            raise self.refuse(
                f"an array of shape {shape} and dtype {dtype} declares {nbytes:,} bytes "
                f"but holds {len(data):,}"
            )
        self.spend(nbytes, f"an array of shape {shape}")
        flat = np.frombuffer(data, dtype=dtype)
        return flat.reshape(shape, order="F" if fortran else "C").copy(order="K")


class _Stub:
    """Base of the stand-ins: a pickle can hold them, never call them."""

    def __init__(self, scope: _Scope) -> None:
        self._scope = scope

    def __setstate__(self, state: object) -> None:
        raise self._scope.refuse("it sets the state of something that takes none")


class _NdarrayClass(_Stub):
    """Stands for `numpy.ndarray`, admitted only as `_reconstruct`'s first argument."""

    def __call__(self, *args: object) -> None:
        raise self._scope.refuse(
            "it calls numpy.ndarray directly, which would make an array of any size "
            "without its data (NumPy's own pickles never do this)"
        )


class _Array(_Stub):
    """What `_reconstruct` returns: an array waiting for its state (BUILD)."""

    array: np.ndarray | None = None

    def __setstate__(self, state: object) -> None:
        scope = self._scope
        if self.array is not None:
            raise scope.refuse("it sets the state of one array twice")
        if not isinstance(state, tuple) or len(state) not in (4, 5):
            raise scope.refuse(f"expected an array's state, got {_name(state)}")
        if len(state) == 5:
            version, *state = state
            if version != 1:
                raise scope.refuse(f"unknown array state version {version!r}")
        shape, dtype, fortran, data = state
        if type(fortran) is not bool:
            raise scope.refuse(
                f"expected a bool for the array's order, got {_name(fortran)}"
            )
        self.array = scope.array(data, dtype, shape, fortran)


class _Dtype(_Stub):
    """What `numpy.dtype(...)` returns: a numeric dtype waiting for its byte order."""

    def __init__(self, scope: _Scope, dtype: np.dtype) -> None:
        super().__init__(scope)
        self._dtype = dtype
        self._resolved: np.dtype | None = None

    def __setstate__(self, state: object) -> None:
        # NumPy writes (3, byteorder, None, None, None, -1, -1, flags) for a plain
        # numeric dtype: no sub-array, no fields, no size or alignment of its own.
        if (
            self._resolved is not None
            or not isinstance(state, tuple)
            or len(state) != 8
            or state[0] != 3
            or state[1] not in ("<", ">", "|", "=")
            or state[2:7] != (None, None, None, -1, -1)
            or type(state[7]) is not int
        ):
            raise self._scope.refuse(f"unexpected state for a numeric dtype: {state!r:.80}")
        order = state[1]
        self._resolved = self._dtype if order in "|=" else self._dtype.newbyteorder(order)

    def resolve(self) -> np.dtype:
        return self._dtype if self._resolved is None else self._resolved


def _name(value: object) -> str:
    if isinstance(value, (_Array, _Dtype)):
        return "ndarray" if isinstance(value, _Array) else "dtype"
    if isinstance(value, _Stub):
        return "numpy.ndarray"
    return type(value).__name__


def _globals(scope: _Scope) -> dict[tuple[str, str], object]:
    """Return the stand-ins for the globals NumPy's pickles name, bound to one load."""
    ndarray = _NdarrayClass(scope)

    def reconstruct(subtype: object, shape: object, typecode: object) -> _Array:
        if subtype is not ndarray or shape != (0,) or typecode != b"b":
            raise scope.refuse(
                "_reconstruct is admitted only as NumPy calls it, "
                "_reconstruct(numpy.ndarray, (0,), b'b')"
            )
        return _Array(scope)

    def dtype(code: object, align: object = False, copy: object = True) -> _Dtype:
        if not isinstance(code, str) or not re.fullmatch(r"[biufc]\d{1,2}", code):
            raise scope.refuse(f"only numeric dtypes are admitted, not {code!r:.40}")
        if align not in (False, True, 0, 1) or copy not in (False, True, 0, 1):
            raise scope.refuse("unexpected arguments to numpy.dtype")
        try:
            made = np.dtype(code)
        except TypeError:
            raise scope.refuse(f"{code!r} is not a NumPy type code") from None
        return _Dtype(scope, scope.dtype(made))

    def scalar(dtype: object, data: object = None) -> np.generic:
        made = scope.array(data, dtype, (), False)
        return made[()]

    def frombuffer(data: object, dtype: object, shape: object, order: object) -> _Array:
        if order not in ("C", "F"):
            raise scope.refuse(f"unexpected array order {order!r:.20}")
        made = _Array(scope)
        made.array = scope.array(data, dtype, shape, order == "F")
        return made

    def encode(text: object, encoding: object = "utf-8") -> bytes:
        # How protocols 0 to 2 store bytes: as the latin-1 text of the same code points.
        if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
            raise scope.refuse("_codecs.encode is admitted only for latin-1 bytes")
        if len(text) > scope.encoded:
            raise scope.refuse("it decodes more bytes than the file holds")
        scope.encoded -= len(text)
        return text.encode("latin-1")

    admitted: dict[tuple[str, str], object] = {
        ("numpy", "ndarray"): ndarray,
        ("numpy", "dtype"): dtype,
        ("_codecs", "encode"): encode,
    }
    for core in ("numpy.core", "numpy._core"):
        admitted[(f"{core}.multiarray", "_reconstruct")] = reconstruct
        admitted[(f"{core}.multiarray", "scalar")] = scalar
        admitted[(f"{core}.numeric", "_frombuffer")] = frombuffer
    return admitted


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BufferedIOBase, scope: _Scope) -> None:
        super().__init__(file)
        self.scope = scope
        self.admitted = _globals(scope)

    def find_class(self, module: str, name: str) -> object:
        try:
            return self.admitted[(module, name)]
        except KeyError:
            raise UnsafePickleError(
                f"refused to load the global {module}.{name} from {self.scope.source}: "
                "only NumPy arrays, dtypes and scalars are allowed in a parameter "
                f"file. {_NOT_RUN}"
            ) from None


def _not_a_pickle(source: str, data: bytes, detail: str) -> ParamsFormatError:
    if not data:
        return ParamsFormatError(
            f"{source} is empty (0 bytes), not a parameter file; download or save it again"
        )
    if data[:1] == b"\x80" and data[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        what = f"is a damaged or incomplete pickle ({detail})"
    else:
        what = f"is not a pickle (it starts with {data[:16]!r}; {detail})"
    return ParamsFormatError(
        f"{source} {what}, so it is not a parameter file; download or save it again"
    )


def _scan(data: bytes, source: str) -> None:
    """Check the opcodes of `data` before anything is built (see the module's notes).

    The whole stream is read first, so that bytes which are no pickle at all are
    called that, rather than refused for what their first bytes happen to mean.
    """
    puts = 0
    refusal = ""
    try:
        for opcode, arg, _ in pickletools.genops(data):
            name = opcode.name
            if name in _REFUSED_OPCODES and not refusal:
                refusal = (
                    f"it uses the pickle opcode {name}, which NumPy's pickles of arrays "
                    "never use"
                )
            if name in _PUTS or name in _GETS:
                index = int(arg)
                if (index > puts or (name in _GETS and index >= puts)) and not refusal:
                    refusal = (
                        f"it names memo entry {index:,} out of order, which NumPy's "
                        "pickles never do"
                    )
            if name in _PUTS or name == "MEMOIZE":
                puts += 1
    except ValueError as exc:  # genops: unknown opcode, truncated argument, no STOP
        raise _not_a_pickle(source, data, str(exc)) from None
    if refusal:
        raise UnsafePickleError(f"refused {source}: {refusal}. {_NOT_RUN}")


def _check(obj: object, source: str) -> dict[str, np.ndarray]:
    if not isinstance(obj, dict):
        raise ParamsFormatError(
            f"{source}: expected a dict of parameter arrays, got {_name(obj)}; "
            "a parameter file maps names such as 'W1' to arrays"
        )
    seen: set[int] = set()
    params = {}
    for key, value in obj.items():
        if isinstance(value, _Array) and value.array is not None:
            value = value.array
        elif isinstance(value, np.generic):  # a NumPy scalar: keep it as a 0-d array
            value = np.array(value)
        if not isinstance(key, str) or not isinstance(value, np.ndarray):
            raise ParamsFormatError(
                f"{source}: expected str keys and ndarray values, got {key!r:.40}: "
                f"{_name(value)}; a parameter file maps names such as 'W1' to arrays"
            )
        if id(value) in seen:  # one array under two names: give each its own
            value = value.copy()
        seen.add(id(value))
        params[key] = value
    return params


def loads_params(data: bytes, *, source: str = "<bytes>") -> dict[str, np.ndarray]:
    """Rebuild a dict of parameter arrays from pickle bytes, refusing anything else.

    Book: chapter 3, section 3.6.2 (`init_network` reads `sample_weight.pkl`).

    Parameters
    ----------
    data : bytes
        A pickle of a dict mapping parameter names to NumPy arrays, as NumPy 1.x or 2.x
        writes it with any pickle protocol.
    source : str, default "<bytes>"
        What to call the data in error messages.

    Returns
    -------
    dict of str to ndarray
        The parameters, as writable arrays the caller owns.

    Raises
    ------
    UnsafePickleError
        The pickle asks for anything but NumPy's own way of rebuilding numeric arrays,
        dtypes and scalars, or declares more data than it holds; nothing it asked for
        was run.
    ParamsFormatError
        The data is empty, not a pickle, incomplete, or not a dict of str to numeric
        arrays.

    Notes
    -----
    Two passes (see the module `nnbook.datasets._pickle`): a scan of the opcodes
    before anything is built, then an unpickler whose globals are checking stand-ins
    for NumPy's array builders. Memory is bounded by the size of the data: each array
    must hold exactly the bytes its shape declares, and all of them together no more
    than `data` has.

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

    So is one that would ask `numpy.ndarray` for 4 GiB of memory, uninitialised, in
    a file of a few dozen bytes (plain pickle would return that array):

    >>> class Huge:
    ...     def __reduce__(self):
    ...         return (np.ndarray, ((2**29,),))  # 2**29 float64 = 4 GiB, no data
    >>> blob = pickle.dumps({"W1": Huge()})
    >>> print(len(blob))
    51
    >>> loads_params(blob)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nnbook.datasets.UnsafePickleError: refused <bytes>: it calls numpy.ndarray directly, ...
    """
    data = bytes(data)
    _scan(data, source)
    scope = _Scope(source, len(data))
    try:
        obj = _RestrictedUnpickler(io.BytesIO(data), scope).load()
    except UnsafePickleError:
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError,
            IndexError, AttributeError, OverflowError, MemoryError) as exc:  # fmt: skip
        raise _not_a_pickle(source, data, f"{type(exc).__name__}: {exc}") from None
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
        The file asks for anything but NumPy's array builders, or declares more data
        than it holds.
    ParamsFormatError
        The file is empty, not a pickle, incomplete, or holds something other than a
        dict of str to numeric arrays.

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
    DataNotFoundError, ChecksumError, DownloadError, DataHomeError
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
