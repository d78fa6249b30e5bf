"""The docs site: `mkdocs build --strict` passes, the σ(wx+b) page draws the book's graph live
(NNDL §4.5.3: h5 = 2, ∂f/∂w = 0.25), a broken ```micrograd block fails the build naming its
line, and the README is the site's home page."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import viz.notes

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
#: A note-writer's mkdocs.yml: the setup viz.notes documents, copied as its docstring shows it
FENCE_CONFIG = "site_name: notes\n" + textwrap.dedent(viz.notes.__doc__.split("In mkdocs.yml:")[1])


def mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of `config` into `site`, as `make docs` runs it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", site],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's site, built once with --strict (a warning fails it)."""
    out = tmp_path_factory.mktemp("site")
    built = mkdocs_build(ROOT / "mkdocs.yml", out)
    assert built.returncode == 0, built.stderr
    return out


def drawn_boxes(svg: str) -> dict[str, list[str]]:
    """The value boxes of a drawn graph: a node's name -> the lines of its box."""
    boxes = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") == "node":
            lines = [t.text.strip() for t in group.iter(f"{SVG}text") if t.text and t.text.strip()]
            if len(lines) > 2 and lines[2].startswith("data "):  # compact: the op's symbol first
                lines = lines[1:]
            if len(lines) > 1:
                boxes[lines[0]] = lines[1:]
    return boxes


def test_the_sigmoid_page_draws_the_books_graph_with_its_numbers(site: Path):
    page = (site / "sigmoid" / "index.html").read_text(encoding="utf-8")
    graphs = re.findall(r'<figure class="micrograd-graph"[^>]*>(<svg.*?</svg>)', page, re.S)
    assert len(graphs) >= 3
    six = drawn_boxes(graphs[0])  # the book's six primitives h1..h6
    assert six["h5"] == ["data 2", "grad -0.25"]
    assert six["w"] == ["data 0", "grad 0.25"] and six["b"] == ["data 0", "grad 0.25"]
    assert six["h6"] == ["data 0.5", "grad 1"] and six["x"] == ["data 1", "grad 0"]
    edges = [t.text for t in ET.fromstring(graphs[0]).iter(f"{SVG}text")]
    assert "\xa0-0.25" in edges  # the reciprocal's local derivative, on its edge
    assert 'title="∂h6/∂h5 = -0.25"' in html.unescape(graphs[0])  # written out as its tooltip
    fused = drawn_boxes(graphs[1])  # one sigmoid node: the same gradients
    assert fused["w"] == ["data 0", "grad 0.25"] and fused["f"] == ["data 0.5", "grad 1"]
    assert "<td>h5</td><td>+ 1</td><td>h4</td><td>2</td><td>-0.25</td>" in page  # the table
    assert page.count("<iframe") == 1  # the block with stepper="true"


def test_the_readme_is_the_home_page_and_every_page_is_in_the_nav(site: Path):
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "is not published on a package index" in home and "Tour 3" in home  # the README
    assert 'href="engine/"' in home  # its links to docs/engine.md, made relative to the site
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in (ROOT / "docs").glob("*.md"):
        assert f": {page.name}" in nav, f"docs/{page.name} is in no entry of mkdocs.yml's nav"
    gallery = (site / "gallery" / "index.html").read_text(encoding="utf-8")
    pictures = re.findall(r'<img[^>]* src="([^"]+)"', gallery)
    assert len(pictures) >= 16
    for src in pictures:
        assert (site / "gallery" / src).resolve().is_file(), src


def test_the_api_reference_is_built_from_the_docstrings(site: Path):
    api = (site / "api" / "micrograd_nndl" / "index.html").read_text(encoding="utf-8")
    assert "backward" in api and "gradcheck" in api and "Value" in api
    assert "central differences" in api  # gradcheck's docstring, not just its name


def test_a_broken_block_fails_the_build_with_its_line_and_a_caret(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(FENCE_CONFIG, encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text(
        "# A note\n\n```micrograd\nx = 1; w = 0; b = 0\nf = sigmoid(w*x + )\n```\n",
        encoding="utf-8",
    )
    built = mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert built.returncode != 0
    assert "micrograd block, line 2, column 19: expected an expression" in built.stderr
    assert "  f = sigmoid(w*x + )\n" + " " * 20 + "^" in built.stderr
