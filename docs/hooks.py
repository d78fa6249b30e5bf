"""mkdocs hook: the line `<!-- README -->` of the home page becomes README.md.

The README is the project's front door on GitHub and the site's home page, one text in two
places; its links, written relative to the repository (`docs/engine.md`,
`docs/images/...`), are made relative to the docs. Every other page is a file of docs/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parent.parent / "README.md"
DIRECTIVE = "<!-- README -->"


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if DIRECTIVE not in markdown:
        return markdown
    readme = README.read_text(encoding="utf-8").replace("](docs/", "](")
    return markdown.replace(DIRECTIVE, readme)
