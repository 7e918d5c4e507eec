"""Open dataset files only if they are regular files.

Opening a FIFO for reading blocks until a writer appears, and a link to a
device such as ``/dev/zero`` never ends; a directory, a broken link or a
link loop would otherwise be skipped or reported as "not found". Every
loader opens its files through :func:`open_regular_file`, which checks the
kind with :func:`os.stat` *before* opening and raises
:class:`~cmcrd_plugin.data.errors.DatasetFormatError` naming the file and
what it is.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from .errors import DatasetFormatError

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def regular_file_problem(path: str | Path) -> str | None:
    """What keeps ``path`` from being read as a regular file, or None if nothing.

    Links are followed; the answer says "file not found", "broken symbolic
    link", "symbolic link loop", "is a directory", "is a FIFO ...", "is a
    character device" and so on.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if exc.errno == errno.ENOENT:
            return "broken symbolic link" if os.path.islink(path) else "file not found"
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISREG(mode):
        return None
    return f"is {_kind(mode)}, not a regular file"


def open_regular_file(path: str | Path) -> BinaryIO:
    """Open ``path`` for binary reading if it is a regular file.

    The kind is checked before opening (so a FIFO or device is never
    opened) and again on the open descriptor (so a file swapped in between
    is refused too).

    Parameters
    ----------
    path : path
        The file; symbolic links are followed.

    Returns
    -------
    BinaryIO
        The open file; close it (use it in a ``with`` block).

    Raises
    ------
    DatasetFormatError
        Naming the file and what it is, if it is missing, a broken link, a
        link loop, a directory, a FIFO, a device or a socket, or unreadable.
    """
    problem = regular_file_problem(path)
    if problem is None:
        try:
            # O_NONBLOCK: if a FIFO was swapped in after the check, open
            # returns at once instead of waiting for a writer.
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except OSError as exc:
            problem = f"cannot be read ({exc.strerror})"
        else:
            mode = os.fstat(fd).st_mode
            if stat.S_ISREG(mode):
                os.set_blocking(fd, True)
                return os.fdopen(fd, "rb")
            os.close(fd)
            problem = f"is {_kind(mode)}, not a regular file"
    raise DatasetFormatError(f"{path}: {problem}")
