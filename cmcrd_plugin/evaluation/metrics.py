"""Scores of one set of predictions, and their summary over subjects.

The spread over subjects is the sample standard deviation (``ddof=1``)
everywhere in the package: the demo, ``cmcrd train`` and the benchmark
report. It is undefined (NaN) for a single subject.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score

METRICS = ("accuracy", "balanced_accuracy", "macro_f1")


def score_predictions(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """Accuracy, balanced accuracy and macro-F1 of one set of predictions."""
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "balanced_accuracy": float(balanced_accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, average="macro")),
    }


def summarize(
    rows: Sequence[dict], by: str = "pipeline"
) -> dict[str, dict[str, tuple[float, float]]]:
    """Mean and sample std (``ddof=1``) over subjects of each metric, per ``by``.

    ``rows`` are tidy records with keys ``subject``, ``by`` and the metrics;
    several rows of one subject (folds, seeds) are first averaged, then the
    mean and standard deviation are taken over subjects (NaN for one).
    """
    table = pd.DataFrame(list(rows))
    per_subject = table.groupby([by, "subject"], sort=False)[list(METRICS)].mean()
    groups = per_subject.groupby(level=by, sort=False)
    means, stds = groups.mean(), groups.std(ddof=1)
    return {
        group: {
            m: (float(means.loc[group, m]), float(stds.loc[group, m])) for m in METRICS
        }
        for group in means.index
    }
