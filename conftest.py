"""Test-wide settings: headless plots, the data gate, and the notebooks' quick mode.

The policy for missing data or a missing browser lives here too: skip with a reason on
a reader's machine, fail when `NNBOOK_STRICT` is set (CI), so that a green CI run really
ran everything. Tests reach it through the `skip_or_fail` and `need_data` fixtures.
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

STRICT = os.environ.get("NNBOOK_STRICT", "").strip().lower() not in ("", "0", "false", "no")


def _skip_or_fail(reason: str) -> None:
    """Skip the running test, or fail it when `NNBOOK_STRICT` is set (CI)."""
    if STRICT:
        pytest.fail(f"{reason} (NNBOOK_STRICT is set, so this is a failure)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def skip_or_fail():
    """Return the policy for a test that cannot run here: skip, or fail under CI."""
    return _skip_or_fail


def data_missing(*names: str, revision: str | None = None) -> list[str]:
    """Return those of `names` (datasets or weight files) not found locally."""
    from nnbook.datasets import available

    return [name for name in names if not available(name, revision=revision)]


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the figures a test or docstring example drew (matplotlib warns past 20)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture
def need_data():
    """Return a function that skips (or fails in CI) unless the named data is present.

    `need_data("mnist", "sample_weight")`; `need_data("params", revision="2022")`.
    """

    def check(*names: str, revision: str | None = None) -> None:
        missing = data_missing(*names, revision=revision)
        if missing:
            which = "" if revision is None else f" (revision {revision})"
            _skip_or_fail(
                f"needs {', '.join(missing)}{which}: set NNBOOK_DATA to a data home that "
                "has them, or run `nnbook data fetch`"
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
