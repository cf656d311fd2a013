"""Open every page of the built site in a real headless Chromium.

The site built once per run (fixture `site_dir`) is served from 127.0.0.1 on a free
port; Playwright drives Debian's `chromium` (never a downloaded browser). Each page must
load with no console error, no page error, no failed request, no request to any other
host (such requests are blocked and reported), every image loaded, and all its math
typeset by KaTeX.

Set NNBOOK_SCREENSHOTS=/some/dir to also save a full-page screenshot of every page, in
light and dark mode, for people to look at. NNBOOK_CHROMIUM names another browser binary.
"""

from __future__ import annotations

import doctest
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from site_walk import READING_JS, site_pages

pytestmark = pytest.mark.browser

# Text left in the page that still looks like TeX: \( \) \[ \] $$, or $x$ with no space
# just inside the dollars (a "$5 and $10" in prose does not match).
FIND_PROBLEMS_JS = r"""
async () => {
  const problems = [];
  // Images: give lazy ones a chance, then every <img> must have decoded.
  const imgs = Array.from(document.images);
  imgs.forEach((img) => { img.loading = "eager"; });
  await Promise.all(imgs.map((img) => img.complete ? null : new Promise((done) => {
    img.addEventListener("load", done); img.addEventListener("error", done);
    setTimeout(done, 5000);
  })));
  for (const img of imgs) {
    if (img.naturalWidth === 0) {
      const src = img.currentSrc || img.src || "(no src)";
      problems.push("image did not load: " + src.slice(0, 120));
    }
  }
  // Math: every arithmatex element typeset, no KaTeX error, no TeX left in visible text.
  document.querySelectorAll(".arithmatex").forEach((el) => {
    if (!el.querySelector(".katex")) {
      problems.push("untypeset math: " + el.textContent.trim().slice(0, 120));
    }
  });
  document.querySelectorAll(".katex-error").forEach((el) => {
    problems.push("KaTeX error: " + (el.title || el.textContent).slice(0, 160));
  });
  const skip = "pre, code, kbd, samp, script, style, textarea, noscript, template, "
    + ".katex, .katex-display, [hidden]";
  const tex = /\\\(|\\\)|\\\[|\\\]|\$\$|\$[^\s$][^$\n]*?[^\s$\\]\$|\$[^\s$]\$/;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    const m = tex.exec(node.textContent);
    if (m) {
      const at = Math.max(0, m.index - 40);
      const context = node.textContent.slice(at, m.index + 60).trim();
      problems.push("TeX left as text: ..." + context + "...");
    }
  }
  // Copy buttons: Material's on every code block, mkdocs-jupyter's on every notebook
  // code cell, pointing at a copy of the cell's source (tests for what they copy below).
  document.querySelectorAll(".md-content pre > code").forEach((code) => {
    const copy = ":scope > [data-clipboard-target], :scope > nav > [data-clipboard-target]";
    if (!code.parentElement.querySelector(copy)) {
      problems.push("code block without a copy button: " + code.textContent.slice(0, 80));
    }
  });
  document.querySelectorAll(".md-content .jp-CodeCell .jp-InputArea").forEach((cell) => {
    const button = cell.querySelector("clipboard-copy[for]");
    if (!button || !document.getElementById(button.getAttribute("for"))) {
      problems.push("notebook cell without copy button: " + cell.textContent.slice(0, 60));
    }
  });
  return {
    problems: problems,
    katex: document.querySelectorAll(".katex").length,
    images: imgs.length,
    article: document.querySelector("article") !== null,
  };
}
"""


# The browser and the server are conftest's (`chromium`, `site_server`), under the names
# this module's tests use.
@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


@pytest.fixture(scope="module")
def server(site_server: str) -> str:
    return site_server


