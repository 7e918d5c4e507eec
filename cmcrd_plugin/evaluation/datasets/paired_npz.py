"""One's own recordings in the generic paired format: 3 folds by trial."""

import numpy as np

from ...data.paired import PairedWindows
from ...data.protocols import Split, split_by_test_mask
from .description import DatasetDescription

N_FOLDS = 3


def trial_folds(windows: PairedWindows, n_folds: int = N_FOLDS) -> list[Split]:
    """Folds by trial for any paired data: within every session, the trials in
    order are cut into ``n_folds`` consecutive groups; fold k tests group k of
    every session (SEED-V's 0-4, 5-9, 10-14 for 15 trials). Validation trials
    are cut from the training trials. A test fold may miss a class when the
    classes are not spread over each third of the session."""
    groups = np.zeros(len(windows), dtype=np.int64)
    for session in np.unique(windows.session):
        rows = windows.session == session
        trials = np.unique(windows.trial[rows])
        for k, chunk in enumerate(np.array_split(trials, n_folds)):
            groups[rows & np.isin(windows.trial, chunk)] = k
    return [
        split_by_test_mask(windows, groups == k, f"fold{k + 1}") for k in range(n_folds)
    ]


PAIRED_NPZ = DatasetDescription(
    name="paired_npz",
    n_classes=None,
    subjects=None,
    eeg_shape=(),
    fold_names=tuple(f"fold{k + 1}" for k in range(N_FOLDS)),
    within_subject=trial_folds,
)
