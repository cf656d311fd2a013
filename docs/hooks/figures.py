"""MkDocs hook: the figures of the notebook pages become files with a description.

mkdocs-jupyter inlines each figure a notebook cell drew as a base64 `data:` URI, with
nbconvert's stand-in alt text "No description has been provided for this image". On every
notebook page this hook

- writes each figure to a file beside the page (`fig-<cell id>-<n>.png`), so that the page
  stays small and the lightbox (mkdocs-glightbox) opens that file instead of a second copy;
- gives it its description from the cell's metadata, `"alt": "..."`, or a list with one
  description per figure when a cell draws several (the key nbconvert's classic template
  reads); a figure without one is a warning, which `mkdocs build --strict` makes an error;
- gives it its width and height in pixels (read from the file), so the page does not jump
  while figures load lazily.

It runs before mkdocs-glightbox wraps the images in links (a higher event priority).
"""

from __future__ import annotations

import base64
import html
import json
import logging
import re
import struct
from pathlib import Path

from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.figures")

NO_ALT = "No description has been provided for this image"
_IMG = re.compile(r"<img\b[^>]*>", re.S)
_CELL = re.compile(r'id="cell-id=([^"]+)"')
_DATA_SRC = re.compile(r'\bsrc="data:image/(png|jpeg|svg\+xml);base64,([^"]+)"')
_ALT = re.compile(r'\balt="[^"]*"')
_EXT = {"png": "png", "jpeg": "jpg", "svg+xml": "svg"}


def _descriptions(notebook: Path) -> dict[str, list[str]]:
    """Map each code cell's id to the descriptions of its figures, in order."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    found = {}
    for cell in cells:
        alt = cell.get("metadata", {}).get("alt")
        if alt is not None and "id" in cell:
            found[cell["id"]] = [alt] if isinstance(alt, str) else list(alt)
    return found


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    return None


@event_priority(50)
def on_page_content(html_text: str, page, config, files):
    """Turn each inline figure of a notebook page into a described file."""
    source = page.file.abs_src_path
    if not source or not source.endswith(".ipynb"):
        return html_text
    alts = _descriptions(Path(source))
    out_dir = Path(config["site_dir"]) / Path(page.file.dest_uri).parent
    cells = [(m.start(), m.group(1)) for m in _CELL.finditer(html_text)]
    counts: dict[str, int] = {}
    missing = []

    def cell_at(pos: int) -> str:
        owner = "page"
        for start, cell_id in cells:
            if start > pos:
                break
            owner = cell_id
        return owner

    def replace(match: re.Match) -> str:
        tag = match.group(0)
        cell_id = cell_at(match.start())
        n = counts.get(cell_id, 0)
        counts[cell_id] = n + 1
        data = _DATA_SRC.search(tag)
        if data:
            raw = base64.b64decode(data.group(2))
            name = f"fig-{cell_id}-{n + 1}.{_EXT[data.group(1)]}"
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / name).write_bytes(raw)
            tag = tag.replace(data.group(0), f'src="{name}"')
            size = _png_size(raw)
            if size and "width=" not in tag:
                tag = tag.replace("<img", f'<img width="{size[0]}" height="{size[1]}"', 1)
            tag = tag.replace("<img", '<img loading="lazy"', 1)
        described = alts.get(cell_id, [])
        if n < len(described) and described[n].strip():
            alt = f'alt="{html.escape(described[n].strip(), quote=True)}"'
            tag = _ALT.sub(alt, tag, count=1) if _ALT.search(tag) else tag.replace(
                "<img", f"<img {alt}", 1
            )
        elif NO_ALT in tag or "alt=" not in tag:
            missing.append(f"cell {cell_id}, figure {n + 1}")
        return tag

    html_text = _IMG.sub(replace, html_text)
    if missing:
        log.warning(
            "%s: %d figure(s) without a description (%s): give the cell an "
            '"alt" entry in its metadata (a list when it draws several figures)',
            page.file.src_path,
            len(missing),
            "; ".join(missing),
        )
    return html_text
