"""Support for nnbook's own test-suite: the policy for tests that cannot run here.

Tests that need data the machine lacks (MNIST, the book's weights) or a browser skip
with a reason on a reader's machine. CI sets ``NNBOOK_STRICT=1``, which turns each such
skip into a failure, so a green CI run really ran everything.
"""

from __future__ import annotations

import os

import pytest

__all__ = ["STRICT", "skip_or_fail"]

STRICT = os.environ.get("NNBOOK_STRICT", "") not in ("", "0")


def skip_or_fail(reason: str) -> None:
    """Skip the running test, or fail it when ``NNBOOK_STRICT`` is set (CI)."""
    if STRICT:
        pytest.fail(f"{reason} (NNBOOK_STRICT is set, so this is a failure)", pytrace=False)
    pytest.skip(reason)
