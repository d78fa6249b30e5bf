"""The file a command writes (viz.cli.commands): a directory given as -o is called a directory,
with a file in it to give instead; a write that fails leaves the old file whole."""

import errno
import io
import os

import pytest

from viz.cli.commands import main
from viz.cli.parser import PROG

AT = ["--at", "x=1,w=0"]


def call(capsys, *args: str) -> tuple[int, str, str]:
    """`main()` in-process: (exit status, stdout, stderr)."""
    out = io.StringIO()
    status = main(list(args), stdout=out, stdin=io.StringIO(""))
    return status, out.getvalue(), capsys.readouterr().err


@pytest.mark.parametrize(
    "args, example",
    [
        (["render", "x*w", *AT, "-o"], "graph.svg"),
        (["html", "x*w", *AT, "-o"], "page.html"),
        (["demo", "-o"], "sigmoid_graph.png"),
        (["replay", "--epochs", "1", "-o"], "training.html"),
    ],
)
@pytest.mark.parametrize("slash", ["", "/"])
def test_a_directory_as_the_file_is_called_a_directory(tmp_path, capsys, args, example, slash):
    folder = tmp_path / "out"
    folder.mkdir()
    status, out, err = call(capsys, *args, f"{folder}{slash}")
    inside = os.path.join(f"{folder}{slash}", example)
    assert err == f"{PROG} {args[0]}: error: {folder}{slash} is a directory; give a file name " \
        f"such as {inside}\n"  # fmt: skip
    assert status == 2 and out == "" and list(folder.iterdir()) == []


def test_a_name_ending_in_a_slash_names_a_directory_even_before_it_exists(tmp_path, capsys):
    folder = f"{tmp_path / 'new'}/"
    status, _, err = call(capsys, "render", "x*w", *AT, "-o", folder)
    assert status == 2
    assert err.endswith(f": error: {folder} names a directory; give a file name such as "
                        f"{folder}graph.svg\n")  # fmt: skip
    assert not os.path.exists(folder)


@pytest.mark.parametrize(
    "args, name",
    [(["render", "x*w", *AT, "-o"], "graph.dot"), (["html", "x*w", *AT, "-o"], "page.html")],
)
def test_a_failed_write_leaves_the_old_file_whole(tmp_path, capsys, monkeypatch, args, name):
    """The disk fills as the new file is flushed: exit 1, the old file as it was, no stray
    temporary file beside it."""
    target = tmp_path / name
    target.write_text("the old file\n")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    status, out, err = call(capsys, *args, str(target))
    assert status == 1 and out == ""
    assert err == (
        f"{PROG} {args[0]}: OSError: cannot write {str(target)!r}: {os.strerror(errno.ENOSPC)}; "
        "the old file is unchanged\n"
    )
    assert target.read_text() == "the old file\n"
    assert [p.name for p in tmp_path.iterdir()] == [name]
