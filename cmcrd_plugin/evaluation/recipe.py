"""The training recipe every teacher and student of an evaluation shares.

One dataclass (:class:`TrainingRecipe`) for ``cmcrd bench``, the demo and
the commands on one's own data;
:func:`~cmcrd_plugin.evaluation.estimators.estimator_settings` turns it into
the settings of a braindecode estimator.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrainingRecipe:
    """Epochs, optimiser and device of every fit of an evaluation.

    Attributes
    ----------
    epochs : int
        Training epochs.
    warmup_epochs : int
        Epochs of linear learning-rate warm-up before the cosine decay.
    batch_size : int
        Windows per batch.
    lr, weight_decay : float
        AdamW's learning rate and weight decay.
    device : str
        Where the models train (``"cpu"``, ``"cuda"``).
    """

    epochs: int = 20
    warmup_epochs: int = 5
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 1e-3
    device: str = "cpu"
