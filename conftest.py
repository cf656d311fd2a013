"""Test-wide settings: headless plots, the data gate, and the notebooks' quick mode.

Tests that need data the machine lacks (MNIST, the book's weights) or a browser skip
with a reason on a reader's machine. CI sets ``NNBOOK_STRICT=1``, which turns each of
those skips into a failure, so a green CI run really ran everything.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import matplotlib
import pytest

# Kernels started by nbval inherit this environment: they must draw inline, as when the
# stored outputs were made. This process itself draws off-screen.
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
matplotlib.use("Agg")
# Notebooks executed by the test-suite (nbval) run their long experiments at reduced
# sizes; the stored outputs on the site come from full runs (`make notebooks`).
os.environ["NNBOOK_QUICK"] = "1"

STRICT = os.environ.get("NNBOOK_STRICT", "") not in ("", "0")


def skip_or_fail(reason: str) -> None:
    """Skip the running test, or fail it when ``NNBOOK_STRICT`` is set (CI)."""
    if STRICT:
        pytest.fail(f"{reason} (NNBOOK_STRICT is set, so this is a failure)", pytrace=False)
    pytest.skip(reason)


def data_missing(*names: str) -> list[str]:
    """Return those of `names` (datasets or weight files) not found locally."""
    from nnbook.datasets import available

    return [name for name in names if not available(name)]


@pytest.fixture
def need_data():
    """Return a function that skips (or fails in CI) unless the named data is present."""

    def check(*names: str) -> None:
        missing = data_missing(*names)
        if missing:
            skip_or_fail(
                f"needs {', '.join(missing)}: set NNBOOK_DATA to a data home that has "
                "them, or run `nnbook data fetch`"
            )

    return check


def _notebook_needs(path: Path) -> list[str]:
    meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    return list(meta.get("nnbook", {}).get("data", []))


def pytest_collection_modifyitems(config, items):
    """Gate notebook cells on the data their notebook declares it needs."""
    checked: dict[Path, list[str]] = {}
    for item in items:
        path = Path(str(item.path))
        if path.suffix != ".ipynb":
            continue
        if path not in checked:
            checked[path] = data_missing(*_notebook_needs(path))
        missing = checked[path]
        if not missing:
            continue
        # In CI (strict) the notebook runs anyway and fails on the missing data.
        if not STRICT:
            item.add_marker(pytest.mark.skip(reason=f"{path.name} needs {', '.join(missing)}; set NNBOOK_DATA"))
