"""The SEED multimodal release: 4-s EEG DE features and eye-tracking features.

Layout (``docs/data-formats.md``, section SEED)::

    SEED_Multimodal/{language}/02-EEG-DE-feature/eeg_used_4s/{subject}_{session}.npz
    SEED_Multimodal/{language}/04-Eye-tracking-feature/eye_tracking_feature/{subject}_{session}

The EEG file holds ``train_data`` / ``test_data`` (pickled band -> (N, 62)
dicts) and ``train_label`` / ``test_label``; the eye file (a bare pickle, or
an older ``.mat`` with a ``cell`` struct) holds ``train_data_eye`` /
``test_data_eye``. Train is the first 9 clips of a session, test the last 6.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

RELEASE_FOLDER = "SEED_Multimodal"
"""Top folder of the multimodal release; it holds one folder per language."""
DEFAULT_LANGUAGE = "Chinese"
"""SEED proper; the German and French releases use the same layout."""
EEG_FOLDER = Path("02-EEG-DE-feature") / "eeg_used_4s"
"""EEG DE features on 4-s windows, relative to the language folder."""
EYE_FOLDER = Path("04-Eye-tracking-feature") / "eye_tracking_feature"
"""Eye-tracking features, relative to the language folder."""
EEG_FILE_PATTERN = re.compile(r"^(\d+)_(\d+)\.npz$")
"""EEG file names; groups: subject, session (1-based)."""
EYE_FILE_SUFFIXES: dict[str, str] = {"pickle": "", "mat": ".mat"}
"""Suffix of the eye file for each variant, in the order readers look for them."""
EYE_MAT_VARIABLE = "cell"
"""The struct variable of the ``.mat`` eye variant."""

CLIP_LABELS: tuple[int, ...] = (1, 0, -1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 0, 1, -1)
"""SEED's clip labels (1 positive, 0 neutral, -1 negative); classes are label + 1."""
CLASS_NAMES = ("negative", "neutral", "positive")
"""Class ``c`` is clip label ``c - 1``."""
N_CLASSES = len(CLASS_NAMES)
N_TRIALS = len(CLIP_LABELS)
"""Clips per session."""
N_TRAIN_CLIPS = 9
"""The ``train`` part holds the first 9 clips of a session, ``test`` the last 6."""
PART_CLIPS: dict[str, range] = {
    "train": range(N_TRAIN_CLIPS),
    "test": range(N_TRAIN_CLIPS, N_TRIALS),
}
"""The 0-based clips of each part every EEG and eye file is split into."""
PARTS = tuple(PART_CLIPS)
SESSIONS = (1, 2, 3)
EYE_DIM = 33
"""Length of an eye-feature vector."""
SUBJECTS_WITH_EYE = (1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14)
"""Subjects the release has eye-tracking data for."""


def file_stem(subject: int, session: int) -> str:
    """``{subject}_{session}``: the name shared by a subject-session's files."""
    return f"{subject}_{session}"


def eeg_file(subject: int, session: int) -> str:
    """Name of the EEG file of one subject-session."""
    return f"{file_stem(subject, session)}.npz"


def check_eye_format(eye_format: str) -> str:
    """``eye_format`` if it names an eye-file variant, else a ValueError."""
    if eye_format not in EYE_FILE_SUFFIXES:
        raise ValueError(
            f"eye_format must be {' or '.join(map(repr, EYE_FILE_SUFFIXES))}, "
            f"got {eye_format!r}"
        )
    return eye_format


def eye_file(subject: int, session: int, eye_format: str = "pickle") -> str:
    """Name of the eye file of one subject-session, ``eye_format`` "pickle" or "mat"."""
    suffix = EYE_FILE_SUFFIXES[check_eye_format(eye_format)]
    return file_stem(subject, session) + suffix


def eeg_data_member(part: str) -> str:
    """The EEG npz member holding the pickled band dict of ``part``."""
    return f"{part}_data"


def eeg_label_member(part: str) -> str:
    """The EEG npz member holding the window labels of ``part``."""
    return f"{part}_label"


def eye_data_key(part: str) -> str:
    """The key of the eye file's dict (or ``cell`` struct) holding ``part``."""
    return f"{part}_data_eye"


@dataclass(frozen=True)
class SEEDRecord:
    """One subject-session of the SEED multimodal release: its EEG and eye files."""

    subject: int
    session: int  # 1-based, from the file name
    eeg_path: Path
    eye_path: Path

    @classmethod
    def at(
        cls,
        language_folder: str | Path,
        subject: int,
        session: int,
        eye_format: str = "pickle",
    ) -> SEEDRecord:
        """The record of ``subject`` / ``session`` in the documented layout."""
        base = Path(language_folder)
        return cls(
            subject,
            session,
            base / EEG_FOLDER / eeg_file(subject, session),
            base / EYE_FOLDER / eye_file(subject, session, eye_format),
        )

    def __str__(self) -> str:  # shown in TorchEEG's progress bars
        return self.eeg_path.name
