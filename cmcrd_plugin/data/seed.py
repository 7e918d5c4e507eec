"""Reader for the SEED multimodal release: 4-s EEG DE features paired with eye features.

The layout (folders, file names, members, labels) is that of
:mod:`cmcrd_plugin.formats.seed`, described in ``docs/data-formats.md``. The
band-major EEG dicts become (N, 62, 5); the eye file is read in either
variant (bare pickle or ``.mat`` ``cell`` struct). Only subjects 1-5 and
8-14 have eye data; others are reported and skipped.

The release stores no clip boundaries. Windows are assigned to clips by runs
of equal labels: with SEED's label sequence this recovers every clip except
clips 3 and 4 (both negative, adjacent), which share trial id 2. Trial ids are
the 0-based index of a run's first clip, so "train" is ``trial < 9``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import scipy.io

from ..files import open_regular_file
from ..formats.seed import (
    CLIP_LABELS,
    DEFAULT_LANGUAGE,
    EEG_FILE_PATTERN,
    EEG_FOLDER,
    EYE_DIM,
    EYE_FILE_SUFFIXES,
    EYE_FOLDER,
    EYE_MAT_VARIABLE,
    N_CLASSES,
    PART_CLIPS,
    PARTS,
    RELEASE_FOLDER,
    SEEDRecord,
    eeg_data_member,
    eeg_label_member,
    eye_data_key,
    eye_file,
    file_stem,
)
from .channels import BANDS, N_CHANNELS
from .errors import DatasetFormatError
from .paired import PairedWindows
from .safe_pickle import safe_load_file, safe_loads
from .validation import (
    check_labels,
    check_real_array,
    common_window_count,
    select_subjects,
)


def language_folder(root: str | Path, language: str = DEFAULT_LANGUAGE) -> Path:
    """Find ``SEED_Multimodal/<language>`` from ``root`` (or root itself)."""
    root = Path(root)
    for candidate in (root / RELEASE_FOLDER / language, root / language, root):
        if (candidate / EEG_FOLDER).is_dir():
            return candidate
    raise DatasetFormatError(
        f"SEED multimodal folder not found under {root}: expected "
        f"{RELEASE_FOLDER}/{language}/{EEG_FOLDER}"
    )


def find_records(
    root: str | Path, language: str = DEFAULT_LANGUAGE
) -> list[SEEDRecord]:
    """Every EEG file with its eye file; subjects without eye data are reported."""
    base = language_folder(root, language)
    eye_dir = base / EYE_FOLDER
    if not eye_dir.is_dir():
        raise DatasetFormatError(f"SEED multimodal eye folder not found: {eye_dir}")
    records, lonely = [], []
    for path in sorted((base / EEG_FOLDER).iterdir()):
        match = EEG_FILE_PATTERN.match(path.name)
        if not match:
            continue  # stray file
        subject, session = int(match.group(1)), int(match.group(2))
        candidates = (
            eye_dir / eye_file(subject, session, variant)
            for variant in EYE_FILE_SUFFIXES
        )
        # lexists: an eye file that is there but unreadable (a directory, a
        # FIFO, a broken link) is an error when read, not a missing file
        eye = next((p for p in candidates if os.path.lexists(p)), None)
        if eye is None:
            lonely.append(file_stem(subject, session))
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
    try:
        return archive[member]
    except Exception as exc:  # noqa: BLE001 - object arrays, corrupt members
        raise DatasetFormatError(f"{path}[{member}]: cannot read ({exc!r})") from exc


def _read_eeg(path: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Part -> (EEG (N, 62, 5), class ids 0..2) of one EEG file."""
    with open_regular_file(path, DatasetFormatError) as file:
        try:
            archive = np.load(file, allow_pickle=False)
        except Exception as exc:  # noqa: BLE001
            raise DatasetFormatError(f"{path}: not a readable npz ({exc!r})") from exc
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise DatasetFormatError(f"{path}: expected an .npz archive")
        with archive:
            eeg = {part: _read_bands(archive, path, part) for part in PARTS}
            labels = {
                part: _npz_member(archive, path, eeg_label_member(part))
                for part in PARTS
            }
    return _with_class_ids(path, eeg, labels)


