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
        labels = labels.long()
        self.labels = labels
        self.order = torch.argsort(labels, stable=True)
        n_classes = int(labels.max()) + 1 if len(labels) else 0
        self.count = torch.bincount(labels, minlength=n_classes)
        self.start = torch.cumsum(self.count, 0) - self.count
        self.pool = len(labels) - self.count  # other-class windows per class

    def to(self, device: torch.device) -> ClassAwareSampler:
        for name in ("labels", "order", "count", "start", "pool"):
            setattr(self, name, getattr(self, name).to(device))
        return self

    def __call__(
        self, y: torch.Tensor, k: int, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """Indices (len(y), k) of negatives for anchors with labels ``y``."""
        device = self.order.device
        y = y.long().to(device)
        pool = self.pool[y]
        if (pool <= 0).any():
            raise ValueError("a class has no other-class windows to contrast with")
        # with replacement: a uniform position among the other-class rows of
        # the label-sorted order, skipping the anchor's own class block
        u = torch.rand(len(y), k, device=device, generator=generator)
        pos = (u * pool[:, None]).long().clamp_max(pool[:, None] - 1)
        pos = pos + (pos >= self.start[y][:, None]) * self.count[y][:, None]
        negatives = self.order[pos]
        distinct = pool >= k
        if distinct.any():
            # without replacement: the k smallest of i.i.d. uniforms over the pool
            rows = torch.nonzero(distinct).squeeze(1)
            keys = torch.rand(
                len(rows), len(self.labels), device=device, generator=generator
            )
            keys.masked_fill_(self.labels[None, :] == y[rows][:, None], 2.0)
            negatives[rows] = keys.topk(k, dim=1, largest=False).indices
        return negatives
