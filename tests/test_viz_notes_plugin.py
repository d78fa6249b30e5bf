"""The mkdocs plugin (`plugins: [micrograd]`): the fence registered in one line, site options,
and a failed block told once, at its place on the page, without a traceback (issue #22 item 5,
issue #26 item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from notes_site import MATERIAL, build

from viz.notes.plugin import find_fences, theme_lang

PLUGIN = MATERIAL + "plugins:\n  - micrograd\n"
GOOD = "```micrograd\nx = 1; w = 0; b = 0\nf = sigmoid(w*x + b)\n```\n"
PROSE = "# 笔记\n\n一些文字。\n\n" + GOOD + "\n更多文字。\n\n" + GOOD + "\n"  # blocks 1 and 2


def failed(tmp_path: Path, page: str, config: str = PLUGIN) -> str:
    built = build(tmp_path, {"index.md": page}, config)
    assert built.returncode != 0, built.stderr
    assert "Traceback" not in built.stderr and 'File "' not in built.stderr
    return built.stderr


def test_the_one_line_setup_draws_the_block(tmp_path: Path):
    built = build(tmp_path, {"index.md": PROSE}, PLUGIN)
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert page.count('class="micrograd-note"') == 2 and "<td>0.25</td>" in page


def test_an_error_names_the_page_its_line_the_block_and_a_caret(tmp_path: Path):
    """The 3rd block's line 2 is the page's line 20 (it was "micrograd block, line 2")."""
    bad = "```micrograd\nx = 1; w = 0; b = 0\nf = sigmoid(w*x + )\n```\n"
    err = failed(tmp_path, PROSE + "\n" + bad)
    assert (
        "index.md, line 20, column 19 (micrograd block 3 of the page): expected an "
        "expression\n  f = sigmoid(w*x + )\n" + " " * 20 + "^" in err
    )
    assert err.count("expected an expression") == 1


@pytest.mark.parametrize(
    ("header", "column", "reason"),
    [
        ('parms="w b"', 14, "unknown option 'parms'; did you mean params?"),
        ('stepper="ture"', 14, "stepper must be true or false, got 'ture'; did you mean true?"),
        ('figure="neurons"', 14, "did you mean neuron?"),
        ('figure="neuron" params="w"', 30, "it belongs to figure='graph'"),
        ('lang="fr"', 14, "lang must be one of en, zh"),
    ],
)
def test_an_option_error_is_placed_at_the_option(tmp_path: Path, header, column, reason):
    err = failed(
        tmp_path, "# 笔记\n\n" + GOOD + "\n```micrograd " + header + "\nx = 1\nf = x\n```\n"
    )
    assert f"index.md, line 8, column {column} (micrograd block 2 of the page): " in err
    assert reason in err
    assert "\n  ```micrograd " + header + "\n  " + " " * (column - 1) + "^" in err


def test_a_caret_under_chinese_stands_under_the_place(tmp_path: Path):
    err = failed(tmp_path, "```micrograd\n净输入 = 1\nf = 净输入 + ^\n```\n")
    assert "index.md, line 3, column 11 (micrograd block 1 of the page)" in err
    assert "  f = 净输入 + ^\n  " + " " * 13 + "^" in err  # 净输入 takes six columns


def test_a_stepper_block_too_large_to_step_fails_the_strict_build(tmp_path: Path):
    """It was shown as plain text and `mkdocs build --strict` exited 0 (issue #26 item 5)."""
    terms = " + ".join(["x"] * 900)
    lines = ["x = 1", f"s1 = {terms}"] + [
        f"s{k} = {' + '.join([f's{k - 1}'] * 900)}" for k in range(2, 7)
    ]
    err = failed(tmp_path, '```micrograd stepper="true"\n' + "\n".join(lines) + "\n```\n")
    assert "index.md, line 1, column 14 (micrograd block 1 of the page)" in err
    assert "too many to step through (at most 5,000)" in err


def test_the_plain_superfences_setup_fails_without_a_traceback_too(tmp_path: Path):
    from test_docs import FENCE_CONFIG

    err = failed(tmp_path, "```micrograd\nx = 1\nf = 1 + log(x - 1)\n```\n", FENCE_CONFIG)
    said = "log: the argument x - 1 = 0, and log needs it > 0"
    assert f"micrograd block, line 2, column 9: DomainError: {said}" in err


def test_site_options_reach_every_block_and_a_fence_overrides_them(tmp_path: Path):
    config = PLUGIN.replace("  - micrograd\n", "  - micrograd:\n      lang: zh\n")
    block = '```micrograd figure="activations"{}\nsigmoid(z)\n```\n'
    built = build(tmp_path, {"index.md": block.format("") + block.format(' lang="en"')}, config)
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert page.count("导数 f′(z)") == 1 and page.count("f′(z), by backward()") == 1


def test_a_chinese_theme_draws_chinese_figures_unasked(tmp_path: Path):
    """mkdocs-material's `language: zh` is what a Chinese notes site already says: its figures
    speak Chinese without a plugin option; an English or unknown theme language gives English."""
    block = '```micrograd figure="activations"\nsigmoid(z)\n```\n'
    for language, words in (
        ("zh", "导数 f′(z)"),
        ("en", "f′(z), by backward()"),
        ("fr", "f′(z), by backward()"),
    ):
        config = PLUGIN.replace("  language: zh\n", f"  language: {language}\n")
        assert f"language: {language}" in config and config.count("language:") == 1
        built = build(tmp_path / language, {"index.md": block}, config)
        assert built.returncode == 0, built.stderr
        page = (tmp_path / language / "site" / "index.html").read_text(encoding="utf-8")
        assert words in page, language


def test_the_theme_language_maps_to_a_catalog():
    assert [theme_lang(t) for t in ("zh", "zh-Hans", "zh_CN", "ZH-tw", "en", "de", None)] == [
        *["zh"] * 4,
        *["en"] * 3,
    ]


def test_fences_inside_a_longer_fence_are_text():
    page = '````markdown\n```micrograd\nx = 1\n```\n````\n\n  ```micrograd rankdir="TB"\nf\n  ```\n'
    (fence,) = find_fences(page)
    assert (fence.line, fence.indent) == (7, 2) and "rankdir" in fence.header
