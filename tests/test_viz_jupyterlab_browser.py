"""An untrusted notebook in real JupyterLab, in Chromium: a `draw_dot` output and a `Stepper`
output saved in it each show a picture.

JupyterLab shows no SVG and no HTML of a notebook it does not trust (one received from someone
else, or reopened after a change): only what a PNG or plain text can show. A notebook run by
nbclient and written without its signature is such a notebook.

Needs the `test` extra's jupyterlab, playwright, nbclient and ipykernel, and Debian's chromium;
without them these tests skip, except under CI (CI=true), where a missing one fails.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
TOKEN = "untrusted-notebook-test"
CELLS = [
    "from micrograd_nndl.book import sigmoid_graph\n"
    "from viz import Stepper, draw_dot\n"
    "nodes = sigmoid_graph(x=1.0, w=0.0, b=0.0)\n"
    "nodes['h6'].backward()",
    "draw_dot(nodes['h6'])",
    "stepper = Stepper(nodes['h6'])\nstepper.forward()\nstepper",
]


def _missing() -> str | None:
    for module in ("jupyterlab", "playwright.sync_api", "nbclient", "ipykernel"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed: pip install -e '.[test]'"
    if not CHROMIUM.is_file():
        return f"no {CHROMIUM}: apt-get install chromium"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _untrusted_notebook(path: Path) -> None:
    """Run CELLS with nbclient and write the notebook with its outputs and no signature."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    root = Path(__file__).resolve().parent.parent
    NotebookClient(notebook, timeout=120, resources={"metadata": {"path": str(root)}}).execute()
    nbformat.write(notebook, path)  # unsigned: JupyterLab does not trust it


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a free local port serving a folder with the untrusted notebook;
    its URL to open the notebook."""
    missing = _missing()
    if missing:
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(f"CI needs the JupyterLab test: {missing}")
        pytest.skip(missing)
    folder = tmp_path_factory.mktemp("lab")
    _untrusted_notebook(folder / "untrusted.ipynb")
    port = _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(folder / ".config")}
    env["JUPYTER_DATA_DIR"] = str(folder / ".data")  # a notary database of its own: empty
    env["JUPYTER_RUNTIME_DIR"] = str(folder / ".runtime")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
         f"--ServerApp.root_dir={folder}", f"--IdentityProvider.token={TOKEN}",
         "--ServerApp.ip=127.0.0.1", "--allow-root"],  # root: a CI container
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api?token={TOKEN}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        yield f"{base}/lab/tree/untrusted.ipynb?token={TOKEN}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # slow to stop on a loaded machine: the test is over
            server.kill()
            server.wait()


def test_an_untrusted_notebook_shows_a_picture_for_a_drawing_and_a_stepper(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(lab)
            outputs = page.locator(".jp-Cell .jp-OutputArea-output")
            outputs.nth(1).wait_for(timeout=60_000)
            shown = page.evaluate(
                """() => [...document.querySelectorAll('.jp-CodeCell')].map((cell) => ({
                  mime: !cell.querySelector('.jp-OutputArea-output') ? null :
                    cell.querySelector('.jp-OutputArea-output').dataset.mimeType,
                  img: [...cell.querySelectorAll('.jp-OutputArea-output img')].map(
                    (i) => [i.naturalWidth, i.naturalHeight]),
                  svg: cell.querySelectorAll('.jp-OutputArea-output svg').length,
                  iframe: cell.querySelectorAll('.jp-OutputArea-output iframe').length,
                }))"""
            )
        finally:
            browser.close()
    drawing, stepper = shown[1], shown[2]
    assert drawing["mime"] == "image/png", drawing  # the PNG chosen over the SVG
    for cell in (drawing, stepper):
        # untrusted: no SVG and no page's frame runs; a stepper's HTML keeps its picture
        assert cell["svg"] == 0 and cell["iframe"] == 0, cell
        ((width, height),) = cell["img"]
        assert width > 200 and height > 200, cell  # a picture drawn, not a broken image
