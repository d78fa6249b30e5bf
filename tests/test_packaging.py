"""What a pip user meets: one version everywhere, `--help` and `--version`, extras that say
what they bring, the files a wheel must carry."""

from __future__ import annotations

import configparser
import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

import micrograd_nndl
from viz.cli import main

ROOT = Path(__file__).resolve().parent.parent


def python(*args: str) -> subprocess.CompletedProcess:
    """`python ARGS` in a fresh process with the tree on the path, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_the_installed_metadata_reads_the_one_version_source():
    assert importlib.metadata.version("micrograd-nndl") == micrograd_nndl.__version__


def test_the_command_prints_its_version(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"micrograd-nndl {micrograd_nndl.__version__}\n"


def test_python_m_micrograd_nndl_answers_help_and_version():
    helped = python("-m", "micrograd_nndl", "--help")
    assert helped.returncode == 0
    assert helped.stdout.startswith("usage: python -m micrograd_nndl")
    assert "σ(wx + b)" in helped.stdout and "0.25" not in helped.stdout  # help, not the table
    versioned = python("-m", "micrograd_nndl", "--version")
    assert versioned.stdout == f"micrograd-nndl {micrograd_nndl.__version__}\n"
    table = python("-m", "micrograd_nndl")
    assert table.returncode == 0 and "0.25" in table.stdout
    refused = python("-m", "micrograd_nndl", "--bogus")
    assert refused.returncode == 2 and "unrecognized arguments: --bogus" in refused.stderr


def test_testing_without_hypothesis_names_the_extra_to_install():
    blocked = python(
        "-c",
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n"
        "    import micrograd_nndl.testing\n"
        "except ModuleNotFoundError as e:\n"
        "    print(e.name, '|', e)",
    )
    assert blocked.stdout.strip() == (
        "hypothesis | micrograd_nndl.testing needs hypothesis: "
        "pip install 'micrograd-nndl[testing]'"
    )


def test_extras_mean_what_they_say():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    extras = {name: value.split() for name, value in config["options.extras_require"].items()}
    assert extras["testing"] == ["hypothesis"]
    assert "matplotlib" in extras["examples"] and "plots" not in extras
    installed = [*ROOT.glob("micrograd_nndl/*.py"), *ROOT.glob("viz/*.py")]
    assert not [p.name for p in installed if "import matplotlib" in p.read_text("utf-8")]
    for package in ("micrograd_nndl", "viz"):
        assert (ROOT / package / "py.typed").is_file()
        assert "py.typed" in config["options.package_data"][package].split()
    assert "assets/*" in config["options.package_data"]["viz"].split()  # the page's script
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
