"""Reader for the SEED-V feature release: EEG DE features paired with eye features.

The layout (folders, file names, members, keys, labels) is that of
:mod:`cmcrd_plugin.formats.seed_v`, described in ``docs/data-formats.md``.
EEG rows are 310 channel-major values (channel * 5 + band), reshaped to
(62, 5). The pickled members are read with
:func:`~cmcrd_plugin.data.safe_pickle.safe_loads`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ..formats.seed_v import (
    DATA_MEMBER,
    EEG_FOLDER,
    EYE_FOLDER,
    FILE_PATTERN,
    LABEL_MEMBER,
    N_KEYS,
    SEEDVRecord,
    session_and_trial,
)
from .channels import N_BANDS, N_CHANNELS
from .errors import DatasetFormatError
from .paired import PairedWindows
from .safe_pickle import safe_loads
from .validation import check_numeric_finite, common_window_count, select_subjects


def _subject_files(folder: Path) -> dict[int, Path]:
    if not folder.is_dir():
        raise DatasetFormatError(f"SEED-V folder not found: {folder}")
    found = {}
    for path in folder.iterdir():
        match = FILE_PATTERN.match(path.name)
        if match and path.is_file():
            found[int(match.group(1))] = path
    return found


def read_pickled_member(path: Path, member: str) -> dict[int, np.ndarray]:
    """Read one pickled-dict member (``data`` or ``label``) of a SEED-V ``.npz``."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            if member not in archive.files:
                raise DatasetFormatError(
                    f"{path}: member {member!r} missing (found {sorted(archive.files)})"
                )
            raw = archive[member]
    except DatasetFormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - zip/format errors become ours
        raise DatasetFormatError(f"{path}: cannot read {member!r} ({exc!r})") from exc
    if raw.ndim != 0 or raw.dtype.kind != "S":
        raise DatasetFormatError(
            f"{path}: member {member!r} must be a 0-d bytes array holding a pickled "
            f"dict, got dtype {raw.dtype} and shape {raw.shape}"
        )
    content = safe_loads(raw.item(), source=f"{path}[{member!r}]")
    if not isinstance(content, dict):
        raise DatasetFormatError(
            f"{path}[{member!r}]: expected a pickled dict, got {type(content).__name__}"
        )
    try:
        return {int(k): np.asarray(v) for k, v in content.items()}
    except (TypeError, ValueError) as exc:
        raise DatasetFormatError(
            f"{path}[{member!r}]: keys must be trial numbers 0..{N_KEYS - 1} ({exc!r})"
        ) from exc


def load_seed_v_subject(root: str | Path, subject: int) -> PairedWindows:
    """Load the paired windows of one SEED-V subject.

    Raises
    ------
    DatasetFormatError
        Naming the file and key at fault, for missing files, members or
        trials, wrong shapes and non-finite values.
    """
    return load_seed_v_record(SEEDVRecord.at(root, subject))


def load_seed_v_record(record: SEEDVRecord) -> PairedWindows:
    """Load the paired windows of one SEED-V subject's files.

    Raises
    ------
    DatasetFormatError
        As :func:`load_seed_v_subject`.
    """
    eeg_path, eye_path = record.eeg_path, record.eye_path
    for path in (eeg_path, eye_path):
        if not path.is_file():
            raise DatasetFormatError(f"SEED-V file not found: {path}")
    eeg, eeg_labels = (
        read_pickled_member(eeg_path, m) for m in (DATA_MEMBER, LABEL_MEMBER)
    )
    eye = read_pickled_member(eye_path, DATA_MEMBER)
    expected = set(range(N_KEYS))
    for path, member, table in (
        (eeg_path, DATA_MEMBER, eeg),
        (eeg_path, LABEL_MEMBER, eeg_labels),
        (eye_path, DATA_MEMBER, eye),
    ):
        missing = sorted(expected - set(table))
        if missing:
            raise DatasetFormatError(
                f"{path}[{member!r}]: trial keys {missing} missing"
            )

    parts = []
    eye_dim = None
    for key in sorted(expected):
        e, m, lab = eeg[key], eye[key], eeg_labels[key].reshape(-1)
        where_e = f"{eeg_path}[{DATA_MEMBER}][{key}]"
        where_m = f"{eye_path}[{DATA_MEMBER}][{key}]"
        if e.ndim != 2 or e.shape[1] != N_CHANNELS * N_BANDS:
            raise DatasetFormatError(
                f"{where_e}: expected shape (n_windows, {N_CHANNELS * N_BANDS}), "
                f"got {e.shape}"
            )
        if m.ndim != 2:
            raise DatasetFormatError(
                f"{where_m}: expected shape (n_windows, n_eye_features), got {m.shape}"
            )
        if eye_dim is None:
            eye_dim = m.shape[1]
        elif m.shape[1] != eye_dim:
            raise DatasetFormatError(
                f"{where_m}: {m.shape[1]} eye features, earlier trials have {eye_dim}"
            )
        check_numeric_finite(e, where_e)
        check_numeric_finite(m, where_m)
        check_numeric_finite(lab, f"{eeg_path}[{LABEL_MEMBER}][{key}]")
        n = common_window_count(
            f"SEED-V subject {record.subject} trial key {key}",
            EEG=len(e),
            eye=len(m),
            label=len(lab),
        )
        session, trial = session_and_trial(key)
        ints = np.full(n, 0, dtype=np.int64)
        parts.append(
            PairedWindows(
                eeg=e[:n].reshape(n, N_CHANNELS, N_BANDS).astype(np.float32),
                eye=m[:n].astype(np.float32),
                label=lab[:n].astype(np.int64),
                subject=ints + record.subject,
                session=ints + session,
                trial=ints + trial,
                window=np.arange(n, dtype=np.int64),
            )
        )
    return PairedWindows.concatenate(parts)


def find_records(root: str | Path) -> list[SEEDVRecord]:
    """A record for every subject that has both EEG and eye files under ``root``.

    Subjects with only one of the two are reported with a warning.
    """
    root = Path(root)
    eeg, eye = _subject_files(root / EEG_FOLDER), _subject_files(root / EYE_FOLDER)
    lonely = sorted(set(eeg) ^ set(eye))
    if lonely:
        warnings.warn(
            f"SEED-V at {root}: subjects {lonely} have EEG or eye files but not "
            "both and are skipped",
            stacklevel=3,
        )
    return [SEEDVRecord(s, eeg[s], eye[s]) for s in sorted(set(eeg) & set(eye))]


def seed_v_subjects(root: str | Path) -> list[int]:
    """Subjects that have both EEG and eye files under ``root``.

    Subjects with only one of the two are reported with a warning.
    """
    return [record.subject for record in find_records(root)]


def load_seed_v(
    root: str | Path, subjects: Iterable[int] | None = None
) -> PairedWindows:
    """Load SEED-V EEG DE features paired window-by-window with eye features.

    Parameters
    ----------
    root : path
        Folder that contains ``EEG_DE_features/`` and ``Eye_movement_features/``.
    subjects : iterable of int, optional
        Subject ids to load (default: every subject with both files).

    Returns
    -------
    PairedWindows
        EEG as (n, 62, 5), eye as (n, 33), labels 0..4, ids.
    """
    records = select_subjects(find_records(root), subjects, f"SEED-V at {root}")
    return PairedWindows.concatenate([load_seed_v_record(r) for r in records])
