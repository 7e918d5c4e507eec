import matplotlib.pyplot as plt
import pandas as pd
import pytest
from PIL import Image

from cmcrd_plugin.harness.figures import (
    SYNTHETIC_LABEL,
    gain_heatmap,
    paired_subject_lines,
    score_distributions,
    synthetic_title,
)
from cmcrd_plugin.harness.statistics import method_gains

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ACCURACY = {"eeg_only": [0.40, 0.50, 0.45], "cmcrd": [0.48, 0.52, 0.45]}


def _subject_scores() -> pd.DataFrame:
    """Per-subject scores of 2 datasets x 2 archs x 2 methods x 3 subjects."""
    rows = []
    for dataset in ("seed", "seed_v"):
        for arch, shift in (("mlp", 0.0), ("dgcnn", 0.05)):
            for method, values in ACCURACY.items():
                for subject, accuracy in enumerate(values, start=1):
                    rows.append(
                        {
                            "dataset": dataset,
                            "scenario": "default",
                            "synthetic": True,
                            "protocol": "loso",
                            "arch": arch,
                            "method": method,
                            "selection": "validation",
                            "test_modality": "eeg",
                            "subject": subject,
                            "accuracy": accuracy + shift,
                            "balanced_accuracy": accuracy,
                            "macro_f1": accuracy,
                            "teacher_train_accuracy": 0.9,
                            "teacher_valid_accuracy": 0.8,
                            "n_cells": 1,
                        }
                    )
    return pd.DataFrame(rows)


def _draw(kind: str, path, synthetic: bool):
    scores = _subject_scores()
    if kind == "scores":
        return score_distributions(scores, path, synthetic)
    if kind == "paired":
        return paired_subject_lines(scores, path, synthetic)
    return gain_heatmap(method_gains(scores), path, synthetic)


@pytest.mark.parametrize("kind", ["scores", "paired", "gains"])
@pytest.mark.parametrize("synthetic", [True, False])
def test_figures_are_pngs_whose_title_says_synthetic(tmp_path, kind, synthetic):
    open_before = plt.get_fignums()
    path = _draw(kind, tmp_path / "sub" / f"{kind}.png", synthetic)
    assert path == tmp_path / "sub" / f"{kind}.png"
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    with Image.open(path) as image:
        title = image.text["Title"]
        assert image.width > 300 and image.height > 300
    assert title.startswith(f"{SYNTHETIC_LABEL} — ") is synthetic
    assert SYNTHETIC_LABEL in title if synthetic else SYNTHETIC_LABEL not in title
    assert "loso" in title and "validation" in title
    assert plt.get_fignums() == open_before  # no pyplot figure left open


def test_synthetic_title():
    assert synthetic_title("Scores", True) == "SYNTHETIC DATA — Scores"
    assert synthetic_title("Scores", False) == "Scores"


@pytest.mark.parametrize("column", ["scenario", "protocol", "selection"])
def test_figures_draw_one_scenario_protocol_and_selection(tmp_path, column):
    scores = _subject_scores()
    scores.loc[scores["subject"] == 1, column] = "other"
    with pytest.raises(ValueError, match=column):
        score_distributions(scores, tmp_path / "x.png", True)
    with pytest.raises(ValueError, match=column):
        gain_heatmap(method_gains(scores), tmp_path / "x.png", True)
    assert not (tmp_path / "x.png").exists()


def test_paired_lines_and_heatmap_cope_with_a_missing_method(tmp_path):
    scores = _subject_scores()
    scores = scores[~((scores["dataset"] == "seed") & (scores["method"] == "cmcrd"))]
    path = paired_subject_lines(scores, tmp_path / "paired.png", True)
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    gains = method_gains(scores)
    assert set(gains["dataset"]) == {"seed_v"}
    path = gain_heatmap(gains, tmp_path / "gains.png", True)
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    with pytest.raises(ValueError, match="no gains"):
        gain_heatmap(gains.iloc[:0], tmp_path / "none.png", True)
