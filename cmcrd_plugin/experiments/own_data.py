"""Training on one's own data folder: ``cmcrd teacher``, ``train`` and ``evaluate``.

The three commands' work, on a folder in one of the documented layouts
(``seed``, ``seed_iv``, ``seed_v``, or ``paired_npz`` for one's own
recordings; ``docs/data-formats.md``), read through the registered loaders:

:func:`train_teacher`
    For every fold of a protocol, the eye teacher (the paper's MLP, CE +
    MCC) trained on the eye features of the fold's training trials, its
    epoch chosen on the validation trials; saved as one teacher file holding
    a teacher per fold (:mod:`~cmcrd_plugin.experiments.saved_models`).
:func:`train_students`
    For every fold, a ``CMCRDClassifier`` student distilled from that fold's
    teacher, so that no teacher has seen the eye features of the student's
    test trials; writes the test predictions, the scores and the students.
:func:`evaluate_student`
    A saved student scored on the EEG of a folder, standardised with the
    student's own training statistics.

The folds, teachers and training recipe are the benchmark's
(:mod:`cmcrd_plugin.benchmark`): SEED-V's 3 trial folds per subject (the
generic format's 3 folds by trial), SEED's and SEED-IV's first-trials split,
or leave-one-subject-out; AdamW with the warm-up and cosine schedule; each
model kept at its best validation epoch; features standardised with
training statistics only. Nothing is written when a command fails: output
files are written to a temporary name and renamed when complete.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import __version__

if TYPE_CHECKING:
    from .saved_models import SavedModels

PROTOCOLS = ("within_subject", "loso")
TEACHER_MODEL = "mlp"


class OwnDataError(ValueError):
    """A command on one's own data refused, said in one line."""


@dataclass(frozen=True)
class DataSelection:
    """Which windows a command reads.

    Attributes
    ----------
    dataset : {"seed", "seed_iv", "seed_v", "paired_npz"}
        The folder's layout (a registered loader).
    root : Path
        The folder (for ``paired_npz``, the ``.npz`` file).
    raw : bool
        SEED-IV only: raw 4-second EEG windows (62 x 800) instead of DE.
    subjects : tuple of int
        The subjects to read; empty means every subject in the folder.
    protocol : {"within_subject", "loso"}
        The folds (ignored by :func:`evaluate_student`).
    """

    dataset: str
    root: Path
    raw: bool = False
    subjects: tuple[int, ...] = ()
    protocol: str = "within_subject"


@dataclass(frozen=True)
class TrainingSettings:
    """The training recipe shared by teachers and students (the benchmark's)."""

    epochs: int = 20
    warmup_epochs: int = 5
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 1e-3
    seed: int = 2022
    device: str = "cpu"


def is_synthetic(data: DataSelection) -> bool:
    """Whether the folder was written by :mod:`cmcrd_plugin.synthetic`.

    True when it holds the settings file the SEED-layout writers leave
    (``cmcrd-synthetic-<dataset>.json``); a generic ``paired_npz`` file
    carries no such mark and is never flagged.
    """
    from ..synthetic.folder import settings_file

    root = Path(data.root)
    folder = root if root.is_dir() else root.parent
    return settings_file(folder, data.dataset).is_file()


