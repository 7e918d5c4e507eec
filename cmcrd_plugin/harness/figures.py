"""Benchmark figures: score distributions, paired subject lines, a gain heat map.

Each function draws one PNG for one scenario, protocol and selection, with a
panel per dataset and architecture. The figures are built with matplotlib's
object-oriented API (:class:`matplotlib.figure.Figure`, rendered by the Agg
canvas when saved as PNG), never through :mod:`matplotlib.pyplot`: no figure
is left open and the caller's backend is untouched. A figure's title is also
written to the PNG's ``Title`` metadata, so the file itself says whether it
shows synthetic data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .statistics import REFERENCE_METHOD

SYNTHETIC_LABEL = "SYNTHETIC DATA"
_CONDITION = ("scenario", "protocol", "selection")


def synthetic_title(title: str, synthetic: bool) -> str:
    """Prefix ``title`` with "SYNTHETIC DATA — " when ``synthetic``.

    Parameters
    ----------
    title : str
        The title of a table or figure.
    synthetic : bool
        Whether it is built from synthetic data.

    Returns
    -------
    str
        The title to show.
    """
    return f"{SYNTHETIC_LABEL} — {title}" if synthetic else title


def _condition(frame: pd.DataFrame, figure: str) -> str:
    """The one scenario, protocol and selection ``frame`` holds, as text."""
    values = []
    for column in _CONDITION:
        found = frame[column].unique()
        if len(found) != 1:
            raise ValueError(
                f"{figure} draws one {column}; got {sorted(map(str, found))}: "
                f"select one {column} first"
            )
        values.append(f"{column}: {found[0]}")
    return ", ".join(values)


def _panels(n_rows: int, n_cols: int) -> tuple[Figure, np.ndarray]:
    fig = Figure(figsize=(1.0 + 3.4 * n_cols, 1.0 + 3.0 * n_rows), layout="constrained")
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    return fig, axes


def _dataset_arch_panels(
    scores: pd.DataFrame, ylabel: str
) -> tuple[Figure, list[tuple[Axes, pd.DataFrame]]]:
    """A figure with a titled panel per dataset (row) x arch (column), each
    with the rows of ``scores`` it shows."""
    datasets = scores["dataset"].unique()
    archs = scores["arch"].unique()
    fig, axes = _panels(len(datasets), len(archs))
    panels = []
    for row, dataset in enumerate(datasets):
        for col, arch in enumerate(archs):
            ax = axes[row, col]
            ax.set_title(f"{dataset} · {arch}", fontsize=9)
            ax.set_ylabel(ylabel)
            chosen = (scores["dataset"] == dataset) & (scores["arch"] == arch)
            panels.append((ax, scores[chosen]))
    return fig, panels


def _save_png(fig: Figure, title: str, path: Path | str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.suptitle(title, fontsize=10, wrap=True)
    fig.savefig(path, format="png", dpi=100, metadata={"Title": title})
    return path


def score_distributions(
    scores: pd.DataFrame,
    path: Path | str,
    synthetic: bool,
    *,
    metric: str = "accuracy",
) -> Path:
    """Box plots of per-subject scores by method, a panel per dataset x arch.

    Parameters
    ----------
    scores : pandas.DataFrame
        Per-subject scores (:func:`~cmcrd_plugin.harness.statistics.subject_scores`)
        of one scenario, protocol and selection.
    path : path-like
        The PNG file to write.
    synthetic : bool
        Whether the scores come from synthetic data (labels the title).
    metric : str
        The score column to draw.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    condition = _condition(scores, "score_distributions")
    methods = list(scores["method"].unique())
    fig, panels = _dataset_arch_panels(scores, metric)
    for ax, panel in panels:
        for position, method in enumerate(methods):
            values = panel.loc[panel["method"] == method, metric].dropna()
            if values.empty:
                continue
            ax.boxplot(values.to_numpy(), positions=[position], widths=0.6)
            ax.plot(np.full(len(values), position), values, "o", ms=3, alpha=0.6)
        ax.set_xticks(range(len(methods)), methods, rotation=60, ha="right")
    title = synthetic_title(f"Per-subject {metric} by method\n{condition}", synthetic)
    return _save_png(fig, title, path)


