"""File writing for the synthetic writers, in the formats the real releases use
(MATLAB v5, bare pickle; npz and atomic writes are :mod:`cmcrd_plugin.files`)."""

from __future__ import annotations

import pickle
from pathlib import Path

import scipy.io


def scaled_counts(counts, window_fraction: float, minimum: int = 2) -> list[int]:
    """Window counts scaled by ``window_fraction`` (in (0, 1]), at least ``minimum``."""
    if not 0 < window_fraction <= 1:
        raise ValueError(f"window_fraction must be in (0, 1], got {window_fraction}")
    return [max(minimum, round(n * window_fraction)) for n in counts]


def write_mat(path: Path, variables: dict) -> None:
    """A MATLAB v5 file holding ``variables``."""
    with open(path, "wb") as f:
        scipy.io.savemat(f, variables)


def write_pickle(path: Path, obj) -> None:
    """A bare pickle of ``obj`` (as the SEED eye-tracking files are)."""
    path.write_bytes(pickle.dumps(obj))
