"""A note-writer's mkdocs-material site in a temporary directory, set up with the plugin's one
line, built with `mkdocs build --strict` in a subprocess (as `make docs` runs it).

mkdocs finds plugins by entry point. The installed package may predate the plugin, so the
build sees the entry points this checkout's setup.cfg declares (a dist-info written from them):
what is tested is the declaration a wheel will carry.
"""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MATERIAL = """site_name: 笔记
theme:
  name: material
  language: zh
  palette:
    - scheme: default
      toggle: {icon: material/brightness-7, name: dark}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: light}
"""


def entry_points(where: Path) -> Path:
    """A dist-info in `where` holding setup.cfg's mkdocs.plugins entry points."""
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    plugins = cfg["options.entry_points"]["mkdocs.plugins"].strip()
    info = where / "micrograd_nndl_checkout-0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: micrograd-nndl-checkout\nVersion: 0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[mkdocs.plugins]\n{plugins}\n", encoding="utf-8")
    return where


def build(tmp: Path, pages: dict[str, str], config: str) -> subprocess.CompletedProcess:
    """Write `pages` (name -> Markdown) and mkdocs.yml (`config`), build strictly into site/."""
    (tmp / "docs").mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (tmp / "docs" / name).write_text(text, encoding="utf-8")
    (tmp / "mkdocs.yml").write_text(config, encoding="utf-8")
    path = os.pathsep.join([str(ROOT), str(entry_points(tmp / "entry_points"))])
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": path}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp / "site")],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
