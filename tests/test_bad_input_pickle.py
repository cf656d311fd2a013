"""Bad parameter pickles: each is refused with a clear error, before it costs memory.

The restricted unpickler admits only what NumPy's own pickles of numeric arrays use,
and only as NumPy uses it; every array must hold the bytes its shape declares, and all
together no more than the file has. Each case checks the error's type and message, that
memory stayed small, and that the file is still there, unchanged.
"""

import glob
import os
import pickle
import pickletools
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from nnbook.datasets import ParamsFormatError, UnsafePickleError, loads_params, read_params

SHARED = os.environ.get("NNBOOK_DATA", "")
RECONSTRUCT = np.zeros(1).__reduce__()[0]


class Huge:
    """Pickles as `numpy.ndarray((2**29,))`: 4 GiB of float64, uninitialised."""

    def __reduce__(self):
        return (np.ndarray, ((2**29,),))


class Forged:
    """Pickles as NumPy does, with any shape and data: `_reconstruct` and a state."""

    def __init__(self, shape, data, dtype="f8"):
        self.state = (1, shape, np.dtype(dtype), False, data)

    def __reduce__(self):
        return (RECONSTRUCT, (np.ndarray, (0,), b"b"), self.state)


def refused_cheaply(blob: bytes, error, match: str, tmp_path: Path) -> str:
    """Load `blob` from a file; check the error, the memory spent, and the file kept."""
    path = tmp_path / "params.pkl"
    path.write_bytes(blob)
    tracemalloc.start()
    try:
        with pytest.raises(error, match=match) as info:
            read_params(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, f"{peak / 2**20:.1f} MiB spent on a refused pickle"
    assert path.read_bytes() == blob
    message = str(info.value)
    assert str(path) in message
    return message


def test_numpy_ndarray_called_directly_is_refused(tmp_path):
    blob = pickle.dumps({"W1": Huge()})
    assert len(blob) < 64
    assert pickle.loads(blob)["W1"].nbytes == 4 << 30  # plain pickle: 4 GiB, untouched
    message = refused_cheaply(blob, UnsafePickleError, "numpy.ndarray directly", tmp_path)
    assert "Nothing from the file was run; do not load it with plain pickle" in message


@pytest.mark.parametrize(
    ("forged", "match"),
    [
        (Forged((10**9,), bytes(16)), r"declares 8,000,000,000 bytes but holds 16"),
        (Forged((2, 2), bytes(8)), r"declares 32 bytes but holds 8"),
        (Forged((-1,), bytes(8)), "expected an array shape"),
        (Forged((2,), "sixteen bytes!!!"), "expected the array's bytes"),
        (Forged((1,), bytes(8), "O"), "only numeric dtypes"),
        (Forged((1,), bytes(8), [("a", "f8")]), "numeric dtype"),
        (Forged((1,), bytes(16), ("f8", (2,))), "numeric dtype"),
    ],
    ids=[
        "size-beyond-file",
        "size-beyond-data",
        "negative",
        "not-bytes",
        "object",
        "record",
        "subarray",
    ],
)
def test_arrays_must_hold_what_they_declare(forged, match, tmp_path):
    blob = pickle.dumps({"W1": forged}, protocol=3)
    refused_cheaply(blob, UnsafePickleError, match, tmp_path)


def test_one_block_of_bytes_cannot_fill_many_arrays(tmp_path):
    data = bytes(1 << 16)  # pickled once, then named again by its memo entry
    blob = pickle.dumps({f"W{i}": Forged((1 << 13,), data) for i in range(40)})
    assert len(blob) < 80_000  # 40 arrays of 64 KiB would be 2.6 MB
    refused_cheaply(blob, UnsafePickleError, "more than the .* bytes of the file", tmp_path)


def test_protocol_5_arrays_are_checked_too(tmp_path):
    blob = pickle.dumps({"W1": np.zeros(4)}, protocol=5)
    assert b"_frombuffer" in blob
    forged = blob.replace(b"K\x04\x85", b"J\x00\x00\x00\x10\x85")  # shape (4,) -> (2**28,)
    assert forged != blob
    refused_cheaply(forged, UnsafePickleError, "declares 2,147,483,648 bytes", tmp_path)


def test_a_memo_entry_out_of_order_is_refused_before_unpickling(tmp_path):
    # 11 bytes that make the C unpickler reserve 16 GiB for its memo table.
    blob = b"\x80\x02N" + b"r" + struct.pack("<I", 2**31 - 1) + b"."
    refused_cheaply(
        blob, UnsafePickleError, "memo entry 2,147,483,647 out of order", tmp_path
    )


@pytest.mark.parametrize(
    "blob",
    [
        b"\x80\x02cbuiltins\nobject\n)\x81.",  # NEWOBJ
        b"\x80\x02(cbuiltins\nobject\no.",  # OBJ
        b"\x80\x02\x82\x01.",  # EXT1
        b"\x80\x02U\x01xQ.",  # BINPERSID
    ],
    ids=["NEWOBJ", "OBJ", "EXT1", "BINPERSID"],
)
def test_opcodes_numpy_never_uses_are_refused(blob, tmp_path):
    refused_cheaply(blob, UnsafePickleError, "opcode .* which NumPy's pickles", tmp_path)


def test_admitted_globals_are_admitted_only_as_numpy_uses_them(tmp_path):
    class Misused:
        def __reduce__(self):
            return (RECONSTRUCT, (np.ndarray, (10**9,), b"b"))

    refused_cheaply(
        pickle.dumps({"W": Misused()}),
        UnsafePickleError,
        "only as NumPy calls it",
        tmp_path,
    )


def test_an_empty_file(tmp_path):
    message = refused_cheaply(b"", ParamsFormatError, "is empty", tmp_path)
    assert "download or save it again" in message


@pytest.mark.parametrize(
    "blob",
    [
        b"hello, this is not a pickle at all\n",
        b"B\xff\xff\xff\x7fhello",  # an opcode that asks for 2 GB of what follows
        b"\x00" * 100,
        b"PK\x03\x04 a zip file, say an .npz",
    ],
    ids=["text", "long-length", "zeros", "zip"],
)
def test_garbage(blob, tmp_path):
    message = refused_cheaply(blob, ParamsFormatError, "is not a pickle", tmp_path)
    assert "not a parameter file; download or save it again" in message
    assert "truncated" not in message


def test_a_truncated_pickle(tmp_path):
    blob = pickle.dumps({"W1": np.arange(1000.0)}, protocol=4)
    message = refused_cheaply(
        blob[: len(blob) // 2], ParamsFormatError, "damaged or incomplete pickle", tmp_path
    )
    assert "download or save it again" in message


@pytest.mark.parametrize(
    "obj",
    [[np.zeros(2)], {"W": [1.0]}, {1: np.zeros(2)}],
    ids=["list", "list-value", "int-key"],
)
def test_pickles_of_other_things_are_refused(obj, tmp_path):
    message = refused_cheaply(pickle.dumps(obj), ParamsFormatError, "expected", tmp_path)
    assert "maps names such as 'W1' to arrays" in message


def test_one_array_under_two_names_becomes_two_arrays():
    shared = np.arange(3.0)
    params = loads_params(pickle.dumps({"W1": shared, "W2": shared}))
    params["W1"][0] = 9
    assert params["W2"][0] == 0


@pytest.mark.parametrize("dtype", ["f2", "f4", ">f8", "i1", "<u4", "i8", "?", "c8", "c16"])
@pytest.mark.parametrize("protocol", [0, 2, 3, 5])
@pytest.mark.parametrize("order", ["C", "F"])
def test_every_numeric_dtype_order_and_protocol_loads(dtype, protocol, order):
    array = np.asarray(np.arange(12).reshape(3, 4), dtype=dtype, order=order)
    params = {"W": array, "s": array.ravel()[1]}
    loaded = loads_params(pickle.dumps(params, protocol=protocol))
    np.testing.assert_array_equal(loaded["W"], array)
    assert loaded["W"].dtype == array.dtype and loaded["W"].flags.writeable
    assert loaded["s"].dtype == params["s"].dtype and loaded["s"].shape == ()
    assert loaded["s"] == params["s"]


@pytest.mark.data
def test_the_books_pickles_load_exactly_as_plain_pickle_does(skip_or_fail):
    files = sorted(glob.glob(str(Path(SHARED or "/nonexistent") / "book" / "**" / "*.pkl"),
                             recursive=True))  # fmt: skip
    if len(files) < 5:
        skip_or_fail("needs NNBOOK_DATA with the book's five weight files (as in CI)")
    for file in files:
        data = Path(file).read_bytes()
        ours = loads_params(data, source=file)
        with open(file, "rb") as handle:
            theirs = pickle.load(handle)  # the book's own files: trusted here
        assert list(ours) == list(theirs)
        for key, value in theirs.items():
            assert ours[key].dtype == value.dtype
            np.testing.assert_array_equal(ours[key], value)
        globals_named = {
            arg for op, arg, _ in pickletools.genops(data) if op.name == "GLOBAL"
        }
        assert globals_named <= {
            "numpy.core.multiarray _reconstruct", "numpy ndarray", "numpy dtype"
        }  # fmt: skip
