"""The SEED-V feature release: EEG DE and eye-movement features, one file per subject.

Layout (``docs/data-formats.md``, section SEED-V)::

    EEG_DE_features/{subject}_123.npz        all 3 sessions in one file
    Eye_movement_features/{subject}_123.npz

Each file has members ``data`` and ``label``: 0-d bytes arrays holding a
pickled dict keyed 0..44, key ``k`` being session ``k // 15``, trial
``k % 15`` (both 0-based). EEG rows are 310 channel-major values, eye rows 33.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from pathlib import Path

EEG_FOLDER = "EEG_DE_features"
EYE_FOLDER = "Eye_movement_features"
FILE_PATTERN = re.compile(r"^(\d+)_123\.npz$")
"""Names of the subject files; group: the subject."""
DATA_MEMBER = "data"
LABEL_MEMBER = "label"

N_SESSIONS = 3
N_TRIALS = 15
"""Trials per session."""
N_KEYS = N_SESSIONS * N_TRIALS
"""Keys of every pickled dict: 0..44."""
KEYS = range(N_KEYS)
KEY_STRING = re.compile(r"-?[0-9]+")
"""A key stored as text (``'7'``) names the same trial as the integer."""
N_FOLDS = 3
TRIALS_PER_FOLD = 5
"""Standard protocol: fold ``f`` tests trials ``5 f`` to ``5 f + 4`` of each session."""
SUBJECTS = tuple(range(1, 17))
"""Subjects of the feature release."""
EYE_DIM = 33
"""Length of an eye-feature vector."""

CLASS_NAMES = ("disgust", "fear", "sad", "neutral", "happy")
N_CLASSES = len(CLASS_NAMES)
SESSION_LABELS: tuple[tuple[int, ...], ...] = (
    (4, 1, 3, 2, 0, 4, 1, 3, 2, 0, 4, 1, 3, 2, 0),
    (2, 1, 3, 0, 4, 4, 0, 3, 2, 1, 3, 4, 1, 2, 0),
    (2, 1, 3, 0, 4, 4, 0, 3, 2, 1, 3, 4, 1, 2, 0),
)
"""Label of every trial, per session (0 disgust, 1 fear, 2 sad, 3 neutral, 4 happy)."""


def subject_file(subject: int) -> str:
    """Name of a subject's file (the same in both folders)."""
    return f"{subject}_123.npz"


def key_number(key: object) -> int:
    """The number of a pickled dict's key: an integer, or its digits as text.

    Raises
    ------
    ValueError
        For anything else (``0.5``, ``True``, ``'x'``): it names no trial.
    """
    if isinstance(key, str) and KEY_STRING.fullmatch(key):
        return int(key)
    if not isinstance(key, bool):
        try:
            return operator.index(key)  # int and numpy integers
        except TypeError:
            pass
    raise ValueError(f"is not a trial number 0..{N_KEYS - 1}")


def session_and_trial(key: int) -> tuple[int, int]:
    """The 0-based session and trial of a pickled dict's key."""
    return divmod(key, N_TRIALS)


@dataclass(frozen=True)
class SEEDVRecord:
    """One SEED-V subject: its EEG and eye files (all sessions in each)."""

    subject: int
    eeg_path: Path
    eye_path: Path

    @classmethod
    def at(cls, root: str | Path, subject: int) -> SEEDVRecord:
        """The record of ``subject`` in the documented layout under ``root``."""
        root, name = Path(root), subject_file(subject)
        return cls(subject, root / EEG_FOLDER / name, root / EYE_FOLDER / name)

    def __str__(self) -> str:  # shown in TorchEEG's progress bars
        return self.eeg_path.name
