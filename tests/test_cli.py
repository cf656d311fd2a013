"""The `nnbook` command line: `nnbook data status` and `nnbook data fetch`.

Downloads go to a mirror on 127.0.0.1 serving synthetic weight files registered in
place of the book's; only `test_status_on_the_real_data` needs the shared data home.
"""

import hashlib
import os
import pickle
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nnbook import cli
from nnbook.datasets import _home, _registry
from nnbook.datasets._registry import FileSpec

SHARED = os.environ.get("NNBOOK_DATA", "")  # read before `isolated` unsets it


def synthetic(relpath: str, seed: int) -> tuple[FileSpec, bytes]:
    blob = pickle.dumps({"W1": np.random.default_rng(seed).standard_normal((30, 20))})
    spec = FileSpec(relpath, hashlib.sha256(blob).hexdigest(), urls=(), size=len(blob))
    return spec, blob


SMALL, SMALL_BLOB = synthetic("book/sample_weight.pkl", 0)
PARAMS, PARAMS_BLOB = synthetic("book/params.pkl", 1)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    for var in ("NNBOOK_DATA", "NNBOOK_OFFLINE", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NNBOOK_MIRRORS", refused_url())
    monkeypatch.setattr(_home, "SYSTEM_DATA_HOMES", ())
    monkeypatch.setitem(_registry.WEIGHTS, "sample_weight", {"2016": SMALL, "2022": SMALL})
    monkeypatch.setitem(_registry.WEIGHTS["params"], "2022", PARAMS)
    for spec, blob in ((SMALL, SMALL_BLOB), (PARAMS, PARAMS_BLOB)):
        path = tmp_path / "mirror" / spec.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)


def refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def mirror(tmp_path, serve):
    with serve(tmp_path / "mirror") as url:
        yield url


def test_status_with_nothing_anywhere(tmp_path, capsys):
    assert cli.main(["data", "status"]) == 0
    out = capsys.readouterr().out
    assert "Data homes, in look-up order:" in out
    assert str(tmp_path / "xdg" / "nnbook") in out and "(does not exist)" in out
    assert "Downloads into the user cache: allowed" in out
    lines = [line for line in out.splitlines() if line.startswith("missing")]
    assert len(lines) == 13  # 4 + 4 IDX files, sample_weight, 2 x 2 other weights
    assert any("params@2022" in line for line in lines)


def test_status_reports_a_damaged_file_and_keeps_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NNBOOK_OFFLINE", "1")
    home = tmp_path / "dh"
    bad = home / SMALL.relpath
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"not the book's weights")
    assert cli.main(["data", "status", "--data-home", str(home)]) == 1
    out = capsys.readouterr().out
    assert "disabled (NNBOOK_OFFLINE is set)" in out
    (line,) = [line for line in out.splitlines() if line.startswith("WRONG HASH")]
    assert "sample_weight.pkl" in line and str(bad) in line
    assert "1 file(s) failed their check" in out
    assert f"  - {bad}: it is 22 bytes long, expected {SMALL.size:,}" in out
    assert bad.exists()
    assert cli.main(["data", "status", "--data-home", str(home), "--no-verify"]) == 0
    assert "present    sample_weight" in capsys.readouterr().out


@pytest.mark.data
def test_status_on_the_real_data(need_data, capsys, monkeypatch, tmp_path):
    monkeypatch.undo()  # the real registry and system copies...
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # ...but an empty cache
    monkeypatch.setenv("NNBOOK_DATA", SHARED)
    need_data("mnist", "sample_weight", "params", "deep_convnet_params")
    assert cli.main(["data", "status"]) == 0
    out = capsys.readouterr().out
    for relpath in ("mnist/t10k-images-idx3-ubyte.gz", "book/2016/params.pkl"):
        assert f"NNBOOK_DATA: {Path(SHARED) / relpath}" in out
    assert out.count("verified   ") >= 9


def test_fetch_downloads_with_progress_then_finds_it(tmp_path, mirror, capsys):
    assert cli.main(["data", "fetch", "sample_weight", "--mirror", mirror]) == 0
    captured = capsys.readouterr()
    path = tmp_path / "xdg" / "nnbook" / SMALL.relpath
    assert f"sample_weight: sample_weight.pkl downloaded: {path}" in captured.out
    assert "100%" in captured.err
    assert cli.main(["data", "fetch", "sample_weight"]) == 0  # no mirror needed now
    assert "already in user cache" in capsys.readouterr().out


def test_fetch_with_mirrors_from_the_environment(mirror, monkeypatch, capsys):
    monkeypatch.setenv("NNBOOK_MIRRORS", mirror)
    assert cli.main(["data", "fetch", "params", "--revision", "2022"]) == 0
    assert "params@2022: params.pkl downloaded" in capsys.readouterr().out


def test_fetch_failure_is_reported(tmp_path, capsys):
    url = refused_url()
    assert cli.main(["data", "fetch", "sample_weight", "--mirror", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "nnbook: error: sample_weight: could not download book/sample_weight.pkl"
    )
    assert err.count("\n") == 1  # one line
    assert f"{url}book/sample_weight.pkl: Connection refused" in err
    assert not (tmp_path / "xdg" / "nnbook" / SMALL.relpath).exists()


def test_fetch_offline(capsys, monkeypatch):
    monkeypatch.setenv("NNBOOK_OFFLINE", "1")
    assert cli.main(["data", "fetch", "mnist", "deep_convnet_params"]) == 1
    err = capsys.readouterr().err
    assert "nnbook: error: mnist:" in err
    assert "nnbook: error: deep_convnet_params@2016:" in err
    assert "NNBOOK_OFFLINE" in err


def test_fetch_without_names_means_everything(capsys, monkeypatch):
    monkeypatch.setenv("NNBOOK_OFFLINE", "yes")
    assert cli.main(["data", "fetch"]) == 1
    lines = capsys.readouterr().err.splitlines()
    labels = [line.split(":")[2].strip() for line in lines]
    assert labels == [
        "mnist",
        "fashion-mnist",
        "sample_weight",
        "params@2016",
        "params@2022",
        "deep_convnet_params@2016",
        "deep_convnet_params@2022",
    ]


def test_usage_errors(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["data", "fetch", "cifar10"])
    assert info.value.code == 2
    assert "unknown name 'cifar10'" in capsys.readouterr().err
    assert cli.main([]) == 2
    assert "data" in capsys.readouterr().out
    assert cli.main(["data"]) == 2
    assert "status" in capsys.readouterr().out


def test_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "nnbook.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("nnbook ")


def test_reproduce_prints_the_table_and_exits_zero(capsys):
    assert cli.main(["reproduce", "--chapter", "2"]) == 0
    out = capsys.readouterr().out
    assert (
        "| 2.5.2 | XOR by a two-layer perceptron<br>`nnbook reproduce --chapter 2` |" in out
    )
    assert "✓" in out
