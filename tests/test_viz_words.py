"""viz.words: the catalogs agree (every message in every language, the same placeholders), the
shipped .mo files are their .po sources compiled, and a Chinese drawing, text view,
explanation, step-through and page of the book's σ(wx + b) hold no English word of the catalog
(NNDL §4.5.3, the reader's own names and numbers excepted)."""

import html
import json
import re
import string

import pytest
from catalog_words import english_in, english_words, messages, svg_texts, visible

from micrograd_nndl import MLP, Neuron, Value
from micrograd_nndl.book import sigmoid_graph
from viz import Stepper, draw_dot, explain, format_graph, stepper_html
from viz.cli.commands import main
from viz.draw.figures import draw_network, draw_neuron
from viz.notes.figures import block_html
from viz.notes.options import read_options
from viz.words import LANGUAGES, check_lang, locale_language, text, translator
from viz.words.msgfmt import Message, catalogs, compile_po, write_mo


def fields(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name is not None}


def test_every_language_has_every_message_with_the_same_placeholders():
    english = messages("en")
    assert len(english) >= 100
    for lang in LANGUAGES:
        catalog = messages(lang)
        assert catalog.keys() == english.keys(), lang
        for key, message in catalog.items():
            assert (message.plural is None) == (english[key].plural is None), key
            wanted = fields(english[key].forms[-1])
            for form in message.forms:
                assert form, f"{lang}: {key} is not translated"
                assert fields(form) == wanted, f"{lang}: {key}: {form!r}"


def test_the_shipped_catalogs_are_their_sources_compiled():
    for po in catalogs():
        assert po.with_suffix(".mo").read_bytes() == compile_po(po), po


def test_the_compiled_catalog_reads_back_through_gettext_with_plurals():
    en, zh = translator("en"), translator("zh")
    assert [en.plural("explain.paths", n, count=n) for n in (1, 2)] == ["1 path", "2 paths"]
    assert [zh.plural("explain.paths", n, count=n) for n in (1, 2)] == ["1 条路径", "2 条路径"]
    assert text("field.grad", "zh") == "梯度" and text("field.grad") == "grad"
    mo = write_mo([Message("", None, ("Content-Type: text/plain; charset=UTF-8\n",))])
    assert mo[:4] == b"\xde\x12\x04\x95"  # GNU's magic number, little-endian


def test_a_missing_message_or_an_unknown_language_is_an_error():
    with pytest.raises(LookupError, match="no message 'no.such.key'"):
        translator("en")("no.such.key")
    with pytest.raises(ValueError, match="lang must be one of en, zh, got 'fr'"):
        check_lang("fr")
    with pytest.raises(ValueError, match="lang must be one of"):
        draw_dot(Value(1.0, "x"), lang="de")


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW"}, "zh"),
        ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL wins over LANG, as in gettext
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_locale_chooses_the_command_lines_language(environ, lang):
    assert locale_language(environ) == lang


# ---- a Chinese σ(wx + b) holds no English word of the catalog ---------------------------------


def book():
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    return nodes, nodes["h6"]


def test_the_catalog_words_found_are_real_english():
    assert {"gradient", "computed", "path", "forward", "legend"} <= english_words()
    assert english_in("The chain rule at h1: grad") == {"the", "chain", "rule", "at", "grad"}


def test_a_chinese_drawing_has_no_english_word():
    nodes, f = book()
    f.backward()
    svg = draw_dot(f, params=[nodes["w"], nodes["b"]], lang="zh").pipe(encoding="utf-8")
    shown = svg_texts(svg)
    assert "梯度 0.25" in shown and "参数（可学习）" in shown and "图例" in shown
    assert english_in(shown) == set()
    frames = Stepper(f, lang="zh")
    frames.forward()
    shown = svg_texts(frames.draw().pipe(encoding="utf-8"))
    assert "尚未计算" in shown and english_in(shown) == set()


