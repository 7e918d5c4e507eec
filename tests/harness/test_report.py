import json
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cmcrd_plugin.harness.report import build_report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EEG_ONLY = {1: 0.5, 2: 0.6, 3: 0.7}
CMCRD_GAIN = {1: 0.1, 2: 0.0, 3: 0.05}
ERROR = "RuntimeError: out of memory | while\ntraining"
SKIPPED = [{"arch": "eegnet", "toolkit": "braindecode", "reason": "needs raw EEG"}]


def _results(synthetic: bool = True) -> pd.DataFrame:
    """2 datasets x 2 archs x 2 methods x 3 subjects, both selections, one
    failed cell, and a negative control on SEED-V."""
    rows = []
    cells = [
        ("seed", "default", 0.95),
        ("seed_v", "default", 0.95),
        ("seed_v", "negative_control", 0.40),
    ]
    for dataset, scenario, teacher in cells:
        for arch in ("mlp", "dgcnn"):
            for method in ("eeg_only", "cmcrd"):
                for subject, base in EEG_ONLY.items():
                    gain = CMCRD_GAIN[subject] if method == "cmcrd" else 0.0
                    if scenario == "negative_control":
                        gain = -gain / 5
                    for selection, shift in (
                        ("validation", 0.0),
                        ("last_epoch", -0.02),
                    ):
                        accuracy = base + gain + shift
                        rows.append(
                            {
                                "dataset": dataset,
                                "scenario": scenario,
                                "synthetic": synthetic,
                                "protocol": "within_subject",
                                "subject": subject,
                                "fold": "1",
                                "seed": 0,
                                "arch": arch,
                                "method": method,
                                "selection": selection,
                                "accuracy": accuracy,
                                "balanced_accuracy": accuracy - 0.01,
                                "macro_f1": accuracy - 0.02,
                                "train_seconds": 1.5,
                                "n_train": 100,
                                "teacher_train_accuracy": (
                                    np.nan if method == "eeg_only" else teacher
                                ),
                                "teacher_valid_accuracy": (
                                    np.nan if method == "eeg_only" else teacher - 0.1
                                ),
                                "test_modality": "eeg",
                                "status": "ok",
                                "error": "",
                                "versions": json.dumps(
                                    {"torch": "2.5.1", "cmcrd-plugin": "0.1.0"}
                                ),
                                "config_hash": "abc123",
                            }
                        )
    failed = [dict(row) for row in rows[-2:]]  # seed_v negative control, 2 rows
    for row in failed:
        row.update(
            fold="2", status="failed", error=ERROR, accuracy=np.nan, macro_f1=np.nan
        )
    return pd.DataFrame(rows + failed)


@pytest.fixture(scope="module")
def synthetic_report(tmp_path_factory):
    output = tmp_path_factory.mktemp("synthetic")
    path = build_report(
        _results(synthetic=True),
        machine="2-core CI runner",
        wall_seconds=3665.0,
        skipped=SKIPPED,
        output_dir=output,
        profile="tiny",
    )
    return path


@pytest.fixture(scope="module")
def real_report(tmp_path_factory):
    output = tmp_path_factory.mktemp("real")
    return build_report(
        _results(synthetic=False),
        machine="lab server",
        wall_seconds=10.0,
        skipped=[],
        output_dir=output,
    )


def _section(text: str, heading: str) -> str:
    """The lines under the first heading containing ``heading``, to the next."""
    lines = text.splitlines()
    start = next(
        i for i, line in enumerate(lines) if line.startswith("#") and heading in line
    )
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith("#")),
        len(lines),
    )
    return "\n".join(lines[start + 1 : end])


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _record(section: str, first_cell: str) -> dict[str, str]:
    """The row of the table in ``section`` that starts with ``first_cell``,
    keyed by the table's header."""
    rows = [_cells(line) for line in section.splitlines() if line.startswith("|")]
    for row in rows[2:]:  # past the header and the rule
        if row[0] == first_cell:
            return dict(zip(rows[0], row, strict=True))
    raise AssertionError(f"no row {first_cell!r} in:\n{section}")


def test_every_heading_table_and_figure_says_synthetic(synthetic_report):
    text = synthetic_report.read_text(encoding="utf-8")
    lines = text.splitlines()
    headings = [line for line in lines if line.startswith("#")]
    assert headings and all("SYNTHETIC DATA" in h for h in headings)
    table_starts = [
        i
        for i, line in enumerate(lines)
        if line.startswith("|") and not lines[i - 1].startswith("|")
    ]
    assert len(table_starts) > 10
    for start in table_starts:  # every table sits under a (labelled) heading
        assert any(line.startswith("#") for line in lines[:start])
    images = [line for line in lines if line.startswith("![")]
    assert len(images) == 6  # 3 figures x 2 scenarios
    for image in images:
        assert image.startswith("![SYNTHETIC DATA — ")
        target = synthetic_report.parent / re.search(r"\]\((.+)\)", image).group(1)
        assert target.read_bytes().startswith(PNG_SIGNATURE)


def test_real_data_are_not_called_synthetic(real_report):
    text = real_report.read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" not in text
    assert "# CMCRD benchmark report" in text


