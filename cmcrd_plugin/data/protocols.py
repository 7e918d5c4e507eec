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


def seed_v_folds(windows: PairedWindows) -> list[Split]:
    """SEED-V's standard 3 folds by trial: test trials 0-4, 5-9, 10-14 of each session.

    The remaining trials train; one trial per class and subject is cut from
    them for validation (model selection), see :func:`validation_trials`.
    """
    splits = []
    for fold in range(3):
        test = (windows.trial // 5) == fold
        valid = validation_trials(windows, ~test)
        train = ~test & ~valid
        splits.append(
            Split(
                train=np.flatnonzero(train),
                valid=np.flatnonzero(valid),
                test=np.flatnonzero(test),
                name=f"fold{fold + 1}",
            )
        )
    return splits
