"""The docs' four page pictures, taken again: `python docs/screenshots.py [--out DIR] [NAME ...]`
(`make pictures`).

Each page is opened in Chromium (Playwright, /usr/bin/chromium) at the width it is read at and
put in the state its caption describes with the page's own controls (keys, clicks, fields).
The docs show a picture in a 688 px column (mkdocs-material at a 1280 px window), the README on
GitHub at about 830 px: a picture wider than where it is shown is scaled down, and its text
must stay 10 px or more there. So the step pages are taken at 688 px (shown at their size),
the training replay at 830 px (the README's width; at 688 px its smallest text, 12 px, reads
at 10 px), and the notes page at a 1280 px window, cut to its 688 px column and a margin
(its figures' smallest text, 13 px, reads at 12 px in the docs' column).
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
IMAGES = Path(__file__).resolve().parent / "images"
NOTES_ZH = Path(__file__).resolve().parent / "notes-zh.md"
HEIGHT = 900  # the window's height; a picture is the whole page, or the part it is cut to
MARGIN = 16  # px of the page kept either side of the notes column, so its text does not touch

#: A note-writer's site: mkdocs-material in Chinese with the plugin's one line (docs/notes.md).
NOTES_SITE = """site_name: 笔记
theme:
  name: material
  language: zh
plugins:
  - micrograd
"""


def stepper_page(page: Page, tmp: Path) -> dict | None:
    """The book's page (`micrograd-nndl demo`) at the step docs/viz.md's caption names:
    backward 6/7, h2 sending its gradient to h1 and b, and w's path in the explainer."""
    from viz import demo

    demo(tmp / "graph.png", out=io.StringIO(), page=tmp / "steps.html")
    page.goto((tmp / "steps.html").as_uri())
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    page.click("#values tbody tr:nth-child(2)")  # w, the parameter whose path is explained
    page.keyboard.press("-")  # a step out: h2, its inputs and the edges between
    box = page.locator("#graph").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)  # drag the graph up past its legend, cut by the frame's top edge
    page.mouse.down()
    page.mouse.move(x, y - 125, steps=5)
    page.mouse.up()
    return None


def live_page(page: Page, tmp: Path) -> dict | None:
    """σ(wx + b) with w = 1 typed in its field, the quiz on (q), at backward 1/7: asking what
    h5.grad gains (docs/explore.md's caption)."""
    from micrograd_nndl.book import sigmoid_graph
    from viz import to_html

    nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)
    to_html(nodes["h6"], tmp / "live.html", params=[nodes["w"], nodes["b"]])
    page.goto((tmp / "live.html").as_uri())
    page.get_by_label("w", exact=True).fill("1")
    page.locator("body").click(position={"x": 1, "y": 1})  # leave the field: keys are steps
    page.keyboard.press("q")
    for _ in range(8):  # the eighth is held back by the question
        page.keyboard.press("ArrowRight")
    return None


def training_replay(page: Page, tmp: Path) -> dict | None:
    """`micrograd-nndl replay`'s two runs at epoch 100 (End), down to the gradient norms: what
    the README's and docs/explore.md's captions name."""
    from viz.web.training_page import replay_demo

    replay_demo(tmp / "replay.html")
    page.goto((tmp / "replay.html").as_uri())
    page.keyboard.press("End")
    bottom = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('.run .scroll')].map("
        "(s) => s.previousElementSibling.getBoundingClientRect().top))"
    )
    return {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": bottom - 4}


def notes_zh(page: Page, tmp: Path) -> dict | None:
    """docs/notes-zh.md built as a note-writer's Chinese site, cut to its column and its first
    two figures (the neuron and the activations)."""
    (tmp / "docs").mkdir()
    (tmp / "docs" / "index.md").write_text(
        NOTES_ZH.read_text(encoding="utf-8").replace("(notes.md)", ""), encoding="utf-8"
    )
    (tmp / "mkdocs.yml").write_text(NOTES_SITE, encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=tmp,
                   env=env, check=True)  # fmt: skip
    page.goto((tmp / "site" / "index.html").as_uri())
    box = page.locator("article.md-content__inner").bounding_box()
    third = page.locator("article h2").nth(2).bounding_box()
    assert box is not None and third is not None
    return {
        "x": box["x"] - MARGIN,
        "y": box["y"],
        "width": box["width"] + 2 * MARGIN,
        "height": third["y"] - 8 - box["y"],
    }


#: name -> (the window's width, the picture's width, what puts the page in its state)
SHOTS: dict[str, tuple[int, int, Callable[[Page, Path], dict | None]]] = {
    "stepper_page": (688, 688, stepper_page),
    "live_page": (688, 688, live_page),
    "training_replay": (830, 830, training_replay),
    "notes-zh": (1280, 688 + 2 * MARGIN, notes_zh),
}


def shoot(browser: Browser, name: str, out: Path, scheme: str = "light") -> Path:
    """Take the picture `name` into `out`/name.png, the page in its light or dark colours."""
    window, _, prepare = SHOTS[name]
    page = browser.new_page(viewport={"width": window, "height": HEIGHT}, color_scheme=scheme)
    with tempfile.TemporaryDirectory() as tmp:
        clip = prepare(page, Path(tmp))
        path = out / f"{name}.png"
        page.screenshot(path=path, full_page=True, clip=clip)
    page.close()
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"of {', '.join(SHOTS)}")
    parser.add_argument("--out", type=Path, default=IMAGES, help="default: docs/images")
    parser.add_argument("--dark", action="store_true", help="to look at the dark pages too")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(SHOTS)
    if unknown:
        parser.error(f"no picture named {', '.join(sorted(unknown))}")
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name in args.names or SHOTS:
            print(shoot(browser, name, args.out, "dark" if args.dark else "light"))
        browser.close()


if __name__ == "__main__":
    main()