def paired_subject_lines(
    scores: pd.DataFrame,
    path: Path | str,
    synthetic: bool,
    *,
    reference: str = REFERENCE_METHOD,
    method: str = "cmcrd",
    metric: str = "accuracy",
) -> Path:
    """One line per subject from its reference score to its ``method`` score.

    A rising line (green) is a subject the method helps, a falling one (red)
    a subject it hurts, a flat one (grey) neither. One panel per dataset x
    architecture.

    Parameters
    ----------
    scores : pandas.DataFrame
        Per-subject scores of one scenario, protocol and selection.
    path : path-like
        The PNG file to write.
    synthetic : bool
        Whether the scores come from synthetic data (labels the title).
    reference, method : str
        The two methods paired.
    metric : str
        The score column to draw.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    condition = _condition(scores, "paired_subject_lines")
    fig, panels = _dataset_arch_panels(scores, metric)
    for ax, panel in panels:
        table = panel.pivot(index="subject", columns="method", values=metric)
        if {reference, method} <= set(table.columns):
            for before, after in table[[reference, method]].dropna().to_numpy():
                color = (
                    "tab:green"
                    if after > before
                    else "tab:red"
                    if after < before
                    else "tab:gray"
                )
                ax.plot([0, 1], [before, after], "o-", color=color, alpha=0.7)
        else:
            ax.text(0.5, 0.5, "not run", ha="center", transform=ax.transAxes)
        ax.set_xticks([0, 1], [reference, method])
        ax.set_xlim(-0.3, 1.3)
    title = synthetic_title(
        f"Per-subject {metric}, {reference} vs {method}\n{condition}", synthetic
    )
    return _save_png(fig, title, path)


def gain_heatmap(gains: pd.DataFrame, path: Path | str, synthetic: bool) -> Path:
    """A method x architecture heat map of mean gains, a panel per dataset.

    Cells show the mean paired gain over the reference in percentage points,
    starred where the two-sided p-value is below 0.05.

    Parameters
    ----------
    gains : pandas.DataFrame
        Gains (:func:`~cmcrd_plugin.harness.statistics.method_gains`) of one
        scenario, protocol and selection, over one reference and metric.
    path : path-like
        The PNG file to write.
    synthetic : bool
        Whether the gains come from synthetic data (labels the title).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    if gains.empty:
        raise ValueError("gain_heatmap got no gains to draw")
    condition = _condition(gains, "gain_heatmap")
    reference = " / ".join(gains["reference"].unique())
    metric = " / ".join(gains["metric"].unique())
    methods = list(gains["method"].unique())
    archs = list(gains["arch"].unique())
    datasets = gains["dataset"].unique()
    points = gains["mean_difference"].abs().max() * 100
    limit = points if points > 0 else 1.0
    fig, axes = _panels(1, len(datasets))
    for col, dataset in enumerate(datasets):
        ax = axes[0, col]
        panel = gains[gains["dataset"] == dataset]
        gain = panel.pivot(index="method", columns="arch", values="mean_difference")
        p = panel.pivot(index="method", columns="arch", values="p_value")
        gain = gain.reindex(index=methods, columns=archs) * 100
        p = p.reindex(index=methods, columns=archs)
        image = ax.imshow(
            np.ma.masked_invalid(gain.to_numpy(dtype=float)),
            cmap="RdBu",
            vmin=-limit,
            vmax=limit,
            aspect="auto",
        )
        for i, j in np.argwhere(np.isfinite(gain.to_numpy(dtype=float))):
            star = "*" if p.iat[i, j] < 0.05 else ""
            dark = abs(gain.iat[i, j]) > limit / 2
            ax.text(
                j,
                i,
                f"{gain.iat[i, j]:+.1f}{star}",
                ha="center",
                va="center",
                color="white" if dark else "black",
            )
        ax.set_xticks(range(len(archs)), archs)
        ax.set_yticks(range(len(methods)), methods)
        ax.set_title(str(dataset), fontsize=9)
    fig.colorbar(image, ax=axes[0, :].tolist(), label="gain (points)")
    title = synthetic_title(
        f"{metric} gain over {reference} (points; * p < 0.05)\n{condition}", synthetic
    )
    return _save_png(fig, title, path)
