"""Write a synthetic SEED-IV in the exact on-disk layout (features, eye, raw EEG).

``write_seed_iv(root)`` writes, per session folder and subject, the real file
names of :mod:`cmcrd_plugin.formats.seed_iv` (``docs/data-formats.md``) under
``eeg_feature_smooth`` (all four features of all 24 trials),
``eye_feature_smooth`` and, with ``raw=True``, ``eeg_raw_data``. Values come
from :class:`~cmcrd_plugin.synthetic.latent.LatentEmotionGenerator`; the raw
EEG of a window is band-limited noise whose band amplitudes follow that
window's DE.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ..data.channels import N_BANDS, N_CHANNELS
from ..files import write_atomic
from ..formats.seed_iv import (
    EEG_FEATURE_FOLDER,
    EEG_RAW_FOLDER,
    EYE_DIM,
    EYE_FOLDER,
    FEATURES,
    N_CLASSES,
    N_TRIALS,
    SESSION1_WINDOW_COUNTS,
    SESSION_LABELS,
    SESSIONS,
    SFREQ,
    SUBJECTS,
    WINDOW_SAMPLES,
    SEEDIVRecord,
    eye_key,
    feature_key,
    raw_key,
)
from .folder import SyntheticFolder, check_ids, generator_settings
from .io import scaled_counts, write_mat
from .latent import LatentEmotionGenerator

# Only session 1's window counts are known (docs/data-formats.md); sessions 2
# and 3 reuse them, rotated, so every session has realistic, distinct trial
# lengths.
WINDOW_COUNTS = tuple(
    SESSION1_WINDOW_COUNTS[s * 7 :] + SESSION1_WINDOW_COUNTS[: s * 7]
    for s in range(len(SESSIONS))
)
_BANDS_HZ = ((1, 4), (4, 8), (8, 14), (14, 31), (31, 50))
DTYPE = np.float64
"""The dtype of every array written (as in the real release)."""


def _raw_from_de(de: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(62, 800 W) signal whose per-window band amplitudes follow ``de`` (W, 62, 5)."""
    n_windows = len(de)
    spectrum = np.fft.rfft(
        rng.normal(size=(n_windows, N_CHANNELS, WINDOW_SAMPLES)), axis=2
    )
    freqs = np.fft.rfftfreq(WINDOW_SAMPLES, 1 / SFREQ)
    amplitude = 10.0 * np.exp(0.1 * (de - de.mean()))  # microvolt scale
    gain = np.zeros((n_windows, N_CHANNELS, len(freqs)))
    for b, (lo, hi) in enumerate(_BANDS_HZ):
        gain[:, :, (freqs >= lo) & (freqs < hi)] = amplitude[:, :, b : b + 1]
    signal = np.fft.irfft(spectrum * gain, n=WINDOW_SAMPLES, axis=2)
    return signal.transpose(1, 0, 2).reshape(N_CHANNELS, -1).astype(DTYPE)


def _checked(subjects, sessions, window_fraction) -> tuple[list, list, list]:
    """Subjects, sessions and the window counts of each session."""
    subjects = check_ids(subjects, SUBJECTS, "seed_iv subjects")
    sessions = check_ids(sessions, SESSIONS, "seed_iv sessions")
    counts = [scaled_counts(c, window_fraction) for c in WINDOW_COUNTS]
    return subjects, sessions, counts


def written_bytes(
    subjects: Iterable[int] = SUBJECTS,
    sessions: Iterable[int] = SESSIONS,
    window_fraction: float = 1.0,
    raw: bool = False,
) -> int:
    """Bytes of the arrays :func:`write_seed_iv` writes with these arguments.

    The files are slightly larger (MATLAB headers). At full size, the raw EEG
    is about 15 GB (62 channels x 800 samples per window, float64).
    """
    subjects, sessions, counts = _checked(subjects, sessions, window_fraction)
    values = len(FEATURES) * N_CHANNELS * N_BANDS + EYE_DIM
    if raw:
        values += N_CHANNELS * WINDOW_SAMPLES
    windows = len(subjects) * sum(sum(counts[s - 1]) for s in sessions)
    return windows * values * np.dtype(DTYPE).itemsize


