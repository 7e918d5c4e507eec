"""Feature standardisation fitted on training windows only."""

from __future__ import annotations

import numpy as np


class FeatureScaler:
    """Z-score every feature with statistics of the data it was fitted on.

    Unlike the authors' release, which z-scores test features with test-set
    statistics, fit this on the training windows and apply it unchanged to
    validation and test windows.

    Parameters
    ----------
    eps : float
        Floor for the standard deviation of constant features.
    """

    def __init__(self, eps: float = 1e-6) -> None:
        self.eps = eps

    def fit(self, X: np.ndarray) -> FeatureScaler:
        """Learn per-feature mean and std over the first axis of ``X``."""
        X = np.asarray(X, dtype=np.float64)
        if len(X) == 0:
            raise ValueError("cannot fit FeatureScaler on zero windows")
        self.mean_ = X.mean(axis=0)
        self.scale_ = np.maximum(X.std(axis=0), self.eps)
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Standardise ``X`` (float32) with the fitted statistics."""
        if not hasattr(self, "mean_"):
            raise RuntimeError("FeatureScaler is not fitted; call fit() first")
        X = np.asarray(X, dtype=np.float64)
        if X.shape[1:] != self.mean_.shape:
            raise ValueError(
                f"FeatureScaler was fitted on features of shape {self.mean_.shape}, "
                f"got {X.shape[1:]}"
            )
        return ((X - self.mean_) / self.scale_).astype(np.float32)

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        """``fit(X).transform(X)``."""
        return self.fit(X).transform(X)