def test_a_chinese_drawings_hover_titles_and_plain_text_have_no_english_word():
    """A browser shows each node's id as its hover title: the box of nodes not drawn has a
    neutral id, not "more"; a notebook's plain-text alternative is in the drawing's language."""
    _, f = book()
    f.backward()
    drawing = draw_dot(f, lang="zh", max_nodes=3)
    svg = drawing.pipe(encoding="utf-8")
    titles = " ".join(html.unescape(t) for t in re.findall(r"<title>([^<]*)</title>", svg))
    assert "另有" in svg_texts(svg) and english_in(titles) == set()
    plain = drawing._repr_mimebundle_(include=["text/plain"])["text/plain"]
    assert "计算图" in plain and english_in(plain) == set()
    assert "computation graph" in draw_dot(f)._repr_mimebundle_()["text/plain"]


def test_a_chinese_text_view_explanation_and_steps_have_no_english_word():
    nodes, f = book()
    f.backward()
    table = format_graph(f, lang="zh")
    assert table.splitlines()[0].split() == ["节点", "运算", "输入", "值", "梯度", "局部导数"]
    rule = explain(f, nodes["w"], lang="zh").text
    assert rule.startswith("∂h6/∂w：1 条路径") and rule.endswith("∂h6/∂w = 0.25")
    stepper = Stepper(f, lang="zh")
    steps = []
    while step := stepper.forward() or stepper.backward():
        steps.append(step.text)
    assert stepper.grads[nodes["w"]] == 0.25  # the same walk, whatever the words
    steps.append(str(stepper.back()))
    assert steps[0] == "前向计算 1/6：h1 = x × w = 1 × 0 = 0"
    assert steps[6] == "反向传播 1/7：h6.grad = 1（∂h6/∂h6 = 1：反向传播从输出开始）"
    for shown in (table, rule, *steps):
        assert english_in(shown) == set(), shown


def test_the_columns_of_a_chinese_table_line_up_in_a_terminal():
    _, f = book()
    lines = format_graph(f, lang="zh").splitlines()
    # "节点" takes four columns, as wide as "----" under it and as "x   " in the first row
    assert lines[1].startswith("----  ") and lines[2].startswith("x     ")


def test_a_chinese_page_has_no_english_word_and_hands_its_script_chinese():
    nodes, f = book()
    page = stepper_html(f, params=[nodes["w"], nodes["b"]], lang="zh")
    assert '<html lang="zh-Hans">' in page
    data = json.loads(
        re.search(r'id="page-data">(.*?)</script>', page, re.DOTALL)[1]
        .replace("\\u003c", "<")
        .replace("\\u003e", ">")
        .replace("\\u0026", "&")
    )
    assert data["words"]["field.grad"] == "梯度"
    assert data["steps"][0]["sentence"] == "前向计算由 x、w 算出 h1（mul）。"
    visible = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.DOTALL)
    visible = html.unescape(re.sub(r"<[^>]+>", " ", visible))
    strings: list[str] = []

    def collect(value: object) -> None:  # every string the script may show, none of the keys
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key == "sets":  # ["value" | "grad", node, the number shown]
                    strings.extend(shown for _, _, shown in item)
                elif key != "role":  # the machine's role name, never shown
                    collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(data)
    strings = [re.sub(r"\{\w+\}", " ", s) for s in strings]  # the script fills placeholders
    assert english_in(visible) == set()
    assert english_in(" ".join(strings)) == set()