def write_seed_iv(
    root: str | Path,
    subjects: Iterable[int] = SUBJECTS,
    sessions: Iterable[int] = SESSIONS,
    seed: int = 0,
    window_fraction: float = 1.0,
    raw: bool = False,
    overwrite: bool = False,
    progress: bool = True,
) -> Path:
    """Write synthetic SEED-IV files under ``root``; returns ``root``.

    Parameters
    ----------
    root : path
        Output folder (created); what it may already hold is that of
        :func:`~cmcrd_plugin.synthetic.write_seed_v`.
    subjects, sessions : iterable of int
        Subjects 1..15 and sessions 1..3 to write (default: the full dataset,
        15 x 3 x 24 trials with real-like window counts).
    seed : int
        Same seed, same arrays.
    window_fraction : float
        Scale the window counts (every trial keeps at least 2 windows).
    raw : bool
        Also write ``eeg_raw_data`` (about 340 MB per subject-session at full
        size, 15 GB in all: see :func:`written_bytes`).
    overwrite : bool
        Rewrite existing files; replace a dataset written with other settings.
    progress : bool
        Show a progress bar.

    Raises
    ------
    SyntheticDataError
        Before anything is written: a subject or session id outside the
        dataset, or a folder that holds other data.
    """
    subjects, sessions, counts = _checked(subjects, sessions, window_fraction)
    root = Path(root)
    gen = LatentEmotionGenerator(N_CLASSES, EYE_DIM, seed=seed)
    settings = {
        "generator": generator_settings(gen),
        "window_fraction": window_fraction,
    }
    layout = (EEG_FEATURE_FOLDER, EYE_FOLDER, EEG_RAW_FOLDER)
    folder = SyntheticFolder.claim(root, "seed_iv", settings, layout, overwrite)
    jobs = [(s, sub) for s in sessions for sub in subjects]
    for session, subject in tqdm(jobs, desc="synthetic SEED-IV", disable=not progress):
        record = SEEDIVRecord.at(root, subject, session)
        paths = {"eeg": record.eeg_path, "eye": record.eye_path}
        if raw:
            raw_record = SEEDIVRecord.at(root, subject, session, EEG_RAW_FOLDER)
            paths["raw"] = raw_record.eeg_path
        if not overwrite and all(p.exists() for p in paths.values()):
            continue
        sub = gen.subject(subject, len(SESSIONS))
        rng = np.random.default_rng([seed, 3, subject, session])
        eeg_vars, eye_vars, raw_vars = {}, {}, {}
        for t in range(1, N_TRIALS + 1):
            n = counts[session - 1][t - 1]
            label = SESSION_LABELS[session - 1][t - 1]
            de, eye = sub.trial(session - 1, label, n)
            de = de.reshape(n, N_CHANNELS, N_BANDS)
            smooth = np.cumsum(de, axis=0) / np.arange(1, n + 1)[:, None, None]
            variants = {
                "de_movingAve": 0.5 * (de + smooth),
                "de_LDS": smooth,
                "psd_movingAve": np.exp(0.2 * (0.5 * (de + smooth))),
                "psd_LDS": np.exp(0.2 * smooth),
            }
            for feature, x in variants.items():
                eeg_vars[feature_key(feature, t)] = x.transpose(1, 0, 2).astype(
                    DTYPE
                )  # (62, W, 5)
            eye_vars[eye_key(t)] = eye.T.astype(DTYPE)  # (31, W)
            if raw:
                raw_vars[raw_key(subject, t)] = _raw_from_de(de, rng)
        contents = {"eeg": eeg_vars, "eye": eye_vars, "raw": raw_vars}
        for kind, path in paths.items():
            write_atomic(path, partial(write_mat, variables=contents[kind]))
            folder.wrote(path)
    return root
