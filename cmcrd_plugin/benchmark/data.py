"""The benchmark's data: a licensed copy, or synthetic files in the real layout."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from ..data.paired import PairedWindows
from ..data.protocols import (
    Split,
    leave_one_subject_out,
    seed_iv_split,
    seed_split,
    seed_v_folds,
)
from ..formats import seed, seed_iv, seed_v
from .config import BenchmarkConfig

ALL_SUBJECTS = {
    "seed": seed.SUBJECTS_WITH_EYE,
    "seed_iv": seed_iv.SUBJECTS,
    "seed_v": seed_v.SUBJECTS,
}


N_CLASSES = {
    "seed": len(seed.CLASS_NAMES),
    "seed_iv": seed_iv.N_CLASSES,
    "seed_v": seed_v.N_CLASSES,
}
#: the EEG input of every dataset here: differential entropy, 62 channels x 5 bands
EEG_SHAPE = (62, 5)


def subjects(config: BenchmarkConfig) -> tuple[int, ...]:
    """The subjects of the run: the configured ones, or all of the dataset."""
    return tuple(config.subjects) or ALL_SUBJECTS[config.dataset]


def data_root(config: BenchmarkConfig) -> Path:
    """Where the data are read: ``data_root``, or the synthetic copy's folder."""
    if config.data_root is not None:
        return Path(config.data_root)
    name = f"synthetic-{config.dataset}-frac{config.window_fraction:g}"
    return Path(config.output) / "data" / name


def prepare(config: BenchmarkConfig, progress: bool = True) -> Path:
    """Write the synthetic files the run needs (once; existing ones are kept)."""
    root = data_root(config)
    if config.data_root is not None:
        return root
    from ..synthetic import write_seed, write_seed_iv, write_seed_v

    writer = {"seed": write_seed, "seed_iv": write_seed_iv, "seed_v": write_seed_v}
    writer[config.dataset](
        root,
        subjects=subjects(config),
        window_fraction=config.window_fraction,
        progress=progress,
    )
    return root


@lru_cache(maxsize=4)
def _load(dataset: str, root: str, wanted: tuple[int, ...]) -> PairedWindows:
    from ..data import load_seed, load_seed_iv, load_seed_v

    loader = {"seed": load_seed, "seed_iv": load_seed_iv, "seed_v": load_seed_v}
    return loader[dataset](root, subjects=wanted)


def load_windows(config: BenchmarkConfig) -> PairedWindows:
    """The run's windows (read once per process)."""
    return _load(config.dataset, str(data_root(config)), subjects(config))


WITHIN_SUBJECT = {
    "seed": lambda w: [seed_split(w)],
    "seed_iv": lambda w: [seed_iv_split(w)],
    "seed_v": seed_v_folds,
}


def fold_names(config: BenchmarkConfig, protocol: str, subject: int) -> list[str]:
    """Names of the folds of one subject under ``protocol``, without reading data.

    Within-subject: SEED-V's 3 trial folds, one split for SEED and SEED-IV.
    Leave-one-subject-out: one fold per subject (the subject is the test set).
    """
    if protocol == "loso":
        return [f"subject{subject}"]
    return ["fold1", "fold2", "fold3"] if config.dataset == "seed_v" else ["fold1"]


def split(
    config: BenchmarkConfig, protocol: str, subject: int, fold: str
) -> tuple[PairedWindows, Split]:
    """The windows a fold is cut from, and the fold's train/valid/test rows."""
    windows = load_windows(config)
    if protocol == "loso":
        folds = {s.name: s for s in leave_one_subject_out(windows)}
        return windows, folds[fold]
    own = windows.subset(windows.subject == subject)
    folds = WITHIN_SUBJECT[config.dataset](own)
    index = fold_names(config, protocol, subject).index(fold)
    return own, folds[index]


def permuted_rows(n: int, seed: int) -> np.ndarray:
    """A fixed permutation of ``n`` training rows (the negative control)."""
    return np.random.default_rng(seed).permutation(n)
