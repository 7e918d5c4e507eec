"""Evaluation protocols: train / validation / test index splits by trial."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..formats import seed, seed_iv, seed_v
from .paired import PairedWindows

#: the evaluation protocols: the dataset's own folds within each subject, and
#: leave one subject out
PROTOCOLS = ("within_subject", "loso")


@dataclass(frozen=True)
class Split:
    """Row indices of one fold. Validation rows come from training trials only."""

    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    name: str = ""


def validation_trials(windows: PairedWindows, candidates: np.ndarray) -> np.ndarray:
    """Pick whole validation trials out of the candidate (training) rows.

    For every subject and class, the last trial (in session, trial order)
    among the candidates is held out, so validation covers every class and
    shares no trial with training.

    Returns
    -------
    ndarray of bool
        Mask over all rows of ``windows``.
    """
    rows = np.flatnonzero(candidates)
    trial_key = windows.session[rows] * 10_000 + windows.trial[rows]
    group = windows.subject[rows] * 100 + windows.label[rows]
    # last trial per (subject, class): sort by group then trial key
    order = np.lexsort((trial_key, group))
    last_of_group = np.r_[group[order][1:] != group[order][:-1], True]
    chosen_group = group[order][last_of_group]
    chosen_trial = trial_key[order][last_of_group]
    chosen = np.zeros(len(windows), dtype=bool)
    for g, t in zip(chosen_group, chosen_trial, strict=True):  # one per subject/class
        chosen[rows[(group == g) & (trial_key == t)]] = True
    return chosen


def split_by_test_mask(
    windows: PairedWindows, test: np.ndarray, name: str = ""
) -> Split:
    """A :class:`Split` whose test rows are ``test`` (bool mask) and whose
    validation trials are cut from the remaining rows."""
    valid = validation_trials(windows, ~test)
    train = ~test & ~valid
    return Split(
        np.flatnonzero(train), np.flatnonzero(valid), np.flatnonzero(test), name
    )


def seed_v_folds(windows: PairedWindows) -> list[Split]:
    """SEED-V's standard 3 folds by trial: test trials 0-4, 5-9, 10-14 of each session.

    The remaining trials train; one trial per class and subject is cut from
    them for validation (model selection), see :func:`validation_trials`.
    """
    in_fold = windows.trial // seed_v.TRIALS_PER_FOLD
    return [
        split_by_test_mask(windows, in_fold == fold, f"fold{fold + 1}")
        for fold in range(seed_v.N_FOLDS)
    ]


def _first_trials_split(windows: PairedWindows, n_train: int, n_trials: int) -> Split:
    """In every session the first ``n_train`` of ``n_trials`` trials train, the
    others test."""
    return split_by_test_mask(
        windows, windows.trial >= n_train, f"first{n_train}-last{n_trials - n_train}"
    )


def seed_split(windows: PairedWindows) -> Split:
    """SEED: in every session the first 9 trials train, the last 6 test."""
    return _first_trials_split(windows, seed.N_TRAIN_CLIPS, seed.N_TRIALS)


def seed_iv_split(windows: PairedWindows) -> Split:
    """SEED-IV: in every session the first 16 trials train, the last 8 test."""
    return _first_trials_split(windows, seed_iv.N_TRAIN_TRIALS, seed_iv.N_TRIALS)


def leave_one_subject_out(windows: PairedWindows) -> list[Split]:
    """Cross-subject: each subject in turn is the test set; validation trials are
    cut from the other subjects' trials."""
    return [
        split_by_test_mask(windows, windows.subject == s, f"subject{s}")
        for s in np.unique(windows.subject)
    ]
