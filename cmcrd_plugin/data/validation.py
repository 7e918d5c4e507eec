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
