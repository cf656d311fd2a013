"""MkDocs hook: the home page lists the chapters that exist, from the navigation.

The home page says `<!-- chapters -->` where the list of chapters goes, and
`<!-- chapter-range -->` where a phrase such as "chapters 2 to 6" goes. Both are filled in
from the "Chapters" section of `nav` in mkdocs.yml, so the home page can never promise a
chapter the site does not have: a new chapter appears there when it enters the navigation.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"^(\d+)")


def _chapters(config) -> list[tuple[str, str]]:
    for entry in config["nav"] or []:
        if isinstance(entry, dict) and "Chapters" in entry:
            return [(title, path) for item in entry["Chapters"] for title, path in item.items()]
    return []


def on_page_markdown(markdown: str, page, config, files):
    """Fill in the chapter list and range on the pages that ask for them."""
    if "<!-- chapters -->" not in markdown and "<!-- chapter-range -->" not in markdown:
        return markdown
    chapters = _chapters(config)
    if not chapters:
        raise ValueError("mkdocs.yml has no 'Chapters' section in nav to list")
    base = page.file.src_uri.rsplit("/", 1)[0] + "/" if "/" in page.file.src_uri else ""
    listing = "\n".join(
        f"- [{title}]({path.removeprefix(base)})" for title, path in chapters
    )
    numbers = [int(m.group(1)) for title, _ in chapters if (m := _NUMBER.match(title))]
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        span = f"chapters {numbers[0]} to {numbers[-1]}"
    else:
        span = "chapters " + ", ".join(map(str, numbers))
    markdown = markdown.replace("<!-- chapters -->", listing)
    return markdown.replace("<!-- chapter-range -->", span)
