"""Epoch-level history entries for the loss parts trainers record per batch."""

from __future__ import annotations

from skorch.callbacks import PassthroughScoring


def loss_part_scorers(*names: str) -> list[tuple[str, PassthroughScoring]]:
    """Callbacks averaging the batch entries ``names`` into epoch entries.

    Trainers record each part of their loss per training batch with
    ``history.record_batch(name, value)``; these callbacks add the epoch mean
    under the same name (shown by ``PrintLog``).
    """
    return [(name, PassthroughScoring(name=name, on_train=True)) for name in names]
