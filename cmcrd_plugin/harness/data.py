"""The benchmark's data: a licensed copy, or synthetic files in the real layout.

Each scenario reads one folder: ``data_root`` (a licensed copy or one's own
recordings), or a synthetic folder written by the dataset's writer (or by a
control's own writer, :mod:`~cmcrd_plugin.harness.scenarios`). The folds
are the evaluation core's (:mod:`cmcrd_plugin.evaluation.folds`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import synthetic
from ..data.paired import PairedWindows
from ..data.protocols import Split
from ..evaluation import folds
from ..evaluation.datasets import describe
from .config import BenchmarkConfig
from .scenarios import CONTROL_DATA


def subjects(config: BenchmarkConfig) -> tuple[int, ...]:
    """The subjects of the run: the configured ones, or all of the dataset."""
    if config.subjects:
        return tuple(config.subjects)
    release = describe(config.dataset).subjects
    if release is not None:
        return release
    # one's own data: every subject in them
    windows = folds.read_windows(config.dataset, str(data_root(config)), ())
    return folds.subjects_in(windows)


def input_shape(config: BenchmarkConfig) -> tuple[int, int, int]:
    """``(n_chans, n_times, n_classes)`` of the dataset's EEG windows."""
    description = describe(config.dataset)
    shape = description.raw_eeg_shape if config.raw else description.eeg_shape
    if shape and description.n_classes is not None:
        return (*shape, description.n_classes)
    windows = load_windows(config)
    where = str(data_root(config))
    shape = folds.eeg_window_shape(windows, where)
    return (*shape, folds.n_classes(description, windows))


def data_format(config: BenchmarkConfig, scenario: str) -> str:
    """The dataset description a scenario's data are read with."""
    control = CONTROL_DATA.get(scenario)
    return config.dataset if control is None else control.dataset


def data_root(config: BenchmarkConfig, scenario: str = "default") -> Path:
    """Where a scenario's data are read: ``data_root``, or a synthetic folder."""
    control = CONTROL_DATA.get(scenario)
    if control is None and config.data_root is not None:
        return Path(config.data_root)
    name = "default" if control is None else scenario
    tag = f"seed{config.data_seed}-frac{config.window_fraction:g}"
    if config.raw:
        tag += "-raw"
    base = Path(config.data_dir) if config.data_dir else Path(config.output) / "data"
    folder = base / f"synthetic-{config.dataset}-{name}-{tag}"
    if control is not None and control.file is not None:
        return folder / control.file
    return folder


def is_synthetic(config: BenchmarkConfig, scenario: str) -> bool:
    """Whether a scenario's data are written by the package."""
    return scenario in CONTROL_DATA or config.data_root is None


def write_synthetic_data(config: BenchmarkConfig, progress: bool = True) -> None:
    """Write the synthetic files of the run's scenarios (existing ones are kept)."""
    for scenario in config.scenarios:
        if not is_synthetic(config, scenario):
            continue
        control = CONTROL_DATA.get(scenario)
        if control is not None and config.dataset != "seed_v":
            raise ValueError(
                f"scenario {scenario!r} is a synthetic SEED-V control; run it with "
                "--dataset seed_v"
            )
        if control is None:
            write = describe(config.dataset).write_synthetic
        else:
            write = getattr(synthetic, control.writer)
        options = {"raw": True} if config.raw else {}
        write(
            data_root(config, scenario),
            subjects=subjects(config),
            seed=config.data_seed,
            window_fraction=config.window_fraction,
            progress=progress,
            **options,
        )


def load_windows(config: BenchmarkConfig, scenario: str = "default") -> PairedWindows:
    """A scenario's windows (read once per process)."""
    raw = config.raw and scenario not in CONTROL_DATA
    root = str(data_root(config, scenario))
    return folds.read_windows(
        data_format(config, scenario), root, subjects(config), raw
    )


def fold_names(config: BenchmarkConfig, protocol: str, subject: int) -> list[str]:
    """Names of the folds of one subject under ``protocol``, without reading data."""
    return folds.fold_names(describe(config.dataset), protocol, subject)


def split(
    config: BenchmarkConfig, scenario: str, protocol: str, subject: int, fold: str
) -> tuple[PairedWindows, Split]:
    """The windows a fold is cut from, and the fold's train/valid/test rows."""
    windows = load_windows(config, scenario)
    description = describe(data_format(config, scenario))
    return folds.split(windows, description, protocol, subject, fold)


def permuted_rows(n: int, seed: int) -> np.ndarray:
    """A fixed permutation of ``n`` training rows (the negative control)."""
    return np.random.default_rng(seed).permutation(n)
