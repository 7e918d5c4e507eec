"""Reader for the SEED multimodal release: 4-s EEG DE features paired with eye features.

Layout (see ``data-formats.md``)::

    SEED_Multimodal/Chinese/02-EEG-DE-feature/eeg_used_4s/{subject}_{session}.npz
    SEED_Multimodal/Chinese/04-Eye-tracking-feature/eye_tracking_feature/{subject}_{session}

EEG npz members ``train_data`` / ``test_data`` are 0-d bytes holding a pickled
dict ``{'delta', 'theta', 'alpha', 'beta', 'gamma'} -> (N, 62)`` (band-major,
converted to (N, 62, 5)); ``train_label`` / ``test_label`` are (N,). The eye
file is a pickle (no extension) with ``train_data_eye`` (N_train, 33) and
``test_data_eye``, or an older ``.mat`` whose ``cell`` struct holds the same
fields. Train = the first 9 clips of the session, test = the last 6. Only
subjects 1-5 and 8-14 have eye data; others are reported and skipped.

The release stores no clip boundaries. Windows are assigned to clips by runs
of equal labels: with SEED's label sequence this recovers every clip except
clips 3 and 4 (both negative, adjacent), which share trial id 2. Trial ids are
the 0-based index of a run's first clip, so "train" is ``trial < 9``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.io

from .channels import BANDS, N_CHANNELS
from .errors import DatasetFormatError
from .paired import PairedWindows
from .safe_pickle import safe_load_file, safe_loads
from .validation import check_numeric_finite, common_window_count, select_subjects

EEG_SUBDIR = Path("02-EEG-DE-feature") / "eeg_used_4s"
EYE_SUBDIR = Path("04-Eye-tracking-feature") / "eye_tracking_feature"
CLIP_LABELS = (1, 0, -1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 0, 1, -1)
"""SEED's clip labels (1 positive, 0 neutral, -1 negative); classes are label + 1."""
N_TRAIN_CLIPS = 9
N_TRIALS = 15
N_CLASSES = 3
EYE_DIM = 33
SUBJECTS_WITH_EYE = (1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14)
_FILE_RE = re.compile(r"^(\d+)_(\d+)\.npz$")


@dataclass(frozen=True)
class SEEDRecord:
    """One subject-session of the SEED multimodal release."""

    subject: int
    session: int  # 1-based, from the file name
    eeg_path: Path
    eye_path: Path

    def __str__(self) -> str:  # shown in TorchEEG's progress bars
        return self.eeg_path.name


def language_folder(root: str | Path, language: str = "Chinese") -> Path:
    """Find ``SEED_Multimodal/<language>`` from ``root`` (or root itself)."""
    root = Path(root)
    for candidate in (root / "SEED_Multimodal" / language, root / language, root):
        if (candidate / EEG_SUBDIR).is_dir():
            return candidate
    raise DatasetFormatError(
        f"SEED multimodal folder not found under {root}: expected "
        f"SEED_Multimodal/{language}/{EEG_SUBDIR}"
    )


def find_records(root: str | Path, language: str = "Chinese") -> list[SEEDRecord]:
    """Every EEG file with its eye file; subjects without eye data are reported."""
    base = language_folder(root, language)
    eye_dir = base / EYE_SUBDIR
    if not eye_dir.is_dir():
        raise DatasetFormatError(f"SEED multimodal eye folder not found: {eye_dir}")
    records, lonely = [], []
    for path in sorted((base / EEG_SUBDIR).iterdir()):
        match = _FILE_RE.match(path.name)
        if not match:
            continue  # stray file
        subject, session = int(match.group(1)), int(match.group(2))
        stem = f"{subject}_{session}"
        eye = next(
            (p for p in (eye_dir / stem, eye_dir / f"{stem}.mat") if p.is_file()), None
        )
        if eye is None:
            lonely.append(stem)
            continue
        records.append(SEEDRecord(subject, session, path, eye))
    if lonely:
        warnings.warn(
            f"SEED multimodal at {base}: no eye-tracking file for {', '.join(lonely)} "
            "(the release has eye data for subjects 1-5 and 8-14); skipped",
            stacklevel=2,
        )
    if not records:
        raise DatasetFormatError(f"no paired SEED multimodal files under {base}")
    return records


def _npz_member(archive, path: Path, member: str) -> np.ndarray:
    if member not in archive.files:
        raise DatasetFormatError(
            f"{path}: member {member!r} missing (found {sorted(archive.files)})"
        )
    return archive[member]


