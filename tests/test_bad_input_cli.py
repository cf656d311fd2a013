"""Bad input to the `nnbook` command, run as a reader runs it: in a subprocess.

Each case checks the exit status (1 for an error, 2 for a usage error), that stderr
holds one line naming the problem and the fix and no traceback, and that nothing
changed on disk.
"""

import os
import re
import subprocess
import sys
from http.server import BaseHTTPRequestHandler

import pytest

from nnbook import cli
from nnbook.datasets import SettingError


class WrongContent(BaseHTTPRequestHandler):
    """Serves 181,853 zero bytes: the size of sample_weight.pkl, not its content."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "181853")
        self.end_headers()
        self.wfile.write(bytes(181853))


@pytest.fixture
def env(tmp_path):
    """An environment with an empty user cache, no data home and no proxy."""
    drop = ("NNBOOK_", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    environ["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    environ["NNBOOK_MIRRORS"] = "http://127.0.0.1:9/"  # refused: never the internet
    return environ


def nnbook(env, *args, **extra):
    result = subprocess.run(
        [sys.executable, "-m", "nnbook.cli", *args],
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    return result


def one_error_line(result) -> str:
    """The stderr of a failed command: one line, 'nnbook: error: ...'."""
    assert result.returncode == 1, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("nnbook: error: ")
    return lines[0]


def files_under(path) -> list[str]:
    return (
        sorted(str(p.relative_to(path)) for p in path.rglob("*")) if path.exists() else []
    )


def test_reproduce_a_chapter_that_does_not_exist_is_a_usage_error(env):
    result = nnbook(env, "reproduce", "--chapter", "99")
    assert result.returncode == 2
    # The choices are the chapters that have results: 2 to 5, then 7 on as they land.
    assert re.search(
        r"argument --chapter: invalid choice: 99 \(choose from 2, 3, 4, 5(, \d+)*\)",
        result.stderr,
    )
    assert result.stdout == ""


def test_reproduce_without_the_data(env, tmp_path):
    line = one_error_line(nnbook(env, "reproduce", "--chapter", "3", NNBOOK_OFFLINE="1"))
    assert "mnist/train-images-idx3-ubyte.gz was not found" in line
    assert "set NNBOOK_DATA" in line and "`nnbook data fetch mnist`" in line
    assert files_under(tmp_path / "xdg") == []


def test_a_tilde_user_in_nnbook_data(env):
    line = one_error_line(nnbook(env, "data", "status", NNBOOK_DATA="~nosuchuser"))
    assert "NNBOOK_DATA='~nosuchuser'" in line and "no such user" in line
    assert "give the folder's full path" in line


def test_an_offline_setting_that_means_nothing(env, tmp_path):
    line = one_error_line(nnbook(env, "data", "fetch", "mnist", NNBOOK_OFFLINE="maybe"))
    assert "NNBOOK_OFFLINE='maybe' is neither yes nor no" in line
    assert "1, true, yes or on" in line
    assert files_under(tmp_path / "xdg") == []


def test_a_user_cache_that_is_a_file(env, tmp_path):
    (tmp_path / "xdg").mkdir()
    (tmp_path / "xdg" / "nnbook").write_text("in the way")
    line = one_error_line(nnbook(env, "data", "fetch", "sample_weight"))
    assert f"{tmp_path / 'xdg' / 'nnbook'} is a file" in line
    assert "set XDG_CACHE_HOME to another folder" in line
    assert (tmp_path / "xdg" / "nnbook").read_text() == "in the way"


def test_a_data_home_that_does_not_exist(env, tmp_path):
    missing = tmp_path / "typo"
    line = one_error_line(nnbook(env, "data", "status", "--data-home", str(missing)))
    assert f"data_home={str(missing)!r} does not exist" in line
    assert not missing.exists()


def test_a_wrong_file_from_a_mirror(env, tmp_path, serve):
    with serve(handler=WrongContent) as url:
        result = nnbook(env, "data", "fetch", "sample_weight", "--mirror", url)
    assert result.returncode == 1
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("nnbook: error:")]
    assert "every mirror served a wrong book/sample_weight.pkl" in line
    assert "Try other mirrors" in line
    assert files_under(tmp_path / "xdg") == ["nnbook", "nnbook/book"]  # no file


# In-process from here on: argparse and --debug behave the same in a subprocess.


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["data", "fetch", "cifar10"], "unknown name 'cifar10'"),
        (["data", "fetch", "mnist", "--timeout", "-1"], "positive number of seconds"),
        (["data", "fetch", "params", "--revision", "2020"], "invalid choice: '2020'"),
        (["reproduce", "--chapter", "x"], "invalid int value: 'x'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
    ids=["name", "timeout", "revision", "chapter", "command"],
)
def test_usage_errors_exit_2(args, message, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(args)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_debug_shows_the_traceback(monkeypatch, capsys):
    monkeypatch.setenv("NNBOOK_OFFLINE", "maybe")
    assert cli.main(["data", "status"]) == 1
    assert capsys.readouterr().err.startswith("nnbook: error: NNBOOK_OFFLINE='maybe'")
    with pytest.raises(SettingError):
        cli.main(["--debug", "data", "status"])
    with pytest.raises(SettingError):
        cli.main(["data", "status", "--debug"])
