"""Readers for SEED-IV: EEG features or raw EEG, paired with eye-movement features.

The layout (folders, file names, keys, labels) is that of
:mod:`cmcrd_plugin.formats.seed_iv`, described in ``docs/data-formats.md``.

Session = folder name. Files are found recursively by name (one release has
``eye_feature_smooth`` flat); stray files are ignored. Eye windows are aligned
with EEG windows by index within a trial; raw EEG is cut into the same
4-second windows: window ``w`` is samples ``[800 w, 800 (w + 1))``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path

import numpy as np
import scipy.io

from ..files import open_regular_file
from ..formats.seed_iv import (
    DEFAULT_FEATURES,
    EEG_FEATURE_FOLDER,
    EEG_RAW_FOLDER,
    EYE_DIM,
    EYE_FOLDER,
    EYE_KEY_PATTERN,
    FEATURES,
    FILE_PATTERN,
    RAW_KEY_PATTERN,
    SESSION_LABELS,
    SESSIONS,
    TRIALS,
    WINDOW_SAMPLES,
    SEEDIVRecord,
    feature_key_pattern,
    key_trial,
)
from .channels import N_BANDS, N_CHANNELS
from .errors import DatasetFormatError
from .paired import PairedWindows
from .validation import (
    check_real_array,
    common_window_count,
    select_subjects,
    trial_keys,
)


def _files_by_session(
    folder: Path, flat_ok: bool = False
) -> dict[tuple[int, str], Path]:
    """``(session, file name) -> path`` of every well-named ``.mat`` in ``folder``."""
    if not folder.is_dir():
        raise DatasetFormatError(f"SEED-IV folder not found: {folder}")
    found: dict[tuple[int, str], Path] = {}
    for path in sorted(folder.rglob("*.mat")):
        if not FILE_PATTERN.match(path.name):
            continue  # stray file
        session_dir = path.parent.name
        if session_dir.isdigit():
            found[(int(session_dir), path.name)] = path
        elif flat_ok:
            found[(0, path.name)] = path  # session from the EEG side
    return found


def find_records(
    root: str | Path, eeg_folder: str = EEG_FEATURE_FOLDER
) -> list[SEEDIVRecord]:
    """Pair every EEG file under ``root/eeg_folder`` with its eye-feature file.

    EEG files without an eye file are reported in one error; stray files and
    folders are ignored.
    """
    root = Path(root)
    eeg = _files_by_session(root / eeg_folder)
    eye = _files_by_session(root / EYE_FOLDER, flat_ok=True)
    if not eeg:
        raise DatasetFormatError(
            f"no SEED-IV files ({{subject}}_{{date}}.mat) in {root / eeg_folder}"
        )
    records, missing = [], []
    for (session, name), eeg_path in sorted(eeg.items()):
        if session not in SESSIONS:
            raise DatasetFormatError(f"{eeg_path}: session folder must be 1, 2 or 3")
        eye_path = eye.get((session, name)) or eye.get((0, name))
        if eye_path is None:
            missing.append(str(eeg_path))
            continue
        subject = int(FILE_PATTERN.match(name).group(1))
        records.append(SEEDIVRecord(subject, session, eeg_path, eye_path))
    if missing:
        raise DatasetFormatError(
            f"SEED-IV: no eye-feature file in {root / EYE_FOLDER} for "
            + ", ".join(missing)
        )
    sessions = {r.session for r in records}
    for subject in sorted({r.subject for r in records}):
        absent = sessions - {r.session for r in records if r.subject == subject}
        if absent:
            warnings.warn(
                f"SEED-IV at {root / eeg_folder}: subject {subject} has no files for "
                f"sessions {sorted(absent)}; loading the sessions present",
                stacklevel=2,
            )
    return records


def read_mat(path: Path) -> dict[str, np.ndarray]:
    """The variables of a MATLAB v5 file (``__header__`` and friends dropped).

    Only a regular file is opened (see
    :func:`~cmcrd_plugin.files.open_regular_file`).
    """
    with open_regular_file(path, DatasetFormatError) as file:
        try:
            content = scipy.io.loadmat(file)
        except Exception as exc:  # noqa: BLE001 - any reader failure is a format error
            raise DatasetFormatError(
                f"{path}: not a readable MATLAB file ({exc!r})"
            ) from exc
    return {k: v for k, v in content.items() if not k.startswith("__")}


def _trial_arrays(
    content: dict, path: Path, pattern: re.Pattern, what: str, shape: tuple
) -> dict[int, np.ndarray]:
    """Trial number (1..24) -> its array, the keys matching ``pattern``.

    Every trial must be there exactly once (``de_LDS1`` and ``de_LDS01`` are
    refused, as are trials 0 and 25), each a finite real array of ``shape``
    (None = any length).
    """
    keys = trial_keys(
        content, partial(key_trial, pattern), TRIALS, str(path), f"{what} for trials"
    )
    return {t: _trial_array(content, path, key, shape) for t, key in keys.items()}


def _trial_array(content: dict, path: Path, key: str, shape: tuple) -> np.ndarray:
    """``content[key]`` checked against ``shape`` (None = any length) and finiteness."""
    where = f"{path}[{key!r}]"
    x = check_real_array(content[key], where)
    if x.ndim != len(shape) or any(
        d is not None and d != n for d, n in zip(shape, x.shape, strict=True)
    ):
        expected = ", ".join("n" if d is None else str(d) for d in shape)
        raise DatasetFormatError(f"{where}: expected shape ({expected}), got {x.shape}")
    return x


def _eye_trials(path: Path) -> dict[int, np.ndarray]:
    trials = _trial_arrays(
        read_mat(path), path, EYE_KEY_PATTERN, "keys eye_{t}", (EYE_DIM, None)
    )
    return {t: x.T for t, x in trials.items()}


def _assemble(
    record: SEEDIVRecord, eeg_trials: dict, eye_trials: dict, eeg_path: Path
) -> PairedWindows:
    parts = []
    labels = SESSION_LABELS[record.session - 1]
    for t in TRIALS:
        eeg, eye = eeg_trials[t], eye_trials[t]
        n = common_window_count(
            f"SEED-IV {eeg_path.name} session {record.session} trial {t}",
            EEG=len(eeg),
            eye=len(eye),
        )
        ints = np.zeros(n, dtype=np.int64)
        parts.append(
            PairedWindows(
                eeg=eeg[:n].astype(np.float32),
                eye=eye[:n].astype(np.float32),
                label=ints + labels[t - 1],
                subject=ints + record.subject,
                session=ints + record.session - 1,
                trial=ints + t - 1,
                window=np.arange(n, dtype=np.int64),
            )
        )
    return PairedWindows.concatenate(parts)


def check_features(features: Sequence[str]) -> tuple[str, ...]:
    """Validate a choice of EEG feature names; returns it as a tuple."""
    features = tuple(features)
    unknown = [f for f in features if f not in FEATURES]
    if unknown or not features:
        raise ValueError(
            f"features must be a non-empty subset of {FEATURES}, got {features}"
        )
    return features


def load_seed_iv_record(
    record: SEEDIVRecord, features: Sequence[str] = DEFAULT_FEATURES
) -> PairedWindows:
    """Feature windows of one SEED-IV subject-session.

    ``features`` are concatenated along the band axis: EEG is
    ``(n, 62, 5 * len(features))``.
    """
    features = check_features(features)
    content = read_mat(record.eeg_path)
    per_feature = []
    for feature in features:
        trials = _trial_arrays(
            content,
            record.eeg_path,
            feature_key_pattern(feature),
            f"keys {feature}{{t}}",
            (N_CHANNELS, None, N_BANDS),
        )
        per_feature.append({t: x.transpose(1, 0, 2) for t, x in trials.items()})
    eeg_trials = {
        t: np.concatenate([f[t] for f in per_feature], axis=2) for t in TRIALS
    }
    for t in TRIALS:
        lengths = {len(f[t]) for f in per_feature}
        if len(lengths) > 1:
            raise DatasetFormatError(
                f"{record.eeg_path}: features {list(features)} of trial {t} have "
                f"different window counts {sorted(lengths)}"
            )
    return _assemble(record, eeg_trials, _eye_trials(record.eye_path), record.eeg_path)


def load_seed_iv_raw_record(record: SEEDIVRecord) -> PairedWindows:
    """Raw EEG windows (n, 62, 800) of one subject-session, paired with eye features.

    Trial ``t``'s signal (62, N) is cut into ``N // 800`` non-overlapping
    4-second windows; window ``w`` (samples ``800 w`` to ``800 w + 799``)
    is paired with eye window ``w`` of the same trial.
    """
    trials = _trial_arrays(
        read_mat(record.eeg_path),
        record.eeg_path,
        RAW_KEY_PATTERN,
        "keys *_eeg{t}",
        (N_CHANNELS, None),
    )
    eeg_trials = {}
    for t, x in trials.items():
        n_windows = x.shape[1] // WINDOW_SAMPLES
        cut = x[:, : n_windows * WINDOW_SAMPLES]
        eeg_trials[t] = cut.reshape(N_CHANNELS, n_windows, WINDOW_SAMPLES).transpose(
            1, 0, 2
        )
    return _assemble(record, eeg_trials, _eye_trials(record.eye_path), record.eeg_path)


def load_seed_iv(
    root: str | Path,
    features: Sequence[str] = DEFAULT_FEATURES,
    subjects: Iterable[int] | None = None,
    raw: bool = False,
) -> PairedWindows:
    """Load SEED-IV paired windows (all sessions) as :class:`PairedWindows`.

    Parameters
    ----------
    root : path
        Folder with ``eeg_feature_smooth/`` (or ``eeg_raw_data/``) and
        ``eye_feature_smooth/``.
    features : sequence of str
        EEG features to concatenate along the band axis (ignored if ``raw``).
    subjects : iterable of int, optional
        Subject ids to keep (default all).
    raw : bool
        Raw EEG windows (n, 62, 800) instead of features.
    """
    records = find_records(root, EEG_RAW_FOLDER if raw else EEG_FEATURE_FOLDER)
    records = select_subjects(records, subjects, f"SEED-IV at {root}")
    parts = [
        load_seed_iv_raw_record(r) if raw else load_seed_iv_record(r, features)
        for r in records
    ]
    return PairedWindows.concatenate(parts)
