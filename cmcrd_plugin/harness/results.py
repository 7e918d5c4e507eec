"""The benchmark's results table, ``results.csv``: its columns, read and written.

Everything the analysis (:mod:`~cmcrd_plugin.harness.report`,
:mod:`~cmcrd_plugin.harness.statistics`, :mod:`~cmcrd_plugin.harness.figures`)
knows of a run comes from this table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..files import write_atomic

RESULTS = "results.csv"
#: what identifies a cell (the fields of :class:`~cmcrd_plugin.harness.cells.Cell`)
CELL_COLUMNS = (  # one grid cell: its two rows differ only in the selection
    "dataset",
    "scenario",
    "protocol",
    "subject",
    "fold",
    "seed",
    "arch",
    "method",
)
#: the columns of ``results.csv``, in order
COLUMNS = (
    "dataset",
    "scenario",
    "synthetic",
    "protocol",
    "subject",
    "fold",
    "seed",
    "arch",
    "method",
    "selection",
    "accuracy",
    "balanced_accuracy",
    "macro_f1",
    "train_seconds",
    "n_train",
    "teacher_train_accuracy",
    "teacher_valid_accuracy",
    "test_modality",
    "status",
    "error",
    "versions",
    "config_hash",
)


def read_results(output: Path) -> pd.DataFrame:
    """The results table of ``output`` (empty, with the columns, if absent)."""
    path = Path(output) / RESULTS
    if not path.exists():
        return pd.DataFrame(columns=list(COLUMNS))
    return pd.read_csv(path, keep_default_na=True, dtype={"error": str}).fillna(
        {"error": ""}
    )


def write_results(output: Path, table: pd.DataFrame) -> Path:
    """Write the table atomically: a temporary file renamed over the old one."""
    path = Path(output) / RESULTS
    columns = table.loc[:, list(COLUMNS)]
    write_atomic(path, lambda tmp: columns.to_csv(tmp, index=False))
    return path
