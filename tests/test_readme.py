"""Every ```python block of the README and of the docs pages with >>> prompts runs as a doctest,
and every one without them runs as a test module, so the guide never rots."""

import doctest
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [
    (page.stem, block)
    for page in PAGES
    for block in re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
]
EXAMPLES = [(page, block) for page, block in BLOCKS if ">>>" in block]
SCRIPTS = [(page, block) for page, block in BLOCKS if ">>>" not in block]


def _ids(blocks: list[tuple[str, str]], kind: str) -> list[str]:
    """`engine-block3`: the page and the block's number on it, so a failure names its place."""
    seen: dict[str, int] = {}
    names = []
    for page, _ in blocks:
        seen[page] = seen.get(page, 0) + 1
        names.append(f"{page}-{kind}{seen[page]}")
    return names


def test_the_readme_and_the_pages_have_examples():
    assert {"README", "engine", "viz", "nn", "shell"} <= {page for page, _ in EXAMPLES}


@pytest.mark.parametrize(("page", "block"), EXAMPLES, ids=_ids(EXAMPLES, "block"))
def test_readme_example(page, block, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    if "micrograd_nndl.interop" in block:
        pytest.importorskip("torch")  # the optional `torch` extra
    parser = doctest.DocTestParser()
    test = parser.get_doctest(block, {}, page, page, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0, f"an example of {page} failed (see above)"


@pytest.mark.parametrize(("page", "block"), SCRIPTS, ids=_ids(SCRIPTS, "script"))
def test_readme_script(page, block, tmp_path):
    """Blocks without prompts are test modules or scripts: run them as pytest would."""
    path = tmp_path / "test_readme_block.py"
    path.write_text(block, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode in (0, 5), result.stdout + result.stderr  # 5: a script, no tests
