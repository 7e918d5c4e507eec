"""The benchmark's data: a licensed copy, or synthetic files in the real layout."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from ..data.channels import N_BANDS, N_CHANNELS
from ..data.paired import PairedWindows
from ..data.protocols import (
    Split,
    leave_one_subject_out,
    seed_iv_split,
    seed_split,
    seed_v_folds,
    split_by_test_mask,
)
from ..formats import seed, seed_iv, seed_v
from .config import BenchmarkConfig

ALL_SUBJECTS = {
    "seed": seed.SUBJECTS_WITH_EYE,
    "seed_iv": seed_iv.SUBJECTS,
    "seed_v": seed_v.SUBJECTS,
}


N_CLASSES = {
    "seed": seed.N_CLASSES,
    "seed_iv": seed_iv.N_CLASSES,
    "seed_v": seed_v.N_CLASSES,
}
#: the EEG input of every dataset here: differential entropy, 62 channels x 5 bands
EEG_SHAPE = (N_CHANNELS, N_BANDS)


def subjects(config: BenchmarkConfig) -> tuple[int, ...]:
    """The subjects of the run: the configured ones, or all of the dataset."""
    if config.subjects:
        return tuple(config.subjects)
    if config.dataset == "paired_npz":  # one's own data: every subject in them
        windows = read_windows("paired_npz", str(data_root(config)), ())
        return tuple(int(s) for s in np.unique(windows.subject))
    return ALL_SUBJECTS[config.dataset]


def input_shape(config: BenchmarkConfig) -> tuple[int, int, int]:
    """``(n_chans, n_times, n_classes)`` of the dataset's EEG windows."""
    if config.raw:
        return (EEG_SHAPE[0], seed_iv.WINDOW_SAMPLES, seed_iv.N_CLASSES)
    if config.dataset != "paired_npz":
        return (*EEG_SHAPE, N_CLASSES[config.dataset])
    from ..training.shapes import with_time_axis

    windows = load_windows(config)
    window = with_time_axis(windows.eeg[0], batched=False)
    if window.ndim != 2:
        raise ValueError(
            f"{data_root(config)}: EEG windows of shape {windows.eeg.shape[1:]}; "
            "the benchmark's students read (n_chans, n_times) or feature vectors"
        )
    return (*window.shape, int(windows.label.max()) + 1)


#: scenarios with data of their own (synthetic controls); the others use the
#: dataset's data (the negative control changes the teacher, not the data)
CONTROL_DATA = {
    "positive_control": "seed_v",  # SEED-V files: 12 of 62 channels informative
    "wide_positive_control": "paired_npz",  # 310 DE values + 1,240 class-free
}


def data_format(config: BenchmarkConfig, scenario: str) -> str:
    """The on-disk format a scenario's data are read from."""
    return CONTROL_DATA.get(scenario, config.dataset)


def data_root(config: BenchmarkConfig, scenario: str = "default") -> Path:
    """Where a scenario's data are read: ``data_root``, or a synthetic folder."""
    if scenario not in CONTROL_DATA and config.data_root is not None:
        return Path(config.data_root)
    name = scenario if scenario in CONTROL_DATA else "default"
    tag = f"seed{config.data_seed}-frac{config.window_fraction:g}"
    if config.raw:
        tag += "-raw"
    base = Path(config.data_dir) if config.data_dir else Path(config.output) / "data"
    folder = base / f"synthetic-{config.dataset}-{name}-{tag}"
    if data_format(config, scenario) == "paired_npz" and scenario in CONTROL_DATA:
        return folder / "windows.npz"
    return folder


def is_synthetic(config: BenchmarkConfig, scenario: str) -> bool:
    """Whether a scenario's data are written by the package."""
    return scenario in CONTROL_DATA or config.data_root is None


