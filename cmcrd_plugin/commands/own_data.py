"""Training on one's own data folder: ``cmcrd teacher``, ``train`` and ``evaluate``.

The three commands' work, on a folder in one of the documented layouts
(``seed``, ``seed_iv``, ``seed_v``, or ``paired_npz`` for one's own
recordings; ``docs/data-formats.md``), read through the registered loaders:

:func:`train_teacher`
    For every fold of a protocol, the eye teacher (the paper's MLP, CE +
    MCC) trained on the eye features of the fold's training trials, its
    epoch chosen on the validation trials; saved as one teacher file holding
    a teacher per fold (:mod:`~cmcrd_plugin.evaluation.saved_models`).
:func:`train_students`
    For every fold, a ``CMCRDClassifier`` student distilled from that fold's
    teacher, so that no teacher has seen the eye features of the student's
    test trials; writes the test predictions, the scores and the students.
:func:`evaluate_student`
    A saved student scored on the EEG of a folder, standardised with the
    student's own training statistics.

The folds, teachers and training recipe are the evaluation core's
(:mod:`cmcrd_plugin.evaluation`), as in ``cmcrd bench``: SEED-V's 3 trial
folds per subject (the generic format's 3 folds by trial), SEED's and
SEED-IV's first-trials split, or leave-one-subject-out; AdamW with the
warm-up and cosine schedule; each model kept at its best validation epoch;
features standardised with training statistics only. Nothing is written
when a command fails: output files are written to a temporary name and
renamed when complete.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from .. import __version__
from ..data.errors import DatasetFormatError
from ..data.normalization import FeatureScaler
from ..evaluation.architectures import check
from ..evaluation.datasets import DatasetDescription, dataset_names, describe
from ..evaluation.estimators import (
    BestValidation,
    check_training_size,
    fit_to_the_end,
)
from ..evaluation.folds import (
    PROTOCOLS,
    eeg_window_shape,
    fold_names,
    n_classes,
    read_windows,
    split,
    standardised,
)
from ..evaluation.metrics import score_predictions, summarize
from ..evaluation.recipe import TrainingRecipe, device_problem
from ..evaluation.saved_models import (
    SavedModelError,
    SavedModels,
    load_models,
    save_models,
)
from ..evaluation.students import build_student, distilled_student
from ..evaluation.teachers import TEACHER_ARCH, fit_teacher
from ..files import staged_folder
from ..models.mlp import CMCRDMLP
from ..registry import RegistryError
from ..synthetic.folder import settings_file
from ..training.step import resolve_distiller
from .data_folder import DEFAULT_SEED, DataSelection, OwnDataError

TEACHER_MODEL = TEACHER_ARCH
DEFAULT_RECIPE = TrainingRecipe()


def is_synthetic_folder(data: DataSelection) -> bool:
    """Whether the folder was written by :mod:`cmcrd_plugin.synthetic`.

    True when it holds the settings file the SEED-layout writers leave
    (``cmcrd-synthetic-<dataset>.json``); a generic ``paired_npz`` file
    carries no such mark and is never flagged.
    """
    root = Path(data.root)
    folder = root if root.is_dir() else root.parent
    return settings_file(folder, data.dataset).is_file()


def train_teacher(
    data: DataSelection,
    out: str | Path,
    recipe: TrainingRecipe = DEFAULT_RECIPE,
    seed: int = DEFAULT_SEED,
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
    recipe : TrainingRecipe
        Epochs, optimiser and device.
    seed : int
        Seed of initialisation and batch order.
    overwrite : bool
        Replace an existing ``out``.
    report : callable
        Called with one line per trained teacher.

    Returns
    -------
    dict
        The settings written beside ``out``.
    """
    _read_afresh()
    out = Path(out)
    _refuse_existing(out, overwrite, {"--root": data.root})
    config = _run_settings(data, recipe, seed, TEACHER_MODEL)
    states, scalers, models = {}, {}, {}
    module_sizes: dict[str, int] = {}
    for key, subject, fold, windows, rows in _folds(config):
        _, eye = standardised(windows, rows)
        net, accuracy = fit_teacher(
            eye, windows.label, rows, config.n_classes, config.recipe, config.seed
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
        "training": _training_settings(config),
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
    recipe: TrainingRecipe = DEFAULT_RECIPE,
    seed: int = DEFAULT_SEED,
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
      the per-fold rows and their mean and sample std (ddof=1) over subjects;
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
    recipe : TrainingRecipe
        Epochs, optimiser and device.
    seed : int
        Seed of initialisation and batch order.
    overwrite : bool
        Replace an existing ``out``.
    report : callable
        Called with one line per trained student.

    Returns
    -------
    dict
        What ``metrics.json`` holds.
    """
    _read_afresh()
    out = Path(out)
    _refuse_existing(
        out, overwrite, {"--root": data.root, "--teacher": teacher}, own=RUN_FILES
    )
    _check_distiller(distiller, teacher)
    config = _run_settings(data, recipe, seed, backbone)
    teachers = None if teacher is None else _teachers_for(teacher, data, config)
    n_classes = config.n_classes
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
    with staged_folder(out) as staging:
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
                "training": _training_settings(config),
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
            pd.concat(predictions).to_csv(staging / "predictions.csv", index=False)
        pd.DataFrame(rows).to_csv(staging / "metrics.csv", index=False)
        result = {
            "data": _data_settings(data, config),
            "backbone": backbone,
            "distiller": distiller,
            "beta": beta,
            "teacher": None if teachers is None else str(teachers.path),
            "training": _training_settings(config),
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
            "synthetic": is_synthetic_folder(data),
        },
        "student": str(saved.path),
        "n_windows": len(windows),
        "metrics": score_predictions(windows.label, predicted),
        "per_subject": per_subject,
    }
    if out is not None:
        everything = np.arange(len(windows))
        with staged_folder(Path(out)) as staging:
            rows = _prediction_rows(windows, everything, predicted, fold="")
            rows.drop(columns="fold").to_csv(staging / "predictions.csv", index=False)
            _write_json(staging / "metrics.json", result)
    return result


# -- the folds --------------------------------------------------------------


@dataclass(frozen=True)
class _RunSettings:
    """What a command's folds and fits depend on, checked before any training."""

    description: DatasetDescription
    data: DataSelection
    subjects: tuple[int, ...]
    n_classes: int
    eeg_shape: tuple[int, int]
    recipe: TrainingRecipe
    seed: int
    arch: str


def _run_settings(
    data: DataSelection, recipe: TrainingRecipe, seed: int, arch: str
) -> _RunSettings:
    """The settings of a run on ``data`` (its folds and recipe)."""
    if data.protocol not in PROTOCOLS:
        raise OwnDataError(f"protocol {data.protocol!r} not among {PROTOCOLS}")
    problem = device_problem(recipe.device)
    if problem is not None:
        raise OwnDataError(problem)
    try:
        description = describe(data.dataset)
    except RegistryError as exc:
        raise OwnDataError(f"dataset: {exc}") from exc
    if data.raw and not description.has_raw:
        with_raw = [n for n in dataset_names() if describe(n).has_raw]
        raise OwnDataError(
            f"raw EEG windows exist for {', '.join(with_raw)} only, not {data.dataset}"
        )
    if not Path(data.root).exists():
        raise OwnDataError(f"--root {data.root}: no such file or folder")
    release = description.subjects
    bad = [s for s in data.subjects if release is not None and s not in release]
    if bad:
        raise OwnDataError(
            f"subjects: {bad} not among {data.dataset}'s {min(release)}..{max(release)}"
        )
    subjects = tuple(data.subjects) or _subjects_in(data)
    if data.protocol == "loso" and len(subjects) < 2:
        raise OwnDataError(
            f"protocol 'loso' needs at least 2 subjects, {data.root} has {subjects}"
        )
    windows = _read(data, subjects)  # every subject is there, before any training
    try:
        shape = eeg_window_shape(windows, str(data.root))
    except ValueError as exc:
        raise OwnDataError(str(exc)) from exc
    return _RunSettings(
        description=description,
        data=data,
        subjects=subjects,
        n_classes=n_classes(description, windows),
        eeg_shape=shape,
        recipe=recipe,
        seed=seed,
        arch=arch,
    )


def _folds(config: _RunSettings) -> Iterator[tuple[str, int, str, Any, Any]]:
    """``(key, subject, fold, windows, split)`` of every fold of the run.

    The key names the fold in files: ``subject<s>-fold<k>`` within subject,
    ``subject<s>`` (the test subject) for leave-one-subject-out.
    """
    data = config.data
    windows = _read(data, config.subjects)
    keys = list(_fold_keys(config).values())

    def cut(subject, fold):
        return split(windows, config.description, data.protocol, subject, fold)

    for _key, subject, fold in keys:  # every fold checked before any is trained
        _, rows = cut(subject, fold)
        if not len(rows.train) or not len(rows.valid) or not len(rows.test):
            raise OwnDataError(
                f"{data.root}: subject {subject} {fold} has "
                f"{len(rows.train)} training, {len(rows.valid)} validation and "
                f"{len(rows.test)} test windows; every part needs some"
            )
        try:
            check_training_size(
                len(rows.train),
                config.recipe.batch_size,
                f"{data.root}: subject {subject} {fold}",
                option="--batch-size",
            )
        except ValueError as exc:
            raise OwnDataError(str(exc)) from exc
    for key, subject, fold in keys:  # one fold's copy of the data at a time
        yield key, subject, fold, *cut(subject, fold)


def _training_settings(config: _RunSettings) -> dict[str, Any]:
    """The recipe and seed as the settings files record them."""
    return {**asdict(config.recipe), "seed": config.seed}


def _fold_keys(config: _RunSettings) -> dict[str, tuple[str, int, str]]:
    """``{key: (key, subject, fold)}`` of the run's folds, without reading data."""
    protocol = config.data.protocol
    keys = {}
    for subject in config.subjects:
        for fold in fold_names(config.description, protocol, subject):
            key = fold if protocol == "loso" else f"subject{subject}-{fold}"
            keys[key] = (key, subject, fold)
    return keys


def _read_afresh() -> None:
    """Forget the windows read by earlier calls.

    The evaluation core keeps them for the life of a process; a command run
    again in the same process (a notebook, the tests) must read the files as
    they are now.
    """
    read_windows.cache_clear()


def _read(data: DataSelection, subjects: tuple[int, ...]):
    """The windows of ``subjects`` (all when empty), loader errors in one line."""
    if not Path(data.root).exists():
        raise OwnDataError(f"--root {data.root}: no such file or folder")
    try:
        return read_windows(data.dataset, str(data.root), tuple(subjects), data.raw)
    except (DatasetFormatError, RegistryError, OSError, TypeError) as exc:
        raise OwnDataError(f"{data.root}: {exc}") from exc


def _subjects_in(data: DataSelection) -> tuple[int, ...]:
    return tuple(int(s) for s in np.unique(_read(data, ()).subject))


def _fingerprints(windows) -> dict[str, str]:
    """A digest of what the teacher of every subject's folds learns from.

    Its eye features, labels and window ids: the EEG may be read otherwise
    (``--raw``, features extracted again) for the same windows.
    """
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
        "synthetic": is_synthetic_folder(data),
    }


