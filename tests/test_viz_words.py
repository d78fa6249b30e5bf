"""viz.words: the catalogs agree (every message in every language, the same placeholders), the
shipped .mo files are their .po sources compiled, and a Chinese drawing, text view,
explanation, step-through and page of the book's σ(wx + b) hold no English word of the catalog
(NNDL §4.5.3, the reader's own names and numbers excepted)."""

import html
import json
import re
import string

import pytest

from micrograd_nndl import Value
from micrograd_nndl.book import sigmoid_graph
from viz import Stepper, draw_dot, explain, format_graph, stepper_html
from viz.cli.commands import main
from viz.words import LANGUAGES, check_lang, locale_language, text, translator
from viz.words.msgfmt import Message, catalogs, compile_po, read_po, write_mo


def messages(lang: str) -> dict[str, Message]:
    po = next(p for p in catalogs() if p.parent.parent.name == lang)
    return {m.msgid: m for m in read_po(po.read_text(encoding="utf-8")) if m.msgid}


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

#: The reader's own names and the op table's words: not the catalog's to translate.
OWN = {"x", "w", "b", "f", "h1", "h2", "h3", "h4", "h5", "h6", "exp", "mul", "add", "pow"}


def english_words() -> set[str]:
    """Every word of the English catalog that the Chinese one does not also use (code such as
    max_rows=None or backward() stays as it is in both)."""

    def words_of(lang: str) -> set[str]:
        texts = [form for m in messages(lang).values() for form in m.forms]
        plain = [re.sub(r"\{\w+\}", " ", t) for t in texts]  # placeholders are not words
        return {w.lower() for t in plain for w in re.findall(r"[A-Za-z][A-Za-z_]+", t)}

    return words_of("en") - words_of("zh") - OWN


def english_in(shown: str) -> set[str]:
    """The catalog's English words in `shown`; an attribute (h6.grad, the Value's own) is code."""
    shown = re.sub(r"\.[A-Za-z_]+", " ", shown)
    found = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z_]+", shown)}
    return found & english_words()


def book():
    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    return nodes, nodes["h6"]


def svg_texts(svg: str) -> str:
    return " ".join(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg))


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


def test_a_chinese_text_view_explanation_and_steps_have_no_english_word():
    nodes, f = book()
    f.backward()
    table = format_graph(f, lang="zh")
    assert table.splitlines()[0].split() == ["节点", "运算", "输入", "值", "梯度", "局部导数"]
    rule = explain(f, nodes["w"], lang="zh").text
    assert rule.startswith("∂h6/∂w：1 条路径") and rule.endswith("∂h6/∂w = 0.25")
    stepper = Stepper(f, lang="zh")
    steps = []
    while (step := stepper.forward() or stepper.backward()) is not None:
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
