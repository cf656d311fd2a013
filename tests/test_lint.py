"""The code style is part of the test-suite: ruff's lint and format checks must pass."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PATHS = ["src", "tests", "benchmarks", "conftest.py"]


def _ruff() -> list[str]:
    exe = Path(sys.executable).with_name("ruff")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("ruff")
    if found is None:
        pytest.skip("ruff is not installed: pip install -e '.[dev]'")
    return [found]


@pytest.mark.parametrize(
    "args",
    [["check", *PATHS, "docs"], ["format", "--check", *PATHS]],
    ids=["check", "format"],
)
def test_ruff(args):
    result = subprocess.run(
        [*_ruff(), *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