def test_scores_table_shows_hand_computed_means_and_teacher_accuracies(
    synthetic_report,
):
    text = synthetic_report.read_text(encoding="utf-8")
    group = text.split("seed · default · within_subject · mlp", 1)[1]
    scores = _section(group, "Scores, validation selection")
    cmcrd = _record(scores, "cmcrd")
    # accuracies 0.6, 0.6, 0.75: mean 0.65, std sqrt(0.0075)
    assert cmcrd["accuracy (%)"] == "65.0 ± 8.7"
    assert cmcrd["balanced accuracy (%)"] == "64.0 ± 8.7"
    assert cmcrd["teacher train (%)"] == "95.0 ± 0.0"
    assert cmcrd["teacher valid (%)"] == "85.0 ± 0.0"
    assert cmcrd["subjects"] == "3" and cmcrd["test modality"] == "eeg"
    eeg_only = _record(scores, "eeg_only")
    assert eeg_only["accuracy (%)"] == "60.0 ± 10.0"
    assert eeg_only["teacher train (%)"] == "—"
    last = _record(_section(group, "Scores, last_epoch"), "cmcrd")
    assert last["accuracy (%)"] == "63.0 ± 8.7"


def test_gains_table_shows_hand_computed_statistics(synthetic_report):
    text = synthetic_report.read_text(encoding="utf-8")
    group = text.split("seed · default · within_subject · mlp", 1)[1]
    gains = _section(group, "Gains over eeg_only, validation selection")
    cmcrd = _record(gains, "cmcrd")
    # differences 0.1, 0, 0.05: mean 0.05, sd 0.05; t(0.975, 2) = 4.3027
    half_width = 4.302652729911275 * 0.05 / np.sqrt(3)
    assert cmcrd["gain (points)"] == "+5.0"
    assert (
        cmcrd["95% CI"]
        == f"[{(0.05 - half_width) * 100:+.1f}, {(0.05 + half_width) * 100:+.1f}]"
    )
    assert cmcrd["95% CI"] == "[-7.4, +17.4]"
    # of the 8 sign flips, (+,+,+), (+,-,+) and their mirrors reach |0.15|
    assert cmcrd["p"] == "0.5" and cmcrd["test"] == "permutation"
    assert cmcrd["d_z"] == "+1.00" and cmcrd["subjects"] == "3"
    assert cmcrd["teacher train (%)"] == "95.0"
    assert cmcrd["teacher valid (%)"] == "85.0"


def test_stouffer_section_combines_the_two_datasets(synthetic_report):
    section = _section(synthetic_report.read_text(encoding="utf-8"), "(Stouffer)")
    row = _record(section, "default")
    assert row["arch"] == "mlp" and row["selection"] == "validation"
    assert row["datasets"] == "seed, seed_v" and row["subjects"] == "6"
    # each dataset: one-sided p = 2 / 8 flips; equal weights sqrt(3)
    z = stats.norm.isf(0.25)
    assert row["combined one-sided p"] == format(
        stats.norm.sf(2 * z / np.sqrt(2)), ".3g"
    )
    assert row["combined one-sided p"] == "0.17"
    assert row["combined d_z"] == "+1.00"


def test_controls_show_the_negative_control_with_its_teacher(synthetic_report):
    text = synthetic_report.read_text(encoding="utf-8")
    negative = _section(text, "Control: negative_control")
    assert "weak eye tracker" in negative
    row = _record(negative, "seed_v")
    assert row["method"] == "cmcrd" and row["selection"] == "validation"
    assert row["gain (points)"] == "-1.0"
    assert row["teacher train (%)"] == "40.0" and row["teacher valid (%)"] == "30.0"
    assert "Not run in this benchmark." in _section(text, "Control: positive_control")


def test_failed_cells_are_listed_once_with_their_error(synthetic_report):
    section = _section(synthetic_report.read_text(encoding="utf-8"), "Failed cells")
    lines = [line for line in section.splitlines() if "out of memory" in line]
    assert len(lines) == 1
    assert r"RuntimeError: out of memory \| while training" in lines[0]
    assert "negative_control" in lines[0] and "| 2 " in lines[0]


def test_run_section_skipped_architectures_and_versions(synthetic_report, real_report):
    text = synthetic_report.read_text(encoding="utf-8")
    run = _section(text, "The run")
    assert _record(run, "machine")["value"] == "2-core CI runner"
    assert _record(run, "wall time")["value"] == "1:01:05 (3665.0 s)"
    assert _record(run, "profile")["value"] == "tiny"
    # 3 dataset-scenarios x 2 archs x 2 methods x 3 subjects ok, 1 failed
    assert _record(run, "cells")["value"] == "36 ok, 1 failed"
    assert _record(run, "synthetic")["value"].startswith("seed/default, ")
    versions = _section(text, "Package versions")
    assert _record(versions, "torch") == {"package": "torch", "version": "2.5.1"}
    skipped = _section(text, "Skipped architectures")
    assert _record(skipped, "eegnet") == SKIPPED[0]
    real = real_report.read_text(encoding="utf-8")
    assert _section(real, "Skipped architectures").strip() == "None."
    real_run = _section(real, "The run")
    assert _record(real_run, "synthetic")["value"] == "none"
    assert _record(real_run, "profile")["value"] == "—"


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda r: r.assign(synthetic=r["synthetic"].astype(str)), "'synthetic'"),
        (lambda r: r.assign(versions="{not json"), "'versions'"),
        (lambda r: r.iloc[:0], "no rows"),
        (lambda r: r.drop(columns=["selection"]), "selection"),
        (lambda r: r.drop(columns=["error", "versions"]), r"\['error', 'versions'\]"),
    ],
)
def test_build_report_rejects_bad_results(tmp_path, change, match):
    with pytest.raises(ValueError, match=match):
        build_report(
            change(_results()),
            machine="m",
            wall_seconds=1.0,
            skipped=[],
            output_dir=tmp_path,
        )


def test_build_report_rejects_a_bad_wall_time(tmp_path):
    with pytest.raises(ValueError, match="wall_seconds"):
        build_report(
            _results(), machine="m", wall_seconds=-1.0, skipped=[], output_dir=tmp_path
        )
