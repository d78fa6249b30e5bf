"""Gettext catalogs from their .po sources: a small reader of .po and writer of .mo.

The catalogs are kept as .po files (the format translators' tools edit) and shipped as the .mo
files Python's `gettext` reads. GNU msgfmt is not a Python package, so this module compiles
them; `python -m viz.words.msgfmt` rebuilds every .mo beside its .po, and a test holds each
shipped .mo equal to its source compiled.

Only what the catalogs use is read: comments, `msgid`, `msgid_plural`, `msgstr` and
`msgstr[n]`, strings continued on the next line, and the C escapes \\n \\t \\" \\\\.
"""

from __future__ import annotations

import ast
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

MAGIC = 0x950412DE  # a little-endian .mo file


@dataclass(frozen=True)
class Message:
    """One entry: its id, its plural id (None: no plural forms) and its translations."""

    msgid: str
    plural: str | None
    forms: tuple[str, ...]


def read_po(text: str, source: str = "<po>") -> list[Message]:
    """The entries of a .po text, header (msgid "") included, in file order."""
    messages: list[Message] = []
    fields: dict[str, str] = {}
    current: str | None = None

    def finish() -> None:
        if not fields:
            return
        if "msgid" not in fields:
            raise ValueError(f"{source}: an entry without msgid: {fields}")
        forms = sorted(k for k in fields if k.startswith("msgstr"))
        texts = tuple(fields[k] for k in forms)
        messages.append(Message(fields["msgid"], fields.get("msgid_plural"), texts))
        fields.clear()

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            if not line:
                finish()
                current = None
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"{source}, line {number}: a string continues nothing")
            fields[current] += _string(line, source, number)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgid" and "msgid" in fields:
            finish()
        if keyword not in ("msgid", "msgid_plural", "msgstr") and not (
            keyword.startswith("msgstr[") and keyword.endswith("]")
        ):
            raise ValueError(f"{source}, line {number}: unknown keyword {keyword!r}")
        current = keyword
        fields[keyword] = _string(rest.strip(), source, number)
    finish()
    return messages


def _string(token: str, source: str, number: int) -> str:
    """A quoted .po string's text (C escapes, which Python's string syntax reads alike)."""
    if len(token) < 2 or not (token.startswith('"') and token.endswith('"')):
        raise ValueError(f"{source}, line {number}: expected a quoted string, got {token!r}")
    return str(ast.literal_eval(token))


def write_mo(messages: list[Message]) -> bytes:
    """The .mo bytes of `messages` (GNU's format, ids sorted, no hash table)."""
    pairs = []
    for m in messages:
        key = m.msgid if m.plural is None else f"{m.msgid}\0{m.plural}"
        pairs.append((key.encode("utf-8"), "\0".join(m.forms).encode("utf-8")))
    pairs.sort()
    count = len(pairs)
    header = 7 * 4
    ids_at = header
    strs_at = ids_at + 8 * count
    data_at = strs_at + 8 * count
    tables: list[int] = []
    blob = b""
    for which in (0, 1):
        for pair in pairs:
            tables += [len(pair[which]), data_at + len(blob)]
            blob += pair[which] + b"\0"
    head = struct.pack("<7I", MAGIC, 0, count, ids_at, strs_at, 0, data_at)
    return head + struct.pack(f"<{4 * count}I", *tables) + blob


def compile_po(po: Path) -> bytes:
    """The .mo bytes of the .po file `po`."""
    return write_mo(read_po(po.read_text(encoding="utf-8"), str(po)))


def catalogs(root: Path | None = None) -> list[Path]:
    """Every .po file of the catalogs (locale/<lang>/LC_MESSAGES/viz.po), in a fixed order."""
    root = Path(__file__).parent / "locale" if root is None else root
    return sorted(root.glob("*/LC_MESSAGES/*.po"))


def main() -> int:
    """Rebuild each .mo beside its .po."""
    for po in catalogs():
        po.with_suffix(".mo").write_bytes(compile_po(po))
        print(f"compiled {po.parent.parent.name}/{po.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
