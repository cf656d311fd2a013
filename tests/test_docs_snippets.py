"""Run the Python examples on the site's Markdown pages as doctests.

A Python example on a page under docs/ that shows output is written as a ```pycon block
of `>>>` lines followed by what they print, so that the numbers a reader sees are numbers
nnbook prints; each such block runs on its own (fresh globals). A block without `>>>`
shows code only, and is just checked to be valid Python.

A block that needs data is preceded by a comment naming it, for example
`<!-- doctest: needs mnist sample_weight -->`; it is skipped with a reason when the data
is missing (a failure under NNBOOK_STRICT=1). A block that must not run at all is
preceded by `<!-- doctest: skip -->`: use that sparingly, never for one that shows numbers.
"""

from __future__ import annotations

import doctest
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

FENCE = re.compile(
    r"^(?:<!--\s*doctest:\s*(?:(?P<skip>skip)|needs\s+(?P<needs>[^>]*?))\s*-->\s*\n)?"
    r"(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
    re.M | re.S,
)
PYTHON_LANGS = {"python", "py", "python3", "pycon"}


@dataclass(frozen=True)
class Block:
    page: Path
    lineno: int  # 1-based line of the block's first code line
    lang: str
    body: str
    needs: tuple[str, ...]
    skip: bool

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(DOCS).as_posix()}:{self.lineno}"


def python_blocks() -> list[Block]:
    blocks = []
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            lang = m.group("lang").lower()
            if lang not in PYTHON_LANGS:
                continue
            indent = m.group("indent")
            body = "\n".join(
                line.removeprefix(indent) for line in m.group("body").splitlines()
            )
            lineno = text.count("\n", 0, m.start("body")) + 1
            needs = tuple((m.group("needs") or "").split())
            blocks.append(Block(page, lineno, lang, body, needs, bool(m.group("skip"))))
    return blocks


BLOCKS = python_blocks()


def test_the_home_page_has_a_checked_quick_start():
    assert any(b.page == DOCS / "index.md" and ">>>" in b.body for b in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_page_example(block: Block, need_data):
    if block.skip:
        pytest.skip("marked <!-- doctest: skip --> on the page")
    if ">>>" not in block.body:
        # Code shown without its output (a sketch with undefined names, a training loop):
        # it need not run, but it must be valid Python.
        try:
            compile(block.body, block.id, "exec")
        except SyntaxError as exc:
            pytest.fail(f"{block.id}: not valid Python: {exc}", pytrace=False)
        return
    if block.needs:
        need_data(*block.needs)
    parser = doctest.DocTestParser()
    test = parser.get_doctest(
        block.body, {"__name__": "__docs__"}, block.id, str(block.page), block.lineno - 1
    )
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    failed, attempted = runner.run(test, out=report.append)
    assert attempted > 0
    if failed:
        pytest.fail("".join(report), pytrace=False)
