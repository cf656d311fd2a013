"""Test-wide settings: headless plots, the data gate, and the notebooks' quick mode.

The policy for missing data or a missing browser (skip here, fail in CI) is
`nnbook._testing.skip_or_fail`.
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

from nnbook._testing import STRICT, skip_or_fail


def data_missing(*names: str) -> list[str]:
    """Return those of `names` (datasets or weight files) not found locally."""
    from nnbook.datasets import available

    return [name for name in names if not available(name)]


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the figures a test or docstring example drew (matplotlib warns past 20)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


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


# Docstring examples that load data run where the data is, like the data tests.
_DOCTEST_DATA = {
    "load_mnist(": "mnist",
    "load_fashion_mnist(": "fashion-mnist",
    'load_book_params("sample_weight"': "sample_weight",
}


def _doctest_needs(item) -> list[str]:
    source = "".join(example.source for example in item.dtest.examples)
    return [name for call, name in _DOCTEST_DATA.items() if call in source]


def pytest_collection_modifyitems(config, items):
    """Gate notebook cells and docstring examples on the data they need."""
    checked: dict[Path, list[str]] = {}
    for item in items:
        if isinstance(item, pytest.DoctestItem):
            missing = data_missing(*_doctest_needs(item))
            if missing and not STRICT:
                reason = f"this example needs {', '.join(missing)}; set NNBOOK_DATA"
                item.add_marker(pytest.mark.skip(reason=reason))
            continue
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
            reason = f"{path.name} needs {', '.join(missing)}; set NNBOOK_DATA"
            item.add_marker(pytest.mark.skip(reason=reason))
