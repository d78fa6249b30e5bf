"""docs/screenshots.py takes a picture as wide as it says: the width it is shown at, so its
text is not scaled below 10 px. The cheapest of its four (the live page) is taken here."""

# ruff: noqa: F811 (the shared fixture is a parameter of the test)
import importlib.util
import struct

from notes_site import ROOT
from test_viz_html_browser import browser  # noqa: F401 (fixture)

SCRIPT = ROOT / "docs" / "screenshots.py"


def load():
    spec = importlib.util.spec_from_file_location("screenshots", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def png_size(path):
    """Width and height from a PNG's IHDR, the chunk every PNG starts with."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


def test_the_live_page_picture_is_as_wide_as_the_script_says(browser, tmp_path):
    shots = load()
    _, width, _ = shots.SHOTS["live_page"]
    assert width <= 688  # the docs' column shows it at its own size
    path = shots.shoot(browser, "live_page", tmp_path)
    shown, tall = png_size(path)
    assert (shown, path.name) == (width, "live_page.png") and tall > 900 // 2
    assert png_size(shots.IMAGES / "live_page.png")[0] == width  # the committed one too
