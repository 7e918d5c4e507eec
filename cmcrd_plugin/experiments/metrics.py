"""Per-subject scores and their summary over subjects."""

from __future__ import annotations

import numpy as np
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
    rows: list[dict], by: str = "pipeline"
) -> dict[str, dict[str, tuple[float, float]]]:
    """Mean and std over subjects of each metric, per value of ``by``.

    ``rows`` are tidy records with keys ``subject``, ``by`` and the metrics;
    several rows of one subject (folds, seeds) are first averaged, then the
    mean and standard deviation are taken over subjects.
    """
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for group in dict.fromkeys(r[by] for r in rows):
        subjects = sorted({r["subject"] for r in rows if r[by] == group})
        per_subject = {
            m: [
                np.mean([r[m] for r in rows if r[by] == group and r["subject"] == s])
                for s in subjects
            ]
            for m in METRICS
        }
        out[group] = {
            m: (float(np.mean(v)), float(np.std(v))) for m, v in per_subject.items()
        }
    return out
