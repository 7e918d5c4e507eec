"""Checks shared by the loaders; every error names the file and key at fault."""

from __future__ import annotations

import warnings

import numpy as np

from .errors import DatasetFormatError


def check_numeric_finite(array: np.ndarray, where: str) -> None:
    """Raise :class:`DatasetFormatError` unless ``array`` is numeric and finite."""
    if not np.issubdtype(array.dtype, np.number):
        raise DatasetFormatError(f"{where}: expected numbers, got dtype {array.dtype}")
    if not np.isfinite(array).all():
        raise DatasetFormatError(f"{where}: contains NaN or Inf values")


def common_window_count(where: str, **counts: int) -> int:
    """The shortest of the window counts; warns when they differ, errors on 0."""
    n = min(counts.values())
    if n == 0:
        empty = ", ".join(k for k, v in counts.items() if v == 0)
        raise DatasetFormatError(f"{where}: trial has no windows ({empty})")
    if len(set(counts.values())) > 1:
        detail = ", ".join(f"{k} has {v}" for k, v in counts.items())
        warnings.warn(f"{where}: {detail} windows; using the first {n}", stacklevel=3)
    return n


def select_subjects(records: list, subjects, where: str, subject_of=None) -> list:
    """The records of the wanted subjects (all if ``subjects`` is None).

    Raises :class:`DatasetFormatError` listing requested subjects that are not
    there, or if nothing is left.
    """
    subject_of = subject_of or (lambda r: r.subject)
    available = sorted({subject_of(r) for r in records})
    if subjects is not None:
        wanted = {int(s) for s in subjects}
        missing = sorted(wanted - set(available))
        if missing:
            raise DatasetFormatError(
                f"{where}: subjects {missing} not found (available: {available})"
            )
        records = [r for r in records if subject_of(r) in wanted]
    if not records:
        raise DatasetFormatError(f"{where}: no subject files found")
    return records
