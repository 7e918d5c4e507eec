"""Deprecated: the own-data commands' work moved to
:mod:`cmcrd_plugin.commands.own_data` (and the training settings to
:class:`~cmcrd_plugin.evaluation.recipe.TrainingRecipe` plus a seed).

This module keeps the 0.1 interface working for one release, with a
``FutureWarning``; it will be removed in 0.3.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..commands import own_data as _own_data
from ..commands.data_folder import DataSelection, OwnDataError
from ..evaluation.recipe import TrainingRecipe

warnings.warn(
    "cmcrd_plugin.experiments.own_data is deprecated and will be removed in 0.3: "
    "use cmcrd_plugin.commands.own_data (train_teacher, train_students and "
    "evaluate_student take recipe=TrainingRecipe(...) and seed=... instead of "
    "training=TrainingSettings(...))",
    FutureWarning,
    stacklevel=2,
)


@dataclass(frozen=True)
class TrainingSettings:
    """Deprecated: a :class:`TrainingRecipe` and a seed."""

    epochs: int = 20
    warmup_epochs: int = 5
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 1e-3
    seed: int = 2022
    device: str = "cpu"

    def split(self) -> dict[str, Any]:
        """``recipe`` and ``seed`` keyword arguments of the new functions."""
        settings = asdict(self)
        seed = settings.pop("seed")
        return {"recipe": TrainingRecipe(**settings), "seed": seed}


def train_teacher(
    data: DataSelection,
    out: str | Path,
    training: TrainingSettings = TrainingSettings(),
    overwrite: bool = False,
    report: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Deprecated: :func:`cmcrd_plugin.commands.own_data.train_teacher`."""
    return _own_data.train_teacher(
        data, out, **training.split(), overwrite=overwrite, report=report
    )


def train_students(
    data: DataSelection,
    out: str | Path,
    teacher: str | Path | None,
    backbone: str = "mlp",
    distiller: str = "cmcrd",
    beta: float | str | None = None,
    training: TrainingSettings = TrainingSettings(),
    overwrite: bool = False,
    report: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Deprecated: :func:`cmcrd_plugin.commands.own_data.train_students`."""
    return _own_data.train_students(
        data,
        out,
        teacher,
        backbone=backbone,
        distiller=distiller,
        beta=beta,
        **training.split(),
        overwrite=overwrite,
        report=report,
    )


evaluate_student = _own_data.evaluate_student
is_synthetic = _own_data.is_synthetic_folder
PROTOCOLS = _own_data.PROTOCOLS
TEACHER_MODEL = _own_data.TEACHER_MODEL

__all__ = [
    "PROTOCOLS",
    "TEACHER_MODEL",
    "DataSelection",
    "OwnDataError",
    "TrainingSettings",
    "evaluate_student",
    "is_synthetic",
    "train_students",
    "train_teacher",
]
