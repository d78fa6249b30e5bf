"""The English words of the catalog (viz.words), to find in what the project shows a Chinese
reader: a Chinese drawing, page or printout holding one of them missed its translation."""

from __future__ import annotations

import html
import re

from viz.words.msgfmt import Message, catalogs, read_po

#: The reader's own names and the op table's words: not the catalog's to translate.
OWN = {"x", "w", "b", "f", "h1", "h2", "h3", "h4", "h5", "h6", "exp", "mul", "add", "pow"}


def messages(lang: str) -> dict[str, Message]:
    po = next(p for p in catalogs() if p.parent.parent.name == lang)
    return {m.msgid: m for m in read_po(po.read_text(encoding="utf-8")) if m.msgid}


def english_words() -> set[str]:
    """Every word of the English catalog that the Chinese one does not also use (code such as
    max_rows=None or backward() stays as it is in both)."""

    def words_of(lang: str) -> set[str]:
        texts = [form for m in messages(lang).values() for form in m.forms]
        plain = [code_free(re.sub(r"\{\w+\}", " ", t)) for t in texts]  # nor placeholders
        return {w.lower() for t in plain for w in re.findall(r"[A-Za-z][A-Za-z_]+", t)}

    return words_of("en") - words_of("zh") - OWN


def code_free(text: str) -> str:
    """`text` without its code: an attribute (h6.grad, the Value's own) and a call the reader
    types (backward(), the same in every language)."""
    return re.sub(r"\.[A-Za-z_]+|[A-Za-z_]+\(\)", " ", text)


def english_in(shown: str) -> set[str]:
    """The catalog's English words in `shown`, its code (`code_free`) left out."""
    shown = code_free(shown)
    found = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z_]+", shown)}
    return found & english_words()


def svg_texts(svg: str) -> str:
    """The text an SVG shows, and its tooltips (a <title>, an xlink:title)."""
    texts = re.findall(r"<(?:text|title)[^>]*>([^<]*)</(?:text|title)>", svg)
    texts += re.findall(r'xlink:title="([^"]*)"', svg)
    return " ".join(html.unescape(t) for t in texts)


def visible(page: str) -> str:
    """The text of an HTML fragment a reader sees: no script, no style, no tag; an iframe's
    srcdoc page read as its own page."""
    frames = [html.unescape(doc) for doc in re.findall(r'srcdoc="([^"]*)"', page)]
    page = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    titles = " ".join(html.unescape(t) for t in re.findall(r'\stitle="([^"]*)"', page))
    return " ".join([text, titles, *(visible(frame) for frame in frames)])