def test_the_command_line_steps_and_explains_in_chinese_by_option_or_locale(capsys, monkeypatch):
    book_args = ["sigmoid(w*x + b)", "--at", "x=1,w=0,b=0"]
    assert main(["explain", *book_args, "--wrt", "w", "--lang", "zh"]) == 0
    assert capsys.readouterr().out.startswith("∂f/∂w：1 条路径")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    assert main(["step", *book_args], stdin=__import__("io").StringIO("n\nq\n")) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 步前向计算，然后 4 步反向传播（回车或 n：下一步")
    assert "前向计算 1/3：h1 = w × x = 0 × 1 = 0" in out
    assert main(["explain", *book_args, "--wrt", "w", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("∂f/∂w: 1 path, each a product")


# ---- the book's other figures, the notes fences and the command line, in Chinese -------------


def test_a_chinese_neuron_and_network_have_no_english_word():
    neuron = Neuron(2, "sigmoid", seed=0)
    xs = [Value(1.0), Value(-2.0)]
    neuron(xs).backward()
    model = MLP(2, [12, 2], seed=0)  # 12 neurons, 5 drawn: "另 7 个"
    model([1.0, 2.0])[0].backward()  # output 2's weights unreached: the legend's dashed line
    for lang in ("en", "zh"):
        shown = svg_texts(draw_neuron(neuron, xs, lang=lang).pipe(encoding="utf-8"))
        network = draw_network(model, [1.0, 2.0], by="grad", max_per_layer=6, lang=lang)
        shown += " " + svg_texts(network.pipe(encoding="utf-8"))
        if lang == "en":  # the same figures in English hold the words looked for
            assert {"grad", "input", "hidden", "layer", "more", "dashed"} <= english_in(shown)
            continue
        for word in ("梯度", "输入层", "隐藏层", "输出层", "另 7 个", "虚线：反向传播没有到达"):
            assert word in shown, word
        assert english_in(shown) == set()


FENCES = {
    "neuron": "x = 1, -2\nw = 0.5, -0.3\nb = 0.1\nactivation = sigmoid",
    "network": "layers = [3, 12, 1]\nx = 1, 0.5, -1",
    "activations": "sigmoid(z)\ntanh(z)\nrelu(z)",
    "loss": "x = 1; y = 1\nw₁ = 1; w₂ = -1\n损失 = (y - sigmoid(w₂*sigmoid(w₁*x)))**2",
    "graph": "x = 1; θ = 0; b = 0\n净输入 = θ*x + b\nf = sigmoid(净输入)",
}


@pytest.mark.parametrize("figure", FENCES)
def test_every_fence_figure_in_chinese_has_no_english_word(figure):
    options = {"figure": figure, "lang": "zh"}
    if figure == "loss":
        options["axes"] = "w₁ w₂"
    if figure == "graph":
        options |= {"params": "θ b", "stepper": "true"}
    shown = visible(block_html(FENCES[figure], read_options(options)))
    english = visible(block_html(FENCES[figure], read_options({**options, "lang": "en"})))
    assert english_in(english) != set()  # what the test looks for is there in English
    assert english_in(shown) == set()
    expected = {
        "neuron": "梯度",
        "network": "隐藏层",
        "activations": "导数 f′(z)",
        "loss": "损失",
        "graph": "局部导数",  # the table's header; the stepper's page below it says 梯度
    }
    assert expected[figure] in shown


def test_the_command_lines_demo_check_and_written_files_in_chinese(tmp_path, capsys, monkeypatch):
    image = tmp_path / "g.svg"
    assert main(["demo", "-o", str(image), "--lang", "zh"]) == 0
    out = capsys.readouterr().out.replace(str(tmp_path), " ")
    assert "标出值和梯度的计算图" in out and "g.svg（" in out
    assert english_in(out.replace("g.svg", " ").replace("sigmoid_steps.html", " ")) == set()
    assert english_in(svg_texts(image.read_text(encoding="utf-8"))) == set()
    page = (tmp_path / "sigmoid_steps.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in page
    kink = ["tanh(w*x) * relu(b - x)", "--at", "x=0.5,w=2,b=0.5"]
    assert main(["check", *kink, "--lang", "zh"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("导数   取值  反向传播  中心差分")
    assert "x：x = 0.5 处有折点：左侧斜率 -0.761593，右侧斜率 0" in out
    assert main(["check", *kink, "--lang", "en"]) == 1
    assert english_in(out) == set() and english_in(capsys.readouterr().out) != set()
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    assert main(["check", "x*y", "--at", "x=1,y=2"]) == 0
    assert capsys.readouterr().out.endswith("通过：backward() 与中心差分一致\n")
    for command in ("render", "html"):
        path = tmp_path / ("g2.svg" if command == "render" else "p.html")
        assert main([command, "x*y", "--at", "x=1,y=2", "-o", str(path)]) == 0
        out = capsys.readouterr().out.replace(str(path), " ")
        assert out.startswith("已写入") and english_in(out) == set(), out
