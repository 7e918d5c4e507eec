"""SEED-V for TorchEEG: EEG DE features paired with eye-movement features."""

from __future__ import annotations

from pathlib import Path

from ..data import seed_v
from ..data.validation import select_subjects
from ..formats.seed_v import N_TRIALS, SEEDVRecord
from .base import PairedEEGEyeDataset


class PairedSEEDV(PairedEEGEyeDataset):
    """SEED-V ``EEG_DE_features`` paired with ``Eye_movement_features`` (33-d).

    EEG samples are ``(62, 5)`` (channel-major 310-vectors reshaped). Records
    are subjects with both files; subjects with only one are reported with a
    warning. Parameters: ``root_path`` and those of
    :class:`~cmcrd_plugin.torcheeg_datasets.base.PairedEEGEyeDataset`.
    """

    trials_per_session = N_TRIALS

    @classmethod
    def find_records(cls, root_path: Path) -> list[SEEDVRecord]:
        return select_subjects(
            seed_v.find_records(root_path), None, f"SEED-V at {root_path}"
        )

    @classmethod
    def source_files(cls, root_path: Path, records) -> list[Path]:
        return [p for r in records for p in (r.eeg_path, r.eye_path)]

    @classmethod
    def reader(cls, root_path: Path):
        return seed_v.load_seed_v_record
