"""Files at the bottom of the package: regular-file reads, atomic writes,
staged output folders.

Everything that reads a user's file or writes one goes through here, so that
every layer above (the loaders, the synthetic writers, the commands) has the
same guarantees:

- :func:`open_regular_file` opens a file only if it is a regular file. Opening
  a FIFO for reading blocks until a writer appears, and a link to a device
  such as ``/dev/zero`` never ends; a directory, a broken link or a link loop
  would otherwise be skipped or reported as "not found". The kind is checked
  with :func:`os.stat` *before* opening, and the error names the file and
  what it is.
- :func:`write_atomic` writes a temporary file beside the target and renames
  it into place: a failure leaves the old file untouched.
- :func:`staged_folder` does the same for a whole output folder.

Files and folders get the permissions a plain ``open`` or ``mkdir`` would
give them (:func:`umasked`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np


class UnreadableFileError(ValueError):
    """A file that is missing, not a regular file, or cannot be read."""


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


def open_regular_file(
    path: str | Path, error: type[Exception] = UnreadableFileError
) -> BinaryIO:
    """Open ``path`` for binary reading if it is a regular file.

    The kind is checked before opening (so a FIFO or device is never
    opened) and again on the open descriptor (so a file swapped in between
    is refused too).

    Parameters
    ----------
    path : path
        The file; symbolic links are followed.
    error : exception class
        What to raise (the data loaders pass
        :class:`~cmcrd_plugin.data.errors.DatasetFormatError`).

    Returns
    -------
    BinaryIO
        The open file; close it (use it in a ``with`` block).

    Raises
    ------
    error
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
    raise error(f"{path}: {problem}")


def umasked(mode: int) -> int:
    """``mode`` less the process's umask: what ``open`` or ``mkdir`` would give.

    ``tempfile.mkstemp`` and ``mkdtemp`` create private files (0600) and
    folders (0700); renamed into place, they would stay unreadable to the
    user's group, unlike files written directly.
    """
    return mode & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it where Linux says it."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0)  # elsewhere: set and restore (briefly 0 for other threads)
    os.umask(mask)
    return mask


def write_atomic(
    path: Path, write: Callable[[Path], None], suffix: str = ".tmp"
) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it.

    If ``write`` fails, the temporary file is removed and ``path`` is untouched.
    The file gets the permissions a plain ``open`` would give it. ``suffix``
    ends the temporary file's name, for writers that insist on one (MNE saves
    a FIF file only under a name ending in ``.fif``); the file exists, empty,
    when ``write`` is called.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=suffix, dir=path.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, umasked(0o666))
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_npz(path: Path, **members) -> None:
    """``np.savez`` of ``members`` to ``path`` (bytes members become 0-d arrays)."""
    with open(path, "wb") as f:
        np.savez(f, **members)


@contextlib.contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out``, renamed to ``out`` when the block
    ends without error (replacing what was there), removed otherwise."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        os.chmod(staging, umasked(0o777))  # as a plain mkdir: the group may read
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if out.exists():
        old = staging.with_name(staging.name + ".old")
        os.replace(out, old)
        os.replace(staging, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, out)
