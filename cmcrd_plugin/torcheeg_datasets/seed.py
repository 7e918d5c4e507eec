"""SEED (multimodal release) for TorchEEG: 4-s EEG DE paired with eye features."""

from __future__ import annotations

from pathlib import Path

from ..data import seed
from ..formats.seed import DEFAULT_LANGUAGE, N_TRIALS, SEEDRecord
from .base import PairedEEGEyeDataset


class PairedSEED(PairedEEGEyeDataset):
    """SEED_Multimodal ``eeg_used_4s`` paired with ``eye_tracking_feature`` (33-d).

    EEG samples are ``(62, 5)`` (the band-major 310-vectors converted).
    Subjects without eye data (6, 7, 15 in the release) are reported with a
    warning, not silently dropped. Trial ids follow runs of equal labels (see
    :mod:`cmcrd_plugin.data.seed` and ``docs/data-formats.md``), so
    ``trial_in_session < 9`` is the train part of SEED's protocol.

    Parameters
    ----------
    root_path : path
        Folder holding ``SEED_Multimodal/`` (or that folder, or its language
        folder).
    language : str
        ``"Chinese"`` (SEED); the German and French releases use the same layout.
    **kwargs
        See :class:`~cmcrd_plugin.torcheeg_datasets.base.PairedEEGEyeDataset`.
    """

    trials_per_session = N_TRIALS

    def __init__(self, root_path, language: str = DEFAULT_LANGUAGE, **kwargs):
        super().__init__(root_path, language=language, **kwargs)

    @classmethod
    def find_records(
        cls, root_path: Path, language: str = DEFAULT_LANGUAGE
    ) -> list[SEEDRecord]:
        return seed.find_records(root_path, language)

    @classmethod
    def source_files(cls, root_path: Path, records) -> list[Path]:
        return [p for r in records for p in (r.eeg_path, r.eye_path)]

    @classmethod
    def reader(cls, root_path: Path, language: str = DEFAULT_LANGUAGE):
        return seed.load_seed_record
