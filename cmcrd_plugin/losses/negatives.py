"""Class-aware negative sampling for contrastive memory banks (vectorised)."""

from __future__ import annotations

import torch


class ClassAwareSampler:
    """Draw, for each anchor, ``k`` training windows of *other* classes.

    Negatives are drawn uniformly without replacement from the anchor's
    other-class pool; for anchors whose pool holds fewer than ``k`` windows
    they are drawn with replacement. No Python loop over samples.

    Parameters
    ----------
    labels : Tensor, shape (n_data,)
        Label of every training window (row of the memory bank).
    """

    def __init__(self, labels: torch.Tensor) -> None:
        labels = torch.as_tensor(labels).long()
        self.labels = labels
        n_classes = int(labels.max()) + 1 if len(labels) else 0
        count = torch.bincount(labels, minlength=n_classes)
        if int((count > 0).sum()) < 2:
            raise ValueError(
                "class-aware negatives need training windows of at least 2 classes"
            )
        self.pool = len(labels) - count  # other-class windows per class
        self.max_pool = int(self.pool.max())
        # row c: the indices of windows not of class c (padded to equal length)
        self.table = torch.zeros(
            n_classes, self.max_pool, dtype=torch.long, device=labels.device
        )
        for c in range(n_classes):  # once per class, at set-up
            others = torch.nonzero(labels != c).squeeze(1)
            self.table[c, : len(others)] = others

    def __call__(
        self, y: torch.Tensor, k: int, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """Indices (len(y), k) of negatives for anchors with labels ``y``."""
        device = self.table.device
        y = y.long().to(device)
        pool = self.pool[y][:, None]
        # with replacement: a uniform position in the anchor's other-class row
        u = torch.rand(len(y), k, device=device, generator=generator)
        # u < 1, but u * pool may round up to pool in float32: clamp
        pos = torch.minimum(u.mul_(pool).long(), pool - 1)
        negatives = self.table[y].gather(1, pos)
        if self.max_pool >= k:
            distinct = pool[:, 0] >= k
            if distinct.any():
                # without replacement: the k smallest of i.i.d. uniforms over the pool
                rows = torch.nonzero(distinct).squeeze(1)
                keys = torch.rand(
                    len(rows), len(self.labels), device=device, generator=generator
                )
                keys.masked_fill_(self.labels[None, :] == y[rows][:, None], 2.0)
                negatives[rows] = keys.topk(k, dim=1, largest=False).indices
        return negatives
