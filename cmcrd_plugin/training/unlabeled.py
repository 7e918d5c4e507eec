"""Random batches of unlabelled inputs, for MCC on unlabelled (target) data."""

from __future__ import annotations

import numpy as np
import torch

from .shapes import features_as_channels


class UnlabeledBatches:
    """Endless random batches from an array of inputs (no Python loop per sample).

    Every pass visits each row once in a new random order.

    Parameters
    ----------
    X : array-like, shape (n, ...)
        Unlabelled inputs in the model's input format.
    batch_size : int
        Rows per batch (the last batch of a pass may be smaller).
    seed : int, optional
        Seed of the row order.
    """

    def __init__(self, X, batch_size: int, seed: int | None = None) -> None:
        # feature matrices (n, d) become (n, d, 1), as in the trainers' inputs
        self.X = torch.as_tensor(
            features_as_channels(np.asarray(X)), dtype=torch.float32
        )
        if len(self.X) == 0:
            raise ValueError("unlabelled data for MCC is empty")
        self.batch_size = batch_size
        self.generator = torch.Generator()
        if seed is not None:
            self.generator.manual_seed(seed)
        self._order = torch.empty(0, dtype=torch.long)
        self._pos = 0

    def next(self, device: str | torch.device = "cpu") -> torch.Tensor:
        """The next batch, moved to ``device``."""
        if self._pos >= len(self._order):
            self._order = torch.randperm(len(self.X), generator=self.generator)
            self._pos = 0
        rows = self._order[self._pos : self._pos + self.batch_size]
        self._pos += len(rows)
        return self.X[rows].to(device)


def unlabeled_batches(X, batch_size: int) -> UnlabeledBatches | None:
    """:class:`UnlabeledBatches` over ``X``, or None when ``X`` is None."""
    return None if X is None else UnlabeledBatches(X, batch_size)