def _read_bands(archive, path: Path, part: str) -> np.ndarray:
    """The band-major dict of ``part`` as (N, 62, 5)."""
    data = eeg_data_member(part)
    raw = _npz_member(archive, path, data)
    if raw.ndim != 0 or raw.dtype.kind != "S":
        raise DatasetFormatError(
            f"{path}[{data}]: expected a 0-d bytes array holding a pickled dict"
        )
    bands = safe_loads(raw.item(), source=f"{path}[{data}]")
    if not isinstance(bands, dict) or set(bands) != set(BANDS):
        keys = (
            sorted(bands, key=repr) if isinstance(bands, dict) else type(bands).__name__
        )
        raise DatasetFormatError(
            f"{path}[{data}]: expected keys {list(BANDS)}, got {keys}"
        )
    arrays = []
    for band in BANDS:
        where = f"{path}[{data}][{band!r}]"
        x = check_real_array(bands[band], where)
        if x.ndim != 2 or x.shape[1] != N_CHANNELS:
            raise DatasetFormatError(
                f"{where}: expected (n_windows, 62), got {x.shape}"
            )
        arrays.append(x)
    if len({len(a) for a in arrays}) > 1:
        raise DatasetFormatError(f"{path}[{data}]: bands differ in window count")
    return np.stack(arrays, axis=2)  # band-major -> (N, 62, 5)


def _with_class_ids(
    path: Path, eeg: dict[str, np.ndarray], labels: dict[str, object]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Pair each part's EEG with its labels as class ids 0..2.

    A file holds SEED's clip labels -1/0/1 (then every label is shifted by 1)
    or class ids 0/1/2; anything else (5, 2.5, -1 beside 2) is refused.
    """
    where = {part: f"{path}[{eeg_label_member(part)}]" for part in PARTS}
    ids = {
        part: check_labels(labels[part], range(-1, N_CLASSES), where[part]).reshape(-1)
        for part in PARTS
    }
    if any(v.min(initial=0) < 0 for v in ids.values()):  # clip labels -1/0/1
        ids = {
            part: check_labels(ids[part], range(-1, N_CLASSES - 1), where[part]) + 1
            for part in PARTS
        }
    return {part: (eeg[part], ids[part]) for part in PARTS}


def _read_eye(path: Path) -> dict[str, np.ndarray]:
    if path.suffix == EYE_FILE_SUFFIXES["mat"]:
        with open_regular_file(path, DatasetFormatError) as file:
            try:
                content = scipy.io.loadmat(file, simplify_cells=True)
            except Exception as exc:  # noqa: BLE001
                raise DatasetFormatError(
                    f"{path}: not a readable MATLAB file ({exc!r})"
                ) from exc
        fields = content.get(EYE_MAT_VARIABLE)
        if not isinstance(fields, dict):
            raise DatasetFormatError(
                f"{path}: expected a struct variable {EYE_MAT_VARIABLE!r}"
            )
    else:
        fields = safe_load_file(path)
        if not isinstance(fields, dict):
            raise DatasetFormatError(f"{path}: expected a pickled dict")
    out = {}
    for part in PARTS:
        key = eye_data_key(part)
        if key not in fields:
            raise DatasetFormatError(
                f"{path}: key {key!r} missing (found {sorted(fields, key=repr)})"
            )
        eye = check_real_array(fields[key], f"{path}[{key!r}]")
        if eye.ndim != 2 or eye.shape[1] != EYE_DIM:
            raise DatasetFormatError(
                f"{path}[{key!r}]: expected shape (n_windows, {EYE_DIM}), "
                f"got {eye.shape}"
            )
        out[part] = eye
    return out


def _clip_of_runs(labels: np.ndarray, clips: range) -> np.ndarray:
    """Trial id (first clip of each run of equal labels) for every window.

    ``clips`` are the 0-based clips of the part the labels come from.
    """
    run_starts = np.r_[True, labels[1:] != labels[:-1]]
    run_index = np.cumsum(run_starts) - 1
    clip_starts = [
        c for c in clips if c == clips.start or CLIP_LABELS[c] != CLIP_LABELS[c - 1]
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
    for part, clip_range in PART_CLIPS.items():
        x, labels = eeg[part]
        n = common_window_count(
            f"SEED {record.eeg_path.name} {part}",
            EEG=len(x),
            eye=len(eye[part]),
            label=len(labels),
        )
        labels = labels[:n]
        try:
            trial = _clip_of_runs(labels, clip_range)
        except DatasetFormatError as exc:
            raise DatasetFormatError(
                f"{record.eeg_path}[{eeg_label_member(part)}]: {exc}"
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
    root: str | Path,
    subjects: Iterable[int] | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> PairedWindows:
    """Load the SEED multimodal release (EEG DE 4-s + eye) as :class:`PairedWindows`."""
    records = select_subjects(find_records(root, language), subjects, f"SEED at {root}")
    return PairedWindows.concatenate([load_seed_record(r) for r in records])
