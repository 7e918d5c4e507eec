"""Reader and writer of the generic paired NPZ format (a lab's own recordings).

The layout is that of :mod:`cmcrd_plugin.formats.paired_npz`, described in
``docs/data-formats.md`` ("Generic paired NPZ: your own recordings"): one
``np.savez`` archive (or a folder of them) with arrays ``eeg``, ``eye``,
``label``, ``subject``, ``session``, ``trial`` and optionally ``window``, one
row per window, features of any per-window shape. Archives are opened with
``allow_pickle=False``: nothing in them can run code.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import partial
from pathlib import Path

import numpy as np

from ..files import open_regular_file, write_atomic, write_npz
from ..formats.paired_npz import (
    FEATURE_ARRAYS,
    FEATURE_DTYPE,
    FILE_PATTERN,
    FILE_SUFFIX,
    ID_ARRAYS,
    ID_DTYPE,
    REQUIRED_ARRAYS,
    TRIAL_KEY,
    WINDOW_ARRAY,
)
from .errors import DatasetFormatError
from .paired import PairedWindows
from .validation import (
    check_real_array,
    check_whole_numbers,
    select_subjects,
)


def write_paired_npz(path: str | Path, windows: PairedWindows) -> Path:
    """Write ``windows`` to one paired NPZ file, atomically.

    The file is written beside ``path`` under a temporary name and renamed,
    so a reader never sees half a file.

    Parameters
    ----------
    path : path
        The ``.npz`` file to write (its folder is created).
    windows : PairedWindows
        The windows; features are stored as float32, labels and ids as int64.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    if path.suffix != FILE_SUFFIX:
        raise ValueError(f"paired NPZ file name must end in {FILE_SUFFIX}: {path}")
    arrays = {
        name: np.asarray(getattr(windows, name), dtype=FEATURE_DTYPE)
        for name in FEATURE_ARRAYS
    }
    for name in (*ID_ARRAYS, WINDOW_ARRAY):
        arrays[name] = np.asarray(getattr(windows, name), dtype=ID_DTYPE)
    write_atomic(path, partial(write_npz, **arrays))
    return path


def window_ids(
    subject: np.ndarray, session: np.ndarray, trial: np.ndarray
) -> np.ndarray:
    """Number the rows 0, 1, ... in order within each (subject, session, trial)."""
    keys = np.stack([subject, session, trial], axis=1)
    _, group = np.unique(keys, axis=0, return_inverse=True)
    group = group.reshape(-1)
    counts = np.bincount(group)
    order = np.argsort(group, kind="stable")
    window = np.empty(len(group), dtype=np.int64)
    first_row = np.repeat(np.cumsum(counts) - counts, counts)
    window[order] = np.arange(len(group)) - first_row
    return window


def _check_ids(values: np.ndarray, where: str) -> np.ndarray:
    if values.ndim != 1:
        raise DatasetFormatError(
            f"{where}: expected shape (n_windows,), got {values.shape}"
        )
    return check_whole_numbers(values, where)


def _read_array(archive, path: Path, name: str) -> np.ndarray:
    try:
        return archive[name]
    except Exception as exc:  # noqa: BLE001 - object arrays, corrupt members
        raise DatasetFormatError(f"{path}[{name!r}]: cannot read ({exc!r})") from exc


