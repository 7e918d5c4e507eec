"""Write a synthetic SEED multimodal release in the exact layout.

``write_seed(root)`` writes, under ``root/SEED_Multimodal/Chinese``, one EEG
file and one eye file per subject-session in the layout of
:mod:`cmcrd_plugin.formats.seed` (``docs/data-formats.md``): band-major DE
dicts with labels in -1/0/1, eye features as a bare pickle or, with
``eye_format="mat"``, the older ``.mat`` ``cell`` variant. Values come from
:class:`~cmcrd_plugin.synthetic.latent.LatentEmotionGenerator`.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from functools import partial
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ..data.channels import BANDS, N_BANDS, N_CHANNELS
from ..files import write_atomic, write_npz
from ..formats.seed import (
    CLIP_LABELS,
    DEFAULT_LANGUAGE,
    EYE_DIM,
    EYE_MAT_VARIABLE,
    N_CLASSES,
    PART_CLIPS,
    RELEASE_FOLDER,
    SESSIONS,
    SUBJECTS_WITH_EYE,
    SEEDRecord,
    check_eye_format,
    eeg_data_member,
    eeg_label_member,
    eye_data_key,
)
from .folder import SyntheticFolder, check_ids, generator_settings
from .io import scaled_counts, write_mat, write_pickle
from .latent import LatentEmotionGenerator

# SEED clips last about 4 minutes; the release does not list window counts,
# so these (4-s windows, 45-66 per clip) were drawn once and are fixed.
WINDOW_COUNTS: tuple[int, ...] = tuple(
    int(n) for n in np.random.default_rng(20180412).integers(45, 67, len(CLIP_LABELS))
)
SUBJECTS = tuple(range(1, 16))
"""SEED's 15 subjects (the release has eye data for ``SUBJECTS_WITH_EYE``)."""


def write_seed(
    root: str | Path,
    subjects: Iterable[int] = SUBJECTS_WITH_EYE,
    sessions: Iterable[int] = SESSIONS,
    seed: int = 0,
    window_fraction: float = 1.0,
    eye_format: str = "pickle",
    overwrite: bool = False,
    progress: bool = True,
) -> Path:
    """Write synthetic SEED multimodal files; returns ``root``.

    Parameters
    ----------
    subjects, sessions : iterable of int
        Among SEED's subjects 1..15 and sessions 1..3; default: the 12
        subjects with eye data, 3 sessions each.
    eye_format : {"pickle", "mat"}
        The eye file variant (pickle without extension, or ``.mat`` ``cell``).
    Other parameters as :func:`~cmcrd_plugin.synthetic.write_seed_v`.
    """
    check_eye_format(eye_format)
    subjects = check_ids(subjects, SUBJECTS, "seed subjects")
    sessions = check_ids(sessions, SESSIONS, "seed sessions")
    counts = scaled_counts(WINDOW_COUNTS, window_fraction)
    base = Path(root) / RELEASE_FOLDER / DEFAULT_LANGUAGE
    gen = LatentEmotionGenerator(N_CLASSES, EYE_DIM, seed=seed)
    settings = {
        "generator": generator_settings(gen),
        "window_fraction": window_fraction,
        "eye_format": eye_format,
    }
    folder = SyntheticFolder.claim(root, "seed", settings, (RELEASE_FOLDER,), overwrite)
    jobs = [(s, sub) for sub in subjects for s in sessions]
    for session, subject in tqdm(jobs, desc="synthetic SEED", disable=not progress):
        record = SEEDRecord.at(base, subject, session, eye_format)
        if not overwrite and record.eeg_path.exists() and record.eye_path.exists():
            continue
        sub = gen.subject(subject, len(SESSIONS))
        members, eye_fields = {}, {}
        for part, clips in PART_CLIPS.items():
            chunks = []
            for clip in clips:
                n, label = counts[clip], CLIP_LABELS[clip]
                de, eye = sub.trial(session - 1, label + 1, n)
                chunks.append(
                    (de.reshape(n, N_CHANNELS, N_BANDS), eye, np.full(n, label))
                )
            de = np.concatenate([c[0] for c in chunks])
            bands = {band: de[:, :, b] for b, band in enumerate(BANDS)}  # band-major
            members[eeg_data_member(part)] = pickle.dumps(bands)
            labels = np.concatenate([c[2] for c in chunks]).astype(float)
            members[eeg_label_member(part)] = labels
            eye_fields[eye_data_key(part)] = np.concatenate([c[1] for c in chunks])
        write_atomic(record.eeg_path, partial(write_npz, **members))
        folder.wrote(record.eeg_path)
        if eye_format == "pickle":
            write_atomic(record.eye_path, partial(write_pickle, obj=eye_fields))
        else:
            variables = {EYE_MAT_VARIABLE: eye_fields}
            write_atomic(record.eye_path, partial(write_mat, variables=variables))
        folder.wrote(record.eye_path)
    return Path(root)
