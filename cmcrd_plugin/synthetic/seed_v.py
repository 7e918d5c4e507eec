"""Write a synthetic dataset in the exact SEED-V feature layout.

``write_seed_v(root)`` writes one EEG and one eye file per subject in the
layout of :mod:`cmcrd_plugin.formats.seed_v` (``docs/data-formats.md``),
exactly as the real release; labels follow the real SEED-V label sequences
(stored as float, as some real files are). Feature values come from
:class:`~cmcrd_plugin.synthetic.latent.LatentEmotionGenerator`.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from functools import partial
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ..files import write_atomic, write_npz
from ..formats.seed_v import (
    DATA_MEMBER,
    EEG_FOLDER,
    EYE_DIM,
    EYE_FOLDER,
    LABEL_MEMBER,
    N_CLASSES,
    N_KEYS,
    N_SESSIONS,
    SESSION_LABELS,
    SUBJECTS,
    SEEDVRecord,
    session_and_trial,
)
from .folder import SyntheticFolder, check_ids, generator_settings
from .io import scaled_counts
from .latent import LatentEmotionGenerator

# The spec gives SEED-V's clip lengths only as "2-4 minutes"; these window
# counts (4-s windows, 30-60 per trial) were drawn once and are fixed so that
# every synthetic SEED-V has the same trial lengths, like the real one.
WINDOW_COUNTS: tuple[int, ...] = tuple(
    int(n) for n in np.random.default_rng(20250412).integers(30, 61, N_KEYS)
)


def write_seed_v(
    root: str | Path,
    subjects: Iterable[int] = SUBJECTS,
    seed: int = 0,
    window_fraction: float = 1.0,
    overwrite: bool = False,
    progress: bool = True,
    generator: LatentEmotionGenerator | None = None,
) -> Path:
    """Write synthetic SEED-V feature files under ``root``.

    Parameters
    ----------
    root : path
        Output folder (created). It may hold this dataset written with the
        same settings (existing subject files are kept unless ``overwrite``),
        but not with other settings, nor SEED-V files of another origin,
        unless ``overwrite`` (:mod:`cmcrd_plugin.synthetic.folder`).
    subjects : iterable of int
        Subject ids, among the real release's 1..16.
    seed : int
        Seed; the same seed gives byte-identical arrays.
    window_fraction : float
        Scale the real-like window counts (for example 0.25 for quick demos);
        every trial keeps at least 4 windows.
    overwrite : bool
        Rewrite files that already exist; replace a dataset written with other
        settings (its files are removed first).
    progress : bool
        Show a progress bar.
    generator : LatentEmotionGenerator, optional
        The feature generator (default: 5 classes, 33 eye features, ``seed``).

    Returns
    -------
    Path
        ``root``.

    Raises
    ------
    SyntheticDataError
        Before anything is written: a subject id outside 1..16, or a folder
        that holds other data (see ``root``).
    """
    root = Path(root)
    subjects = check_ids(subjects, SUBJECTS, "seed_v subjects")
    gen = generator or LatentEmotionGenerator(N_CLASSES, EYE_DIM, seed=seed)
    counts = scaled_counts(WINDOW_COUNTS, window_fraction, minimum=4)
    settings = {
        "generator": generator_settings(gen),
        "window_fraction": window_fraction,
    }
    folder = SyntheticFolder.claim(
        root, "seed_v", settings, (EEG_FOLDER, EYE_FOLDER), overwrite
    )
    for subject in tqdm(subjects, desc="synthetic SEED-V", disable=not progress):
        record = SEEDVRecord.at(root, subject)
        if not overwrite and record.eeg_path.exists() and record.eye_path.exists():
            continue
        sub = gen.subject(subject, N_SESSIONS)
        eeg, eye, labels = {}, {}, {}
        for key, n in enumerate(counts):
            session, trial = session_and_trial(key)
            label = SESSION_LABELS[session][trial]
            eeg[key], eye[key] = sub.trial(session, label, n)
            labels[key] = np.full(n, float(label))
        label_pickle = pickle.dumps(labels)
        for path, data in ((record.eeg_path, eeg), (record.eye_path, eye)):
            members = {DATA_MEMBER: pickle.dumps(data), LABEL_MEMBER: label_pickle}
            write_atomic(path, partial(write_npz, **members))
            folder.wrote(path)
    return root
