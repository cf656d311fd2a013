"""Can a reader read every page, on a laptop (1280 px) and on a phone (390 px)?

Each page of the built site is opened in Debian's headless Chromium at both widths, and
checked for what a reader meets first:

- at 1280 px no line of code is hidden (neither cut off nor behind a scroll bar), no
  table is wider than its column, and no figure is shrunk (it is drawn for the width it
  is shown at);
- at 390 px the page itself never scrolls sideways: code, outputs and tables that are
  wider than the screen scroll inside their own box;
- at both widths no number or word is broken across two lines, the copy button covers
  no code, and every image has a real description (alt text) and opens full size.

Japanese search: the search box finds the chapter of a Japanese term.

With NNBOOK_SCREENSHOTS=/some/dir (`make screenshots` uses `screenshots/`), every page is
also saved at both widths, in light and dark mode, for people to look at.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

WIDTHS = {"1280": (1280, 900), "390": (390, 844)}

# The default nbconvert puts on an image without a description.
NO_ALT = "No description has been provided for this image"

READING_JS = r"""
async (wide) => {
  const problems = [];
  const say = (what, el, detail) => {
    const text = (el && (el.innerText || el.textContent) || "").trim().split("\n")[0];
    problems.push(what + ": " + (detail || text).slice(0, 100));
  };
  const content = document.querySelector(".md-content");
  if (!content) return ["no .md-content"];

  // The page itself never scrolls sideways.
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    problems.push(`the page scrolls sideways: ${root.scrollWidth} px wide in a `
      + `${root.clientWidth} px window`);
  }

  // Code and outputs: the element that holds the lines either fits, or (on a phone)
  // scrolls. At 1280 px nothing may be hidden at all.
  const blocks = content.querySelectorAll(
    "pre, pre > code, .jp-OutputArea-output pre, .jp-RenderedText pre");
  for (const el of blocks) {
    if (el.closest(".katex, .glightbox-container")) continue;
    const hidden = el.scrollWidth - el.clientWidth;
    if (hidden <= 1) continue;
    const x = getComputedStyle(el).overflowX;
    const scrolls = x === "auto" || x === "scroll";
    const parentScrolls = ["auto", "scroll"].includes(
      getComputedStyle(el.parentElement).overflowX);
    if (wide) {
      say(`code line hidden at 1280 px (${hidden} px too wide)`, el);
    } else if (!scrolls && !(el.tagName === "CODE" && parentScrolls)) {
      say(`code clipped without a scroll bar (${hidden} px)`, el);
    }
  }

  // Copy buttons must not cover code: at 1280 px where the code sits, and on a phone
  // once the code is scrolled to its end (the last characters must come clear).
  const pairs = [];
  for (const button of content.querySelectorAll(".md-clipboard, .md-code__button")) {
    const pre = button.closest("pre") || button.parentElement;
    const code = pre && pre.querySelector("code");
    if (code) pairs.push([button, code]);
  }
  for (const editor of content.querySelectorAll(".jp-InputArea-editor")) {
    const button = editor.querySelector(".zeroclipboard-container");
    const code = editor.querySelector(".highlight-ipynb pre");
    if (button && code) pairs.push([button, code]);
  }
  for (const [button, code] of pairs) {
    for (const box of [code, code.parentElement]) {
      if (box.scrollWidth > box.clientWidth) box.scrollLeft = box.scrollWidth;
    }
    const b = button.getBoundingClientRect();
    if (b.width === 0) continue;
    const range = document.createRange();
    range.selectNodeContents(code);
    for (const r of range.getClientRects()) {
      if (r.width > 0 && r.right > b.left + 1 && r.left < b.right - 1
          && r.bottom > b.top + 1 && r.top < b.bottom - 1) {
        say("the copy button covers code", code);
        break;
      }
    }
    for (const box of [code, code.parentElement]) box.scrollLeft = 0;
  }

  // Tables: at 1280 px every column is visible; on a phone a wide table scrolls.
  for (const table of content.querySelectorAll("table")) {
    if (table.closest(".katex")) continue;
    let box = table;
    while (box && box !== content) {
      const x = getComputedStyle(box).overflowX;
      if (x === "auto" || x === "scroll") break;
      box = box.parentElement;
    }
    const t = table.getBoundingClientRect();
    const column = content.querySelector("article").getBoundingClientRect();
    if (wide) {
      const hidden = (box && box !== content) ? box.scrollWidth - box.clientWidth : 0;
      if (hidden > 1 || t.right > column.right + 1) {
        say(`table wider than the page at 1280 px (${Math.round(t.width)} px)`, table);
      }
    } else if (t.width > column.width + 1 && (!box || box === content)) {
      say("wide table does not scroll", table);
    }
  }

  // No number or word broken across lines (break-all, overflow-wrap: anywhere).
  const skip = ".katex, svg, script, style, .md-search, .md-sidebar, .md-header, nav";
  const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
  const token = /[A-Za-z0-9_][A-Za-z0-9_.]*[A-Za-z0-9_]/g;
  let broken = 0;
  for (let node = walker.nextNode(); node && broken < 5; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip) || !parent.offsetParent) continue;
    const text = node.textContent;
    if (text.length < 2) continue;
    for (const m of text.matchAll(token)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set();
      for (const r of range.getClientRects()) {
        if (r.width > 0) tops.add(Math.round(r.top));
      }
      if (tops.size > 1) {
        say("broken across lines", parent, m[0]);
        broken += 1;
        break;
      }
    }
  }

  // Images: a real description, a link to the full-size image, and (at 1280 px)
  // drawn at least as wide as they are shown, so that their text is not shrunk.
  const images = Array.from(content.querySelectorAll("img"));
  images.forEach((img) => { img.loading = "eager"; });
  await Promise.all(images.map((img) => img.complete ? null : new Promise((done) => {
    img.addEventListener("load", done); img.addEventListener("error", done);
    setTimeout(done, 5000);
  })));
  for (const img of images) {
    const src = (img.getAttribute("src") || "").slice(0, 60);
    const alt = (img.getAttribute("alt") || "").trim();
    if (!alt || alt === "%NO_ALT%") say("image without a description", img, src);
    const link = img.closest("a.glightbox");
    if (!link || !link.getAttribute("href")) {
      say("image cannot be opened full size", img, src);
    }
    const shown = img.getBoundingClientRect().width;
    const density = Number(img.dataset.density || 1);
    if (wide && shown > 0 && shown < 0.95 * img.naturalWidth / density) {
      say(`image shrunk to ${Math.round(100 * shown * density / img.naturalWidth)}%`,
          img, alt || src);
    }
  }
  return problems;
}
""".replace("%NO_ALT%", NO_ALT)


# Figures load lazily; a full-page screenshot needs them all.
LOAD_IMAGES_JS = """
async () => {
  const images = Array.from(document.images);
  images.forEach((img) => { img.loading = "eager"; });
  await Promise.all(images.map((img) => img.complete ? null : new Promise((done) => {
    img.addEventListener("load", done); img.addEventListener("error", done);
    setTimeout(done, 5000);
  })));
}
"""


def site_pages(site_dir: Path) -> list[str]:
    """Return every page of the site as a URL path ('', 'getting-started/', ...)."""
    pages = []
    for index in sorted(site_dir.rglob("index.html")):
        rel = index.parent.relative_to(site_dir).as_posix()
        if rel.startswith("assets"):
            continue
        pages.append("" if rel == "." else rel + "/")
    return pages


def shot_name(directory: Path, path: str, width: str, scheme: str) -> Path:
    name = path.strip("/").replace("/", "__") or "index"
    return directory / f"{name}-{width}-{scheme}.png"


def open_page(context, url: str):
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


@pytest.mark.browser
@pytest.mark.parametrize(
    "width",
    [
        pytest.param(
            w,
            marks=pytest.mark.xfail(
                reason="known at 1280 px: chapter 7's stored filter-response figure and "
                "long lines in cli.md and a few docstring examples (issue 11, open)"
            ),
        )
        if str(w).startswith("1280")
        else w
        for w in WIDTHS
    ],
)
def test_every_page_reads_well(chromium, site_server, site_dir, width, record_property):
    w, h = WIDTHS[width]
    shots = os.environ.get("NNBOOK_SCREENSHOTS")
    shots_dir = Path(shots) if shots else None
    pages = site_pages(site_dir)
    report: dict[str, list[str]] = {}
    start = time.perf_counter()
    schemes = ("light", "dark") if shots_dir else ("light",)
    for scheme in schemes:
        context = chromium.new_context(
            color_scheme=scheme, viewport={"width": w, "height": h}, service_workers="block"
        )
        try:
            for path in pages:
                page = open_page(context, site_server + path)
                try:
                    if scheme == "light":
                        problems = page.evaluate(READING_JS, width == "1280")
                        if problems:
                            report[path or "/"] = problems
                    if shots_dir:
                        page.evaluate(LOAD_IMAGES_JS)
                        shots_dir.mkdir(parents=True, exist_ok=True)
                        shot = shot_name(shots_dir, path, width, scheme)
                        page.screenshot(path=str(shot), full_page=True)
                finally:
                    page.close()
        finally:
            context.close()
    record_property(f"reading_seconds_{width}", round(time.perf_counter() - start, 2))
    if report:
        details = "\n".join(
            f"  {path}\n" + "\n".join(f"    - {p}" for p in problems)
            for path, problems in report.items()
        )
        pytest.fail(f"hard to read at {width} px:\n{details}", pytrace=False)


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "chapter"),
    [("活性化関数", "ch03_neural_networks"), ("誤差逆伝播法", "ch05_backpropagation")],
)
def test_japanese_search_finds_the_chapter(chromium, site_server, query, chapter):
    """Material's search, with `lang: [en, ja]`, lists the chapter of a Japanese term."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(site_server, wait_until="load")
        page.wait_for_load_state("networkidle")  # the search worker has its index
        page.keyboard.press("/")
        meta = "document.querySelector('.md-search-result__meta')"
        page.wait_for_function(f"() => {meta} && !/Initializing/.test({meta}.textContent)")
        box = page.locator("input.md-search__input")
        box.fill(query)
        box.press("End")  # Material searches on a key press; fill() presses none
        page.wait_for_function(f"() => /matching/i.test({meta}.textContent)")
        results = page.locator(".md-search-result__item a")
        found = [results.nth(i).get_attribute("href") for i in range(results.count())]
    finally:
        page.close()
        context.close()
    assert any(f"chapters/{chapter}/" in (href or "") for href in found), (query, found)


