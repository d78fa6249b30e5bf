"""The project's words in the reader's language: one gettext catalog per language.

Every text viz writes for a reader (a drawing's legend and box fields, captions, the steps'
sentences, the explainer, the text views, the step-through page, the command line's step and
explain output) is looked up here by key, in English ("en") or in Simplified Chinese ("zh",
the terms of Qiu Xipeng's book). Exception messages stay English, as Python's own do.

    words = translator("zh")
    words("field.grad")                       # '梯度'
    words.plural("explain.paths", 3, count=3) # '3 条路径'
    text("stepper.before", "zh")              # '第一步之前'

A language is chosen per call (`lang="zh"` on `draw_dot`, `Stepper`, `to_html`, `explain`,
`format_graph`, ...), per notes fence or site, and on the command line by `--lang` or the
locale (`locale_language`: LANG=zh_CN.UTF-8 reads Chinese). The catalogs are .po files in
locale/<lang>/LC_MESSAGES/, shipped compiled (`viz.words.msgfmt`) for Python's `gettext`.
Placeholders are named, as `str.format` reads them: "{name} = {value}".
"""

from __future__ import annotations

import gettext
import os
import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "zh")
DEFAULT = "en"
DOMAIN = "viz"
LOCALE_DIR = Path(__file__).parent / "locale"
#: The locale variables, in the order gettext reads them (the first set one wins).
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


class Words:
    """The messages of one language: `words(key, **fields)` and `words.plural(key, n, ...)`."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])

    def __call__(self, key: str, /, **fields: object) -> str:
        """The message `key` with its placeholders filled from `fields`."""
        message = self._catalog.gettext(key)
        if message == key:
            raise LookupError(f"no message {key!r} in the {self.lang!r} catalog")
        return message.format(**fields) if fields else message

    def plural(self, key: str, n: int, /, **fields: object) -> str:
        """The form of message `key` for the count `n` (English: 1 path, 2 paths)."""
        message = self._catalog.ngettext(key, key, n)
        if message == key:
            raise LookupError(f"no plural message {key!r} in the {self.lang!r} catalog")
        return message.format(**fields)

    def __repr__(self) -> str:
        return f"<Words {self.lang}>"


def check_lang(lang: object) -> str:
    """`lang` if it is one of LANGUAGES; a ValueError naming them otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return str(lang)


@cache
def _load(lang: str) -> Words:
    return Words(lang)


def translator(lang: str | Words | None = None) -> Words:
    """The words of `lang` ("en", "zh"; None: English); a `Words` is taken as it is."""
    if isinstance(lang, Words):
        return lang
    return _load(check_lang(DEFAULT if lang is None else lang))


def text(key: str, lang: str | Words | None = None, /, **fields: object) -> str:
    """One message in `lang`, its placeholders filled: `text("field.grad", "zh")`."""
    return translator(lang)(key, **fields)


def locale_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the locale asks for: "zh" for zh_CN.UTF-8, zh_TW, zh; else English.

    Read from LANGUAGE, LC_ALL, LC_MESSAGES and LANG, the first one set (as gettext does).
    """
    env = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        value = env.get(variable, "")
        if value:
            first = value.split(":")[0].split(".")[0].split("@")[0].lower()
            code = first.replace("-", "_").split("_")[0]
            return code if code in LANGUAGES else DEFAULT
    return DEFAULT


def display_width(text: str) -> int:
    """How many terminal columns `text` takes: two for a full-width glyph (净, 梯度), so the
    text views line up in Chinese too."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)
