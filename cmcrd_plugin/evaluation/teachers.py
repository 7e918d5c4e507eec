"""The eye teacher of one fold: the paper's MLP, CE + MCC, best validation epoch."""

from __future__ import annotations

import numpy as np
import torch
from skorch.dataset import Dataset

from ..data.protocols import Split
from ..models.mlp import CMCRDMLP
from ..training.teacher import TeacherClassifier
from .estimators import BestValidation, estimator_settings, fit_to_the_end, sized
from .recipe import TrainingRecipe

#: the teacher's architecture (registered model name), whatever the student's
TEACHER_ARCH = "mlp"


def fit_teacher(
    eye: np.ndarray,
    y: np.ndarray,
    rows: Split,
    n_classes: int,
    recipe: TrainingRecipe,
    seed: int,
) -> tuple[TeacherClassifier, dict[str, float]]:
    """Train the teacher on the training rows, kept at its best validation epoch.

    Parameters
    ----------
    eye : ndarray
        The teacher's (standardised) features of every window of the fold.
    y : ndarray
        The labels of every window.
    rows : Split
        The fold's training, validation and test rows.
    n_classes : int
        The dataset's classes (a fold may lack one).
    recipe : TrainingRecipe
        Epochs, optimiser and device.
    seed : int
        Seed of the initialisation and batch order.

    Returns
    -------
    net : TeacherClassifier
        The fitted teacher (``net.module_`` is what students distil from).
    accuracy : dict
        ``teacher_train_accuracy`` and ``teacher_valid_accuracy``.
    """
    torch.manual_seed(seed)
    valid = Dataset(eye[rows.valid], y[rows.valid])
    net = TeacherClassifier(
        CMCRDMLP,
        **sized(CMCRDMLP, n_classes),
        **estimator_settings(recipe, valid, seed),
    )
    fit_to_the_end(net, eye[rows.train], y[rows.train])
    BestValidation.restore(net)
    accuracy = {
        "teacher_train_accuracy": float(net.score(eye[rows.train], y[rows.train])),
        "teacher_valid_accuracy": float(net.score(eye[rows.valid], y[rows.valid])),
    }
    return net, accuracy