class PageVisitor:
    """Open pages in one browser context and collect everything that went wrong."""

    def __init__(self, browser, base_url: str, color_scheme: str = "light") -> None:
        self.base = base_url
        self.host = urlsplit(base_url).netloc
        self.context = browser.new_context(
            color_scheme=color_scheme,
            viewport={"width": 1280, "height": 900},
            service_workers="block",
        )
        self.context.route("**/*", self._route)
        self.problems: list[str] = []

    def _route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.netloc == self.host:
            route.continue_()
        else:
            self.problems.append(f"request to another host (blocked): {url}")
            route.abort("blockedbyclient")

    def visit(self, path: str, screenshot: Path | None = None) -> dict:
        self.problems = []
        page = self.context.new_page()
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("requestfailed", self._on_failed)
        page.on("response", self._on_response)
        try:
            page.goto(self.base + path, wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            page.wait_for_load_state("networkidle")
            result = page.evaluate(FIND_PROBLEMS_JS)
            result["reading"] = page.evaluate(READING_JS, True)
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            page.close()
        result["problems"] = self.problems + result["problems"]
        return result

    def _on_console(self, msg):
        if msg.type == "error":
            loc = msg.location
            where = f"{loc.get('url')}:{loc.get('lineNumber')}"
            self.problems.append(f"console error: {msg.text} ({where})")

    def _on_failed(self, request):
        if urlsplit(request.url).netloc == self.host:  # other hosts are reported by _route
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _on_response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def close(self) -> None:
        self.context.close()


def screenshot_path(directory: Path, path: str, scheme: str) -> Path:
    name = path.strip("/").replace("/", "__") or "index"
    return directory / f"{name}-{scheme}.png"


@pytest.fixture(scope="module")
def walk(browser, server, site_dir) -> dict:
    """Visit every page once at 1280 px (light); what went wrong, per page and check."""
    shots = os.environ.get("NNBOOK_SCREENSHOTS")
    shots_dir = Path(shots) if shots else None
    pages = site_pages(site_dir)
    assert "" in pages and len(pages) > 3, pages
    start = time.perf_counter()
    visitor = PageVisitor(browser, server, "light")
    loading: dict[str, list[str]] = {}
    reading: dict[str, list[str]] = {}
    katex_total = 0
    try:
        for path in pages:
            shot = screenshot_path(shots_dir, path, "light") if shots_dir else None
            result = visitor.visit(path, shot)
            katex_total += result["katex"]
            if not result["article"]:
                result["problems"].append("no <article>: the page did not render")
            if result["problems"]:
                loading[path or "/"] = result["problems"]
            if result["reading"]:
                reading[path or "/"] = result["reading"]
    finally:
        visitor.close()
    if shots_dir:  # dark-mode screenshots for people; not checked
        dark = PageVisitor(browser, server, "dark")
        try:
            for path in pages:
                dark.visit(path, screenshot_path(shots_dir, path, "dark"))
        finally:
            dark.close()
    return {
        "loading": loading,
        "reading": reading,
        "katex": katex_total,
        "pages": len(pages),
        "seconds": round(time.perf_counter() - start, 2),
    }


def fail_with(report: dict[str, list[str]], title: str) -> None:
    if report:
        details = "\n".join(
            f"  {path}\n" + "\n".join(f"    - {p}" for p in problems)
            for path, problems in report.items()
        )
        pytest.fail(f"{title}:\n{details}", pytrace=False)


def test_every_page_loads_cleanly(walk, record_property):
    """Every page: no errors, no foreign requests, images loaded, math typeset."""
    record_property("browser_seconds", walk["seconds"])
    record_property("browser_pages", walk["pages"])
    fail_with(walk["loading"], "problems found in the browser")
    # The math checks above are only meaningful if KaTeX ran somewhere.
    assert walk["katex"] > 0, "no page has typeset math: is KaTeX loaded?"


def test_every_page_reads_well_at_1280(walk):
    """At 1280 px no code line is hidden, no table too wide, no figure shrunk, and the
    checks of every width (see `test_reading.py`)."""
    fail_with(walk["reading"], "hard to read at 1280 px")


def test_search_works_offline(browser, server):
    visitor = PageVisitor(browser, server)
    page = visitor.context.new_page()
    try:
        page.goto(server, wait_until="load")
        page.wait_for_load_state("networkidle")  # the search worker has its index
        page.keyboard.press("/")  # Material's search shortcut
        page.locator("input.md-search__input").press_sequentially("softmax", delay=20)
        results = page.locator(".md-search-result__item")
        results.first.wait_for(timeout=10_000)
        assert results.count() > 0
    finally:
        page.close()
        visitor.close()
    assert not visitor.problems, visitor.problems


def test_code_blocks_have_copy_buttons(browser, server):
    visitor = PageVisitor(browser, server)
    page = visitor.context.new_page()
    try:
        page.goto(server, wait_until="load")
        blocks = page.locator(".md-content pre").count()
        buttons = page.locator(".md-content .md-clipboard, .md-content .md-code__button")
        buttons = buttons.count()
        assert blocks > 0
        assert buttons >= blocks, f"{buttons} copy buttons for {blocks} code blocks"
    finally:
        page.close()
        visitor.close()


# Copy buttons: what a reader gets on the clipboard. Material copies a code block's text,
# or the `data-copy` attribute that docs/assets/javascripts/copy-code.js sets on console
# examples (the code without prompts and output); mkdocs-jupyter copies a notebook cell's
# source. These tests click the buttons and read the clipboard.

DOCS = Path(__file__).resolve().parents[1] / "docs"
API_PAGES = sorted(p.stem for p in (DOCS / "reference").glob("*.md") if p.stem != "index")
PROMPT_LINE = re.compile(r"^(>>>|\.\.\.)( |$)")
NOTHING_COPIED = "\u2400 nothing copied"

# Each console example (a code block with a `>>>` line) on the page, in page order: the
# id of its <pre>, the text shown, and whether it is in a docstring's Examples section;
# and for each Examples section (mkdocstrings: a "Examples:" title, then the blocks and
# prose up to the next section), how many console examples it holds.
CONSOLE_BLOCKS_JS = r"""
() => {
  const examples = new Set();
  const sections = [];
  document.querySelectorAll(".doc-section-title").forEach((title) => {
    if (!/^Examples/.test(title.textContent.trim())) return;
    const before = examples.size;
    let el = title.closest("p").nextElementSibling;
    for (; el && !el.matches(".doc-children, details"); el = el.nextElementSibling) {
      if (el.querySelector(".doc-section-title")) break;
      el.querySelectorAll("pre").forEach((pre) => examples.add(pre));
      if (el.matches("pre")) examples.add(el);
    }
    sections.push(examples.size - before);
  });
  const blocks = [];
  document.querySelectorAll(".md-content pre > code").forEach((code) => {
    if (!/^>>>( |$)/m.test(code.textContent)) return;
    const pre = code.parentElement;
    blocks.push({ id: pre.id, shown: code.textContent, examples: examples.has(pre) });
  });
  return { blocks: blocks, sections: sections };
}
"""

PLAIN_BLOCK_JS = """
() => {
  const code = Array.from(document.querySelectorAll(".md-content pre > code"))
    .find((c) => !c.textContent.includes(">>>"));
  return [code.parentElement.id, code.textContent];
}
"""


@pytest.fixture(scope="module")
def clipboard(browser, server):
    """One page in a context allowed to read the clipboard, reused by the copy tests.

    Unlike PageVisitor's, its requests are not routed through Python (quicker): the
    test of every page above already fails on any request to another host.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    yield page
    context.close()
    assert not errors, errors


def open_page(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_function("() => window.nnbookCopy && document.querySelector('article')")


def click_and_read(page, button) -> str:
    """Click a copy button and return what it put on the clipboard (three tries)."""
    for _ in range(3):
        page.evaluate("(text) => navigator.clipboard.writeText(text)", NOTHING_COPIED)
        button.click()
        for _ in range(20):  # mkdocs-jupyter's button writes asynchronously
            text = page.evaluate("() => navigator.clipboard.readText()")
            if text != NOTHING_COPIED:
                return text
            page.wait_for_timeout(20)
    raise AssertionError("the copy button put nothing on the clipboard")


def copy_block(page, pre_id: str) -> str:
    return click_and_read(page, page.locator(f"[id='{pre_id}'] [data-clipboard-target]"))


def doctest_examples(shown: str) -> list[doctest.Example]:
    return doctest.DocTestParser().get_examples(shown)


def assert_copied_code_only(shown: str, copied: str, where: str) -> None:
    """`copied` is the code of the console example `shown`: what doctest runs, no more."""
    examples = doctest_examples(shown)
    assert examples, f"{where}: no doctest example in {shown!r}"
    code = "".join(example.source for example in examples)
    assert copied == code.rstrip("\n"), f"{where}: copied {copied!r}, expected {code!r}"
    prompts = [line for line in copied.splitlines() if PROMPT_LINE.match(line)]
    assert not prompts, f"{where}: prompts left in the copied text: {prompts}"
    outputs = {line for ex in examples for line in ex.want.splitlines() if line.strip()}
    leaked = [line for line in copied.splitlines() if line in outputs]
    assert not leaked, f"{where}: output lines in the copied text: {leaked}"


# Click the copy button of each of the blocks `ids` from the page's script (much quicker
# than a mouse click each: the same click event and copy handlers run) and return what
# each put on the clipboard, or `nothing` where it put nothing: without a user's gesture,
# Chromium now and then refuses a script's copy on a busy machine.
CLICK_EACH_JS = """
async ([ids, nothing]) => {
  const copied = [];
  for (const id of ids) {
    await navigator.clipboard.writeText(nothing);
    document.querySelector(`[id='${id}'] [data-clipboard-target]`).click();
    copied.push(await navigator.clipboard.readText());
  }
  return copied;
}
"""


@pytest.fixture(scope="module")
def api_examples(clipboard, server) -> dict[str, dict]:
    """Click the copy button of every console example on every API reference page."""
    found = {}
    for name in API_PAGES:
        open_page(clipboard, f"{server}reference/{name}/")
        page = clipboard.evaluate(CONSOLE_BLOCKS_JS)
        ids = [block["id"] for block in page["blocks"]]
        copied = clipboard.evaluate(CLICK_EACH_JS, [ids, NOTHING_COPIED])
        for block, text in zip(page["blocks"], copied, strict=True):
            if text == NOTHING_COPIED:  # refused: click it with the mouse instead
                text = copy_block(clipboard, block["id"])
            block["copied"] = text
        found[name] = page
    return found


def test_copy_buttons_on_api_pages_copy_code_without_prompts_or_output(api_examples):
    total = 0
    for name, page in api_examples.items():
        for block in page["blocks"]:
            where = f"reference/{name}/ #{block['id']}"
            assert_copied_code_only(block["shown"], block["copied"], where)
            total += 1
    assert total >= len(API_PAGES), f"only {total} console examples on the API pages"


def test_copy_button_on_a_markdown_page(clipboard, server):
    open_page(clipboard, server)  # the home page: a quick start (pycon) and shell blocks
    blocks = clipboard.evaluate(CONSOLE_BLOCKS_JS)["blocks"]
    assert blocks, "the home page shows no console example"
    for block in blocks:
        copied = copy_block(clipboard, block["id"])
        assert_copied_code_only(block["shown"], copied, f"home page #{block['id']}")
    # A block that is not a console example (the shell commands) is copied as shown.
    pre_id, shown = clipboard.evaluate(PLAIN_BLOCK_JS)
    assert shown.strip()
    assert copy_block(clipboard, pre_id) == shown.rstrip()


def test_copy_button_on_a_source_listing_copies_no_line_numbers(clipboard, server):
    open_page(clipboard, f"{server}reference/activations/")
    listing = clipboard.locator("details.mkdocstrings-source").first
    listing.locator("summary").click()
    pre = listing.locator("td.code pre")
    copied = copy_block(clipboard, pre.get_attribute("id"))
    assert copied.startswith("def step_function("), copied[:80]
    assert copied == pre.locator("code").text_content().rstrip()


@pytest.mark.parametrize("chapter", ["ch03_neural_networks"])
def test_copy_buttons_on_a_chapter_copy_each_cell_source(clipboard, server, chapter):
    notebook = json.loads((DOCS / "chapters" / f"{chapter}.ipynb").read_text("utf-8"))
    sources = [
        "".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"
    ]
    open_page(clipboard, f"{server}chapters/{chapter}/")
    buttons = clipboard.locator(".jp-CodeCell .jp-InputArea clipboard-copy")
    assert buttons.count() == len(sources), "one copy button per code cell"
    for i, source in enumerate(sources):
        copied = click_and_read(clipboard, buttons.nth(i))
        assert copied == source, f"{chapter} code cell {i + 1}: copied {copied[:200]!r}"
        assert not any(PROMPT_LINE.match(line) for line in copied.splitlines())


def test_console_code_follows_doctest(clipboard, server):
    """The rules of copy-code.js on cases the site may not show today."""
    open_page(clipboard, server)
    cases = {
        "x = 1\nprint(x)": None,  # no >>> prompt: copied as shown
        "...\nx = 1": None,  # an Ellipsis placeholder in plain code
        ">>> x = 1\n>>> x\n1": "x = 1\nx",
        ">>> for i in range(2):\n...     print(i)\n...\n0\n1": (
            "for i in range(2):\n    print(i)\n"
        ),
        ">>> f()\nTraceback (most recent call last):\n...\nValueError: no": "f()",
        ">>>\n>>> y = 2\n": "\ny = 2",
        ">>>x = 1\n>>> y = 2": "y = 2",  # doctest needs the space after the prompt
    }
    for text, code in cases.items():
        got = clipboard.evaluate("(t) => window.nnbookCopy.codeOfConsole(t)", text)
        assert got == code, (text, got)


# Run the copied examples of one API page in one interpreter, in page order, as a reader
# pasting them one after another would. Input (stdin): the copied text of each Examples
# block, cut into its doctest examples. An example whose page shows a traceback must raise
# that exception (the site hides doctest directives, so a "..." in the message shown
# elides, as ELLIPSIS); every other example must run without error. Output (stdout):
# JSON with the failures, and the data an example found missing, if any.
RUN_COPIED_EXAMPLES = r"""
import contextlib, doctest, io, json, sys, traceback

checker = doctest.OutputChecker()
flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
namespace = {"__name__": "__main__"}
failures, missing = [], None
for example in json.load(sys.stdin):
    where, expected = example["where"], example["exc_msg"]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(example["source"], where, "exec"), namespace)
    except Exception as exc:
        if type(exc).__name__ == "DataNotFoundError":
            missing = f"{where}: {exc}"
            break
        got = traceback.format_exception_only(type(exc), exc)[-1]
        if expected is None or not checker.check_output(expected, got, flags):
            failures.append(f"{where}:\n{example['source']}{traceback.format_exc()}")
    else:
        if expected is not None:
            failures.append(f"{where}: {example['source']}raised nothing, not {expected}")
