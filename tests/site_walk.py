"""What the browser tests of the site share: its pages, and the reading checks.

`test_browser.py` runs `READING_JS` at 1280 px during its walk over every page (one walk
for both kinds of check); `test_reading.py` runs it at 390 px.
"""

from __future__ import annotations

from pathlib import Path

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
def site_pages(site_dir: Path) -> list[str]:
    """Return every page of the site as a URL path ('', 'getting-started/', ...)."""
    pages = []
    for index in sorted(site_dir.rglob("index.html")):
        rel = index.parent.relative_to(site_dir).as_posix()
        if rel.startswith("assets"):
            continue
        pages.append("" if rel == "." else rel + "/")
    return pages
