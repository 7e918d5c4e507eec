"""The benchmark grid: independent cells, each identified by a config hash,
and what one cell does (a fold's teacher, then the cell's method)."""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import asdict, dataclass
from functools import lru_cache

import braindecode
import numpy as np
import skorch
import torch

from .. import __version__
from ..evaluation.estimators import check_training_size
from ..evaluation.folds import standardised
from ..evaluation.teachers import TEACHER_ARCH, fit_teacher
from ..evaluation.torcheeg_models import is_torcheeg
from .config import BenchmarkConfig
from .data import fold_names, input_shape, is_synthetic, permuted_rows, split, subjects
from .methods import resolve_method
from .pipelines import FoldData, run_method


@dataclass(frozen=True)
class Cell:
    """One job of the grid; it writes two rows (validation, last epoch)."""

    dataset: str
    scenario: str
    protocol: str
    subject: int
    fold: str
    seed: int
    arch: str
    method: str


def config_hash(config: BenchmarkConfig, cell: Cell) -> str:
    """A digest of everything the cell's result depends on.

    A rerun skips the cells whose hash is already in ``results.csv``; a
    change of any training setting, of a variant's parameters, of the data
    or of the package version runs them again.
    """
    payload = {
        "cell": asdict(cell),
        "settings": config.training_settings(),
        "cmcrd_plugin": __version__,
    }
    variant = config.variant_params(cell.method)
    if variant is not None:
        payload["variant"] = variant
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def grid(config: BenchmarkConfig) -> list[Cell]:
    """Every cell of the run, in a stable order.

    Methods that ignore the architecture (``eye_teacher``, ``fusion``) run
    once per fold, as the teacher's architecture; TorchEEG-only methods run
    for the TorchEEG architectures only.
    """
    methods = [resolve_method(m, config.variants) for m in config.methods]
    cells = []
    for scenario in config.scenarios:
        for protocol in config.protocols:
            for subject in subjects(config):
                for fold in fold_names(config, protocol, subject):
                    for seed in config.seeds:
                        for method in methods:
                            archs = config.archs
                            if method.arch_free:
                                archs = (TEACHER_ARCH,)
                            if method.torcheeg_only:
                                archs = tuple(filter(is_torcheeg, archs))
                            cells.extend(
                                Cell(
                                    config.dataset,
                                    scenario,
                                    protocol,
                                    subject,
                                    fold,
                                    seed,
                                    arch,
                                    method.name,
                                )
                                for arch in archs
                            )
    return cells


def fold_teacher_id(cell: Cell) -> tuple:
    """What identifies the eye teacher ``cell`` learns from: its fold and seed.

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


def _fold_data(config: BenchmarkConfig, cell: Cell):
    """Standardised EEG and eye features of one fold, and its rows."""
    windows, rows = split(config, cell.scenario, cell.protocol, cell.subject, cell.fold)
    eeg, eye = standardised(windows, rows)
    eye_for_teacher = eye
    if cell.scenario == "negative_control":  # eye rows permuted across training
        train = np.concatenate([rows.train, rows.valid])
        eye_for_teacher = eye.copy()
        eye_for_teacher[train] = eye[train[permuted_rows(len(train), cell.seed)]]
    return eeg, eye, eye_for_teacher, windows.label, rows


@lru_cache(maxsize=8)
def fold_teacher(config: BenchmarkConfig, teacher_id: tuple):
    """The eye teacher of one fold and seed (trained once per process)."""
    cell = Cell(*teacher_id)
    _, _, eye, y, rows = _fold_data(config, cell)
    # every cell of the fold trains on these rows, and asks for this teacher first
    where = f"subject {cell.subject} {cell.fold} ({cell.protocol})"
    check_training_size(len(rows.train), config.recipe.batch_size, where)
    return fit_teacher(eye, y, rows, input_shape(config)[2], config.recipe, cell.seed)


def train_cell(config: BenchmarkConfig, cell: Cell) -> list[dict]:
    """Train and score one cell; two result rows (validation, last epoch)."""
    eeg, eye, eye_for_teacher, y, rows = _fold_data(config, cell)
    teacher, teacher_accuracy = fold_teacher(config, fold_teacher_id(cell))
    data = FoldData(
        eeg=eeg,
        eye=eye,
        eye_for_teacher=eye_for_teacher,
        y=y,
        rows=rows,  # sizes checked by fold_teacher
        teacher=teacher,
        n_classes=input_shape(config)[2],  # the dataset's: a fold may lack a class
        recipe=config.recipe,
        seed=cell.seed,
        arch=cell.arch,
    )
    torch.manual_seed(cell.seed)
    method = resolve_method(cell.method, config.variants)
    selected, last, seconds, modality = run_method(method, data)
    return _rows(
        config,
        cell,
        selected,
        last,
        seconds,
        len(rows.train),
        teacher_accuracy,
        modality,
    )


def _versions() -> str:
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
    teacher = {"teacher_train_accuracy": nan, "teacher_valid_accuracy": nan}
    rows = _rows(config, cell, metrics, metrics, nan, 0, teacher, "")
    for row in rows:
        row.update(status="failed", error=error)
    return rows


def run_cell(config: BenchmarkConfig, cell: Cell) -> list[dict]:
    """:func:`train_cell`, with a failure recorded as rows instead of raised."""
    if config.jobs > 1:
        torch.set_num_threads(1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return train_cell(config, cell)
    except Exception as exc:  # noqa: BLE001 - recorded, the grid goes on
        return failed_rows(config, cell, f"{type(exc).__name__}: {exc}")