json.dump({"failures": failures, "missing": missing}, sys.stdout)
"""


def runnable_examples(name: str, blocks: list[dict]) -> list[dict]:
    """Cut the copied text of each Examples block into its doctest examples."""
    out = []
    for block in blocks:
        where = f"reference/{name}/ #{block['id']}"
        examples = doctest_examples(block["shown"])
        code = "".join(ex.source for ex in examples).rstrip("\n")
        assert block["copied"] == code, f"{where}: the copied text is not the doctest's"
        out += [
            {"where": where, "source": ex.source, "exc_msg": ex.exc_msg} for ex in examples
        ]
    return out


@pytest.mark.parametrize("name", API_PAGES)
def test_copied_api_examples_run(api_examples, name, tmp_path, skip_or_fail):
    """Every Examples section of the page, copied with its button, runs with Python."""
    page = api_examples[name]
    blocks = [block for block in page["blocks"] if block["examples"]]
    assert page["sections"], f"reference/{name}/ has no Examples section"
    assert all(page["sections"]), (
        f"reference/{name}/: an Examples section without a console example (found "
        f"{page['sections']} in its sections): has mkdocstrings' layout changed?"
    )
    env = dict(os.environ, MPLBACKEND="Agg", NNBOOK_OFFLINE="1")  # read data, never fetch
    proc = subprocess.run(
        [sys.executable, "-c", RUN_COPIED_EXAMPLES],
        input=json.dumps(runnable_examples(name, blocks)),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    assert not result["failures"], "\n".join(result["failures"])
    if result["missing"]:
        skip_or_fail(f"an example needs data: {result['missing']}; set NNBOOK_DATA")
