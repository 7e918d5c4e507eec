"""The authors' learning-rate schedule as a skorch callback."""

from __future__ import annotations

import math

from skorch.callbacks import Callback


class WarmupCosineLR(Callback):
    """Linear warm-up, then half-cycle cosine decay to 0, updated every batch.

    The learning rate of every parameter group at training iteration ``i`` of
    ``T = max_epochs * batches_per_epoch`` is ``lr * i / W`` during the first
    ``W = warmup_epochs * batches_per_epoch`` iterations and
    ``lr * 0.5 * (1 + cos(pi * (i - W) / (T - W)))`` after (the authors use 10
    warm-up epochs out of 40). ``lr`` is each group's learning rate when
    training starts.

    Parameters
    ----------
    warmup_epochs : int
        Number of warm-up epochs.
    """

    def __init__(self, warmup_epochs: int = 10) -> None:
        self.warmup_epochs = warmup_epochs

    def initialize(self) -> WarmupCosineLR:
        self.step_ = 0
        self.batches_per_epoch_ = None
        self.base_lrs_ = None
        return self

    def on_train_begin(self, net, **kwargs) -> None:
        self.step_ = 0
        self.batches_per_epoch_ = None
        self.base_lrs_ = [group["lr"] for group in net.optimizer_.param_groups]

    def on_epoch_begin(self, net, dataset_train=None, **kwargs) -> None:
        if self.batches_per_epoch_ is None:
            n = len(dataset_train)
            drop_last = net.get_params_for("iterator_train").get("drop_last", False)
            per_epoch = (
                n // net.batch_size if drop_last else math.ceil(n / net.batch_size)
            )
            self.batches_per_epoch_ = max(per_epoch, 1)

    def factor(self, step: int, max_epochs: int) -> float:
        """Multiplier of the base learning rate at training iteration ``step``."""
        total = max(max_epochs * self.batches_per_epoch_, 1)
        warmup = min(self.warmup_epochs * self.batches_per_epoch_, total - 1)
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(total - warmup, 1)
        return 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))

    def on_batch_begin(self, net, training=False, **kwargs) -> None:
        if not training:
            return
        factor = self.factor(self.step_, net.max_epochs)
        for group, base in zip(
            net.optimizer_.param_groups, self.base_lrs_, strict=True
        ):
            group["lr"] = base * factor
        self.step_ += 1
