"""File writing for the synthetic writers: atomic, in the formats the real
releases use (npz, MATLAB v5, bare pickle)."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.io


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


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it.

    If ``write`` fails, the temporary file is removed and ``path`` is untouched.
    The file gets the permissions a plain ``open`` would give it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
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


def scaled_counts(counts, window_fraction: float, minimum: int = 2) -> list[int]:
    """Window counts scaled by ``window_fraction`` (in (0, 1]), at least ``minimum``."""
    if not 0 < window_fraction <= 1:
        raise ValueError(f"window_fraction must be in (0, 1], got {window_fraction}")
    return [max(minimum, round(n * window_fraction)) for n in counts]


def write_npz(path: Path, **members) -> None:
    """``np.savez`` of ``members`` to ``path`` (bytes members become 0-d arrays)."""
    with open(path, "wb") as f:
        np.savez(f, **members)


def write_mat(path: Path, variables: dict) -> None:
    """A MATLAB v5 file holding ``variables``."""
    with open(path, "wb") as f:
        scipy.io.savemat(f, variables)


def write_pickle(path: Path, obj) -> None:
    """A bare pickle of ``obj`` (as the SEED eye-tracking files are)."""
    path.write_bytes(pickle.dumps(obj))
