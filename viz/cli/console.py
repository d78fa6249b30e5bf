"""What the command line needs from a terminal it cannot trust: streams that may not take
"∂", user text that may hold escape sequences, and standard input that may be closed.

Kept apart from the commands so `cli` reads as the commands alone.
"""

from __future__ import annotations

import codecs
import os
import unicodedata
from typing import TextIO

from ..graph import drawable

#: ASCII spellings of the symbols the views write, for a stream that cannot encode them
#: (PYTHONIOENCODING=ascii, an old Windows console): ∂f/∂x reads df/dx, σ reads sigma.
ASCII_SPELLINGS = {
    "∂": "d",
    "σ": "sigma",
    "×": "*",
    "·": "*",
    "÷": "/",
    "−": "-",
    "…": "...",
    "—": "--",
    "–": "-",
    "→": "->",
    "←": "<-",
    "≈": "~",
    "≤": "<=",
    "≥": ">=",
    "√": "sqrt",
    "Σ": "sum",
    "⁽": "(",
    "⁾": ")",
    "ᵢ": "i",
    "ⱼ": "j",
    "§": "section ",
}
ERRORS = "micrograd-nndl-ascii"
SHOWN = 200  # characters of an echoed user string: a path fits, a flood does not


def _spell(error: UnicodeError) -> tuple[str, int]:
    """The codec error handler: each character the encoding lacks, in ASCII letters."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(ascii_spelling(c) for c in text), error.end


def ascii_spelling(c: str) -> str:
    """One character in ASCII: its spelling above, a Greek letter by name (α → alpha), what
    compatibility decomposition leaves (² → 2, é → e), else its escape (\\u2200)."""
    if c.isascii():
        return c
    if c in ASCII_SPELLINGS:
        return ASCII_SPELLINGS[c]
    name = unicodedata.name(c, "")
    if name.startswith(("GREEK SMALL LETTER ", "GREEK CAPITAL LETTER ")):
        letter = name.rsplit(" ", 1)[-1].lower()
        return letter if "SMALL" in name else letter.capitalize()
    decomposed = unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode()
    return decomposed or ascii(c)[1:-1]


codecs.register_error(ERRORS, _spell)


def fall_back_to_ascii(stream: TextIO | None) -> None:
    """Make `stream` write ASCII spellings of what its encoding cannot take, instead of
    raising UnicodeEncodeError halfway through the output. A stream that takes "∂σ×" as it
    is, or that cannot be reconfigured, is left alone."""
    encoding = getattr(stream, "encoding", None)
    reconfigure = getattr(stream, "reconfigure", None)
    if not encoding or reconfigure is None:
        return
    try:
        "∂σ×·−…—".encode(encoding)
    except UnicodeEncodeError:
        reconfigure(errors=ERRORS)
    except LookupError:
        return


def shown(text: str, limit: int = SHOWN) -> str:
    """User text as a message may echo it: printable characters as they are, control
    characters, escape sequences and lone surrogates escaped (\\x1b, \\ud800), cut to `limit`
    characters with "...", so an argument cannot retitle or clear the terminal."""
    safe = drawable(text)
    return safe if len(safe) <= limit else f"{safe[: limit - 3]}..."


def printable(message: str) -> str:
    """A whole message made safe line by line (its line breaks kept), for stderr."""
    return "\n".join(shown(line, limit=10_000) for line in message.split("\n"))


def is_terminal(stream: TextIO | None) -> bool:
    """True if `stream` is an open terminal; False for a pipe, a file, a closed or absent
    stream (`step` 0<&- leaves sys.stdin None)."""
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # a closed file
        return False


def read_line(stream: TextIO | None) -> str:
    """The next line of `stream`, "" at its end or if there is no stream to read."""
    if stream is None:
        return ""
    try:
        return stream.readline()
    except (ValueError, OSError):  # closed, or its descriptor was
        return ""


def read_key(stream: TextIO) -> str:
    """One key from a terminal, without waiting for Enter: the terminal is put in cbreak mode
    (keys arrive one by one, Ctrl-C still interrupts) for the one read, then restored. Enter
    reads as "\n", as a line would; "" at the end (Ctrl-D). Where there is no termios
    (Windows), a line."""
    try:
        import termios
        import tty
    except ImportError:
        return read_line(stream)
    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)  # TCSAFLUSH would drop a key typed ahead
        key = os.read(fd, 1).decode("utf-8", "replace")
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
    if key in ("\x04", ""):
        return ""
    return "\n" if key == "\r" else key
