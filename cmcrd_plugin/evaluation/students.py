"""Building a student: its architecture for the EEG windows it will read, and
the distilled student of one fold as ``cmcrd bench`` and ``cmcrd train``
build it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import braindecode.models
import numpy as np
from skorch.dataset import Dataset
from skorch.helper import SliceDict
from torch import nn

from .. import available, get_model
from ..training.cmcrd_classifier import CMCRDClassifier
from ..training.shapes import as_windows
from . import torcheeg_models
from .estimators import estimator_settings, sized
from .recipe import TrainingRecipe


def resolve_arch(name: str) -> type:
    """A registered model (``mlp``, ``dgcnn``) or a braindecode model class.

    TorchEEG architectures are built by :func:`build_student`.
    """
    if name in available("model"):
        return get_model(name)
    cls = getattr(braindecode.models, name, None)
    if not isinstance(cls, type):
        raise ValueError(
            f"architecture {name!r} is neither a registered model "
            f"({', '.join(available('model'))}) nor a braindecode model class"
        )
    return cls


def build_student(
    arch: str, eeg: np.ndarray, n_classes: int
) -> tuple[type | nn.Module, np.ndarray, str]:
    """The student ``arch``, the EEG windows as it reads them, and its head.

    ``eeg`` holds windows ``(n, n_chans, n_times)`` or feature vectors.
    braindecode and registered models come as classes (the estimator sizes
    them from the data) and read the windows as they are; a TorchEEG model
    comes built for the windows' shape (with torch's current random state)
    and the windows laid out for it.
    """
    eeg = as_windows(eeg)
    if torcheeg_models.is_torcheeg(arch):
        model = torcheeg_models.build(arch, *eeg.shape[1:], n_classes)
        layer = torcheeg_models.spec(arch).feature_layer
        return model, torcheeg_models.lay_out(arch, eeg), layer
    return resolve_arch(arch), eeg, "final_layer"


def distilled_student(
    arch: str,
    eeg: np.ndarray,
    eye: np.ndarray,
    y: np.ndarray,
    valid: np.ndarray,
    *,
    teacher: nn.Module | None,
    params: Mapping[str, Any],
    n_classes: int,
    recipe: TrainingRecipe,
    seed: int,
) -> tuple[CMCRDClassifier, SliceDict, np.ndarray]:
    """The unfitted ``CMCRDClassifier`` student of one fold, and its data.

    Parameters
    ----------
    arch : str
        The student architecture (:func:`build_student`).
    eeg, eye : ndarray
        Every window's (standardised) EEG and teacher features.
    y : ndarray
        Every window's label.
    valid : ndarray
        The fold's validation rows (the predefined validation split).
    teacher : nn.Module or None
        The fold's frozen teacher (None for ``distiller="none"``).
    params : mapping
        ``CMCRDClassifier`` parameters of the method (``distiller``,
        ``beta``, ``distiller__*``, ...).
    n_classes, recipe, seed
        The dataset's classes, the training recipe, the seed of the batch
        order.

    Returns
    -------
    net : CMCRDClassifier
        To fit on ``paired[train_rows]``.
    paired : SliceDict
        ``{"eeg": ..., "eye": ...}`` of every window, the EEG laid out for
        the student.
    eeg : ndarray
        The EEG as the student reads it (for predicting test rows).
    """
    model, student_eeg, layer = build_student(arch, eeg, n_classes)
    paired = SliceDict(eeg=student_eeg, eye=eye)
    net = CMCRDClassifier(
        model,
        teacher=teacher,
        feature_layer=layer,
        **dict(params),
        **sized(model, n_classes),
        **estimator_settings(recipe, Dataset(paired[valid], y[valid]), seed),
    )
    return net, paired, student_eeg
