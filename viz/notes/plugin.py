"""The mkdocs plugin: `plugins: [micrograd]` in mkdocs.yml is the whole setup.

    plugins:
      - search
      - micrograd:
          lang: zh          # the figures' words (en, zh); by default the theme's language
                            # (mkdocs-material's `language: zh` gives zh); a fence's lang=
                            # overrides it
          colours: auto     # the page's colours, light and slate; "light": always light

It registers the ```micrograd fence with pymdownx.superfences (adding the extension if the
site lacks it; a site's own entry for the fence is replaced, so both setups can meet), and
places a failed block on its page: the page's file, the page's line and column, the block's
number on the page, the line with a caret; option errors at the option in the header.
Found by the entry point `mkdocs.plugins` -> `micrograd` in setup.cfg.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.plugins import BasePlugin, event_priority

from .fence import NoteError, picture
from .figures import block_html
from .options import COLOURS, LANGS, OptionError, read_options
from .superfences import build_failure, describe

SUPERFENCES = "pymdownx.superfences"
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@dataclass(frozen=True)
class Fence:
    """Where a ```micrograd block sits on its page: its header's line (1-based), the header's
    text and the indentation its body lines carry."""

    line: int
    header: str
    indent: int


def find_fences(markdown: str) -> list[Fence]:
    """The page's ```micrograd blocks in order; a fence inside another fence is text."""
    found: list[Fence] = []
    opened: str | None = None
    for number, line in enumerate(markdown.splitlines(), 1):
        match = _FENCE.match(line)
        if opened is not None:
            if match and match["fence"].startswith(opened) and not match["info"].strip():
                opened = None
            continue
        if match is None:
            continue
        opened = match["fence"]
        words = match["info"].strip().lstrip("{").lstrip(".").split()
        if words and words[0].rstrip("}") == "micrograd":
            found.append(Fence(number, line, len(match["indent"])))
    return found


def theme_lang(theme_language: object) -> str:
    """The figures' language for a site whose theme is in `theme_language` ("zh", "zh-Hans",
    "zh_CN", "en", ...): a Chinese site's figures speak Chinese unasked; any language the
    catalogs lack gives English."""
    base_language = re.split(r"[-_]", str(theme_language or "en"))[0].lower()
    return base_language if base_language in LANGS else "en"


class MicrogradConfig(base.Config):
    lang = c.Optional(c.Choice(LANGS))  # None: the theme's language (`theme_lang`)
    colours = c.Choice(COLOURS, default="auto")


class MicrogradPlugin(BasePlugin[MicrogradConfig]):
    """Registers the fence with the site's options; places a failed block on its page."""

    def __init__(self) -> None:
        self._page = ""
        self._lines: list[str] = []
        self._fences: list[Fence] = []
        self._block = 0
        self._lang = "en"  # the site's: the `lang` option, else the theme's (`on_config`)

    def on_config(self, config: Any) -> Any:
        if SUPERFENCES not in config.markdown_extensions:
            config.markdown_extensions.append(SUPERFENCES)
        settings = config.mdx_configs.setdefault(SUPERFENCES, {})
        fences = [f for f in settings.get("custom_fences", []) if f.get("name") != "micrograd"]
        fences.append(
            {
                "name": "micrograd",
                "class": "micrograd",
                "validator": self.validate,
                "format": self.format,
            }
        )
        settings["custom_fences"] = fences
        self._lang = self.config.lang or theme_lang(config.theme.get("language"))
        return config

    @event_priority(-100)  # last: the text superfences will read, after other plugins' edits
    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Any) -> str:
        self._page = page.file.src_uri
        self._lines = markdown.splitlines()
        self._fences = find_fences(markdown)
        self._block = 0
        return markdown

    def validate(
        self,
        language: str,
        inputs: dict[str, str],
        options: dict[str, Any],
        attrs: dict[str, str],
        md: Any,
    ) -> bool:
        """The header's options over the site's; a wrong one fails the build at its place."""
        self._block += 1
        site = {"lang": self._lang, "colours": self.config.colours}
        try:
            options.update(read_options(inputs, site))
        except OptionError as e:
            raise build_failure(self.place(e)) from None
        return True

    def format(
        self,
        source: str,
        language: str,
        css_class: str,
        options: dict[str, Any],
        md: Any,
        **kwargs: Any,
    ) -> str:
        try:
            return block_html(source, options)
        except Exception as e:  # noqa: BLE001 - any failure must fail the build, not show code
            raise build_failure(self.place(e)) from None

    def place(self, error: Exception) -> str:
        """`error` of the current block, told at its place on the page."""
        k = self._block
        if not 1 <= k <= len(self._fences):  # a fence the scan did not see: the block's place
            return f"{self._page}, micrograd block {k}: {describe(error)}"
        fence = self._fences[k - 1]
        if isinstance(error, NoteError):
            line = fence.line + error.line
            column = fence.indent + error.column
            reason = error.reason
        else:
            line = fence.line
            found = re.search(rf"\b{re.escape(getattr(error, 'key', ''))}\s*=", fence.header)
            column = (found.start() if found else fence.header.find("micrograd")) + 1
            reason = error.reason if isinstance(error, OptionError) else describe(error)
        text = self._lines[line - 1] if line <= len(self._lines) else ""
        return (
            f"{self._page}, line {line}, column {column} (micrograd block {k} of the page): "
            f"{reason}\n{picture(text, column)}"
        )