def _read_arrays(file, path: Path) -> dict[str, np.ndarray]:
    """The required arrays (and ``window`` if there) of the open archive."""
    try:
        archive = np.load(file, allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - zip/format errors become ours
        raise DatasetFormatError(f"{path}: cannot read as .npz ({exc!r})") from exc
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise DatasetFormatError(f"{path}: expected an .npz archive, got a .npy array")
    with archive:
        missing = [name for name in REQUIRED_ARRAYS if name not in archive.files]
        if missing:
            raise DatasetFormatError(
                f"{path}: arrays {missing} missing (found {sorted(archive.files)})"
            )
        names = [*REQUIRED_ARRAYS]
        if WINDOW_ARRAY in archive.files:
            names.append(WINDOW_ARRAY)
        return {name: _read_array(archive, path, name) for name in names}


def read_paired_npz_file(path: str | Path) -> PairedWindows:
    """Read and validate one paired NPZ file.

    Raises
    ------
    DatasetFormatError
        Naming the file and array at fault, for missing arrays, unequal row
        counts, wrong shapes, non-integer labels or ids, negative labels,
        NaN/Inf values and repeated (subject, session, trial, window) ids.
    """
    path = Path(path)
    with open_regular_file(path, DatasetFormatError) as file:
        raw = _read_arrays(file, path)
    names = list(raw)
    n = len(raw["label"]) if raw["label"].ndim else 0
    if n == 0:
        raise DatasetFormatError(f"{path}['label']: no windows")
    for name, values in raw.items():
        if values.ndim == 0 or len(values) != n:
            rows = len(values) if values.ndim else "no"
            raise DatasetFormatError(
                f"{path}[{name!r}]: {rows} rows, 'label' has {n}; every array "
                "needs one row per window"
            )
    arrays = {}
    for name in FEATURE_ARRAYS:
        values = raw[name]
        if values.ndim < 2:
            raise DatasetFormatError(
                f"{path}[{name!r}]: expected shape (n_windows, ...) with at least "
                f"one feature axis, got {values.shape}"
            )
        check_real_array(values, f"{path}[{name!r}]")
        arrays[name] = values.astype(FEATURE_DTYPE)
    for name in (name for name in names if name not in FEATURE_ARRAYS):
        arrays[name] = _check_ids(raw[name], f"{path}[{name!r}]")
    if (arrays["label"] < 0).any():
        raise DatasetFormatError(
            f"{path}['label']: labels must be class ids from 0, got "
            f"{int(arrays['label'].min())}"
        )
    trial_key = [arrays[name] for name in TRIAL_KEY]
    if WINDOW_ARRAY not in arrays:
        arrays[WINDOW_ARRAY] = window_ids(*trial_key)
    else:
        ids = np.stack([*trial_key, arrays[WINDOW_ARRAY]], axis=1)
        if len(np.unique(ids, axis=0)) != n:
            raise DatasetFormatError(
                f"{path}[{WINDOW_ARRAY!r}]: some (subject, session, trial, window) "
                "ids occur more than once"
            )
    return PairedWindows(**arrays)


def paired_npz_files(root: str | Path) -> list[Path]:
    """The files a paired NPZ dataset at ``root`` consists of.

    ``root`` is one file, or a folder whose ``*.npz`` files (not hidden ones)
    are taken in name order.
    """
    root = Path(root)
    if not root.is_dir():
        if not os.path.lexists(root):
            raise DatasetFormatError(f"paired NPZ file or folder not found: {root}")
        return [root]  # read checks that it is a regular file
    # every entry named like a data file, whatever its kind: read names the
    # ones that are not regular files instead of skipping them
    files = sorted(p for p in root.iterdir() if FILE_PATTERN.match(p.name))
    if not files:
        raise DatasetFormatError(f"{root}: no {FILE_SUFFIX} files in the folder")
    return files


def load_paired_npz(
    root: str | Path, subjects: Iterable[int] | None = None
) -> PairedWindows:
    """Load paired EEG + eye windows stored in the generic paired NPZ format.

    Parameters
    ----------
    root : path
        One ``.npz`` file, or a folder of them (read in name order and
        stacked; every file must have the same feature shapes).
    subjects : iterable of int, optional
        Subject ids to keep (default: all).

    Returns
    -------
    PairedWindows
        Features as stored (float32), labels and ids as int64.

    Raises
    ------
    DatasetFormatError
        Naming the file and array at fault (see :func:`read_paired_npz_file`),
        for files whose feature shapes differ from the first file's, and for
        requested subjects that are not there.
    """
    files = paired_npz_files(root)
    parts = [read_paired_npz_file(path) for path in files]
    for path, part in zip(files[1:], parts[1:], strict=True):
        for name in FEATURE_ARRAYS:
            shape, first = getattr(part, name).shape[1:], getattr(parts[0], name)
            if shape != first.shape[1:]:
                raise DatasetFormatError(
                    f"{path}[{name!r}]: windows of shape {shape}, {files[0]} has "
                    f"{first.shape[1:]}"
                )
    windows = PairedWindows.concatenate(parts)
    if subjects is None:
        return windows
    available = [int(s) for s in np.unique(windows.subject)]
    kept = select_subjects(available, subjects, f"paired NPZ at {root}", int)
    return windows.subset(np.isin(windows.subject, kept))