@pytest.mark.browser
def test_a_figure_opens_full_size_on_a_phone(chromium, site_server):
    """Tapping a figure opens the lightbox with the figure's file at its full size."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(site_server + "chapters/ch05_backpropagation/", wait_until="load")
        figure = page.locator(".jp-RenderedImage a.glightbox img").first
        figure.scroll_into_view_if_needed()
        shown = figure.evaluate(
            "img => [img.getBoundingClientRect().width, img.naturalWidth]"
        )
        figure.click()
        opened = page.locator(".glightbox-container .gslide-image img").first
        opened.wait_for(state="visible", timeout=10_000)
        page.wait_for_function(
            "() => { const i = document.querySelector('.gslide-image img');"
            " return i && i.complete && i.naturalWidth > 0; }"
        )
        natural = opened.evaluate("img => img.naturalWidth")
    finally:
        page.close()
        context.close()
    inline, drawn = shown
    assert inline < drawn, "on a phone the inline figure is shrunk; the test needs that"
    assert natural == drawn, (natural, drawn)


# Static checks of the built site (no browser).

CHAPTERS_DIR = "chapters"


def chapter_pages(site_dir: Path) -> list[Path]:
    return sorted((site_dir / CHAPTERS_DIR).glob("*/index.html"))


def test_chapter_pages_hide_the_test_plumbing(site_dir):
    """No code cell on a chapter page sets up the test-suite (prose may explain it)."""
    import re

    for page in chapter_pages(site_dir):
        html = page.read_text(encoding="utf-8")
        code = "".join(
            re.findall(r'<div class="highlight-ipynb[^>]*>(.*?)</pre>', html, re.S)
        )
        code = re.sub(r"<[^>]+>", "", code)
        assert code, page.parent.name
        for plumbing in ("NNBOOK_QUICK", "OPENBLAS_NUM_THREADS", "functools.partial"):
            assert plumbing not in code, f"{page.parent.name} shows {plumbing}"


def test_chapter_pages_offer_their_notebook(site_dir):
    pages = chapter_pages(site_dir)
    assert pages
    for page in pages:
        name = page.parent.name + ".ipynb"
        html = page.read_text(encoding="utf-8")
        assert f'href="{name}"' in html and "download" in html, name
        assert (page.parent / name).is_file(), name


def test_chapter_figures_are_files_with_descriptions(site_dir):
    import re

    for page in chapter_pages(site_dir):
        html = page.read_text(encoding="utf-8")
        images = re.findall(r"<img\b[^>]*>", html)  # test_docs_build checks there are some
        for tag in images:
            alt = re.search(r'\balt="([^"]*)"', tag)
            src = re.search(r'\bsrc="([^"]*)"', tag)
            assert alt and alt.group(1).strip() and NO_ALT not in alt.group(1), tag[:120]
            assert src and (page.parent / src.group(1)).is_file(), tag[:120]


def test_home_page_lists_exactly_the_chapters_of_the_nav(site_dir):
    import re

    nav = (Path(__file__).resolve().parents[1] / "mkdocs.yml").read_text(encoding="utf-8")
    chapters = re.findall(r"chapters/(ch\d\d_\w+)\.ipynb", nav)
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'href="chapters/(ch\d\d_\w+)/"', html)
    assert chapters and sorted(set(listed)) == sorted(chapters), (listed, chapters)
    assert "every network of the book" not in html
