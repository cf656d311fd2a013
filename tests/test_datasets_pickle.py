"""The restricted unpickler: parameter pickles load, anything else is refused unrun."""

import hashlib
import os
import pickle
import subprocess

import numpy as np
import pytest

from nnbook.datasets import (
    ChecksumError,
    UnsafePickleError,
    _home,
    _registry,
    load_book_params,
    loads_params,
    read_params,
)
from nnbook.datasets._registry import FileSpec


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("NNBOOK_DATA", raising=False)
    monkeypatch.setenv("NNBOOK_OFFLINE", "1")
    monkeypatch.setattr(_home, "SYSTEM_DATA_HOMES", ())


def book_like() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    return {
        "W1": rng.standard_normal((4, 3)).astype(np.float32),
        "b1": np.zeros(3, dtype=np.float32),
        "W2": rng.standard_normal((2, 1, 3, 3)),
        "b2": np.arange(2, dtype=np.int64),
    }


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_parameter_dicts_load_with_every_protocol(protocol):
    params = book_like()
    loaded = loads_params(pickle.dumps(params, protocol=protocol))
    assert list(loaded) == list(params)
    for key, value in params.items():
        assert loaded[key].dtype == value.dtype
        np.testing.assert_array_equal(loaded[key], value)
        assert loaded[key].flags.writeable


def test_numpy_scalars_and_non_contiguous_arrays_load():
    params = {"W": np.arange(12.0).reshape(3, 4).T, "lr": np.float32(0.5)}
    loaded = loads_params(pickle.dumps(params))
    np.testing.assert_array_equal(loaded["W"], params["W"])
    assert isinstance(loaded["lr"], np.ndarray)
    assert loaded["lr"].shape == () and loaded["lr"].dtype == np.float32


class Shell:
    """Runs a shell command when unpickled, as a malicious parameter file would."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


class Popen:
    def __init__(self, argv):
        self.argv = argv

    def __reduce__(self):
        return (subprocess.Popen, (self.argv,))


class Eval:
    def __reduce__(self):
        return (eval, ("__import__('os').getcwd()",))


def test_os_system_is_refused_and_never_run(tmp_path):
    sentinel = tmp_path / "pwned"
    blob = pickle.dumps({"W1": np.zeros(2), "b1": Shell(f"touch {sentinel}")})
    with pytest.raises(UnsafePickleError, match=r"refused to load the global .*system"):
        loads_params(blob, source="evil.pkl")
    assert not sentinel.exists()
    # The same bytes really would run the command under plain pickle: the test is live.
    assert pickle.loads(blob)["b1"] == 0
    assert sentinel.exists()


@pytest.mark.parametrize(
    "payload",
    [
        Popen(["true"]),
        Eval(),
        [Shell("true")],
        (np.zeros(1), Shell("true")),
    ],
    ids=["subprocess", "eval", "in-a-list", "in-a-tuple"],
)
def test_other_globals_are_refused(payload):
    with pytest.raises(UnsafePickleError):
        loads_params(pickle.dumps({"W": payload}))


@pytest.mark.parametrize(
    "blob",
    [
        b"cos\nsystem\n(S'true'\ntR.",  # protocol 0, hand-written
        b"cnumpy\nload\n(S'x.npy'\ntR.",  # a NumPy function that is not a builder
        b"cbuiltins\ngetattr\n.",
        b"\x80\x02cnumpy.core.multiarray\nfromfile\n.",
    ],
)
def test_hand_written_pickles_are_refused(blob):
    with pytest.raises(UnsafePickleError, match="Nothing from the file was run"):
        loads_params(blob)


def test_unsafe_pickle_error_is_an_unpickling_error():
    assert issubclass(UnsafePickleError, pickle.UnpicklingError)


@pytest.mark.parametrize(
    ("obj", "match"),
    [
        ([np.zeros(2)], "expected a dict of parameter arrays, got list"),
        (np.zeros(2), "got ndarray"),
        ({1: np.zeros(2)}, "expected str keys and ndarray values"),
        ({"W": [1.0, 2.0]}, "got 'W': list"),
    ],
)
def test_only_dicts_of_numeric_arrays_are_accepted(obj, match):
    with pytest.raises(ValueError, match=match):
        loads_params(pickle.dumps(obj), source="odd.pkl")


def test_read_params_names_the_file(tmp_path):
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps({"W": Shell("true")}))
    with pytest.raises(UnsafePickleError, match=str(path)):
        read_params(path)
    good = tmp_path / "good.pkl"
    good.write_bytes(pickle.dumps(book_like()))
    assert sorted(read_params(good)) == ["W1", "W2", "b1", "b2"]


def test_load_book_params_checks_the_hash_before_unpickling(tmp_path, monkeypatch):
    home = tmp_path / "dh"
    sentinel = tmp_path / "pwned"
    evil = pickle.dumps({"W": Shell(f"touch {sentinel}")})
    (home / "book").mkdir(parents=True)
    (home / "book" / "sample_weight.pkl").write_bytes(evil)
    with pytest.raises(ChecksumError, match=r"sample_weight\.pkl"):
        load_book_params("sample_weight", data_home=home)
    assert not sentinel.exists()
    assert (home / "book" / "sample_weight.pkl").exists()  # not ours to delete


def test_load_book_params_from_a_data_home(tmp_path, monkeypatch):
    blob = pickle.dumps(book_like())
    sha = hashlib.sha256(blob).hexdigest()
    spec = FileSpec("book/2016/params.pkl", sha, urls=(), size=len(blob))
    monkeypatch.setitem(_registry.WEIGHTS["params"], "2016", spec)
    home = tmp_path / "dh"
    (home / "book" / "2016").mkdir(parents=True)
    (home / "book" / "2016" / "params.pkl").write_bytes(blob)
    params = load_book_params("params", data_home=home)
    np.testing.assert_array_equal(params["W1"], book_like()["W1"])
    params["W1"][:] = 0  # fresh arrays: the next load is unaffected
    assert load_book_params("params", revision="2016", data_home=home)["W1"].any()


def test_load_book_params_rejects_unknown_names():
    with pytest.raises(ValueError, match="unknown weight file 'mnist'"):
        load_book_params("mnist")
    with pytest.raises(ValueError, match="unknown revision"):
        load_book_params("params", revision="2020")
