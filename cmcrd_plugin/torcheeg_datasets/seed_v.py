"""SEED-V for TorchEEG: EEG DE features paired with eye-movement features."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from ..data import seed_v
from ..data.validation import select_subjects
from .base import PairedEEGEyeDataset


class PairedSEEDV(PairedEEGEyeDataset):
    """SEED-V ``EEG_DE_features`` paired with ``Eye_movement_features`` (33-d).

    EEG samples are ``(62, 5)`` (channel-major 310-vectors reshaped). Records
    are subjects with both files; subjects with only one are reported with a
    warning. Parameters: ``root_path`` and those of
    :class:`~cmcrd_plugin.torcheeg_datasets.base.PairedEEGEyeDataset`.
    """

    trials_per_session = seed_v.N_TRIALS

    @classmethod
    def find_records(cls, root_path: Path) -> list:
        return select_subjects(
            seed_v.seed_v_subjects(root_path),
            None,
            f"SEED-V at {root_path}",
            subject_of=int,
        )

    @classmethod
    def source_files(cls, root_path: Path, records) -> list[Path]:
        return [
            root_path / folder / f"{s}_123.npz"
            for s in records
            for folder in (seed_v.EEG_FOLDER, seed_v.EYE_FOLDER)
        ]

    @classmethod
    def reader(cls, root_path: Path):
        return partial(seed_v.load_seed_v_subject, root_path)