def _read_eeg(path: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    try:
        archive = np.load(path, allow_pickle=False)
    except Exception as exc:  # noqa: BLE001
        raise DatasetFormatError(f"{path}: not a readable npz ({exc!r})") from exc
    out = {}
    with archive:
        for part in ("train", "test"):
            raw = _npz_member(archive, path, f"{part}_data")
            if raw.ndim != 0 or raw.dtype.kind != "S":
                raise DatasetFormatError(
                    f"{path}[{part}_data]: expected a 0-d bytes array holding a "
                    "pickled dict"
                )
            bands = safe_loads(raw.item(), source=f"{path}[{part}_data]")
            if not isinstance(bands, dict) or set(bands) != set(BANDS):
                keys = (
                    sorted(bands) if isinstance(bands, dict) else type(bands).__name__
                )
                raise DatasetFormatError(
                    f"{path}[{part}_data]: expected keys {list(BANDS)}, got {keys}"
                )
            arrays = []
            for band in BANDS:
                x = np.asarray(bands[band])
                where = f"{path}[{part}_data][{band!r}]"
                if x.ndim != 2 or x.shape[1] != N_CHANNELS:
                    raise DatasetFormatError(
                        f"{where}: expected (n_windows, 62), got {x.shape}"
                    )
                check_numeric_finite(x, where)
                arrays.append(x)
            if len({len(a) for a in arrays}) > 1:
                raise DatasetFormatError(
                    f"{path}[{part}_data]: bands differ in window count"
                )
            labels = np.asarray(_npz_member(archive, path, f"{part}_label")).reshape(-1)
            check_numeric_finite(labels, f"{path}[{part}_label]")
            out[part] = (np.stack(arrays, axis=2), labels)  # band-major -> (N, 62, 5)
    return out


def _read_eye(path: Path) -> dict[str, np.ndarray]:
    if path.suffix == ".mat":
        try:
            content = scipy.io.loadmat(path, simplify_cells=True)
        except Exception as exc:  # noqa: BLE001
            raise DatasetFormatError(
                f"{path}: not a readable MATLAB file ({exc!r})"
            ) from exc
        fields = content.get("cell")
        if not isinstance(fields, dict):
            raise DatasetFormatError(f"{path}: expected a struct variable 'cell'")
    else:
        fields = safe_load_file(path)
        if not isinstance(fields, dict):
            raise DatasetFormatError(f"{path}: expected a pickled dict")
    out = {}
    for part in ("train", "test"):
        key = f"{part}_data_eye"
        if key not in fields:
            raise DatasetFormatError(
                f"{path}: key {key!r} missing (found {sorted(fields)})"
            )
        eye = np.asarray(fields[key])
        if eye.ndim != 2 or eye.shape[1] != EYE_DIM:
            raise DatasetFormatError(
                f"{path}[{key!r}]: expected shape (n_windows, {EYE_DIM}), "
                f"got {eye.shape}"
            )
        check_numeric_finite(eye, f"{path}[{key!r}]")
        out[part] = eye
    return out


def _clip_of_runs(
    labels: np.ndarray, clips: tuple[int, ...], first_clip: int
) -> np.ndarray:
    """Trial id (first clip of each run of equal labels) for every window."""
    run_starts = np.r_[True, labels[1:] != labels[:-1]]
    run_index = np.cumsum(run_starts) - 1
    clip_starts = [
        first_clip + i for i in range(len(clips)) if i == 0 or clips[i] != clips[i - 1]
    ]
    if run_index[-1] >= len(clip_starts):
        raise DatasetFormatError(
            f"labels change {run_index[-1] + 1} times, more than SEED's clip "
            "sequence allows"
        )
    return np.asarray(clip_starts)[run_index]


def load_seed_record(record: SEEDRecord) -> PairedWindows:
    """The paired windows of one subject-session."""
    eeg, eye = _read_eeg(record.eeg_path), _read_eye(record.eye_path)
    parts = []
    for part, clips, first in (
        ("train", CLIP_LABELS[:N_TRAIN_CLIPS], 0),
        ("test", CLIP_LABELS[N_TRAIN_CLIPS:], N_TRAIN_CLIPS),
    ):
        x, labels = eeg[part]
        n = common_window_count(
            f"SEED {record.eeg_path.name} {part}",
            EEG=len(x),
            eye=len(eye[part]),
            label=len(labels),
        )
        labels = labels[:n].astype(np.int64)
        if labels.min() < 0:
            labels = labels + 1  # -1/0/1 -> 0/1/2
        try:
            trial = _clip_of_runs(labels, clips, first)
        except DatasetFormatError as exc:
            raise DatasetFormatError(
                f"{record.eeg_path}[{part}_label]: {exc}"
            ) from None
        window = np.arange(n) - np.searchsorted(trial, trial)  # index within the run
        ints = np.zeros(n, dtype=np.int64)
        parts.append(
            PairedWindows(
                eeg=x[:n].astype(np.float32),
                eye=eye[part][:n].astype(np.float32),
                label=labels,
                subject=ints + record.subject,
                session=ints + record.session - 1,
                trial=trial.astype(np.int64),
                window=window.astype(np.int64),
            )
        )
    return PairedWindows.concatenate(parts)


def load_seed(
    root: str | Path, subjects: Iterable[int] | None = None, language: str = "Chinese"
) -> PairedWindows:
    """Load the SEED multimodal release (EEG DE 4-s + eye) as :class:`PairedWindows`."""
    records = select_subjects(find_records(root, language), subjects, f"SEED at {root}")
    return PairedWindows.concatenate([load_seed_record(r) for r in records])