def prepare(config: BenchmarkConfig, progress: bool = True) -> None:
    """Write the synthetic files of the run's scenarios (existing ones are kept)."""
    from ..synthetic import write_seed, write_seed_iv, write_seed_v
    from ..synthetic.controls import (
        write_positive_control_seed_v,
        write_wide_positive_control,
    )

    writers = {
        "seed": write_seed,
        "seed_iv": write_seed_iv,
        "seed_v": write_seed_v,
        "positive_control": write_positive_control_seed_v,
        "wide_positive_control": write_wide_positive_control,
    }
    for scenario in config.scenarios:
        if not is_synthetic(config, scenario):
            continue
        if scenario in CONTROL_DATA and config.dataset != "seed_v":
            raise ValueError(
                f"scenario {scenario!r} is a synthetic SEED-V control; run it with "
                "--dataset seed_v"
            )
        writer = writers[scenario if scenario in CONTROL_DATA else config.dataset]
        options = {"raw": True} if config.raw else {}
        writer(
            data_root(config, scenario),
            subjects=subjects(config),
            seed=config.data_seed,
            window_fraction=config.window_fraction,
            progress=progress,
            **options,
        )


@lru_cache(maxsize=4)
def read_windows(
    fmt: str, root: str, wanted: tuple[int, ...], raw: bool = False
) -> PairedWindows:
    """The windows of subjects ``wanted`` (all when empty) of a data folder.

    ``fmt`` is a registered loader name (``seed_v``, ``paired_npz``, ...);
    ``raw`` reads SEED-IV's raw EEG. Read once per process for the same
    arguments: the arrays are shared, so callers do not modify them.
    """
    from .. import get_loader

    options = {"raw": True} if raw else {}
    return get_loader(fmt)(root, subjects=wanted or None, **options)


def load_windows(config: BenchmarkConfig, scenario: str = "default") -> PairedWindows:
    """A scenario's windows (read once per process)."""
    fmt = data_format(config, scenario)
    raw = config.raw and scenario not in CONTROL_DATA
    return read_windows(fmt, str(data_root(config, scenario)), subjects(config), raw)


def trial_folds(windows: PairedWindows, n_folds: int = 3) -> list[Split]:
    """Folds by trial for any paired data: within every session, the trials in
    order are cut into ``n_folds`` consecutive groups; fold k tests group k of
    every session (SEED-V's 0-4, 5-9, 10-14 for 15 trials). Validation trials
    are cut from the training trials."""
    groups = np.zeros(len(windows), dtype=np.int64)
    for session in np.unique(windows.session):
        rows = windows.session == session
        trials = np.unique(windows.trial[rows])
        for k, chunk in enumerate(np.array_split(trials, n_folds)):
            groups[rows & np.isin(windows.trial, chunk)] = k
    return [
        split_by_test_mask(windows, groups == k, f"fold{k + 1}") for k in range(n_folds)
    ]


WITHIN_SUBJECT = {
    "seed": lambda w: [seed_split(w)],
    "seed_iv": lambda w: [seed_iv_split(w)],
    "seed_v": seed_v_folds,
    "paired_npz": trial_folds,
}


def fold_names(config: BenchmarkConfig, protocol: str, subject: int) -> list[str]:
    """Names of the folds of one subject under ``protocol``, without reading data.

    Within-subject: SEED-V's 3 trial folds, one split for SEED and SEED-IV.
    Leave-one-subject-out: one fold per subject (the subject is the test set).
    """
    if protocol == "loso":
        return [f"subject{subject}"]
    three = ("seed_v", "paired_npz")
    return ["fold1", "fold2", "fold3"] if config.dataset in three else ["fold1"]


def split(
    config: BenchmarkConfig, scenario: str, protocol: str, subject: int, fold: str
) -> tuple[PairedWindows, Split]:
    """The windows a fold is cut from, and the fold's train/valid/test rows."""
    windows = load_windows(config, scenario)
    if protocol == "loso":
        folds = {s.name: s for s in leave_one_subject_out(windows)}
        return windows, folds[fold]
    own = windows.subset(windows.subject == subject)
    folds = WITHIN_SUBJECT[data_format(config, scenario)](own)
    index = fold_names(config, protocol, subject).index(fold)
    return own, folds[index]


def permuted_rows(n: int, seed: int) -> np.ndarray:
    """A fixed permutation of ``n`` training rows (the negative control)."""
    return np.random.default_rng(seed).permutation(n)
