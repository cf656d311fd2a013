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

import functools
import os
import shutil
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

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
  return {
    problems: problems,
    katex: document.querySelectorAll(".katex").length,
    images: imgs.length,
    article: document.querySelector("article") !== null,
  };
}
"""


def find_chromium() -> str | None:
    candidates = [
        os.environ.get("NNBOOK_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def server(site_dir: Path):
    """Serve the built site on 127.0.0.1 (a free port) from a thread; yield its URL."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(skip_or_fail):
    executable = find_chromium()
    if executable is None:
        skip_or_fail(
            "no chromium found: install Debian's `chromium` (or set NNBOOK_CHROMIUM)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def site_pages(site_dir: Path) -> list[str]:
    """Return every page of the site as a URL path ('', 'getting-started/', ...)."""
    pages = []
    for index in sorted(site_dir.rglob("index.html")):
        rel = index.parent.relative_to(site_dir).as_posix()
        pages.append("" if rel == "." else rel + "/")
    return pages


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


def test_every_page_loads_cleanly(browser, server, site_dir, record_property):
    """Every page: no errors, no foreign requests, images loaded, math typeset."""
    shots = os.environ.get("NNBOOK_SCREENSHOTS")
    shots_dir = Path(shots) if shots else None
    pages = site_pages(site_dir)
    assert "" in pages and len(pages) > 3, pages
    start = time.perf_counter()
    visitor = PageVisitor(browser, server, "light")
    report: dict[str, list[str]] = {}
    katex_total = 0
    try:
        for path in pages:
            shot = screenshot_path(shots_dir, path, "light") if shots_dir else None
            result = visitor.visit(path, shot)
            katex_total += result["katex"]
            if not result["article"]:
                result["problems"].append("no <article>: the page did not render")
            if result["problems"]:
                report[path or "/"] = result["problems"]
    finally:
        visitor.close()
    if shots_dir:  # dark-mode screenshots for people; not checked
        dark = PageVisitor(browser, server, "dark")
        try:
            for path in pages:
                dark.visit(path, screenshot_path(shots_dir, path, "dark"))
        finally:
            dark.close()
    seconds = time.perf_counter() - start
    record_property("browser_seconds", round(seconds, 2))
    record_property("browser_pages", len(pages))
    if report:
        details = "\n".join(
            f"  {path}\n" + "\n".join(f"    - {p}" for p in problems)
            for path, problems in report.items()
        )
        pytest.fail(f"problems found in the browser:\n{details}", pytrace=False)
    # The math checks above are only meaningful if KaTeX ran somewhere.
    assert katex_total > 0, "no page has typeset math: is KaTeX loaded?"


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