# -- teachers and students ----------------------------------------------------


def _check_distiller(distiller: str, teacher) -> None:
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
    shape = (*config.eeg_shape, config.n_classes)
    reason = check(backbone, *shape)
    if reason is not None:
        raise OwnDataError(
            f"--backbone {backbone!r} cannot be trained on windows of shape "
            f"{shape[:2]}: {reason}"
        )


def _load_saved(path: str | Path, kind: str) -> SavedModels:
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
    module = CMCRDMLP(**saved.settings["module"])
    module.load_state_dict(saved.states[key])
    return module.eval()


def _fit_student(config, windows, split, teachers, key, distiller, beta, n_classes):
    """The student of one fold (at its best validation epoch), its EEG scaler and
    the fold's EEG as it reads it."""
    train, valid = split.train, split.valid
    eeg_scaler = FeatureScaler().fit(windows.eeg[train])
    eeg = eeg_scaler.transform(windows.eeg)
    if teachers is None:
        teacher, eye = None, FeatureScaler().fit_transform(windows.eye)
    else:
        teacher = _rebuilt_teacher(teachers, key)
        eye = teachers.scalers[key].transform(windows.eye)
    seed = config.seed
    torch.manual_seed(seed)
    y = windows.label
    try:
        net, paired, student_eeg = distilled_student(
            config.arch,
            eeg,
            eye,
            y,
            valid,
            teacher=teacher,
            params={"distiller": distiller, "beta": beta},
            n_classes=n_classes,
            recipe=config.recipe,
            seed=seed,
        )
    except ValueError as exc:
        raise OwnDataError(f"--backbone {config.arch!r}: {exc}") from exc
    fit_to_the_end(net, paired[train], y[train])
    BestValidation.restore(net)
    return net, eeg_scaler, student_eeg


def _rebuilt_student(backbone: str, eeg: np.ndarray, n_classes: int, state):
    """The saved student ``backbone`` with its parameters, and ``eeg`` laid out
    for it."""
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
    """Mean and sample std (ddof=1) over subjects of each metric."""
    return {
        group: {m: {"mean": mean, "std": std} for m, (mean, std) in metrics.items()}
        for group, metrics in summarize(rows, by=by).items()
    }


def _write_json(path: Path, value: Any) -> None:
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
