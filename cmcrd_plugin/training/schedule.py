"""The authors' learning-rate schedule: torch's schedulers, stepped by skorch."""

from __future__ import annotations

import math
import warnings

from skorch.callbacks import LRScheduler
from torch.optim import Optimizer
from torch.optim.lr_scheduler import (
    CosineAnnealingLR,
    LambdaLR,
    LinearLR,
    SequentialLR,
)

# torch warns when a scheduler steps before its optimiser has; replaying the
# batches already trained on a resumed net does exactly that, on purpose.
_STEP_ORDER_WARNING = r"Detected call of `lr_scheduler.step\(\)` before"


def _zero(step: int) -> float:
    return 0.0


def warmup_cosine(
    optimizer: Optimizer, warmup_steps: int, total_steps: int
) -> SequentialLR:
    """Linear warm-up over ``warmup_steps``, then half-cycle cosine decay to 0.

    The factor of each parameter group's initial learning rate at step ``i``
    is ``(i + 1) / warmup_steps`` for ``i < warmup_steps`` and
    ``0.5 * (1 + cos(pi * (i - warmup_steps) / (total_steps - warmup_steps)))``
    after: ``LinearLR`` from ``1 / warmup_steps`` to 1 in ``warmup_steps - 1``
    steps, then ``CosineAnnealingLR`` with ``T_max = total_steps -
    warmup_steps``, then 0 from ``total_steps`` on (``LambdaLR``), joined
    by ``SequentialLR``. torch computes each cosine rate from the previous
    one, so it differs from the formula by rounding only (about 1e-13
    relative over 10,000 steps).

    Parameters
    ----------
    optimizer : torch.optim.Optimizer
        The optimiser whose learning rates are set.
    warmup_steps : int
        Number of warm-up steps, ``0 <= warmup_steps < total_steps``.
    total_steps : int
        Length of the schedule; the learning rate is 0 after this many steps.

    Returns
    -------
    torch.optim.lr_scheduler.LRScheduler
        The scheduler, at step 0; call its ``step()`` after each batch.
    """
    if not 0 <= warmup_steps < total_steps:
        raise ValueError(
            f"warmup_steps must be in [0, total_steps={total_steps}), "
            f"got {warmup_steps}"
        )
    schedulers = [CosineAnnealingLR(optimizer, T_max=total_steps - warmup_steps)]
    milestones = [total_steps - warmup_steps]
    if warmup_steps > 0:  # a milestone at 0 would give step 0 the wrong rate
        warmup = LinearLR(
            optimizer, start_factor=1 / warmup_steps, total_iters=warmup_steps - 1
        )
        schedulers.insert(0, warmup)
        milestones = [warmup_steps, total_steps]
    schedulers.append(LambdaLR(optimizer, _zero))  # the cosine is periodic: hold 0
    return SequentialLR(optimizer, schedulers, milestones=milestones)


class WarmupCosineLR(LRScheduler):
    """Linear warm-up, then half-cycle cosine decay to 0, updated every batch.

    The learning rate of every parameter group at training iteration ``i`` of
    ``T = max_epochs * batches_per_epoch`` is ``lr * (i + 1) / W`` during the
    first ``W = warmup_epochs * batches_per_epoch`` iterations (``W`` at most
    ``T - 1``) and ``lr * 0.5 * (1 + cos(pi * (i - W) / (T - W)))`` after (the
    authors use 10 warm-up epochs out of 40); ``lr`` is the group's initial
    learning rate. It is skorch's :class:`~skorch.callbacks.LRScheduler`
    stepping :func:`warmup_cosine` every batch, sized when the first epoch
    begins from the training set (``batch_size``,
    ``iterator_train__drop_last``) and ``max_epochs``.

    Training that goes on (``partial_fit``, or a fresh net whose history
    ``LoadInitState`` restored) resumes the schedule after the training batches
    recorded in ``net.history``, so it gives the learning rates of an
    uninterrupted fit. To finish an interrupted run, train the epochs left:
    ``net.partial_fit(X, y, epochs=net.max_epochs - len(net.history))``.

    Parameters
    ----------
    warmup_epochs : int
        Number of warm-up epochs.
    event_name : str or None
        History key of each batch's learning rate; ``None`` records nothing.
    """

    # LRScheduler's settings that are fixed here. Class attributes, since a
    # skorch callback's parameters (get_params, clone) are its instance ones.
    policy = staticmethod(warmup_cosine)
    step_every = "batch"
    monitor = None

    def __init__(
        self, warmup_epochs: int = 10, event_name: str | None = "event_lr"
    ) -> None:
        self.warmup_epochs = warmup_epochs
        self.event_name = event_name

    def on_train_begin(self, net, **kwargs) -> None:
        # Sized at the first epoch, which knows the training set, once every
        # on_train_begin (LoadInitState's among them) has run.
        self.lr_scheduler_ = None

    def on_epoch_begin(self, net, dataset_train=None, **kwargs) -> None:
        if self.lr_scheduler_ is not None:
            return
        drop_last = net.get_params_for("iterator_train").get("drop_last", False)
        n = len(dataset_train)
        per_epoch = n // net.batch_size if drop_last else math.ceil(n / net.batch_size)
        per_epoch = max(per_epoch, 1)
        total = max(net.max_epochs * per_epoch, 1)
        warmup = min(self.warmup_epochs * per_epoch, total - 1)
        self.lr_scheduler_ = self.policy_(
            net.optimizer_, warmup_steps=warmup, total_steps=total
        )
        # batches trained so far, those of an interrupted epoch included
        self.batch_idx_ = sum(
            "train_loss" in batch for epoch in net.history for batch in epoch["batches"]
        )
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", _STEP_ORDER_WARNING, UserWarning)
            for _ in range(self.batch_idx_):
                self.lr_scheduler_.step()
