"""Every ```python block of the README with >>> prompts runs as a doctest, so it never rots."""

import doctest
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
EXAMPLES = [block for block in BLOCKS if ">>>" in block]


def test_the_readme_has_examples():
    assert EXAMPLES


@pytest.mark.parametrize("block", EXAMPLES, ids=[f"block{i + 1}" for i in range(len(EXAMPLES))])
def test_readme_example(block, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    if "micrograd_nndl.interop" in block:
        pytest.importorskip("torch")  # the optional `torch` extra
    parser = doctest.DocTestParser()
    test = parser.get_doctest(block, {}, "README", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0, "a README example failed (see above)"


SCRIPTS = [block for block in BLOCKS if ">>>" not in block]


@pytest.mark.parametrize("block", SCRIPTS, ids=[f"script{i + 1}" for i in range(len(SCRIPTS))])
def test_readme_script(block, tmp_path):
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
