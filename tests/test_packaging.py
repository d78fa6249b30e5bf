"""What a pip user meets: one version everywhere, `--help` and `--version`, extras that say
what they bring, the files a wheel must carry."""

from __future__ import annotations

import configparser
import importlib.metadata
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

import micrograd_nndl
from viz.cli.commands import main

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
        "hypothesis | micrograd_nndl.testing needs hypothesis: pip install -e '.[testing]' in "
        "the clone, or pip install hypothesis"
    )


def test_extras_mean_what_they_say():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    extras = {name: value.split() for name, value in config["options.extras_require"].items()}
    assert extras["testing"] == ["hypothesis", "pytest"]  # README's Tour 3 runs pytest
    assert "matplotlib" in extras["examples"] and "plots" not in extras
    installed = [*ROOT.glob("micrograd_nndl/**/*.py"), *ROOT.glob("viz/**/*.py")]
    assert not [p.name for p in installed if "import matplotlib" in p.read_text("utf-8")]
    for package in ("micrograd_nndl", "viz"):
        assert (ROOT / package / "py.typed").is_file()
        assert "py.typed" in config["options.package_data"][package].split()
    assert "web/assets/*" in config["options.package_data"]["viz"].split()  # the page's script
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


# ---- end to end: build, install into a fresh virtualenv, run; the sdist runs its own tests ----

#: The sdist's own tests run here: its conftest, the book's table and one example script with
#: the figure it writes. The whole suite is collected (so a module the tests import but the
#: sdist lacks fails); running all of it would repeat the tree's own test run, minutes more.
SDIST_TESTS = [
    "tests/test_book.py",
    "tests/test_examples.py::test_writes_its_pictures[computation_graph]",
]


def clean_env(venv: Path | None = None) -> dict[str, str]:
    """This process's environment without the tree on the path, with `venv` active if given."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    if venv is not None:
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(venv)
    return env


def run_in(cwd: Path, *args: str | Path, venv: Path | None = None) -> str:
    """Run a command in `cwd`; its stdout, or a failure that shows what it printed."""
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=clean_env(venv), capture_output=True, text=True
    )
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="session")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist, and the wheel built from it, of this tree (built once, without isolation:
    the dev extra brings setuptools and wheel, so nothing is downloaded)."""
    out = tmp_path_factory.mktemp("dist")
    run_in(ROOT, sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ".")
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


def test_the_wheel_installs_into_a_fresh_virtualenv_and_runs(
    dists: dict[str, Path], tmp_path: Path
):
    venv = tmp_path / "venv"
    run_in(tmp_path, sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    pip = (sys.executable, "-m", "pip", "--python", python, "install", "-q")  # no pip to bootstrap
    run_in(tmp_path, *pip, dists["wheel"])
    version = run_in(tmp_path, venv / "bin" / "micrograd-nndl", "--version")
    assert version == f"micrograd-nndl {micrograd_nndl.__version__}\n"
    shown = run_in(tmp_path, venv / "bin" / "micrograd-nndl", "demo", "-o", "graph.png")
    assert "∂h6/∂w = 0.25" in shown
    assert (tmp_path / "graph.png").read_bytes().startswith(b"\x89PNG")  # graphviz-pure drew it
    where = "import micrograd_nndl, viz, pathlib; print(pathlib.Path(micrograd_nndl.__file__))"
    installed = Path(run_in(tmp_path, python, "-c", where).strip()).parent
    assert installed.parent.name == "site-packages"  # the wheel's copy, not this tree
    assert (installed / "py.typed").is_file() and (installed.parent / "viz" / "py.typed").is_file()
    assets = installed.parent / "viz" / "web" / "assets"  # the pages' own files
    assert sorted(p.name for p in assets.iterdir()) == [
        "live.css", "live.js", "quiz.js", "stepper.css", "stepper.html", "stepper.js",
        "training.css", "training.html", "training.js",
    ]  # fmt: skip

    without = "import sys\ntry:\n    import micrograd_nndl.testing\nexcept ImportError as e:\n"
    assert "pip install hypothesis" in run_in(tmp_path, python, "-c", without + "    print(e)")
    run_in(tmp_path, *pip, f"{dists['wheel']}[testing]")
    check = (
        "from micrograd_nndl.testing import assert_grads_match, scalars\n"
        "from hypothesis import given\n"
        "@given(scalars(-3, 3))\n"
        "def t(x):\n"
        "    assert_grads_match(lambda v: v * v.sigmoid(), [x])\n"
        "t()\nprint('checked')"
    )
    assert run_in(tmp_path, python, "-c", check) == "checked\n"


def test_the_sdist_runs_its_own_tests(dists: dict[str, Path], tmp_path: Path):
    with tarfile.open(dists["sdist"]) as sdist:
        sdist.extractall(tmp_path, filter="data")
    (tree,) = tmp_path.iterdir()
    for needed in ("LICENSE", "CHANGELOG.md", "tests/conftest.py", "examples/common.py"):
        assert (tree / needed).is_file(), f"the sdist lacks {needed}"
    pytest_ = (sys.executable, "-m", "pytest", "-p", "no:cacheprovider")
    collected = run_in(tree, *pytest_, "--collect-only", "-q")
    assert "error" not in collected.lower()
    ran = run_in(tree, *pytest_, *SDIST_TESTS)
    assert " passed" in ran and "failed" not in ran
