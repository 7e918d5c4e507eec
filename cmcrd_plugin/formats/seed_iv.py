"""SEED-IV: EEG features, raw EEG and eye-movement features, one folder per session.

Layout (``docs/data-formats.md``, section SEED-IV)::

    eeg_feature_smooth/{1,2,3}/{subject}_{date}.mat  {de,psd}_{movingAve,LDS}{t}
    eye_feature_smooth/{1,2,3}/{subject}_{date}.mat  eye_{t}
    eeg_raw_data/{1,2,3}/{subject}_{date}.mat        {initials}_eeg{t}

``t`` is the trial, 1..24; the three folders use the same file names. Feature
arrays are (62, W, 5) (channels, 4-s windows, bands), eye arrays (31, W) and
raw EEG (62, N) at 200 Hz.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

EEG_FEATURE_FOLDER = "eeg_feature_smooth"
EEG_RAW_FOLDER = "eeg_raw_data"
EYE_FOLDER = "eye_feature_smooth"
"""Eye features; one release has this folder flat (no session subfolders)."""
FILE_PATTERN = re.compile(r"^(\d+)_(\d{8})\.mat$")
"""Names of the subject-session files; groups: subject, recording date."""

FEATURES = ("de_movingAve", "de_LDS", "psd_movingAve", "psd_LDS")
"""The EEG features of ``eeg_feature_smooth``."""
DEFAULT_FEATURES = ("de_LDS",)
"""What the loaders read unless told otherwise: LDS-smoothed differential entropy."""
EYE_KEY_PATTERN = re.compile(r"^eye_(\d+)$")
RAW_KEY_PATTERN = re.compile(r".*_eeg(\d+)$")
"""Raw EEG keys are ``{initials}_eeg{t}``; the initials differ per subject."""
RAW_KEY_PREFIXES = (
    "cz", "ha", "hql", "ldy", "ly", "mhw", "mz", "qyt", "rx", "tyc", "whh", "wll",
    "wq", "zjd", "zjy",
)  # fmt: skip
"""Initials the writers put before ``_eeg{t}``, subject 1 first. They are the
initials public loaders show in real keys; their order by subject is our
assumption, and readers never rely on it (they match :data:`RAW_KEY_PATTERN`)."""

N_TRIALS = 24
"""Trials per session."""
TRIALS = range(1, N_TRIALS + 1)
"""The trial numbers keys carry: 1..24."""
N_TRAIN_TRIALS = 16
"""Within-session protocol: the first 16 trials train, the last 8 test."""
SESSIONS = (1, 2, 3)
SUBJECTS = tuple(range(1, 16))
EYE_DIM = 31
"""Length of an eye-feature vector."""
SFREQ = 200
"""Sampling rate of the raw EEG, Hz."""
WINDOW_SECONDS = 4
"""Feature windows (EEG and eye) are 4 s long and do not overlap."""
WINDOW_SAMPLES = WINDOW_SECONDS * SFREQ
"""Raw EEG samples in one feature window."""

CLASS_NAMES = ("neutral", "sad", "fear", "happy")
N_CLASSES = len(CLASS_NAMES)
SESSION_LABELS: tuple[tuple[int, ...], ...] = (
    (1, 2, 3, 0, 2, 0, 0, 1, 0, 1, 2, 1, 1, 1, 2, 3, 2, 2, 3, 3, 0, 3, 0, 3),
    (2, 1, 3, 0, 0, 2, 0, 2, 3, 3, 2, 3, 2, 0, 1, 1, 2, 1, 0, 3, 0, 1, 3, 1),
    (1, 2, 2, 1, 3, 3, 3, 1, 1, 2, 1, 0, 2, 3, 3, 0, 2, 3, 0, 0, 2, 0, 1, 0),
)
"""Label of every trial per session (0 neutral, 1 sad, 2 fear, 3 happy), the
same for every subject."""
SESSION1_WINDOW_COUNTS = (
    42, 23, 49, 32, 22, 40, 38, 52, 36, 42, 12, 27,
    54, 42, 64, 35, 17, 44, 35, 12, 28, 28, 43, 34,
)  # fmt: skip
"""Real 4-s window counts of trials 1..24 in session 1 (other sessions: unknown)."""
FILE_NAMES: tuple[tuple[str, ...], ...] = tuple(
    tuple(line.split())
    for line in (
        "1_20160518 2_20150915 3_20150919 4_20151111 5_20160406 6_20150507 "
        "7_20150715 8_20151103 9_20151028 10_20151014 11_20150916 12_20150725 "
        "13_20151115 14_20151205 15_20150508",
        "1_20161125 2_20150920 3_20151018 4_20151118 5_20160413 6_20150511 "
        "7_20150717 8_20151110 9_20151119 10_20151021 11_20150921 12_20150804 "
        "13_20151125 14_20151208 15_20150514",
        "1_20161126 2_20151012 3_20151101 4_20151123 5_20160420 6_20150512 "
        "7_20150721 8_20151117 9_20151209 10_20151023 11_20151011 12_20150807 "
        "13_20161130 14_20151215 15_20150527",
    )
)
"""``{subject}_{date}`` of every file, per session (index 0 = session 1)."""


def file_name(subject: int, session: int) -> str:
    """The real file name of ``subject`` (1..15) in ``session`` (1..3)."""
    if subject not in SUBJECTS or session not in SESSIONS:
        raise ValueError(
            f"SEED-IV has subjects 1..15 and sessions 1..3, got subject {subject}, "
            f"session {session}"
        )
    return f"{FILE_NAMES[session - 1][subject - 1]}.mat"


def feature_key(feature: str, trial: int) -> str:
    """Key of one trial's EEG feature (``trial`` 1-based)."""
    return f"{feature}{trial}"


def feature_key_pattern(feature: str) -> re.Pattern:
    """Keys of ``feature`` for every trial; group: the trial."""
    return re.compile(rf"^{re.escape(feature)}(\d+)$")


def key_trial(pattern: re.Pattern, key: str) -> int | None:
    """The trial a file's key names under ``pattern`` (group 1), None if no match.

    ``de_LDS01`` names trial 1, as ``de_LDS1`` does: readers refuse a file
    that holds both.
    """
    match = pattern.match(key)
    return int(match.group(1)) if match else None


def eye_key(trial: int) -> str:
    """Key of one trial's eye features (``trial`` 1-based)."""
    return f"eye_{trial}"


def raw_key(subject: int, trial: int) -> str:
    """Key of one trial's raw EEG as the writers name it (``trial`` 1-based)."""
    return f"{RAW_KEY_PREFIXES[subject - 1]}_eeg{trial}"


@dataclass(frozen=True)
class SEEDIVRecord:
    """One subject-session of SEED-IV: its EEG (feature or raw) and eye files."""

    subject: int
    session: int  # 1, 2 or 3 (the folder name)
    eeg_path: Path
    eye_path: Path

    @classmethod
    def at(
        cls,
        root: str | Path,
        subject: int,
        session: int,
        eeg_folder: str = EEG_FEATURE_FOLDER,
    ) -> SEEDIVRecord:
        """The record of ``subject`` / ``session`` in the documented layout."""
        root, name = Path(root), file_name(subject, session)
        return cls(
            subject,
            session,
            root / eeg_folder / str(session) / name,
            root / EYE_FOLDER / str(session) / name,
        )

    def __str__(self) -> str:  # shown in TorchEEG's progress bars
        return f"session {self.session}/{self.eeg_path.name}"
