"""Chinese drawn right: boxes as wide as full-width glyphs, a PNG that draws the glyphs (not
graphviz-pure's empty boxes), a clear error naming the font to install where there is none;
and SVG colours from the palette, with a dark form for a dark page."""

import re

import pytest

from micrograd_nndl import Value
from viz import RenderError, draw_dot
from viz.draw import images
from viz.draw.graphviz_runner import find_program, is_graphviz_pure, run_graphviz
from viz.draw.measure import has_wide, text_width
from viz.draw.palette import CLASS, PALETTE, stylesheet


def labelled(name: str) -> Value:
    net = Value(2.0, "w") * Value(3.0, "x") + Value(1.0, "b")
    net.label = name
    return net


def test_a_full_width_glyph_is_measured_a_full_em():
    assert has_wide("净输入") and not has_wide("∂h1/∂w σ θ w₁")
    assert text_width("净输入", 10) == pytest.approx(30.0)
    assert text_width("净输入", 10) > 3 * text_width("W", 10)


def test_a_box_is_as_wide_as_its_chinese_name_with_either_program():
    svg = draw_dot(labelled("净输入净输入"), lang="zh").pipe(encoding="utf-8")
    groups = re.findall(r'<g id="node\d+" class="node">(.*?)</g>', svg, re.S)
    box = next(g for g in groups if "净输入净输入" in g)
    xs = [float(x) for x in re.findall(r"(-?[\d.]+),-?[\d.]+", box)]
    # six full-width glyphs in bold 11 pt: at least 66 pt of box (graphviz-pure alone sized ~18)
    assert max(xs) - min(xs) >= 66


@pytest.mark.skipif(not is_graphviz_pure(find_program()), reason="shows graphviz-pure's tofu")
def test_graphviz_pure_alone_draws_any_chinese_as_the_same_empty_boxes():
    one, other = (draw_dot(labelled(n)).source for n in ("净输入", "清输出"))
    assert run_graphviz(one, "png") == run_graphviz(other, "png")  # □□□ both: why we rasterise


def test_a_chinese_png_draws_its_glyphs():
    one, other = (draw_dot(labelled(n), lang="zh").pipe(format="png") for n in ("净输入", "清输出"))
    assert one[:8] == b"\x89PNG\r\n\x1a\n"
    assert one != other  # the same widths, different glyphs: drawn, not boxed


def test_a_chinese_png_is_as_large_as_its_svg_in_a_browser():
    """A pt of the SVG is 4/3 px in a browser; the PNG drawn by resvg has those px too (it
    was 3/4 of them: its text a quarter smaller than the same drawing's English PNG)."""
    drawing = draw_dot(labelled("净输入"), lang="zh")
    svg = drawing.pipe(encoding="utf-8")
    width, height = (
        float(v) for v in re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
    )
    png = drawing.pipe("png")
    assert int.from_bytes(png[16:20], "big") == pytest.approx(width * 4 / 3, abs=1)
    assert int.from_bytes(png[20:24], "big") == pytest.approx(height * 4 / 3, abs=1)


def test_no_cjk_font_is_a_clear_error_not_tofu(monkeypatch, tmp_path):
    monkeypatch.setattr(images, "cjk_font_found", lambda: False)
    with pytest.raises(RenderError, match="fonts-wqy-microhei"):
        draw_dot(labelled("净输入")).write_image(tmp_path / "f.png")
    assert not (tmp_path / "f.png").exists()
    draw_dot(labelled("净输入")).write_image(tmp_path / "f.svg")  # the browser draws SVG text
    draw_dot(labelled("net")).write_image(tmp_path / "g.png")  # no Chinese: no font needed


def test_every_colour_of_a_drawing_has_a_dark_form():
    x, w = Value(1.0, "x"), Value(0.0, "w")
    f = (x * w).exp()
    f.backward()
    svg = draw_dot(f, params=[w], highlight=[f, f.parents[0]], flow="backward").pipe(
        encoding="utf-8"
    )
    assert f'class="{CLASS}"' in svg and "<style>" in svg
    used = set(re.findall(r'(?:fill|stroke)="([^"]+)"', svg)) - {"none"}
    assert used <= {light for light, _ in PALETTE.values()}, used


def test_a_dark_page_repaints_the_drawing_and_drops_its_white_panel():
    css = stylesheet()
    dark = re.search(r'\[data-md-color-scheme="slate"\] svg\.[\w-]+[^{]*\{([^}]*)\}', css)[1]
    assert "--mg-paper:transparent" in dark and "--mg-ink:#e5e7eb" in dark
    assert "@media (prefers-color-scheme: dark)" in css
    assert f'svg.{CLASS} [stroke="black"]{{stroke:var(--mg-ink)}}' in css
