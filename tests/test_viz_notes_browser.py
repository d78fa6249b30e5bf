"""Done-when of issue #22: a strict mkdocs-material site with a Chinese notes page (the five
figure fences, 净输入 and θ, `lang: zh`) read in Chromium at 1280×900, light and dark.

Needs /usr/bin/chromium and playwright (the `test` extra); without them these tests skip,
except under CI, where a missing browser fails.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from catalog_words import english_in, visible
from notes_site import MATERIAL, ROOT, build

CHROMIUM = Path("/usr/bin/chromium")
PAGE = (ROOT / "docs" / "notes-zh.md").read_text(encoding="utf-8").replace("(notes.md)", "")
CONFIG = MATERIAL + "plugins:\n  - micrograd:\n      lang: zh\n"
SCHEMES = ("default", "slate")

#: Per drawing: its smallest rendered text (font size × the SVG's scale on screen), how far it
#: reaches past the content column (a wider drawing scrolls inside its figure).
MEASURE = """() => {
  const column = document.querySelector('article.md-content__inner').getBoundingClientRect();
  return [...document.querySelectorAll('.micrograd-note figure')].map((f) => {
    const svg = f.querySelector('svg');
    const sizes = [...svg.querySelectorAll('text')].map((t) => {
      const m = t.getScreenCTM();  // a rotated label's scale too
      return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
    });
    const box = f.getBoundingClientRect();
    return {kind: f.className, least: Math.min(...sizes), right: box.right - column.right,
            left: column.left - box.left};
  });
}"""
#: Shapes of a drawing painted white over more than a tenth of it: a white panel
WHITE = """() => [...document.querySelectorAll('.micrograd-note svg')].flatMap((svg) => {
  const whole = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('polygon, rect, path')].filter((s) => {
    const fill = getComputedStyle(s).fill, box = s.getBoundingClientRect();
    return ['rgb(255, 255, 255)', 'white'].includes(fill) &&
      box.width * box.height > 0.1 * whole.width * whole.height;
  }).map(() => svg.closest('figure').className);
})"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("zh")
    built = build(tmp, {"index.md": PAGE}, CONFIG)
    assert built.returncode == 0, built.stderr
    return tmp / "site" / "index.html"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail("CI needs /usr/bin/chromium")
        pytest.skip("needs /usr/bin/chromium")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


def opened(browser, site: Path, scheme: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site.as_uri())
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    return page


def test_the_chinese_page_has_its_five_figures_and_words(site: Path):
    text = site.read_text(encoding="utf-8")
    for kind in ("neuron", "activations", "network", "graph", "loss"):
        assert text.count(f'class="micrograd-{kind}"') == 1, kind
    for words in ("前馈神经网络", "计算图与自动微分", "净输入", "θ", "导数"):
        assert words in text
    # what the plugin wrote (drawings, tables, legends), the author's own prose aside
    notes = re.findall(r'<div class="micrograd-note">.*?</figure>(?:\s*<table>.*?</table>)?', text,
                       re.DOTALL)  # fmt: skip
    assert len(notes) == 5
    drawn = " ".join(visible(note) for note in notes)
    for words in ("输入层", "图例", "梯度", "损失", "局部导数"):
        assert words in drawn
    assert english_in(drawn) == set()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_drawing_is_readable_and_inside_the_column(browser, site: Path, scheme: str):
    page = opened(browser, site, scheme)
    figures = page.evaluate(MEASURE)
    assert len(figures) == 5
    for figure in figures:
        assert figure["least"] >= 10, figure
        assert figure["right"] <= 1 and figure["left"] <= 1, figure  # a wide one pans inside
    body = page.inner_text("article")
    assert "前馈神经网络" in body and "计算图与自动微分" in body and "净输入" in body
    page.close()


def test_no_white_panel_in_slate(browser, site: Path):
    page = opened(browser, site, "slate")
    assert page.evaluate(WHITE) == []
    page.close()


def test_a_site_without_a_palette_stays_light_on_a_dark_system(browser, tmp_path: Path):
    """mkdocs-material without `palette:` (what `plugins: [micrograd]` alone gives) is always
    light and sets no scheme: the figures and the step-through frame followed the system's
    dark scheme and drew light text on the white page."""
    config = "site_name: notes\ntheme:\n  name: material\nplugins:\n  - micrograd\n"
    block = "```micrograd{}\nx = 1; w = 0; b = 0\nf = sigmoid(w*x + b)\n```\n\n"
    built = build(
        tmp_path, {"index.md": block.format("") + block.format(' stepper="true"')}, config
    )
    assert built.returncode == 0, built.stderr
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    page = context.new_page()
    page.goto((tmp_path / "site" / "index.html").as_uri())
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    inks = page.evaluate(
        "() => [...document.querySelectorAll('svg.micrograd-drawing text')]"
        ".map((t) => getComputedStyle(t).fill)"
    )
    assert inks and set(inks) <= {"rgb(0, 0, 0)", "rgb(107, 114, 128)", "rgb(220, 38, 38)",
                                  "rgb(37, 99, 235)"}, set(inks)  # fmt: skip
    frame = page.frame_locator("iframe").first
    frame.locator("#graph svg").wait_for()
    paper = frame.locator("body").evaluate("(b) => getComputedStyle(b).backgroundColor")
    assert paper == "rgb(255, 255, 255)"
    # laid out for the column at the page's least scale: the whole graph in view, not cut
    shown, room = frame.locator("#graph").evaluate(
        "(g) => [g.querySelector('svg').getBoundingClientRect().width, g.clientWidth]"
    )
    assert shown <= room + 1, (shown, room)
    context.close()
