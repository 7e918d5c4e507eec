"""Write a synthetic SEED multimodal release in the exact layout.

``write_seed(root)`` creates, under ``root/SEED_Multimodal/Chinese``,
``02-EEG-DE-feature/eeg_used_4s/{subject}_{session}.npz`` (``train_data`` /
``test_data`` pickled band -> (N, 62) dicts, band-major, ``train_label`` /
``test_label`` in -1/0/1) and ``04-Eye-tracking-feature/eye_tracking_feature/
{subject}_{session}`` (a pickled dict with ``train_data_eye`` /
``test_data_eye``, (N, 33); or the older ``.mat`` ``cell`` variant with
``eye_format="mat"``). Train = clips 1-9, test = clips 10-15. Values come from
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
from ..data.seed import (
    CLIP_LABELS,
    EEG_SUBDIR,
    EYE_DIM,
    EYE_SUBDIR,
    N_CLASSES,
    N_TRAIN_CLIPS,
    SUBJECTS_WITH_EYE,
)
from .io import scaled_counts, write_atomic, write_mat, write_npz, write_pickle
from .latent import LatentEmotionGenerator

# SEED clips last about 4 minutes; the release does not list window counts,
# so these (4-s windows, 45-66 per clip) were drawn once and are fixed.
WINDOW_COUNTS: tuple[int, ...] = tuple(
    int(n) for n in np.random.default_rng(20180412).integers(45, 67, len(CLIP_LABELS))
)


def write_seed(
    root: str | Path,
    subjects: Iterable[int] = SUBJECTS_WITH_EYE,
    sessions: Iterable[int] = (1, 2, 3),
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
        Default: the 12 subjects with eye data, 3 sessions each.
    eye_format : {"pickle", "mat"}
        The eye file variant (pickle without extension, or ``.mat`` ``cell``).
    Other parameters as :func:`~cmcrd_plugin.synthetic.write_seed_v`.
    """
    if eye_format not in ("pickle", "mat"):
        raise ValueError(f"eye_format must be 'pickle' or 'mat', got {eye_format!r}")
    counts = scaled_counts(WINDOW_COUNTS, window_fraction)
    base = Path(root) / "SEED_Multimodal" / "Chinese"
    gen = LatentEmotionGenerator(N_CLASSES, EYE_DIM, seed=seed)
    jobs = [(s, sub) for sub in subjects for s in sessions]
    for session, subject in tqdm(jobs, desc="synthetic SEED", disable=not progress):
        stem = f"{subject}_{session}"
        eeg_path = base / EEG_SUBDIR / f"{stem}.npz"
        eye_path = (
            base / EYE_SUBDIR / (stem if eye_format == "pickle" else f"{stem}.mat")
        )
        if not overwrite and eeg_path.exists() and eye_path.exists():
            continue
        sub = gen.subject(subject, 3)
        parts: dict[str, list] = {"train": [], "test": []}
        for clip, label in enumerate(CLIP_LABELS):
            n = counts[clip]
            de, eye = sub.trial(session - 1, label + 1, n)
            part = "train" if clip < N_TRAIN_CLIPS else "test"
            parts[part].append(
                (de.reshape(n, N_CHANNELS, N_BANDS), eye, np.full(n, label))
            )
        members, eye_fields = {}, {}
        for part, chunks in parts.items():
            de = np.concatenate([c[0] for c in chunks])
            bands = {band: de[:, :, b] for b, band in enumerate(BANDS)}  # band-major
            members[f"{part}_data"] = pickle.dumps(bands)
            members[f"{part}_label"] = np.concatenate([c[2] for c in chunks]).astype(
                float
            )
            eye_fields[f"{part}_data_eye"] = np.concatenate([c[1] for c in chunks])
        write_atomic(eeg_path, partial(write_npz, **members))
        if eye_format == "pickle":
            write_atomic(eye_path, partial(write_pickle, obj=eye_fields))
        else:
            write_atomic(eye_path, partial(write_mat, variables={"cell": eye_fields}))
    return Path(root)
