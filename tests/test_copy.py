"""Copy buttons on the notebook pages copy each cell's source (a static check, no browser).

mkdocs-jupyter gives each code cell a `<clipboard-copy for="cell-N">` button and a hidden
`<div id="cell-N">` holding the cell's source, which the button copies. It numbers the
two with separate counters, so a cell it highlights but does not number (or the reverse)
would shift every later button onto the wrong text: check each button against its own
cell. What the buttons copy in a real browser, and the copy buttons of Markdown and API
pages, are tested in test_browser.py.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
NOTEBOOKS = sorted(
    p.relative_to(DOCS).as_posix()
    for p in DOCS.rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)


class _CellCopies(HTMLParser):
    """Collect, in page order, the id each code cell's copy button names, and the texts."""

    def __init__(self) -> None:
        super().__init__()
        self.buttons: list[str | None] = []  # per code cell: the id its button names
        self.texts: dict[str, str] = {}  # id -> text of a div.clipboard-copy-txt
        self._in_code_cell = False
        self._text_id: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if "jp-Cell" in classes:
            self._in_code_cell = "jp-CodeCell" in classes
        elif "jp-InputArea" in classes and self._in_code_cell:
            self.buttons.append(None)
        elif tag == "clipboard-copy" and self.buttons:
            self.buttons[-1] = a.get("for")
        elif "clipboard-copy-txt" in classes:
            self._text_id = a.get("id")
            self.texts[self._text_id] = ""

    def handle_endtag(self, tag):
        if tag == "div":
            self._text_id = None  # the copy text holds no nested div

    def handle_data(self, data):
        if self._text_id is not None:
            self.texts[self._text_id] += data


@pytest.mark.parametrize("docs_path", NOTEBOOKS)
def test_each_notebook_cell_copies_its_own_source(site_dir, docs_path):
    cells = json.loads((DOCS / docs_path).read_text(encoding="utf-8"))["cells"]
    # Cells tagged remove-cell (set-up plumbing) are not on the page at all.
    sources = [
        "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code"
        and "remove-cell" not in c.get("metadata", {}).get("tags", [])
    ]
    page = site_dir / Path(docs_path).with_suffix("") / "index.html"
    parser = _CellCopies()
    parser.feed(page.read_text(encoding="utf-8"))
    assert len(parser.buttons) == len(sources), (
        f"{docs_path}: {len(sources)} code cells, {len(parser.buttons)} on the page"
    )
    for i, (target, source) in enumerate(zip(parser.buttons, sources, strict=True)):
        where = f"{docs_path}, code cell {i + 1}"
        assert target is not None, f"{where} has no copy button"
        assert target in parser.texts, (
            f"{where}: its button copies #{target}, not on the page"
        )
        assert parser.texts[target] == source, f"{where}: the button copies another text"
