"""The size the site shows figures at, so that every figure is drawn for it.

The chapter pages show a figure at most about 830 pixels wide on a 1280-pixel screen
(docs/assets/stylesheets/reading.css), and notebooks draw at 100 dpi. A figure up to
`PAGE_WIDTH` inches wide is therefore shown at its natural size, and text of
`MIN_FONTSIZE` points (about 14 pixels) stays at least as large as the page's small
print. Every plotting function keeps to both; the tests check it.
"""

from __future__ import annotations

__all__ = ["MIN_FONTSIZE", "PAGE_WIDTH"]

#: Widest figure, in inches (800 pixels at the notebooks' 100 dpi).
PAGE_WIDTH = 8.0

#: Smallest text in a figure, in points.
MIN_FONTSIZE = 10.0
