"""TorchEEG models trained as TorchEEG's users train them: Lightning trainers.

Two methods of the grid:

``torcheeg_trainer``
    TorchEEG's own ``torcheeg.trainers.ClassifierTrainer`` on EEG alone (a
    PyTorch Lightning module; Adam at the given learning rate and weight
    decay, no schedule, cross-entropy).
``cmcrd_trainer``
    The same model as a CMCRD student of the eye teacher, through this
    package's :class:`~cmcrd_plugin.torcheeg_trainers.CMCRDTrainer` (the same
    optimiser, no schedule): beside ``torcheeg_trainer`` it shows what the
    teacher adds under TorchEEG's own recipe.

Both are fed by plain ``DataLoader`` s of the training, validation and test
trials and, as for every method, scored on the test trials at the epoch with
the best validation accuracy and at the last epoch.
"""

from __future__ import annotations

import copy
import logging
import tempfile
import time
from collections.abc import Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch

# Lightning's start-up lines and TorchEEG's per-epoch metric lines
QUIET_LOGGERS = (
    "pytorch_lightning",
    "lightning.pytorch",
    "lightning_fabric",
    "torcheeg",
)
QUIET = {
    "logger": False,
    "enable_checkpointing": False,
    "enable_progress_bar": False,
    "enable_model_summary": False,
}


class _Windows(torch.utils.data.Dataset):
    """Rows of in-memory windows: ``(x, y)``, or ``({key: x}, y)`` for a dict."""

    def __init__(self, x: np.ndarray | Mapping[str, np.ndarray], y: np.ndarray):
        self.x = x
        self.targets = torch.as_tensor(y, dtype=torch.long)

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, i: int):
        if isinstance(self.x, Mapping):
            return {k: torch.as_tensor(v[i]).float() for k, v in self.x.items()}, (
                self.targets[i]
            )
        return torch.as_tensor(self.x[i]).float(), self.targets[i]


def fit_lightning(
    net: Any,
    train: Any,
    valid: Any,
    test: Any,
    *,
    epochs: int,
    batch_size: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Train a TorchEEG-style trainer ``net`` (``fit``, ``predict``, ``.model``).

    Parameters
    ----------
    net : ClassifierTrainer or CMCRDTrainer
        The trainer, built.
    train, valid, test : Dataset
        Training, validation and test windows.
    epochs, batch_size : int
        As ``fit`` and ``DataLoader`` take them.
    seed : int
        Seeds the order of the training batches.

    Returns
    -------
    selected, last : ndarray
        Test predictions at the best validation epoch and at the last.
    seconds : float
        Training time.
    """
    import pytorch_lightning as pl

    class BestValidationState(pl.Callback):
        """The model's state at the epoch with the best ``val_accuracy``."""

        best_score, best_state = -np.inf, None

        def on_train_epoch_end(self, trainer, pl_module):  # after validation
            score = float(trainer.callback_metrics["val_accuracy"])
            if score > self.best_score:
                self.best_score = score
                self.best_state = copy.deepcopy(pl_module.model.state_dict())

    def loader(data, shuffle: bool = False):
        generator = torch.Generator().manual_seed(seed) if shuffle else None
        return torch.utils.data.DataLoader(
            data, batch_size=batch_size, shuffle=shuffle, generator=generator
        )

    best = BestValidationState()
    with _quiet_lightning(), tempfile.TemporaryDirectory() as root:
        started = time.perf_counter()
        net.fit(
            loader(train, shuffle=True),
            loader(valid),
            max_epochs=epochs,
            callbacks=[best],
            num_sanity_val_steps=0,
            default_root_dir=root,
            **QUIET,
        )
        seconds = time.perf_counter() - started

        def predict() -> np.ndarray:
            logits = net.predict(loader(test), default_root_dir=root, **QUIET)
            return torch.cat(logits).argmax(dim=1).cpu().numpy()

        last = predict()
        if best.best_state is not None:
            net.model.load_state_dict(best.best_state)
        selected = predict()
    return selected, last, seconds


def fit_classifier_trainer(
    model: torch.nn.Module,
    eeg: np.ndarray,
    y: np.ndarray,
    rows: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    n_classes: int,
    epochs: int,
    lr: float,
    weight_decay: float,
    batch_size: int,
    seed: int,
    device: str = "cpu",
) -> tuple[np.ndarray, np.ndarray, float]:
    """``model`` trained on ``eeg`` by TorchEEG's ``ClassifierTrainer``.

    ``rows`` are the training, validation and test rows; the other
    arguments are as :func:`fit_lightning` and ``ClassifierTrainer`` take
    them (``device``: ``"cpu"`` or a ``"cuda"`` device).
    """
    from torcheeg.trainers import ClassifierTrainer

    net = ClassifierTrainer(
        model,
        num_classes=n_classes,
        lr=lr,
        weight_decay=weight_decay,
        metrics=["accuracy"],
        **_devices(device),
    )
    sets = [_Windows(eeg[r], y[r]) for r in rows]
    return fit_lightning(net, *sets, epochs=epochs, batch_size=batch_size, seed=seed)


def fit_cmcrd_trainer(
    model: torch.nn.Module,
    teacher: torch.nn.Module,
    eeg: np.ndarray,
    eye: np.ndarray,
    y: np.ndarray,
    rows: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    feature_layer: str,
    n_classes: int,
    epochs: int,
    lr: float,
    weight_decay: float,
    batch_size: int,
    seed: int,
    device: str = "cpu",
) -> tuple[np.ndarray, np.ndarray, float]:
    """``model`` as a CMCRD student of ``teacher`` through ``CMCRDTrainer``.

    It trains on ``{"eeg": eeg, "eye": eye}`` and is validated and tested on
    EEG alone; the arguments are otherwise those of
    :func:`fit_classifier_trainer`.
    """
    from ..torcheeg_trainers import CMCRDTrainer

    net = CMCRDTrainer(
        model,
        teacher=teacher,
        num_classes=n_classes,
        feature_layer=feature_layer,
        lr=lr,
        weight_decay=weight_decay,
        **_devices(device),
    )
    train, valid, test = rows
    sets = (
        _Windows({"eeg": eeg[train], "eye": eye[train]}, y[train]),
        _Windows(eeg[valid], y[valid]),
        _Windows(eeg[test], y[test]),
    )
    return fit_lightning(net, *sets, epochs=epochs, batch_size=batch_size, seed=seed)


def _devices(device: str) -> dict:
    """The trainers' ``accelerator`` and ``devices`` for a torch device name."""
    place = torch.device(device)
    if place.type != "cuda":
        return {"accelerator": "cpu", "devices": 1}
    return {"accelerator": "gpu", "devices": [place.index or 0]}


@contextmanager
def _quiet_lightning():
    """Lightning's and TorchEEG's log lines off, for one fit."""
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
