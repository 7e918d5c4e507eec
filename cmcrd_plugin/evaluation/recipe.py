"""The training recipe every teacher and student of an evaluation shares.

One dataclass (:class:`TrainingRecipe`) for ``cmcrd bench``, the demo and
the commands on one's own data;
:func:`~cmcrd_plugin.evaluation.estimators.estimator_settings` turns it into
the settings of a braindecode estimator.
"""

from __future__ import annotations

import math
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

    def __post_init__(self) -> None:
        integers = {
            "epochs": (self.epochs, 1),
            "warmup_epochs": (self.warmup_epochs, 0),
            "batch_size": (self.batch_size, 1),
        }
        for name, (value, least) in integers.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(
                    f"{name} must be an integer of at least {least}, got {value!r}"
                )
        rates = {"lr": (self.lr, False), "weight_decay": (self.weight_decay, True)}
        for name, (value, zero_allowed) in rates.items():
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if not number or not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a number >= 0, got {value!r}")
            if value == 0 and not zero_allowed:
                raise ValueError(f"{name} must be above 0, got {value!r}")
        if not isinstance(self.device, str):
            raise ValueError(f"device must be a name, got {self.device!r}")


def device_problem(name: str) -> str | None:
    """Why the torch device ``name`` cannot be used here, or None if it can.

    ``cpu``, ``cuda``, ``cuda:1``, ``mps``, ...: the device must parse and
    its backend must be available, with enough devices for the index.
    """
    import torch  # heavy: imported when a device is checked, not for --help

    try:
        device = torch.device(name)
    except (RuntimeError, TypeError) as exc:
        return f"device {name!r}: {exc}"
    if device.type == "cpu":
        return None
    backend = getattr(torch, device.type, None)  # torch.cuda, torch.mps, ...
    is_available = getattr(backend, "is_available", None)
    if is_available is None or not is_available():
        return f"device {name!r} is not available here"
    count = getattr(backend, "device_count", lambda: 1)()
    if device.index is not None and device.index >= count:
        return (
            f"device {name!r} is not available here ({count} {device.type} device(s))"
        )
    return None
