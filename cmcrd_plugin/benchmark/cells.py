"""The benchmark grid: independent cells, each identified by a config hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from .. import __version__
from .config import BenchmarkConfig
from .data import fold_names, subjects


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
    change of any training setting, of the data or of the package version
    runs them again.
    """
    payload = {
        "cell": asdict(cell),
        "settings": config.training_settings(),
        "cmcrd_plugin": __version__,
    }
    text = json.dumps(payload, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def grid(config: BenchmarkConfig) -> list[Cell]:
    """Every cell of the run, in a stable order.

    ``eye_teacher`` and ``fusion`` do not depend on the student
    architecture: they run once per fold, as the teacher's architecture.
    ``torcheeg_trainer`` runs for the TorchEEG architectures only.
    """
    from .methods import (
        ARCH_FREE_METHODS,
        TEACHER_ARCH,
        TORCHEEG_METHODS,
        is_known_method,
    )
    from .torcheeg_models import is_torcheeg

    unknown = [m for m in config.methods if not is_known_method(m)]
    if unknown:
        raise ValueError(
            f"unknown method(s) {unknown}; see cmcrd_plugin.benchmark.methods"
        )
    cells = []
    for scenario in config.scenarios:
        for protocol in config.protocols:
            for subject in subjects(config):
                for fold in fold_names(config, protocol, subject):
                    for seed in config.seeds:
                        for method in config.methods:
                            archs = config.archs
                            if method in ARCH_FREE_METHODS:
                                archs = (TEACHER_ARCH,)
                            if method in TORCHEEG_METHODS:
                                archs = tuple(filter(is_torcheeg, archs))
                            for arch in archs:
                                cells.append(
                                    Cell(
                                        config.dataset,
                                        scenario,
                                        protocol,
                                        subject,
                                        fold,
                                        seed,
                                        arch,
                                        method,
                                    )
                                )
    return cells
