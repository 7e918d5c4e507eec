"""Evaluation protocols: train / validation / test index splits by trial."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .paired import PairedWindows


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
    return [
        split_by_test_mask(windows, (windows.trial // 5) == fold, f"fold{fold + 1}")
        for fold in range(3)
    ]


def seed_split(windows: PairedWindows) -> Split:
    """SEED: in every session the first 9 trials train, the last 6 test."""
    return split_by_test_mask(windows, windows.trial >= 9, "first9-last6")


def seed_iv_split(windows: PairedWindows) -> Split:
    """SEED-IV: in every session the first 16 trials train, the last 8 test."""
    return split_by_test_mask(windows, windows.trial >= 16, "first16-last8")


def leave_one_subject_out(windows: PairedWindows) -> list[Split]:
    """Cross-subject: each subject in turn is the test set; validation trials are
    cut from the other subjects' trials."""
    return [
        split_by_test_mask(windows, windows.subject == s, f"subject{s}")
        for s in np.unique(windows.subject)
    ]
