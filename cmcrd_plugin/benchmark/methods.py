"""What one benchmark cell trains and scores.

Methods (the ``method`` column):

``eeg_only``
    The architecture trained on EEG alone with plain braindecode
    ``EEGClassifier``, on the students' training recipe: what the students'
    gains are measured against.
``torcheeg_trainer``
    A TorchEEG architecture trained on EEG alone as TorchEEG's users train
    it: TorchEEG's own ``ClassifierTrainer`` (PyTorch Lightning; Adam at the
    run's learning rate and weight decay, no schedule). For TorchEEG
    architectures only.
``cmcrd_trainer``
    A TorchEEG architecture as a CMCRD student through this package's
    Lightning ``CMCRDTrainer``, on TorchEEG's recipe (the optimiser of
    ``torcheeg_trainer``). For TorchEEG architectures only.
``cmcrd``, ``crd``, ``kd``, ``fitnet``, ``nst``, ``sp``, ``rkd``, ``pkt``
    The architecture as a student of the frozen eye teacher, through
    ``CMCRDClassifier(distiller=...)`` with the authors' weights.
``cmcrd-no_weights``, ``cmcrd-no_gating``, ``cmcrd-no_signs``
    CMCRD with one of its additions to CRD switched off (ablations).
``cmcrd-beta_<value>``
    CMCRD with that weight (a beta sweep).
``cmcrd-beta_auto``
    ``CMCRDClassifier(beta="auto")``: beta chosen on the validation trials
    from ``(0, 0.005, 0.02, 0.1)`` (0 included, so it can fall back to
    EEG-only).
``eye_teacher``
    The teacher itself (the paper's MLP on eye features, CE + MCC), scored
    on the test trials' eye features.
``fusion``
    An upper bound that needs both modalities at test: the MLP on the
    flattened EEG features and the eye features side by side.

Every model trains ``epochs`` epochs with AdamW and the authors' warm-up and
cosine schedule, on the training trials, and is scored on the test trials
twice: at the epoch with the best validation accuracy (validation trials cut
from the training trials) and at the last epoch. Features are standardised
with training statistics only. ``eye_teacher`` and ``fusion`` use the MLP
whatever the cell's architecture, and run once per fold (as arch ``mlp``).
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import asdict
from functools import lru_cache

import numpy as np
from skorch.callbacks import Callback
from torch import nn

from ..data.normalization import FeatureScaler
from ..experiments.metrics import score_predictions
from ..training.cmcrd_classifier import AUTO_BETA_GRID
from ..training.shapes import with_time_axis
from . import torcheeg_models
from .cells import Cell, config_hash
from .config import BenchmarkConfig
from .data import input_shape, is_synthetic, permuted_rows, split

DISTILLERS = ("cmcrd", "crd", "kd", "fitnet", "nst", "sp", "rkd", "pkt")
ABLATIONS = {
    "cmcrd-no_weights": {"distiller__weighted": False},
    "cmcrd-no_gating": {"distiller__gated": False},
    "cmcrd-no_signs": {"distiller__signed": False},
}
TEACHER_ARCH = "mlp"
ARCH_FREE_METHODS = ("eye_teacher", "fusion")
TORCHEEG_METHODS = ("torcheeg_trainer", "cmcrd_trainer")


def is_known_method(method: str) -> bool:
    """Whether ``method`` names a method of this module."""
    known = (*DISTILLERS, *ABLATIONS, *ARCH_FREE_METHODS, *TORCHEEG_METHODS)
    if method in (*known, "eeg_only"):
        return True
    if method.startswith("cmcrd-beta_"):
        value = method.removeprefix("cmcrd-beta_")
        return value == "auto" or _is_float(value)
    return False


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def resolve_arch(name: str) -> type:
    """A registered model (``mlp``, ``dgcnn``) or a braindecode model class.

    TorchEEG architectures are built by :func:`build_student`.
    """
    from .. import available, get_model

    if name in available("model"):
        return get_model(name)
    import braindecode.models

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
    eeg = with_time_axis(eeg)
    if torcheeg_models.is_torcheeg(arch):
        model = torcheeg_models.build(arch, *eeg.shape[1:], n_classes)
        layer = torcheeg_models.spec(arch).feature_layer
        return model, torcheeg_models.lay_out(arch, eeg), layer
    return resolve_arch(arch), eeg, "final_layer"


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


def estimator_settings(config: BenchmarkConfig, valid_set, seed: int) -> dict:
    """The skorch settings every benchmark estimator shares.

    AdamW with the configuration's rate, decay, batch size and epochs; the
    authors' warm-up cosine schedule; ``valid_set`` as the validation split,
    with the best validation epoch kept by :class:`BestValidation` (its
    ``restore`` puts it back after the fit); the batch order seeded by
    ``seed``.
    """
    import torch
    from skorch.helper import predefined_split

    from ..training import WarmupCosineLR

    return dict(
        optimizer=torch.optim.AdamW,
        optimizer__weight_decay=config.weight_decay,
        lr=config.lr,
        batch_size=config.batch_size,
        max_epochs=config.epochs,
        train_split=predefined_split(valid_set),
        callbacks=[
            ("schedule", WarmupCosineLR(config.warmup_epochs)),
            ("select", BestValidation()),
        ],
        iterator_train__generator=torch.Generator().manual_seed(seed),
        device=config.device,
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


def _fit_and_score(net, X_train, y_train, X_test, y_test) -> tuple[dict, dict, float]:
    """Fit; test scores at the best validation epoch and at the last epoch."""
    started = time.perf_counter()
    fit_to_the_end(net, X_train, y_train)
    seconds = time.perf_counter() - started
    last = score_predictions(y_test, net.predict(X_test))
    BestValidation.restore(net)
    selected = score_predictions(y_test, net.predict(X_test))
    return selected, last, seconds


def _inputs(config: BenchmarkConfig, cell: Cell):
    """Standardised EEG and eye features of one fold, and its rows."""
    windows, fold = split(config, cell.scenario, cell.protocol, cell.subject, cell.fold)
    eeg_scaler = FeatureScaler().fit(windows.eeg[fold.train])
    eye_scaler = FeatureScaler().fit(windows.eye[fold.train])
    eeg, eye = eeg_scaler.transform(windows.eeg), eye_scaler.transform(windows.eye)
    eye_for_teacher = eye
    if cell.scenario == "negative_control":  # eye rows permuted across training
        rows = np.concatenate([fold.train, fold.valid])
        eye_for_teacher = eye.copy()
        eye_for_teacher[rows] = eye[rows[permuted_rows(len(rows), cell.seed)]]
    return eeg, eye, eye_for_teacher, windows.label, fold


def teacher_key(cell: Cell) -> tuple:
    """The key of the eye teacher ``cell`` learns from: its fold and seed.

    Every method of one fold and seed shares that teacher
    (:func:`fold_teacher` trains it once per process).
    """
    return (
        cell.dataset,
        cell.scenario,
        cell.protocol,
        cell.subject,
        cell.fold,
        cell.seed,
        TEACHER_ARCH,
        "eye_teacher",
    )


@lru_cache(maxsize=8)
def fold_teacher(config: BenchmarkConfig, key: tuple):
    """The eye teacher of one fold and seed (trained once per process)."""
    import torch
    from skorch.dataset import Dataset

    from ..models.mlp import CMCRDMLP
    from ..training import TeacherClassifier

    cell = Cell(*key)
    _, _, eye, y, fold = _inputs(config, cell)
    # every cell of the fold trains on these rows, and asks for this teacher first
    check_training_size(len(fold.train), config.batch_size, _where(cell))
    torch.manual_seed(cell.seed)
    valid = Dataset(eye[fold.valid], y[fold.valid])
    net = TeacherClassifier(
        CMCRDMLP,
        **sized(CMCRDMLP, input_shape(config)[2]),
        **estimator_settings(config, valid, cell.seed),
    )
    fit_to_the_end(net, eye[fold.train], y[fold.train])
    BestValidation.restore(net)
    accuracy = {
        "teacher_train_accuracy": float(net.score(eye[fold.train], y[fold.train])),
        "teacher_valid_accuracy": float(net.score(eye[fold.valid], y[fold.valid])),
    }
    return net, accuracy


def _where(cell: Cell) -> str:
    return f"subject {cell.subject} {cell.fold} ({cell.protocol})"


def _student_params(method: str) -> dict:
    if method in DISTILLERS:
        return {"distiller": method}
    if method in ABLATIONS:
        return {"distiller": "cmcrd", **ABLATIONS[method]}
    if method == "cmcrd-beta_auto":
        return {"distiller": "cmcrd", "beta": "auto", "beta_grid": AUTO_BETA_GRID}
    return {"distiller": "cmcrd", "beta": float(method.removeprefix("cmcrd-beta_"))}


def train_cell(config: BenchmarkConfig, cell: Cell) -> list[dict]:
    """Train and score one cell; two result rows (validation, last epoch)."""
    import torch
    from braindecode import EEGClassifier
    from skorch.dataset import Dataset
    from skorch.helper import SliceDict

    from ..models.mlp import CMCRDMLP
    from ..training import CMCRDClassifier

    eeg, eye, eye_for_teacher, y, fold = _inputs(config, cell)
    teacher, teacher_accuracy = fold_teacher(config, teacher_key(cell))
    n_classes = input_shape(config)[2]  # the dataset's: a fold may lack a class
    tr, va, te = fold.train, fold.valid, fold.test  # sizes checked by fold_teacher
    test_modality = "eeg"
    torch.manual_seed(cell.seed)
    if cell.method == "eye_teacher":
        net = teacher
        selected = last = score_predictions(y[te], net.predict(eye[te]))
        seconds, test_modality = float("nan"), "eye"
    elif cell.method == "fusion":
        fused = np.concatenate([eeg.reshape(len(eeg), -1), eye], axis=1)
        valid = Dataset(fused[va][:, :, None], y[va])
        settings = estimator_settings(config, valid, cell.seed)
        net = EEGClassifier(CMCRDMLP, **sized(CMCRDMLP, n_classes), **settings)
        selected, last, seconds = _fit_and_score(
            net, fused[tr][:, :, None], y[tr], fused[te][:, :, None], y[te]
        )
        test_modality = "eeg+eye"
    else:
        model, student_eeg, layer = build_student(cell.arch, eeg, n_classes)
        if cell.method in TORCHEEG_METHODS:
            selected, last, seconds = _fit_with_lightning(
                config,
                cell,
                fold,
                (model, layer, teacher.module_),
                student_eeg,
                eye_for_teacher,
                y,
            )
        elif cell.method == "eeg_only":
            valid = Dataset(student_eeg[va], y[va])
            settings = estimator_settings(config, valid, cell.seed)
            net = EEGClassifier(model, **sized(model, n_classes), **settings)
            selected, last, seconds = _fit_and_score(
                net, student_eeg[tr], y[tr], student_eeg[te], y[te]
            )
        else:
            paired = SliceDict(eeg=student_eeg, eye=eye_for_teacher)
            valid = Dataset(paired[va], y[va])
            net = CMCRDClassifier(
                model,
                teacher=teacher.module_,
                feature_layer=layer,
                **_student_params(cell.method),
                **sized(model, n_classes),
                **estimator_settings(config, valid, cell.seed),
            )
            selected, last, seconds = _fit_and_score(
                net, paired[tr], y[tr], student_eeg[te], y[te]
            )
    return _rows(
        config, cell, selected, last, seconds, len(tr), teacher_accuracy, test_modality
    )


def _fit_with_lightning(config, cell, fold, models, eeg, eye, y):
    """``torcheeg_trainer`` and ``cmcrd_trainer``: test scores and seconds.

    ``models`` is the student, its head and the teacher.
    """
    from .torcheeg_trainer import fit_classifier_trainer, fit_cmcrd_trainer

    model, layer, teacher = models
    settings = dict(
        n_classes=input_shape(config)[2],
        epochs=config.epochs,
        lr=config.lr,
        weight_decay=config.weight_decay,
        batch_size=config.batch_size,
        seed=cell.seed,
        device=config.device,
    )
    rows = (fold.train, fold.valid, fold.test)
    if cell.method == "torcheeg_trainer":
        predicted = fit_classifier_trainer(model, eeg, y, rows, **settings)
    else:
        predicted = fit_cmcrd_trainer(
            model, teacher, eeg, eye, y, rows, feature_layer=layer, **settings
        )
    selected, last, seconds = predicted
    test = y[fold.test]
    return score_predictions(test, selected), score_predictions(test, last), seconds


def _versions() -> str:
    import braindecode
    import skorch
    import torch

    from .. import __version__

    return json.dumps(
        {
            "cmcrd_plugin": __version__,
            "braindecode": braindecode.__version__,
            "skorch": skorch.__version__,
            "torch": torch.__version__,
        },
        sort_keys=True,
    )


def _rows(config, cell, selected, last, seconds, n_train, teacher, test_modality):
    base = {
        **asdict(cell),
        "synthetic": is_synthetic(config, cell.scenario),
        "train_seconds": seconds,
        "n_train": n_train,
        **teacher,
        "test_modality": test_modality,
        "status": "ok",
        "error": "",
        "versions": _versions(),
        "config_hash": config_hash(config, cell),
    }
    return [
        {**base, "selection": "validation", **selected},
        {**base, "selection": "last_epoch", **last},
    ]


def failed_rows(config: BenchmarkConfig, cell: Cell, error: str) -> list[dict]:
    """The rows of a cell that failed: its error, no scores."""
    nan = float("nan")
    metrics = {"accuracy": nan, "balanced_accuracy": nan, "macro_f1": nan}
    rows = _rows(
        config,
        cell,
        metrics,
        metrics,
        nan,
        0,
        {"teacher_train_accuracy": nan, "teacher_valid_accuracy": nan},
        "",
    )
    for row in rows:
        row.update(status="failed", error=error)
    return rows


def run_cell(config: BenchmarkConfig, cell: Cell) -> list[dict]:
    """:func:`train_cell`, with a failure recorded as rows instead of raised."""
    import warnings

    import torch

    if config.jobs > 1:
        torch.set_num_threads(1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return train_cell(config, cell)
    except Exception as exc:  # noqa: BLE001 - recorded, the grid goes on
        return failed_rows(config, cell, f"{type(exc).__name__}: {exc}")
