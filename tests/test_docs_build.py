"""The site builds with `mkdocs build --strict`, offline, and carries what it promises.

The build itself is the session fixture `built_site` (tests/conftest.py), shared with the
browser test so that the site is built once per test run.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The target is a build under 30 s on a quiet machine (about 3 s measured for
# chapters 2-3). The bound asserted here is looser so that a busy CI machine does not
# flake, while a build that executes notebooks or trains something still fails.
MAX_BUILD_SECONDS = 90


def nav_pages() -> list[str]:
    """Return the docs-relative paths named in mkdocs.yml's nav, in order."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = text.split("\nnav:", 1)[1]
    nav = re.split(r"\n(?=\S)", nav, maxsplit=1)[0]  # up to the next top-level key
    return re.findall(r"([\w./-]+\.(?:md|ipynb))\s*$", nav, re.M)


def page_html(site: Path, docs_path: str) -> str:
    """Return the HTML that mkdocs wrote for a page (use_directory_urls layout)."""
    stem = Path(docs_path).with_suffix("")
    out = site / (stem.parent if stem.name == "index" else stem) / "index.html"
    assert out.is_file(), f"{docs_path} produced no page at {out.relative_to(site)}"
    return out.read_text(encoding="utf-8")


def test_build_is_strict_clean_and_quick(built_site, record_property):
    record_property("docs_build_seconds", round(built_site.seconds, 2))
    assert built_site.returncode == 0, (
        f"mkdocs build --strict failed:\n{built_site.log[-6000:]}"
    )
    assert built_site.seconds < MAX_BUILD_SECONDS, (
        f"mkdocs build took {built_site.seconds:.1f} s; it must not execute notebooks, "
        "train, or download anything"
    )


def test_every_nav_page_was_built(site_dir):
    pages = nav_pages()
    assert "index.md" in pages
    for docs_path in pages:
        has_content = "<article" in page_html(site_dir, docs_path)
        assert has_content, f"{docs_path} was built without content"


NOTEBOOKS = [p for p in nav_pages() if p.endswith(".ipynb")]
CHAPTERS = [p for p in NOTEBOOKS if p.startswith("chapters/")]


def test_the_chapters_are_in_the_nav():
    on_disk = sorted(
        p.relative_to(ROOT / "docs").as_posix()
        for p in (ROOT / "docs" / "chapters").glob("*.ipynb")
    )
    assert on_disk, "no chapter notebooks in docs/chapters"
    assert sorted(CHAPTERS) == on_disk


@pytest.mark.parametrize("docs_path", NOTEBOOKS)
def test_notebook_page_has_no_traceback(site_dir, docs_path):
    html = page_html(site_dir, docs_path)
    rendered = "jupyter-wrapper" in html
    assert rendered, f"{docs_path} was not rendered as a notebook"
    has_traceback = "Traceback" in html
    assert not has_traceback, f"{docs_path} shows a stored traceback"


@pytest.mark.parametrize("docs_path", CHAPTERS)
def test_chapter_page_shows_its_plots(site_dir, docs_path):
    html = page_html(site_dir, docs_path)
    # Figures are inline data: URIs in the notebook; docs/hooks/figures.py writes them out
    # as files beside the page.
    image = r"<img\b[^>]*\bsrc=\"(data:image/(png|svg\+xml)|[^\"]+\.(png|svg))\""
    has_plot = re.search(image, html) is not None
    assert has_plot, (
        f"{docs_path} has no plot: store its outputs with "
        f"`make notebooks NB=docs/{docs_path}`"
    )


NAVIGATION_LINKS = ("canonical", "alternate", "prev", "next")


class _Resources(HTMLParser):
    """Collect the URLs a page loads by itself (not the links a reader may follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed"):
            self.urls.append(a.get("src") or "")
        elif tag == "link" and a.get("rel") not in NAVIGATION_LINKS:
            self.urls.append(a.get("href") or "")


def test_pages_load_nothing_from_other_hosts(site_dir):
    """A static check that needs no browser; test_browser.py checks the real requests."""
    offenders = []
    for html_file in sorted(site_dir.rglob("*.html")):
        parser = _Resources()
        parser.feed(html_file.read_text(encoding="utf-8"))
        for url in parser.urls:
            if re.match(r"(https?:)?//", url):
                offenders.append(f"{html_file.relative_to(site_dir)}: {url}")
    for css in sorted(site_dir.rglob("*.css")):
        text = css.read_text(encoding="utf-8")
        for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", text):
            offenders.append(f"{css.relative_to(site_dir)}: {url}")
    assert not offenders, "external resources:\n" + "\n".join(offenders)


def test_katex_is_vendored_with_its_fonts(site_dir):
    katex = site_dir / "assets" / "katex"
    for name in ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "LICENSE"):
        assert (katex / name).is_file(), name
    css = (katex / "katex.min.css").read_text(encoding="utf-8")
    woff2 = set(re.findall(r"url\((fonts/[\w-]+\.woff2)\)", css))
    assert woff2, "katex.min.css names no woff2 fonts"
    missing = sorted(f for f in woff2 if not (katex / f).is_file())
    assert not missing, f"fonts named by katex.min.css but not vendored: {missing}"


def test_changelog_page_includes_the_changelog(site_dir):
    html = page_html(site_dir, "changelog.md")
    included = "Unreleased" in html and "--8&lt;--" not in html
    assert included, "docs/changelog.md did not include CHANGELOG.md"
