"""write_atomic and read_regular: nothing but a regular file is replaced or read, a failed write
leaves the old file whole and names it, a FIFO never hangs, /dev/zero never fills memory."""

import errno
import os
import socket
import stat
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from micrograd_nndl import MLP, NotARegularFileError, read_regular, write_atomic

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="mknod and mount need root (CI runs as root)")
posix = pytest.mark.skipif(os.name != "posix", reason="FIFOs, sockets and devices are POSIX")


def _device(path):
    """A private character device with /dev/null's numbers, in the test's own directory."""
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    return path


def _special(tmp_path, kind):
    path = tmp_path / kind
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        _device(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()
    return path


@posix
@pytest.mark.parametrize(
    "kind, word",
    [
        ("fifo", "a FIFO"),
        pytest.param("device", "a character device", marks=needs_root),
        ("socket", "a socket"),
    ],
)
@pytest.mark.parametrize("through_link", [False, True])
def test_a_special_file_is_refused_and_left_as_it_was(tmp_path, kind, word, through_link):
    special = _special(tmp_path, kind)
    mode = special.lstat().st_mode
    path = special
    if through_link:
        path = tmp_path / "link.json"
        path.symlink_to(special)
    with pytest.raises(NotARegularFileError) as failure:
        write_atomic(path, "{}")
    message = str(failure.value)
    assert repr(str(path)) in message and word in message and "not a regular file" in message
    if through_link:
        assert f"links to {str(special)!r}" in message
    assert special.lstat().st_mode == mode  # still the FIFO, the device, the socket
    assert sorted(os.listdir(tmp_path)) == sorted({kind, path.name})  # no temporary file


@needs_root
def test_a_model_is_never_saved_over_a_device(tmp_path):
    """As root, `model.save("/dev/null")` used to turn /dev/null into a JSON file."""
    device = _device(tmp_path / "null")
    with pytest.raises(NotARegularFileError, match="a character device"):
        MLP(2, [1], seed=0).save(device)
    assert stat.S_ISCHR(device.lstat().st_mode)


def test_a_directory_is_refused_even_through_a_symlink(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "out")
    with pytest.raises(IsADirectoryError, match="it is a directory"):
        write_atomic(tmp_path / "link", b"x")
    assert (tmp_path / "link").is_symlink() and os.listdir(tmp_path / "out") == []


def _full_disk(monkeypatch, after=0):
    """os.write that writes `after` bytes and then fails as a full disk does."""
    real_write, written = os.write, [0]

    def write(fd, data):
        if written[0] >= after:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        n = real_write(fd, bytes(data[: after - written[0]]))
        written[0] += n
        return n

    monkeypatch.setattr(os, "write", write)


@pytest.mark.parametrize("after", [0, 3])
def test_a_full_disk_leaves_the_old_file_whole_and_names_it(tmp_path, monkeypatch, after):
    path = tmp_path / "graph.svg"
    path.write_text("<svg>old</svg>")
    _full_disk(monkeypatch, after)
    with pytest.raises(OSError) as failure:
        write_atomic(path, "<svg>" + "new" * 1000 + "</svg>")
    assert failure.value.errno == errno.ENOSPC
    message = str(failure.value)
    assert repr(str(path)) in message and "No space left" in message and "unchanged" in message
    assert path.read_text() == "<svg>old</svg>"
    assert os.listdir(tmp_path) == ["graph.svg"]


@given(st.binary(max_size=3000), st.integers(1, 700))
def test_short_writes_still_write_every_byte(tmp_path_factory, data, chunk):
    """os.write may write less than it is given; the writer writes the rest."""
    path = tmp_path_factory.mktemp("short") / "f.bin"
    real_write = os.write
    try:
        os.write = lambda fd, b: real_write(fd, bytes(b[:chunk]))
        write_atomic(path, data)
    finally:
        os.write = real_write
    assert path.read_bytes() == data


@pytest.fixture
def tiny_tmpfs(tmp_path):
    """A 64 KiB tmpfs: a disk that really fills up."""
    if not ROOT:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_really_full_disk_leaves_the_old_file_whole(tiny_tmpfs):
    path = tiny_tmpfs / "model.json"
    write_atomic(path, "old contents")
    with pytest.raises(OSError) as failure:
        write_atomic(path, b"x" * 200_000)
    assert failure.value.errno == errno.ENOSPC and repr(str(path)) in str(failure.value)
    assert path.read_text() == "old contents" and os.listdir(tiny_tmpfs) == ["model.json"]


# ---- reading ---------------------------------------------------------------------------------


@posix
def test_reading_a_fifo_is_refused_without_blocking(tmp_path, raised_in_time):
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    error = raised_in_time(lambda: read_regular(fifo, 100))
    assert isinstance(error, NotARegularFileError)
    assert "a FIFO" in str(error) and repr(str(fifo)) in str(error)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_is_refused_before_it_is_read(raised_in_time):
    error = raised_in_time(lambda: read_regular("/dev/zero", 100))
    assert isinstance(error, NotARegularFileError) and "a character device" in str(error)


def test_a_file_over_the_limit_is_refused_stating_the_limit(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (2**20 + 1))
    assert read_regular(path, 2**20 + 1) == b" " * (2**20 + 1)
    with pytest.raises(ValueError, match=r"big.json: larger than 1 MB, the most that is read here"):
        read_regular(path, 2**20)
