"""Random batches of unlabelled inputs, for MCC on unlabelled (target) data."""

from __future__ import annotations

import torch


class UnlabeledBatches:
    """Endless random batches from an array of inputs (no Python loop per sample).

    Every pass visits each row once in a new random order.

    Parameters
    ----------
    X : array-like, shape (n, ...)
        Unlabelled inputs of the model's modality, as they are stored (the
        trainer gives feature vectors their time axis).
    batch_size : int
        Rows per batch (the last batch of a pass may be smaller).
    seed : int, optional
        Seed of the row order.
    """

    def __init__(self, X, batch_size: int, seed: int | None = None) -> None:
        self.X = torch.as_tensor(X, dtype=torch.float32)
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


def training_seed() -> int:
    """A seed drawn from torch's global generator, leaving its state as it was.

    So ``torch.manual_seed`` before a fit fixes it, and drawing it changes
    no other random stream of the fit (shuffles, negatives).
    """
    with torch.random.fork_rng(devices=[]):
        return int(torch.randint(0, 2**62, ()))


def unlabeled_batches(X, batch_size: int) -> UnlabeledBatches | None:
    """:class:`UnlabeledBatches` over ``X`` seeded by :func:`training_seed`,
    or None when ``X`` is None."""
    return None if X is None else UnlabeledBatches(X, batch_size, training_seed())
