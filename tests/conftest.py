"""Hypothesis runs with a fixed, derandomized profile so CI is reproducible and bounded."""

import os
import shutil
import sys
import sysconfig
import threading

import pytest
from hypothesis import HealthCheck, settings

import viz.draw.graphviz_runner

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", deadline=None, max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def raised_in_time():
    """`raised_in_time(function)`: what `function` raised (None if it returned), run in a
    thread; the test fails, rather than the suite hanging, if it blocks for 5 s (a FIFO)."""

    def run_in_time(function, seconds=5.0):
        outcome = {}

        def run():
            try:
                function()
            except BaseException as e:  # noqa: BLE001 - handed to the test
                outcome["error"] = e

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(seconds)
        assert not thread.is_alive(), f"still blocked after {seconds} s"
        return outcome.get("error")

    return run_in_time


#: Every Graphviz program here: graphviz-pure (a dependency, beside the running Python) and a
#: system `dot` where one is installed. Layout tests run with each: the drawings must read the
#: same with both.
GRAPHVIZ_PROGRAMS = [
    p
    for p in (
        shutil.which(
            "graphviz-pure",
            path=os.pathsep.join([os.path.dirname(sys.executable), sysconfig.get_path("scripts")]),
        ),
        shutil.which("dot"),
    )
    if p
]


@pytest.fixture(params=GRAPHVIZ_PROGRAMS, ids=os.path.basename)
def graphviz_program(request, monkeypatch):
    """The path of one Graphviz program, which every drawing of the test then runs."""
    monkeypatch.setattr(viz.draw.graphviz_runner, "find_program", lambda: request.param)
    return request.param
