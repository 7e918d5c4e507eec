"""The benchmark report: ``report.md``, its tables and its figures.

:func:`build_report` reads the rows of ``results.csv`` and writes
``report.md`` with, per dataset x scenario x protocol x architecture, the
scores of every method (mean +- std over subjects, beside the teacher's
training and validation accuracy) and every method's gain over EEG-only
(paired by subject, with a 95 % CI, a p-value and d_z), once for each model
selection; then CMCRD's gain combined across datasets, the controls, the
failed cells, the skipped architectures and the figures (``figures/*.png``).
The statistics are those of :mod:`cmcrd_plugin.harness.statistics`. When
any row is synthetic, every heading, table and figure title says
"SYNTHETIC DATA".
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from .figures import gain_heatmap, paired_subject_lines, score_distributions
from .figures import synthetic_title as _title
from .results import CELL_COLUMNS
from .scenarios import CONTROL_PURPOSES
from .statistics import (
    COMPARISON_KEYS,
    REFERENCE_METHOD,
    WILCOXON_MIN_SUBJECTS,
    method_gains,
    stouffer_across_datasets,
    subject_scores,
)

# The methods shown for the controls.
CONTROL_METHODS = ("cmcrd", "kd", "cmcrd-beta_auto")
COMBINED_METHOD = "cmcrd"
FIGURE_SELECTION = "validation"
# Read here beyond what statistics.subject_scores checks.
_REPORT_COLUMNS = ("synthetic", "fold", "seed", "error", "versions")
# A table's group: a comparison group without the selection (COMPARISON_KEYS
# order, so that a table key plus a selection is a comparison key).
_TABLE_KEYS = tuple(key for key in COMPARISON_KEYS if key != "selection")


def build_report(
    results: pd.DataFrame,
    *,
    machine: str,
    wall_seconds: float,
    skipped: pd.DataFrame | list[dict],
    output_dir: Path | str,
    profile: str | None = None,
    metric: str = "accuracy",
    n_resamples: int = 9999,
) -> Path:
    """Write ``report.md`` and its figures for a benchmark run.

    Parameters
    ----------
    results : pandas.DataFrame
        The rows of ``results.csv`` (two per grid cell, one per selection).
    machine : str
        A description of the machine the run used.
    wall_seconds : float
        The run's wall-clock time.
    skipped : pandas.DataFrame or list of dict
        The architectures left out of the run, one row each with its reason
        (any columns; shown as given).
    output_dir : path-like
        Where ``report.md`` and ``figures/`` are written (created if needed).
    profile : str, optional
        The grid profile or configuration name; when not given, the
        ``profile`` column of ``results`` is shown if there is one.
    metric : str
        The score the gains, the tests and the figures are about.
    n_resamples : int
        Sign flips drawn by each randomised permutation test.

    Returns
    -------
    pathlib.Path
        The path of ``report.md``.

    Raises
    ------
    ValueError
        If ``results`` is empty, lacks a results.csv column, its
        ``synthetic`` column is not boolean, its ``versions`` are not JSON, or
        ``wall_seconds`` is not a non-negative number.
    """
    if results.empty:
        raise ValueError("results hold no rows: nothing to report")
    missing = [c for c in _REPORT_COLUMNS if c not in results.columns]
    if missing:
        raise ValueError(f"results lack the results.csv column(s) {missing}")
    if not pd.api.types.is_bool_dtype(results["synthetic"]):
        raise ValueError(
            f"results column 'synthetic' must be boolean (True/False), "
            f"got dtype {results['synthetic'].dtype}"
        )
    if not (np.isfinite(wall_seconds) and wall_seconds >= 0):
        raise ValueError(
            f"wall_seconds must be a non-negative number, got {wall_seconds}"
        )
    synthetic = bool(results["synthetic"].any())
    scores = subject_scores(results)
    gains = method_gains(scores, metric=metric, n_resamples=n_resamples)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    figures = _draw_figures(scores, gains, output_dir, synthetic, metric)

    if profile is None and "profile" in results.columns:
        profile = ", ".join(map(str, results["profile"].dropna().unique())) or None
    sections = [
        _heading(1, "CMCRD benchmark report", synthetic),
        *_synthetic_notice(results, synthetic),
        _run_section(results, machine, wall_seconds, profile, synthetic),
        _method_section(metric, n_resamples, synthetic),
        _score_sections(scores, gains, synthetic),
        _combined_section(gains, synthetic),
        _controls_section(gains, synthetic),
        _failed_section(results, synthetic),
        _skipped_section(skipped, synthetic),
        _figures_section(figures, output_dir, synthetic),
    ]
    path = output_dir / "report.md"
    path.write_text("\n\n".join(sections) + "\n", encoding="utf-8")
    return path


def _heading(level: int, text: str, synthetic: bool) -> str:
    return f"{'#' * level} {_title(text, synthetic)}"


def _markdown_table(frame: pd.DataFrame) -> str:
    """``frame`` as a markdown table, with cells kept on one line."""
    cells = frame.astype(str).map(
        lambda cell: " ".join(cell.split()).replace("|", r"\|")
    )
    return cells.to_markdown(index=False, disable_numparse=True)


def _percent(values: pd.Series) -> str:
    """Mean +- std (ddof=1) of fractions, in percent; the mean alone for one."""
    values = values.dropna()
    if values.empty:
        return "—"
    if len(values) == 1:
        return f"{values.iloc[0] * 100:.1f}"
    return f"{values.mean() * 100:.1f} ± {values.std() * 100:.1f}"


def _number(value: float, spec: str, scale: float = 1.0) -> str:
    return "—" if pd.isna(value) else format(value * scale, spec)


def _gain_cells(gain: pd.Series) -> dict[str, object]:
    """The columns a gains table shows for one row of ``method_gains``."""
    ci = (
        "—"
        if pd.isna(gain["ci_low"])
        else f"[{gain['ci_low'] * 100:+.1f}, {gain['ci_high'] * 100:+.1f}]"
    )
    return {
        "method": gain["method"],
        "subjects": gain["n"],
        "gain (points)": _number(gain["mean_difference"], "+.1f", 100),
        "95% CI": ci,
        "p": _number(gain["p_value"], ".3g"),
        "test": gain["test"],
        "d_z": _number(gain["effect_size"], "+.2f"),
        "teacher train (%)": _number(gain["teacher_train_accuracy"], ".1f", 100),
        "teacher valid (%)": _number(gain["teacher_valid_accuracy"], ".1f", 100),
    }


def _synthetic_notice(results: pd.DataFrame, synthetic: bool) -> list[str]:
    if not synthetic:
        return []
    rows = results[results["synthetic"]]
    which = ", ".join(sorted(set(rows["dataset"] + "/" + rows["scenario"])))
    return [
        f"**SYNTHETIC DATA** ({which}): files written by `cmcrd_plugin.synthetic`, "
        "not real EEG or eye tracking. These numbers exercise the pipeline; they "
        "say nothing about real recordings. Every table and figure is labelled."
    ]


def _run_section(
    results: pd.DataFrame,
    machine: str,
    wall_seconds: float,
    profile: str | None,
    synthetic: bool,
) -> str:
    cells = results.drop_duplicates(list(CELL_COLUMNS))
    status = cells["status"].value_counts()
    synthetic_rows = results[results["synthetic"]]
    synthetic_sets = sorted(
        set(synthetic_rows["dataset"] + "/" + synthetic_rows["scenario"])
    )
    rows = [
        ("machine", machine),
        (
            "wall time",
            f"{timedelta(seconds=round(wall_seconds))} ({wall_seconds:.1f} s)",
        ),
        ("profile", profile or "—"),
        ("cells", f"{status.get('ok', 0)} ok, {status.get('failed', 0)} failed"),
    ]
    for column in ("dataset", "scenario", "protocol", "arch", "method", "seed"):
        rows.append((column, ", ".join(map(str, results[column].unique()))))
    rows.append(("synthetic", ", ".join(synthetic_sets) or "none"))
    parts = [
        _heading(2, "The run", synthetic),
        _markdown_table(pd.DataFrame(rows, columns=["item", "value"])),
    ]
    versions = _versions(results)
    if not versions.empty:
        parts += [_heading(3, "Package versions", synthetic), _markdown_table(versions)]
    return "\n\n".join(parts)


def _versions(results: pd.DataFrame) -> pd.DataFrame:
    """Every package of the ``versions`` JSON column, with its distinct versions."""
    found: dict[str, set[str]] = {}
    for text in results["versions"].dropna().unique():
        if not str(text).strip():
            continue
        try:
            versions = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"results column 'versions' holds invalid JSON {text!r}: {error}"
            ) from error
        for package, version in versions.items():
            found.setdefault(package, set()).add(str(version))
    return pd.DataFrame(
        [(package, ", ".join(sorted(v))) for package, v in sorted(found.items())],
        columns=["package", "version"],
    )


def _method_section(metric: str, n_resamples: int, synthetic: bool) -> str:
    return "\n\n".join(
        [
            _heading(2, "How the numbers are computed", synthetic),
            "Each subject's cells (folds x seeds) are averaged first, so every "
            "subject weighs the same; tables show the mean ± std (ddof=1) over "
            "subjects, in percent. *validation* selection keeps the epoch that "
            "scored best on a validation split of the training trials; "
            "*last_epoch* keeps the last epoch. The teacher columns are the "
            "training and validation accuracy of the eye teacher a row's student "
            "learnt from (— where there is none).",
            f"Gains are {metric} differences with `{REFERENCE_METHOD}`, paired by "
            "subject, in percentage points, with Student's t 95 % interval of the "
            "mean difference. p is two-sided: a sign-flip permutation test of the "
            f"mean difference below {WILCOXON_MIN_SUBJECTS} subjects (exact when "
            f"all 2^n flips fit in {n_resamples} resamples, and then never below "
            "2 / 2^n: 0.25 at 3 subjects), the Wilcoxon signed-rank test from "
            f"{WILCOXON_MIN_SUBJECTS} on. d_z is the mean difference over the "
            "standard deviation of the differences.",
            "Across datasets, as in MOABB, the one-sided p-values (the method "
            "scores higher) are combined with Stouffer's method and the d_z "
            "averaged, both weighted by the square root of each dataset's "
            "subject count.",
        ]
    )


def _scores_table(scores: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for method, group in scores.groupby("method", sort=False):
        rows.append(
            {
                "method": method,
                "test modality": ", ".join(map(str, group["test_modality"].unique())),
                "subjects": group["subject"].nunique(),
                "accuracy (%)": _percent(group["accuracy"]),
                "balanced accuracy (%)": _percent(group["balanced_accuracy"]),
                "macro-F1 (%)": _percent(group["macro_f1"]),
                "teacher train (%)": _percent(group["teacher_train_accuracy"]),
                "teacher valid (%)": _percent(group["teacher_valid_accuracy"]),
            }
        )
    return pd.DataFrame(rows)


def _score_sections(scores: pd.DataFrame, gains: pd.DataFrame, synthetic: bool) -> str:
    gains_by_key = dict(iter(gains.groupby(list(COMPARISON_KEYS), sort=False)))
    parts = []
    for key, group in scores.groupby(list(_TABLE_KEYS), sort=False):
        dataset, scenario, _, protocol, arch = key
        parts.append(
            _heading(2, f"{dataset} · {scenario} · {protocol} · {arch}", synthetic)
        )
        for selection, chosen in group.groupby("selection", sort=False):
            parts += [
                _heading(3, f"Scores, {selection} selection", synthetic),
                _markdown_table(_scores_table(chosen)),
                _heading(
                    3,
                    f"Gains over {REFERENCE_METHOD}, {selection} selection",
                    synthetic,
                ),
            ]
            paired = gains_by_key.get((*key, selection))
            if paired is None:
                parts.append(f"No method was paired with `{REFERENCE_METHOD}` here.")
            else:
                table = pd.DataFrame([_gain_cells(row) for _, row in paired.iterrows()])
                parts.append(_markdown_table(table))
    return "\n\n".join(parts)


def _combined_section(gains: pd.DataFrame, synthetic: bool) -> str:
    heading = _heading(
        2,
        f"{COMBINED_METHOD} over {REFERENCE_METHOD} across datasets (Stouffer)",
        synthetic,
    )
    combined = stouffer_across_datasets(gains, method=COMBINED_METHOD)
    if combined.empty:
        missing = f"`{COMBINED_METHOD}` and `{REFERENCE_METHOD}` were not both run."
        return f"{heading}\n\n{missing}"
    table = pd.DataFrame(
        {
            "scenario": combined["scenario"],
            "protocol": combined["protocol"],
            "arch": combined["arch"],
            "selection": combined["selection"],
            "datasets": combined["datasets"],
            "subjects": combined["n_subjects"],
            "combined d_z": combined["effect_size"].map(lambda d: _number(d, "+.2f")),
            "combined one-sided p": combined["p_value"].map(
                lambda p: _number(p, ".3g")
            ),
        }
    )
    return f"{heading}\n\n{_markdown_table(table)}"


def _controls_section(gains: pd.DataFrame, synthetic: bool) -> str:
    parts = [
        _heading(2, "Controls", synthetic),
        "Scenarios built to show whether the harness detects an effect where one "
        f"exists and none where none does: the gains of {', '.join(CONTROL_METHODS)} "
        f"over `{REFERENCE_METHOD}`, beside the accuracy of the teacher they "
        "learnt from.",
    ]
    for scenario, purpose in CONTROL_PURPOSES.items():
        parts += [_heading(3, f"Control: {scenario}", synthetic), purpose]
        shown = gains[
            (gains["scenario"] == scenario) & gains["method"].isin(CONTROL_METHODS)
        ]
        if shown.empty:
            parts.append("Not run in this benchmark.")
            continue
        table = pd.DataFrame(
            [
                {
                    "dataset": row["dataset"],
                    "protocol": row["protocol"],
                    "arch": row["arch"],
                    "selection": row["selection"],
                    **_gain_cells(row),
                }
                for _, row in shown.iterrows()
            ]
        )
        parts.append(_markdown_table(table))
    return "\n\n".join(parts)


def _failed_section(results: pd.DataFrame, synthetic: bool) -> str:
    heading = _heading(2, "Failed cells", synthetic)
    failed = results[results["status"] == "failed"].drop_duplicates(list(CELL_COLUMNS))
    if failed.empty:
        return f"{heading}\n\nNone."
    return f"{heading}\n\n{_markdown_table(failed[[*CELL_COLUMNS, 'error']])}"


def _skipped_section(skipped: pd.DataFrame | list[dict], synthetic: bool) -> str:
    heading = _heading(2, "Skipped architectures", synthetic)
    skipped = pd.DataFrame(skipped)
    if skipped.empty:
        return f"{heading}\n\nNone."
    return f"{heading}\n\n{_markdown_table(skipped)}"


def _draw_figures(
    scores: pd.DataFrame,
    gains: pd.DataFrame,
    output_dir: Path,
    synthetic: bool,
    metric: str,
) -> list[tuple[str, Path]]:
    """The figures of each scenario x protocol, for the validation selection."""
    figures = []
    chosen = scores[scores["selection"] == FIGURE_SELECTION]
    for (scenario, protocol), group in chosen.groupby(
        ["scenario", "protocol"], sort=False
    ):
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{scenario}_{protocol}")
        where = f"{scenario}, {protocol}"
        path = output_dir / "figures" / f"scores_{stem}.png"
        figures.append(
            (
                f"Per-subject {metric} by method ({where})",
                score_distributions(group, path, synthetic, metric=metric),
            )
        )
        if {REFERENCE_METHOD, COMBINED_METHOD} <= set(group["method"]):
            path = output_dir / "figures" / f"paired_{stem}.png"
            figures.append(
                (
                    f"{REFERENCE_METHOD} vs {COMBINED_METHOD} per subject ({where})",
                    paired_subject_lines(group, path, synthetic, metric=metric),
                )
            )
        shown = gains[
            (gains["scenario"] == scenario)
            & (gains["protocol"] == protocol)
            & (gains["selection"] == FIGURE_SELECTION)
        ]
        if not shown.empty:
            path = output_dir / "figures" / f"gains_{stem}.png"
            figures.append(
                (
                    f"{metric} gains over {REFERENCE_METHOD} ({where})",
                    gain_heatmap(shown, path, synthetic),
                )
            )
    return figures


def _figures_section(
    figures: list[tuple[str, Path]], output_dir: Path, synthetic: bool
) -> str:
    parts = [
        _heading(2, "Figures", synthetic),
        f"Drawn for the {FIGURE_SELECTION} selection.",
    ]
    for caption, path in figures:
        target = path.relative_to(output_dir).as_posix()
        parts.append(f"![{_title(caption, synthetic)}]({target})")
    return "\n\n".join(parts)
