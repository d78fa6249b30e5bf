"""Every ```console block of the README and of the docs pages runs: the command after `$`
(with `printf ... |` as its standard input), and what it prints (stdout, then stderr) equals the
block's lines. Two spellings stand for what varies: a line `...` for lines left out, and
`(N bytes)` for a file's size, which depends on the Graphviz that drew it."""

import codecs
import io
import re
import shlex
from pathlib import Path

import pytest

from viz.cli.commands import main

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [
    block
    for page in PAGES
    for block in re.findall(r"```console\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
]
PROG = "micrograd-nndl"


def _command(line: str) -> tuple[list[str], str]:
    """`$ [printf KEYS |] micrograd-nndl ARGS` -> (ARGS, the keys as standard input)."""
    words = shlex.split(line.removeprefix("$ "))
    stdin = ""
    if words[0] == "printf":
        stdin = codecs.decode(words[1], "unicode_escape")
        assert words[2] == "|", line
        words = words[3:]
    assert words[0] == PROG, line
    return words[1:], stdin


def test_the_readme_shows_the_commands_of_the_cli():
    assert len(BLOCKS) >= 8 and all(block.startswith("$ ") for block in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=[b.splitlines()[0][2:40] for b in BLOCKS])
def test_a_readme_console_block_prints_what_it_shows(block, tmp_path, monkeypatch, capsys):
    first, *shown = block.rstrip("\n").split("\n")
    args, stdin = _command(first)
    monkeypatch.chdir(tmp_path)  # render and demo write their files here
    out = io.StringIO()
    try:
        main(args, stdout=out, stdin=io.StringIO(stdin))
    except SystemExit:  # argparse's usage errors
        pass
    printed = (out.getvalue() + capsys.readouterr().err).rstrip("\n")
    assert re.fullmatch(_pattern(shown), printed), f"printed:\n{printed}"


def _pattern(lines: list[str]) -> str:
    parts = [r"(?:.*\n)*?" if line == "..." else _line(line) + r"\n" for line in lines]
    return "".join(parts).removesuffix(r"\n")


def _line(line: str) -> str:
    return r"\(\d+ bytes\)".join(re.escape(part) for part in re.split(r"\(\d+ bytes\)", line))
