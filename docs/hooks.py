"""mkdocs hook: a page's `<!-- README: Title -->` line becomes that section of README.md.

The README is the one text of the project's guide (its examples run as tests); the site shows
its sections as pages instead of keeping a second copy that would drift. A section runs from
its `## Title` heading to the next `## `. A section that opens its page is raised one level,
its heading becoming the page's title; its picture links, relative to the repository, are made
relative to the docs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parent.parent / "README.md"
DIRECTIVE = re.compile(r"^<!-- README: (.+?) -->$", re.M)


def readme_sections(text: str) -> dict[str, str]:
    """The README's `## ` sections by title, and the text before the first by its `# ` title."""
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    top = re.match(r"# (.+)\n", parts[0])
    sections = {top.group(1).strip() if top else "": parts[0].replace("# ", "## ", 1)}
    for title, body in zip(parts[1::2], parts[2::2]):
        sections[title.strip()] = f"## {title.strip()}\n{body}"
    return sections


def section(title: str, sections: dict[str, str]) -> str:
    """The section whose title starts with `title` (titles carry code spans: `viz`)."""
    found = [body for name, body in sections.items() if name.startswith(title)]
    if len(found) != 1:
        raise ValueError(f"README.md has {len(found)} sections titled {title!r}...; expected 1")
    return found[0].replace("](docs/", "](")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    sections = readme_sections(README.read_text(encoding="utf-8"))

    def include(match: re.Match[str]) -> str:
        text = section(match.group(1), sections)
        return re.sub(r"^#(#+ )", r"\1", text, flags=re.M) if match.start() == 0 else text

    return DIRECTIVE.sub(include, markdown)
