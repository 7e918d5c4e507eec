"""A TorchEEG model trained as TorchEEG's users train it: its ``ClassifierTrainer``.

The ``torcheeg_trainer`` method of the grid: TorchEEG's own
``torcheeg.trainers.ClassifierTrainer`` (a PyTorch Lightning module; Adam at
the given learning rate and weight decay, no schedule, cross-entropy), fed
by plain ``DataLoader`` s of the training, validation and test trials. As for
every method, the test trials are scored at the epoch with the best
validation accuracy and at the last epoch.
"""

from __future__ import annotations

import copy
import logging
import tempfile
import time
from contextlib import contextmanager

import numpy as np
import torch

# Lightning's start-up lines and TorchEEG's per-epoch metric lines
QUIET_LOGGERS = (
    "pytorch_lightning",
    "lightning.pytorch",
    "lightning_fabric",
    "torcheeg",
)


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
    """Train ``model`` with TorchEEG's ``ClassifierTrainer``.

    Parameters
    ----------
    model : nn.Module
        A TorchEEG classifier, built.
    eeg, y : ndarray
        The windows, laid out as ``model`` reads them, and their labels.
    rows : tuple of ndarray
        The training, validation and test rows.
    n_classes, epochs, lr, weight_decay, batch_size : int or float
        As ``ClassifierTrainer`` and ``DataLoader`` take them.
    seed : int
        Seeds the order of the training batches.
    device : str
        ``"cpu"`` or a ``"cuda"`` device.

    Returns
    -------
    selected, last : ndarray
        Test-trial predictions at the best validation epoch and at the last.
    seconds : float
        Training time.
    """
    import pytorch_lightning as pl
    from torcheeg.trainers import ClassifierTrainer

    train, valid, test = rows

    def loader(index: np.ndarray, shuffle: bool = False):
        data = torch.utils.data.TensorDataset(
            torch.as_tensor(eeg[index], dtype=torch.float32),
            torch.as_tensor(y[index], dtype=torch.long),
        )
        generator = torch.Generator().manual_seed(seed) if shuffle else None
        return torch.utils.data.DataLoader(
            data, batch_size=batch_size, shuffle=shuffle, generator=generator
        )

    class BestValidation(pl.Callback):
        """The model's state at the epoch with the best ``val_accuracy``."""

        best_score, best_state = -np.inf, None

        def on_train_epoch_end(self, trainer, pl_module):  # after validation
            score = float(trainer.callback_metrics["val_accuracy"])
            if score > self.best_score:
                self.best_score = score
                self.best_state = copy.deepcopy(pl_module.model.state_dict())

    quiet = {
        "logger": False,
        "enable_checkpointing": False,
        "enable_progress_bar": False,
        "enable_model_summary": False,
    }
    accelerator = "gpu" if device.startswith("cuda") else "cpu"
    net = ClassifierTrainer(
        model,
        num_classes=n_classes,
        lr=lr,
        weight_decay=weight_decay,
        accelerator=accelerator,
        metrics=["accuracy"],
    )
    best = BestValidation()
    with _quiet_lightning(), tempfile.TemporaryDirectory() as root:
        started = time.perf_counter()
        net.fit(
            loader(train, shuffle=True),
            loader(valid),
            max_epochs=epochs,
            callbacks=[best],
            num_sanity_val_steps=0,
            default_root_dir=root,
            **quiet,
        )
        seconds = time.perf_counter() - started

        def predict() -> np.ndarray:
            logits = net.predict(loader(test), default_root_dir=root, **quiet)
            return torch.cat(logits).argmax(dim=1).cpu().numpy()

        last = predict()
        if best.best_state is not None:
            net.model.load_state_dict(best.best_state)
        selected = predict()
    return selected, last, seconds


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
