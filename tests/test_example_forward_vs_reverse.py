"""The forward-vs-reverse example prints the book's two tables and draws the cost figure."""

import importlib.util
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE = EXAMPLES / "forward_vs_reverse.py"


def _load():
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))  # the examples import their shared `common`
    spec = importlib.util.spec_from_file_location("forward_vs_reverse", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_both_modes_give_the_books_columns():
    forward, reverse = _load().mode_tables()
    assert [v for _, v in forward] == [1.0, 1.0, -1.0, -1.0, -1.0, 0.25]
    assert [v for _, v in reverse] == [1.0, -0.25, -0.25, -0.25, 0.25, 0.25, 0.25]


def test_forward_mode_needs_n_passes_and_gets_the_same_gradient():
    fwd, rev = _load().full_gradient_costs(8, repeat=1)  # asserts both gradients agree
    assert fwd > 0 and rev > 0


def test_quick_run_prints_the_tables_and_writes_the_figure(tmp_path, capsys):
    _load().main(["--out", str(tmp_path), "--quick"])
    out = capsys.readouterr().out
    assert "∂h6/∂w = 0.25" in out and "∂f/∂w = 0.25" in out and "∂f/∂h5 = -0.25" in out
    for name in ("forward_vs_reverse.png", "forward_mode_graph.png"):
        figure = tmp_path / name
        assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and figure.stat().st_size > 5_000
    svg = (tmp_path / "forward_mode_graph.svg").read_text(encoding="utf-8")
    assert "∂/∂w 0.25" in svg and "∂/∂w &#45;1" in svg  # SVG escapes the minus
