import numpy as np
import pytest

from cmcrd_plugin.evaluation.metrics import score_predictions, summarize


def test_scores_and_summary_over_subjects():
    s = score_predictions(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))
    assert s["accuracy"] == 0.75 and s["balanced_accuracy"] == 0.75
    rows = [
        {
            "subject": 1,
            "pipeline": "a",
            "accuracy": 0.6,
            "balanced_accuracy": 0.6,
            "macro_f1": 0.6,
        },
        {
            "subject": 1,
            "pipeline": "a",
            "accuracy": 0.8,
            "balanced_accuracy": 0.8,
            "macro_f1": 0.8,
        },
        {
            "subject": 2,
            "pipeline": "a",
            "accuracy": 0.5,
            "balanced_accuracy": 0.5,
            "macro_f1": 0.5,
        },
    ]
    mean, std = summarize(rows)["a"]["accuracy"]
    # subject 1 averages its folds (0.7) before the mean over subjects; the
    # std is the sample std over subjects (ddof=1), as in the benchmark report
    assert mean == pytest.approx(0.6) and std == pytest.approx(
        np.std([0.7, 0.5], ddof=1)
    )
    (one,) = [r for r in rows if r["subject"] == 2]
    assert np.isnan(summarize([one])["a"]["accuracy"][1])  # undefined for 1 subject
