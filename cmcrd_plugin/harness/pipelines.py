"""The pipelines behind the benchmark's methods: one function per kind of fit.

Each trains the cell's model on one fold (:class:`FoldData`) and scores it on
the test trials at the best validation epoch and at the last epoch
(:mod:`~cmcrd_plugin.harness.methods` says which method runs which).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from braindecode import EEGClassifier
from skorch.dataset import Dataset

from ..evaluation.estimators import (
    BestValidation,
    estimator_settings,
    fit_to_the_end,
    sized,
)
from ..evaluation.lightning_fits import fit_classifier_trainer, fit_cmcrd_trainer
from ..evaluation.metrics import score_predictions
from ..evaluation.recipe import TrainingRecipe
from ..evaluation.students import build_student, distilled_student
from ..models.mlp import CMCRDMLP
from .methods import Method


@dataclass
class FoldData:
    """What every pipeline of one cell reads.

    ``eeg`` and ``eye`` are standardised with the fold's training
    statistics; ``eye_for_teacher`` is ``eye``, or its permutation under the
    negative control; ``teacher`` is the fold's fitted eye teacher.
    """

    eeg: np.ndarray
    eye: np.ndarray
    eye_for_teacher: np.ndarray
    y: np.ndarray
    rows: Any  # data.protocols.Split
    teacher: Any  # evaluation TeacherClassifier
    n_classes: int
    recipe: TrainingRecipe
    seed: int
    arch: str


#: a pipeline's result: test scores at the best validation epoch and at the
#: last epoch, training seconds, and the modality it was tested on
Scores = tuple[dict, dict, float, str]


def _fit_and_score(net, X_train, y_train, X_test, y_test) -> tuple[dict, dict, float]:
    """Fit; test scores at the best validation epoch and at the last epoch."""
    started = time.perf_counter()
    fit_to_the_end(net, X_train, y_train)
    seconds = time.perf_counter() - started
    last = score_predictions(y_test, net.predict(X_test))
    BestValidation.restore(net)
    selected = score_predictions(y_test, net.predict(X_test))
    return selected, last, seconds


def _eye_teacher(method: Method, data: FoldData) -> Scores:
    te = data.rows.test
    scores = score_predictions(data.y[te], data.teacher.predict(data.eye[te]))
    return scores, scores, float("nan"), "eye"


def _fusion(method: Method, data: FoldData) -> Scores:
    tr, va, te = data.rows.train, data.rows.valid, data.rows.test
    fused = np.concatenate([data.eeg.reshape(len(data.eeg), -1), data.eye], axis=1)
    fused = fused[:, :, None]
    settings = estimator_settings(
        data.recipe, Dataset(fused[va], data.y[va]), data.seed
    )
    net = EEGClassifier(CMCRDMLP, **sized(CMCRDMLP, data.n_classes), **settings)
    y = data.y
    return (*_fit_and_score(net, fused[tr], y[tr], fused[te], y[te]), "eeg+eye")


def _eeg_only(method: Method, data: FoldData) -> Scores:
    model, eeg, _ = build_student(data.arch, data.eeg, data.n_classes)
    tr, va, te, y = data.rows.train, data.rows.valid, data.rows.test, data.y
    settings = estimator_settings(data.recipe, Dataset(eeg[va], y[va]), data.seed)
    net = EEGClassifier(model, **sized(model, data.n_classes), **settings)
    return (*_fit_and_score(net, eeg[tr], y[tr], eeg[te], y[te]), "eeg")


def _distilled_student(method: Method, data: FoldData) -> Scores:
    tr, te, y = data.rows.train, data.rows.test, data.y
    net, paired, eeg = distilled_student(
        data.arch,
        data.eeg,
        data.eye_for_teacher,
        y,
        data.rows.valid,
        teacher=data.teacher.module_,
        params=method.params,
        n_classes=data.n_classes,
        recipe=data.recipe,
        seed=data.seed,
    )
    return (*_fit_and_score(net, paired[tr], y[tr], eeg[te], y[te]), "eeg")


def _lightning(method: Method, data: FoldData) -> Scores:
    """``torcheeg_trainer`` and ``cmcrd_trainer``."""
    model, eeg, layer = build_student(data.arch, data.eeg, data.n_classes)
    recipe = data.recipe
    settings = dict(
        n_classes=data.n_classes,
        epochs=recipe.epochs,
        lr=recipe.lr,
        weight_decay=recipe.weight_decay,
        batch_size=recipe.batch_size,
        seed=data.seed,
        device=recipe.device,
    )
    rows = (data.rows.train, data.rows.valid, data.rows.test)
    if method.pipeline == "torcheeg_trainer":
        selected, last, seconds = fit_classifier_trainer(
            model, eeg, data.y, rows, **settings
        )
    else:
        selected, last, seconds = fit_cmcrd_trainer(
            model,
            data.teacher.module_,
            eeg,
            data.eye_for_teacher,
            data.y,
            rows,
            feature_layer=layer,
            **settings,
        )
    test = data.y[data.rows.test]
    return (
        score_predictions(test, selected),
        score_predictions(test, last),
        seconds,
        "eeg",
    )


#: pipeline name -> the function that trains and scores it
PIPELINES: dict[str, Callable[[Method, FoldData], Scores]] = {
    "eeg_only": _eeg_only,
    "eye_teacher": _eye_teacher,
    "fusion": _fusion,
    "student": _distilled_student,
    "torcheeg_trainer": _lightning,
    "cmcrd_trainer": _lightning,
}


def run_method(method: Method, data: FoldData) -> Scores:
    """Train and score ``method`` on one fold."""
    return PIPELINES[method.pipeline](method, data)
