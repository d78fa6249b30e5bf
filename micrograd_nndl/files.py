"""Files written whole or not at all, and read only when they are regular files of a sane size.

Every file the project writes (a saved model, a drawing, a step's picture, a CLI output) goes
through `write_atomic`: the bytes go to a temporary file in the target's directory, are
fsynced, and the temporary file is renamed over the target. A full disk, a crash or Ctrl-C
mid-write leaves the old file as it was. Only a regular file or a new path is ever replaced: a
device (`/dev/null`), a FIFO, a socket or a directory, also behind a symlink, is refused before
anything is written, since renaming over it would destroy it. The new file gets the permissions
`open(path, "w")` would give it (those of the file it replaces, else 0666 minus the umask).

`read_regular` is the reading side: it opens without blocking (a FIFO never hangs), refuses
anything but a regular file and reads at most a stated number of bytes (`/dev/zero` cannot
exhaust memory).
"""

from __future__ import annotations

import errno
import os
import secrets
import stat

#: What a file type is called in an error message.
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


class NotARegularFileError(OSError):
    """A path that names a device, a FIFO, a socket or a directory where a file is needed."""


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _refuse(path: str, target: str, mode: int, doing: str) -> None:
    """Raise the error for a non-regular `target`, naming `path` and where a symlink led."""
    via = f" ({path!r} links to {target!r})" if os.path.abspath(path) != target else ""
    kind = _kind(mode)
    if stat.S_ISDIR(mode):
        raise _error(
            IsADirectoryError,
            errno.EISDIR,
            f"cannot {doing} {path!r}: it is a directory{via}; give a file name, e.g. "
            f"{os.path.join(path, 'file')!r}",
        )
    raise _error(
        NotARegularFileError,
        errno.EINVAL,
        f"cannot {doing} {path!r}: it is {kind}{via}, not a regular file; "
        "only a regular file or a new path is written",
    )


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> str:
    """Write `data` (str as UTF-8) to `path` whole or not at all; return the path written.

    Raises IsADirectoryError, NotARegularFileError (device, FIFO, socket; also through a
    symlink) or FileNotFoundError (no such directory) before writing anything, and an OSError
    naming `path` for any failure while writing, the old file intact.
    """
    path = os.fspath(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    target = os.path.realpath(path)  # through a symlink, as open(path, "w") writes
    directory, name = os.path.split(target)
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as e:
        raise _naming(e, f"cannot write {path!r}") from None
    if not os.path.basename(path) and mode is None:
        mode = stat.S_IFDIR  # "out/" names a directory even before it exists
    if mode is not None and not stat.S_ISREG(mode):
        _refuse(path, target, mode, "write")
    if not os.path.isdir(directory):
        linked = os.path.abspath(path) != target  # then the missing directory is the target's
        shown = directory if linked else os.path.dirname(path) or directory
        via = f" ({path!r} links to {target!r})" if linked else ""
        raise _error(
            FileNotFoundError,
            errno.ENOENT,
            f"cannot write {path!r}: the directory {shown!r} does not exist{via}",
        )
    fd, tmp = _create_beside(directory, name, path)
    try:
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if mode is not None:
            os.chmod(tmp, stat.S_IMODE(mode))  # keep the mode of the file replaced
        os.replace(tmp, target)
    except BaseException as e:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        if isinstance(e, OSError):
            kept = "; the old file is unchanged" if mode is not None else ""
            raise _naming(e, f"cannot write {path!r}", kept) from None
        raise
    _sync_directory(directory)
    return path


def _naming(error: OSError, doing: str, suffix: str = "") -> OSError:
    """`error` again, of the same type, its message saying which file and what was being done
    (an OSError from the system names the temporary file, or no file at all)."""
    reason = error.strerror or str(error) or type(error).__name__
    return _error(type(error), error.errno, f"{doing}: {reason}{suffix}")


def _error(kind: type[OSError], number: int | None, message: str) -> OSError:
    """An OSError whose str() is `message` alone (no "[Errno 28]" in front), errno kept."""
    error = kind(message)
    error.errno = number
    return error


def _create_beside(directory: str, name: str, path: str) -> tuple[int, str]:
    """A new temporary file in `directory`, created with mode 0666 so the umask applies, as
    for any file `open(path, "w")` creates (tempfile.mkstemp would make it 0600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
        except OSError as e:
            raise _naming(e, f"cannot write {path!r}") from None
    raise _error(FileExistsError, errno.EEXIST, f"cannot write {path!r}: no free temporary name")


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable where the system allows opening a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file `path`, refusing a device, FIFO, socket or directory
    without blocking on it, and a file of more than `limit` bytes (ValueError, stating it)."""
    path = os.fspath(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        mode = os.stat(path).st_mode  # before opening: opening a device can have effects
    except OSError as e:
        raise _naming(e, f"cannot read {path!r}") from None
    if not stat.S_ISREG(mode):
        _refuse(path, os.path.realpath(path), mode, "read")
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise _naming(e, f"cannot read {path!r}") from None
    try:
        mode = os.fstat(fd).st_mode  # the file opened, should it have been swapped meanwhile
        if not stat.S_ISREG(mode):
            _refuse(path, os.path.realpath(path), mode, "read")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise ValueError(f"{path}: larger than {_megabytes(limit)}, the most that is read here")
    return b"".join(chunks)


def _megabytes(size: int) -> str:
    return f"{size / 2**20:g} MB" if size >= 2**20 else f"{size} bytes"
