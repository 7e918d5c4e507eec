"""Paired EEG + eye-movement windows: the in-memory form every loader returns."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass(frozen=True)
class PairedWindows:
    """Aligned 4-second windows of EEG features, eye features and labels.

    All arrays share their first dimension (one row per window).

    Attributes
    ----------
    eeg : ndarray, shape (n_windows, ...), float32
        EEG of each window: differential entropy, channels x bands (62, 5)
        for the SEED loaders, raw samples (62, 800) for raw SEED-IV, any
        per-window shape in the generic paired format.
    eye : ndarray, shape (n_windows, n_eye), float32
        Eye-movement feature vector of the same window (31 or 33 values).
    label : ndarray, shape (n_windows,), int64
        Emotion label of the window.
    subject, session, trial, window : ndarray, shape (n_windows,), int64
        Subject id (as in the file name), session (0-based), trial within
        the session (0-based) and window index within the trial.
    """

    eeg: np.ndarray
    eye: np.ndarray
    label: np.ndarray
    subject: np.ndarray
    session: np.ndarray
    trial: np.ndarray
    window: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.label)
        for f in fields(self):
            value = getattr(self, f.name)
            if len(value) != n:
                raise ValueError(
                    f"PairedWindows.{f.name} has {len(value)} rows, label has {n}"
                )

    def __len__(self) -> int:
        return len(self.label)

    @property
    def n_classes(self) -> int:
        """Number of classes (``max(label) + 1``)."""
        return int(self.label.max()) + 1 if len(self) else 0

    def subset(self, index: np.ndarray) -> PairedWindows:
        """Rows selected by an integer index or boolean mask."""
        return PairedWindows(
            **{f.name: getattr(self, f.name)[index] for f in fields(self)}
        )

    def inputs(self) -> dict[str, np.ndarray]:
        """``{"eeg": eeg, "eye": eye}``: the windows keyed by modality.

        What the trainers fit on; which modality is the student's and which
        the teacher's is chosen on the estimator (``student_key``,
        ``teacher_key``). For sklearn's tools that index ``X``
        (``GridSearchCV``, ``cross_val_score``), wrap it:
        ``skorch.helper.SliceDict(**windows.inputs())``.
        """
        return {"eeg": self.eeg, "eye": self.eye}

    @classmethod
    def concatenate(cls, parts: list[PairedWindows]) -> PairedWindows:
        """Stack several :class:`PairedWindows` row-wise."""
        if not parts:
            raise ValueError("nothing to concatenate")
        return cls(
            **{
                f.name: np.concatenate([getattr(p, f.name) for p in parts])
                for f in fields(cls)
            }
        )