def train_teacher(
    data: DataSelection,
    out: str | Path,
    training: TrainingSettings = TrainingSettings(),
    overwrite: bool = False,
    report: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Train the eye teacher of every fold and save them to ``out``.

    Parameters
    ----------
    data : DataSelection
        The folder, subjects and protocol whose folds the teachers follow.
    out : path
        The teacher file (``teacher.pt``); its settings go to ``teacher.json``.
    training : TrainingSettings
        Epochs, optimiser, seed and device.
    overwrite : bool
        Replace an existing ``out``.
    report : callable
        Called with one line per trained teacher.

    Returns
    -------
    dict
        The settings written beside ``out``.
    """
    from ..benchmark.methods import fold_teacher
    from ..data.normalization import FeatureScaler
    from .saved_models import save_models

    _read_afresh()
    out = Path(out)
    _refuse_existing(out, overwrite, {"--root": data.root})
    config = _benchmark_config(data, training, TEACHER_MODEL)
    states, scalers, models = {}, {}, {}
    module_sizes: dict[str, int] = {}
    for key, subject, fold, windows, rows in _folds(config):
        cell = (config.dataset, "default", data.protocol, subject, fold)
        net, accuracy = fold_teacher(
            config, (*cell, training.seed, TEACHER_MODEL, "eye_teacher")
        )
        states[key] = net.module_.state_dict()
        scalers[key] = FeatureScaler().fit(windows.eye[rows.train])
        module = net.module_
        module_sizes = {
            "n_chans": module.n_chans,
            "n_times": module.n_times,
            "n_outputs": module.n_outputs,
        }
        models[key] = {
            "subject": subject,
            "fold": fold,
            "n_train": len(rows.train),
            **accuracy,
        }
        report(
            f"teacher {key}: train accuracy {accuracy['teacher_train_accuracy']:.3f},"
            f" validation accuracy {accuracy['teacher_valid_accuracy']:.3f}"
        )
    settings = {
        "kind": "teacher",
        "cmcrd_plugin": __version__,
        "model": TEACHER_MODEL,
        "module": module_sizes,
        "teacher_key": "eye",
        "data": {
            **_data_settings(data, config),
            "fingerprints": _fingerprints(_read(data, config.subjects)),
        },
        "training": asdict(training),
        "models": models,
    }
    save_models(out, states, scalers, settings)
    return settings


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
    """Train a student per fold and write predictions, scores and students.

    Writes into the folder ``out``:

    - ``predictions.csv``: one row per test window (subject, session, trial,
      window, fold, label, predicted);
    - ``metrics.csv``: one row per fold (accuracy, balanced accuracy,
      macro-F1 on its test trials, training size and seconds);
    - ``metrics.json``: the data (root, ``synthetic`` flag), the settings,
      the per-fold rows and their mean and std over subjects;
    - ``students/<fold>.pt`` and ``.json``: each fold's student
      (for :func:`evaluate_student`).

    Parameters
    ----------
    data : DataSelection
        The folder, subjects and protocol.
    out : path
        The run folder; refused if it exists and is not empty, unless
        ``overwrite``.
    teacher : path or None
        A teacher file of :func:`train_teacher` for the same folder,
        protocol and subjects (or a superset of them); ``None`` only with
        ``distiller="none"``.
    backbone : str
        The student: ``mlp``, ``dgcnn``, a braindecode model class name or
        ``torcheeg.<Name>`` (see ``cmcrd bench --archs``).
    distiller : str
        A registered distiller (``cmcrd``, ``crd``, ``kd``, ..., ``none``).
    beta : float, "auto" or None
        Weight of the distillation term; ``None`` takes the distiller's
        default, ``"auto"`` chooses it on the validation trials.
    training : TrainingSettings
        Epochs, optimiser, seed and device.
    overwrite : bool
        Replace an existing ``out``.
    report : callable
        Called with one line per trained student.

    Returns
    -------
    dict
        What ``metrics.json`` holds.
    """
    from .metrics import score_predictions
    from .saved_models import save_models

    _read_afresh()
    out = Path(out)
    _refuse_existing(
        out, overwrite, {"--root": data.root, "--teacher": teacher}, own=RUN_FILES
    )
    _check_distiller(distiller, teacher)
    config = _benchmark_config(data, training, backbone)
    teachers = None if teacher is None else _teachers_for(teacher, data, config)
    n_classes = _n_classes(config)
    if teachers is not None:  # teacher and student share the classes
        taught = int(teachers.settings["module"]["n_outputs"])
        if taught < n_classes:
            raise OwnDataError(
                f"--teacher {teachers.path} knows {taught} classes, {data.root} "
                f"has labels up to {n_classes - 1}; train the teacher on this data"
            )
        n_classes = taught
    _check_backbone(backbone, config)
    rows, predictions = [], []
    with _staged_folder(out) as staging:
        for key, subject, fold, windows, split in _folds(config):
            started = time.perf_counter()
            net, eeg_scaler, student_eeg = _fit_student(
                config, windows, split, teachers, key, distiller, beta, n_classes
            )
            seconds = time.perf_counter() - started
            test = split.test
            predicted = net.predict(student_eeg[test])
            scores = score_predictions(windows.label[test], predicted)
            row = {
                "protocol": data.protocol,
                "subject": subject,
                "fold": fold,
                "backbone": backbone,
                "distiller": distiller,
                "beta": _beta_of(net),
                **scores,
                "n_train": len(split.train),
                "n_test": len(test),
                "train_seconds": seconds,
            }
            rows.append(row)
            predictions.append(_prediction_rows(windows, test, predicted, fold))
            student = {
                "kind": "student",
                "cmcrd_plugin": __version__,
                "backbone": backbone,
                "eeg_shape": list(windows.eeg.shape[1:]),
                "n_classes": n_classes,
                "student_key": "eeg",
                "data": _data_settings(data, config),
                "training": asdict(training),
                "teacher": None if teachers is None else str(teachers.path),
                "models": {"student": row},
            }
            save_models(
                staging / "students" / f"{key}.pt",
                {"student": net.module_.state_dict()},
                {"student": eeg_scaler},
                student,
            )
            report(
                f"student {key}: test accuracy {scores['accuracy']:.3f}, "
                f"macro-F1 {scores['macro_f1']:.3f} ({len(test)} windows)"
            )
        import pandas as pd

        pd.concat(predictions).to_csv(staging / "predictions.csv", index=False)
        pd.DataFrame(rows).to_csv(staging / "metrics.csv", index=False)
        result = {
            "data": _data_settings(data, config),
            "backbone": backbone,
            "distiller": distiller,
            "beta": beta,
            "teacher": None if teachers is None else str(teachers.path),
            "training": asdict(training),
            "cmcrd_plugin": __version__,
            "folds": rows,
            "summary": _summary(rows, "distiller"),
        }
        _write_json(staging / "metrics.json", result)
    return result


def evaluate_student(
    student: str | Path,
    data: DataSelection,
    out: str | Path | None = None,
    device: str = "cpu",
    overwrite: bool = False,
) -> dict[str, Any]:
    """Score a saved student on the EEG windows of a folder.

    Parameters
    ----------
    student : path
        A student file written by :func:`train_students`
        (``run/students/<fold>.pt``).
    data : DataSelection
        The folder and subjects to score on (``protocol`` is not used).
    out : path, optional
        A folder to write ``predictions.csv`` and ``metrics.json`` into.
    device : str
        Where the student runs.
    overwrite : bool
        Replace an existing ``out``.

    Returns
    -------
    dict
        The data, the student, the scores over all windows (``metrics``) and
        per subject (``per_subject``).
    """
    import torch

    from .metrics import score_predictions

    _read_afresh()
    if out is not None:
        _refuse_existing(
            Path(out),
            overwrite,
            {"--root": data.root, "--student": student},
            own=EVALUATION_FILES,
        )
    saved = _load_saved(student, "student")
    windows = _read(data, tuple(data.subjects))
    expected = tuple(saved.settings["eeg_shape"])
    if windows.eeg.shape[1:] != expected:
        raise OwnDataError(
            f"--student {saved.path} reads EEG windows of shape {expected}, "
            f"{data.root} has {windows.eeg.shape[1:]}"
        )
    n_classes = int(saved.settings["n_classes"])
    if windows.label.max() >= n_classes:
        raise OwnDataError(
            f"{data.root}: labels up to {int(windows.label.max())}, the student "
            f"{saved.path} knows {n_classes} classes"
        )
    eeg = saved.scalers["student"].transform(windows.eeg)
    module, eeg = _rebuilt_student(
        saved.settings["backbone"], eeg, n_classes, saved.states["student"]
    )
    with torch.no_grad():
        module = module.to(device)
        batches = torch.split(torch.as_tensor(eeg), 256)
        predicted = torch.cat([module(b.to(device)).argmax(1).cpu() for b in batches])
    predicted = predicted.numpy()
    subjects = sorted(int(s) for s in np.unique(windows.subject))
    per_subject = [
        {
            "subject": s,
            **score_predictions(
                windows.label[windows.subject == s], predicted[windows.subject == s]
            ),
        }
        for s in subjects
    ]
    result = {
        "data": {
            "dataset": data.dataset,
            "root": str(data.root),
            "raw": data.raw,
            "subjects": subjects,
            "synthetic": is_synthetic(data),
        },
        "student": str(saved.path),
        "n_windows": len(windows),
        "metrics": score_predictions(windows.label, predicted),
        "per_subject": per_subject,
    }
    if out is not None:
        everything = np.arange(len(windows))
        with _staged_folder(Path(out)) as staging:
            rows = _prediction_rows(windows, everything, predicted, fold="")
            rows.drop(columns="fold").to_csv(staging / "predictions.csv", index=False)
            _write_json(staging / "metrics.json", result)
    return result


# -- the folds --------------------------------------------------------------


def _benchmark_config(data: DataSelection, training: TrainingSettings, arch: str):
    """The benchmark settings of a run on ``data`` (its folds and recipe)."""
    from ..benchmark.config import BenchmarkConfig, BenchmarkConfigError

    if data.protocol not in PROTOCOLS:
        raise OwnDataError(f"protocol {data.protocol!r} not among {PROTOCOLS}")
    if not Path(data.root).exists():
        raise OwnDataError(f"--root {data.root}: no such file or folder")
    subjects = tuple(data.subjects) or _subjects_in(data)
    if data.protocol == "loso" and len(subjects) < 2:
        raise OwnDataError(
            f"protocol 'loso' needs at least 2 subjects, {data.root} has {subjects}"
        )
    try:
        config = BenchmarkConfig(
            dataset=data.dataset,
            data_root=Path(data.root),
            raw=data.raw,
            protocols=(data.protocol,),
            archs=(arch,),
            methods=("cmcrd",),
            seeds=(training.seed,),
            subjects=subjects,
            output=Path("."),
            **{k: v for k, v in asdict(training).items() if k != "seed"},
        )
    except BenchmarkConfigError as exc:
        raise OwnDataError(str(exc)) from exc
    _read(data, subjects)  # every subject is there, before any training
    return config


def _folds(config) -> Iterator[tuple[str, int, str, Any, Any]]:
    """``(key, subject, fold, windows, split)`` of every fold of the run.

    The key names the fold in files: ``subject<s>-fold<k>`` within subject,
    ``subject<s>`` (the test subject) for leave-one-subject-out.
    """
    from ..benchmark.data import split
    from ..benchmark.methods import check_training_size

    (protocol,) = config.protocols
    keys = list(_fold_keys(config).values())
    for _key, subject, fold in keys:  # every fold checked before any is trained
        _, rows = split(config, "default", protocol, subject, fold)
        if not len(rows.train) or not len(rows.valid) or not len(rows.test):
            raise OwnDataError(
                f"{config.data_root}: subject {subject} {fold} has "
                f"{len(rows.train)} training, {len(rows.valid)} validation and "
                f"{len(rows.test)} test windows; every part needs some"
            )
        try:
            check_training_size(
                len(rows.train),
                config.batch_size,
                f"{config.data_root}: subject {subject} {fold}",
                option="--batch-size",
            )
        except ValueError as exc:
            raise OwnDataError(str(exc)) from exc
    for key, subject, fold in keys:  # one fold's copy of the data at a time
        yield key, subject, fold, *split(config, "default", protocol, subject, fold)


def _fold_keys(config) -> dict[str, tuple[str, int, str]]:
    """``{key: (key, subject, fold)}`` of the run's folds, without reading data."""
    from ..benchmark.data import fold_names

    (protocol,) = config.protocols
    keys = {}
    for subject in config.subjects:
        for fold in fold_names(config, protocol, subject):
            key = fold if protocol == "loso" else f"subject{subject}-{fold}"
            keys[key] = (key, subject, fold)
    return keys


def _read_afresh() -> None:
    """Forget the windows and teachers read or trained by earlier calls.

    The benchmark keeps them for the life of a process; a command run again
    in the same process (a notebook, the tests) must read the files as they
    are now.
    """
    from ..benchmark.data import read_windows
    from ..benchmark.methods import fold_teacher

    read_windows.cache_clear()
    fold_teacher.cache_clear()


def _read(data: DataSelection, subjects: tuple[int, ...]):
    """The windows of ``subjects`` (all when empty), loader errors in one line."""
    from ..benchmark.data import read_windows
    from ..data.errors import DatasetFormatError
    from ..registry import RegistryError

    if not Path(data.root).exists():
        raise OwnDataError(f"--root {data.root}: no such file or folder")
    try:
        return read_windows(data.dataset, str(data.root), tuple(subjects), data.raw)
    except (DatasetFormatError, RegistryError, OSError, TypeError) as exc:
        raise OwnDataError(f"{data.root}: {exc}") from exc


def _subjects_in(data: DataSelection) -> tuple[int, ...]:
    return tuple(int(s) for s in np.unique(_read(data, ()).subject))


def _n_classes(config) -> int:
    from ..benchmark.data import input_shape

    return int(input_shape(config)[2])


def _fingerprints(windows) -> dict[str, str]:
    """A digest of what the teacher of every subject's folds learns from.

    Its eye features, labels and window ids: the EEG may be read otherwise
    (``--raw``, features extracted again) for the same windows.
    """
    import hashlib

    digests = {}
    for subject in np.unique(windows.subject):
        rows = windows.subject == subject
        digest = hashlib.sha256()
        for name in ("eye", "label", "session", "trial", "window"):
            digest.update(
                memoryview(np.ascontiguousarray(getattr(windows, name)[rows]))
            )
        digests[str(int(subject))] = digest.hexdigest()[:16]
    return digests


def _data_settings(data: DataSelection, config) -> dict[str, Any]:
    return {
        "dataset": data.dataset,
        "root": str(Path(data.root).resolve()),
        "raw": data.raw,
        "subjects": list(config.subjects),
        "protocol": data.protocol,
        "synthetic": is_synthetic(data),
    }


# -- teachers and students ----------------------------------------------------


def _check_distiller(distiller: str, teacher) -> None:
    from ..registry import RegistryError
    from ..training.step import resolve_distiller

    try:
        resolve_distiller(distiller)
    except (RegistryError, TypeError) as exc:
        raise OwnDataError(f"--distiller {distiller!r}: {exc}") from exc
    if teacher is None and distiller != "none":
        raise OwnDataError(
            f"distiller {distiller!r} needs --teacher (a file of cmcrd teacher); "
            "only 'none' trains without one"
        )


def _check_backbone(backbone: str, config) -> None:
    """Refuse, before any training, a backbone that cannot read the windows."""
    from ..benchmark.architectures import check
    from ..benchmark.data import input_shape

    shape = input_shape(config)
    reason = check(backbone, *shape)
    if reason is not None:
        raise OwnDataError(
            f"--backbone {backbone!r} cannot be trained on windows of shape "
            f"{shape[:2]}: {reason}"
        )


def _load_saved(path: str | Path, kind: str) -> SavedModels:
    from .saved_models import SavedModelError, load_models

    try:
        return load_models(path, kind)
    except SavedModelError as exc:
        raise OwnDataError(str(exc)) from exc


def _teachers_for(path: str | Path, data: DataSelection, config) -> SavedModels:
    """The teacher file ``path``, if its folds are the run's."""
    saved = _load_saved(path, "teacher")
    trained_on = saved.settings.get("data", {})
    wanted = _data_settings(data, config)
    for name in ("dataset", "root", "protocol"):
        if trained_on.get(name) != wanted[name]:
            raise OwnDataError(
                f"--teacher {saved.path} was trained with {name} "
                f"{trained_on.get(name)!r}, this run has {wanted[name]!r}; its folds "
                "must be the run's (train one with cmcrd teacher)"
            )
    known = trained_on.get("fingerprints", {})  # absent in older teacher files
    now = _fingerprints(_read(data, config.subjects))
    changed = [s for s in now if s in known and known[s] != now[s]]
    if changed:
        raise OwnDataError(
            f"--teacher {saved.path}: the windows of subject(s) {', '.join(changed)} "
            f"in {data.root} are not those it was trained on (the file changed); "
            "train the teacher again on this data"
        )
    missing = [key for key in _fold_keys(config) if key not in saved.states]
    if missing:
        raise OwnDataError(
            f"--teacher {saved.path}: no teacher for fold(s) {', '.join(missing)} "
            f"(it has {', '.join(sorted(saved.states))}); train one with cmcrd "
            "teacher on these subjects"
        )
    return saved


def _rebuilt_teacher(saved: SavedModels, key: str):
    from ..models.mlp import CMCRDMLP

    module = CMCRDMLP(**saved.settings["module"])
    module.load_state_dict(saved.states[key])
    return module.eval()


def _fit_student(config, windows, split, teachers, key, distiller, beta, n_classes):
    """The student of one fold (at its best validation epoch), its EEG scaler and
    the fold's EEG as it reads it."""
    import torch
    from skorch.dataset import Dataset
    from skorch.helper import SliceDict

    from ..benchmark.methods import (
        BestValidation,
        build_student,
        estimator_settings,
        fit_to_the_end,
        sized,
    )
    from ..data.normalization import FeatureScaler
    from ..training import CMCRDClassifier

    train, valid = split.train, split.valid
    eeg_scaler = FeatureScaler().fit(windows.eeg[train])
    eeg = eeg_scaler.transform(windows.eeg)
    if teachers is None:
        teacher, eye = None, FeatureScaler().fit_transform(windows.eye)
    else:
        teacher = _rebuilt_teacher(teachers, key)
        eye = teachers.scalers[key].transform(windows.eye)
    (seed,) = config.seeds
    torch.manual_seed(seed)
    try:
        model, student_eeg, layer = build_student(config.archs[0], eeg, n_classes)
    except ValueError as exc:
        raise OwnDataError(f"--backbone {config.archs[0]!r}: {exc}") from exc
    paired = SliceDict(eeg=student_eeg, eye=eye)
    y = windows.label
    net = CMCRDClassifier(
        model,
        teacher=teacher,
        feature_layer=layer,
        distiller=distiller,
        beta=beta,
        **sized(model, n_classes),
        **estimator_settings(config, Dataset(paired[valid], y[valid]), seed),
    )
    fit_to_the_end(net, paired[train], y[train])
    BestValidation.restore(net)
    return net, eeg_scaler, student_eeg


def _rebuilt_student(backbone: str, eeg: np.ndarray, n_classes: int, state):
    """The saved student ``backbone`` with its parameters, and ``eeg`` laid out
    for it."""
    from ..benchmark.methods import build_student

    model, eeg, _ = build_student(backbone, eeg, n_classes)
    if isinstance(model, type):
        model = model(n_chans=eeg.shape[1], n_times=eeg.shape[2], n_outputs=n_classes)
    model.load_state_dict(state)
    return model.eval(), np.ascontiguousarray(eeg, dtype=np.float32)


def _beta_of(net) -> float | None:
    beta = getattr(net, "beta_", net.beta)
    return None if beta is None else float(beta)


# -- writing --------------------------------------------------------------


def _prediction_rows(windows, rows: np.ndarray, predicted: np.ndarray, fold: str):
    import pandas as pd

    return pd.DataFrame(
        {
            "subject": windows.subject[rows],
            "session": windows.session[rows],
            "trial": windows.trial[rows],
            "window": windows.window[rows],
            "fold": fold,
            "label": windows.label[rows],
            "predicted": predicted,
        }
    )


def _summary(rows: list[dict], by: str) -> dict[str, dict[str, dict[str, float]]]:
    """Mean and std over subjects of each metric."""
    from .metrics import summarize

    return {
        group: {m: {"mean": mean, "std": std} for m, (mean, std) in metrics.items()}
        for group, metrics in summarize(rows, by=by).items()
    }


def _write_json(path: Path, value: Any) -> None:
    import json

    path.write_text(json.dumps(value, indent=1, sort_keys=True) + "\n")


# what each command writes in its --out folder: --overwrite replaces only these
RUN_FILES = frozenset({"predictions.csv", "metrics.csv", "metrics.json", "students"})
EVALUATION_FILES = frozenset({"predictions.csv", "metrics.json"})


def _refuse_existing(
    out: Path,
    overwrite: bool,
    inputs: dict[str, str | Path | None],
    own: frozenset[str] | None = None,
) -> None:
    """Refuse an ``out`` that would lose something.

    Refused: an ``out`` that is one of the command's ``inputs`` (option name:
    path) or holds one; an ``out`` that exists (a file, or a folder that is
    not empty) unless ``overwrite``; a folder ``out`` (``own`` given: the
    names the command writes there) holding anything else, even with
    ``overwrite``; and an ``out`` of the other kind (file or folder).
    """
    folder = own is not None
    if out.is_symlink():
        raise OwnDataError(
            f"--out {out} is a symbolic link; give the file or folder it names"
        )
    target = out.resolve()
    for option, path in inputs.items():
        if path is None:
            continue
        path = Path(path).resolve()
        if path == target or target in path.parents:
            raise OwnDataError(
                f"--out {out} {'is' if path == target else 'holds'} {option} "
                f"{path}; choose another --out"
            )
    if out.exists() and out.is_dir() != folder:
        raise OwnDataError(
            f"--out {out} is a {'file' if folder else 'folder'}, "
            f"not a {'folder' if folder else 'file'}"
        )
    occupied = out.is_file() or (out.is_dir() and any(out.iterdir()))
    if occupied and not overwrite:
        raise OwnDataError(f"--out {out} exists; pass --overwrite to replace it")
    if occupied and folder:
        foreign = sorted(p.name for p in out.iterdir() if p.name not in own)
        if foreign:
            raise OwnDataError(
                f"--out {out} holds {', '.join(foreign[:5])}"
                f"{' ...' if len(foreign) > 5 else ''}, which this command does not "
                "write; --overwrite replaces only the files of an earlier run of it: "
                "choose another --out"
            )


@contextlib.contextmanager
def _staged_folder(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out``, renamed to ``out`` when the block
    ends without error (replacing what was there), removed otherwise."""
    out.parent.mkdir(parents=True, exist_ok=True)
    from ..synthetic.io import umasked

    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        os.chmod(staging, umasked(0o777))  # as a plain mkdir: the group may read
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if out.exists():
        old = staging.with_name(staging.name + ".old")
        os.replace(out, old)
        os.replace(staging, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, out)
