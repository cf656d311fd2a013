"""Can a reader read every page, on a laptop (1280 px) and on a phone (390 px)?

Each page of the built site is opened in Debian's headless Chromium at both widths (at
1280 px by the walk of `test_browser.py`, which runs the same checks), and checked for
what a reader meets first:

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

from site_walk import NO_ALT, READING_JS, site_pages

WIDTHS = {"1280": (1280, 900), "390": (390, 844)}

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


def shot_name(directory: Path, path: str, width: str, scheme: str) -> Path:
    name = path.strip("/").replace("/", "__") or "index"
    return directory / f"{name}-{width}-{scheme}.png"


def open_page(context, url: str):
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


# At 1280 px test_browser.py checks the same during its walk over every page; here only
# for screenshots (NNBOOK_SCREENSHOTS), which want both widths.
CHECKED_WIDTHS = list(WIDTHS) if os.environ.get("NNBOOK_SCREENSHOTS") else ["390"]


@pytest.mark.browser
@pytest.mark.parametrize("width", CHECKED_WIDTHS)
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
