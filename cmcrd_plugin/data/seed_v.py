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

from ..files import open_regular_file
from ..formats.seed_v import (
    DATA_MEMBER,
    EEG_FOLDER,
    EYE_FOLDER,
    FILE_PATTERN,
    KEYS,
    LABEL_MEMBER,
    N_CLASSES,
    SEEDVRecord,
    key_number,
    session_and_trial,
)
from .channels import N_BANDS, N_CHANNELS
from .errors import DatasetFormatError
from .paired import PairedWindows
from .safe_pickle import safe_loads
from .validation import (
    check_labels,
    check_real_array,
    common_window_count,
    select_subjects,
    trial_keys,
)


def _subject_files(folder: Path) -> dict[int, Path]:
    """Every entry named like a subject file, whatever its kind (read checks it)."""
    if not folder.is_dir():
        raise DatasetFormatError(f"SEED-V folder not found: {folder}")
    found = {}
    for path in folder.iterdir():
        match = FILE_PATTERN.match(path.name)
        if match:
            found[int(match.group(1))] = path
    return found


def read_pickled_member(path: Path, member: str) -> dict[int, object]:
    """Read one pickled-dict member (``data`` or ``label``) of a SEED-V ``.npz``.

    Returns
    -------
    dict
        Trial key number (0..44) -> the unpickled value, not yet checked.

    Raises
    ------
    DatasetFormatError
        As :func:`_pickled_dict` and :func:`_by_trial_key`.
    """
    return _by_trial_key(_pickled_dict(path, member), f"{path}[{member!r}]")


def _pickled_dict(path: Path, member: str) -> dict:
    """The dict pickled in ``member``; errors name the file and member.

    Refused: a file that is not a regular file or not an npz, a missing
    member, a member that is not a 0-d bytes array holding a pickled dict.
    """
    with open_regular_file(path, DatasetFormatError) as file:
        try:
            with np.load(file, allow_pickle=False) as archive:
                if member not in archive.files:
                    raise DatasetFormatError(
                        f"{path}: member {member!r} missing "
                        f"(found {sorted(archive.files)})"
                    )
                raw = archive[member]
        except DatasetFormatError:
            raise
        except Exception as exc:  # noqa: BLE001 - zip/format errors become ours
            raise DatasetFormatError(
                f"{path}: cannot read {member!r} ({exc!r})"
            ) from exc
    if raw.ndim != 0 or raw.dtype.kind != "S":
        raise DatasetFormatError(
            f"{path}: member {member!r} must be a 0-d bytes array holding a pickled "
            f"dict, got dtype {raw.dtype} and shape {raw.shape}"
        )
    where = f"{path}[{member!r}]"
    content = safe_loads(raw.item(), source=where)
    if not isinstance(content, dict):
        raise DatasetFormatError(
            f"{where}: expected a pickled dict, got {type(content).__name__}"
        )
    return content


def _by_trial_key(content: dict, where: str) -> dict[int, object]:
    """``content`` keyed by trial key number 0..44, each exactly once.

    Duplicates such as ``0`` and ``'0'``, keys outside 0..44 and keys that
    are no trial number (``0.5``) are refused, naming the keys.
    """
    keys = trial_keys(content, key_number, KEYS, where, what="trial keys")
    return {number: content[key] for number, key in keys.items()}


def _trial_label(values: object, where: str) -> np.ndarray:
    """A trial's window labels: class ids 0..4, the same for every window."""
    labels = check_labels(values, range(N_CLASSES), where).reshape(-1)
    if len(np.unique(labels)) > 1:
        raise DatasetFormatError(
            f"{where}: labels {sorted(np.unique(labels).tolist())} within one "
            "trial; a trial has one label"
        )
    return labels


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
    members = (
        (eeg_path, DATA_MEMBER),
        (eeg_path, LABEL_MEMBER),
        (eye_path, DATA_MEMBER),
    )
    contents = [_pickled_dict(path, member) for path, member in members]
    eeg, eeg_labels, eye = (
        _by_trial_key(content, f"{path}[{member!r}]")
        for content, (path, member) in zip(contents, members, strict=True)
    )

    parts = []
    eye_dim = None
    for key in KEYS:
        where_e = f"{eeg_path}[{DATA_MEMBER}][{key}]"
        where_m = f"{eye_path}[{DATA_MEMBER}][{key}]"
        e, m = check_real_array(eeg[key], where_e), check_real_array(eye[key], where_m)
        lab = _trial_label(eeg_labels[key], f"{eeg_path}[{LABEL_MEMBER}][{key}]")
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
                label=lab[:n],
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
