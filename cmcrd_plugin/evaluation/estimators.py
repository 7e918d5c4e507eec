"""A training recipe as a braindecode estimator's settings, and fitting to the end.

:func:`estimator_settings` gives every estimator of an evaluation the same
settings: AdamW, the authors' warm-up and cosine schedule, a predefined
validation split, the best validation epoch kept by :class:`BestValidation`,
and a seeded batch order.
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from skorch.callbacks import Callback
from skorch.helper import predefined_split

from ..training.schedule import WarmupCosineLR
from .recipe import TrainingRecipe


class BestValidation(Callback):
    """Keeps the module's state at the epoch with the best validation accuracy.

    :meth:`restore` puts that state back into the net's module.
    """

    def initialize(self):
        self.best_score_, self.best_state_ = -np.inf, None
        return self

    def on_epoch_end(self, net, **kwargs):
        score = net.history[-1].get("valid_acc", -np.inf)
        if score > self.best_score_:
            self.best_score_ = score
            self.best_state_ = copy.deepcopy(net.module_.state_dict())

    @staticmethod
    def restore(net) -> None:
        """Load the best validation state kept by the net's ``select`` callback."""
        best = dict(net.callbacks_)["select"].best_state_
        if best is not None:
            net.module_.load_state_dict(best)


def estimator_settings(recipe: TrainingRecipe, valid_set, seed: int) -> dict:
    """The skorch settings every evaluation estimator shares.

    AdamW with the recipe's rate, decay, batch size and epochs; the authors'
    warm-up cosine schedule; ``valid_set`` as the validation split, with the
    best validation epoch kept by :class:`BestValidation` (its ``restore``
    puts it back after the fit); the batch order seeded by ``seed``.
    """
    return dict(
        optimizer=torch.optim.AdamW,
        optimizer__weight_decay=recipe.weight_decay,
        lr=recipe.lr,
        batch_size=recipe.batch_size,
        max_epochs=recipe.epochs,
        train_split=predefined_split(valid_set),
        callbacks=[
            ("schedule", WarmupCosineLR(recipe.warmup_epochs)),
            ("select", BestValidation()),
        ],
        iterator_train__generator=torch.Generator().manual_seed(seed),
        device=recipe.device,
        verbose=0,
    )


def check_training_size(
    n_train: int, batch_size: int, where: str, option: str = "batch_size"
) -> None:
    """Refuse a training set smaller than one batch (``option`` names the size).

    braindecode drops the last incomplete batch of every epoch
    (``iterator_train__drop_last=True``), so such a set would train on
    nothing, with only a warning.
    """
    if n_train < batch_size:
        raise ValueError(
            f"{where}: {n_train} training windows, fewer than {option} "
            f"{batch_size}: every batch would be dropped and nothing trained; "
            f"lower {option}"
        )


def fit_to_the_end(net, X, y=None):
    """``net.fit(X, y)``, raising ``KeyboardInterrupt`` if that was interrupted.

    skorch catches a ``KeyboardInterrupt`` during ``fit`` and returns the net
    as it is, so that a notebook keeps what was trained. A benchmark cell or
    a saved run must not pass such a net off as trained: an interrupted fit
    (``interrupted_`` of this package's estimators; for others, fewer epochs
    in the history than ``max_epochs``, or a last epoch without its training
    loss) is interrupted here too.
    """
    net.fit(X, y)
    epochs = len(net.history)
    # skorch adds an epoch's row when it begins and its losses when it ends
    unfinished = epochs < net.max_epochs or "train_loss" not in net.history[-1]
    if getattr(net, "interrupted_", False) or unfinished:
        raise KeyboardInterrupt(
            f"training was interrupted in epoch {epochs} of {net.max_epochs}"
        )
    return net


def sized(model, n_classes: int) -> dict:
    """The estimator parameters that give a model class ``n_classes`` outputs.

    braindecode infers ``n_outputs`` from the training labels, which may
    lack a class (a fold without it, labels with gaps); an instance is
    already sized.
    """
    return {"module__n_outputs": n_classes} if isinstance(model, type) else {}
