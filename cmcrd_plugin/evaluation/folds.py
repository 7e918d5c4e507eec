"""One fold of one protocol: which windows train, validate and test.

``within_subject`` follows the dataset's own folds (its
:class:`~cmcrd_plugin.evaluation.datasets.DatasetDescription`): SEED-V's 3
folds by trial, SEED's and SEED-IV's first-trials split, 3 folds by trial of
one's own recordings. ``loso`` (leave one subject out) makes each subject in
turn the test set. Validation trials are always cut from the training
trials, and features are standardised with training statistics only
(:func:`standardised`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import get_loader
from ..data.normalization import FeatureScaler
from ..data.paired import PairedWindows
from ..data.protocols import PROTOCOLS, Split, leave_one_subject_out
from ..training.shapes import as_windows
from .datasets import DatasetDescription

__all__ = [
    "PROTOCOLS",
    "eeg_window_shape",
    "fold_names",
    "n_classes",
    "read_windows",
    "split",
    "standardised",
    "subjects_in",
]


@lru_cache(maxsize=4)
def read_windows(
    dataset: str, root: str, wanted: tuple[int, ...], raw: bool = False
) -> PairedWindows:
    """The windows of subjects ``wanted`` (all when empty) of a data folder.

    ``dataset`` is a registered loader name (``seed_v``, ``paired_npz``,
    ...); ``raw`` reads raw EEG. Read once per process for the same
    arguments: the arrays are shared, so callers do not modify them
    (``read_windows.cache_clear()`` forgets them).
    """
    options = {"raw": True} if raw else {}
    return get_loader(dataset)(root, subjects=wanted or None, **options)


def subjects_in(windows: PairedWindows) -> tuple[int, ...]:
    """The subjects present in ``windows``, sorted."""
    return tuple(int(s) for s in np.unique(windows.subject))


def fold_names(
    description: DatasetDescription, protocol: str, subject: int
) -> list[str]:
    """Names of the folds of one subject under ``protocol``, without reading data.

    Within-subject: the dataset's folds. Leave-one-subject-out: one fold per
    subject, named after it (the subject is the test set).
    """
    if protocol == "loso":
        return [f"subject{subject}"]
    return list(description.fold_names)


def split(
    windows: PairedWindows,
    description: DatasetDescription,
    protocol: str,
    subject: int,
    fold: str,
) -> tuple[PairedWindows, Split]:
    """The windows a fold is cut from, and the fold's train/valid/test rows.

    ``windows`` hold every subject of the evaluation; within-subject folds
    are cut from ``subject``'s windows alone.
    """
    if protocol == "loso":
        folds = {s.name: s for s in leave_one_subject_out(windows)}
        return windows, folds[fold]
    own = windows.subset(windows.subject == subject)
    folds = description.within_subject(own)
    index = fold_names(description, protocol, subject).index(fold)
    return own, folds[index]


def standardised(windows: PairedWindows, rows: Split) -> tuple[np.ndarray, np.ndarray]:
    """EEG and eye features standardised with the fold's training statistics."""
    eeg = FeatureScaler().fit(windows.eeg[rows.train]).transform(windows.eeg)
    eye = FeatureScaler().fit(windows.eye[rows.train]).transform(windows.eye)
    return eeg, eye


def n_classes(description: DatasetDescription, windows: PairedWindows) -> int:
    """The dataset's number of classes (for one's own data: from the labels)."""
    if description.n_classes is not None:
        return description.n_classes
    return int(windows.label.max()) + 1


def eeg_window_shape(windows: PairedWindows, where: str) -> tuple[int, int]:
    """``(n_chans, n_times)`` of the EEG windows (feature vectors get a time axis)."""
    window = as_windows(windows.eeg[0], batched=False)
    if window.ndim != 2:
        raise ValueError(
            f"{where}: EEG windows of shape {windows.eeg.shape[1:]}; the students "
            "read (n_chans, n_times) or feature vectors"
        )
    return tuple(window.shape)
