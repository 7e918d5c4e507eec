"""SEED-IV for TorchEEG: EEG features or raw EEG, each paired with eye features."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

from ..data import seed_iv
from ..formats.seed_iv import (
    DEFAULT_FEATURES,
    EEG_FEATURE_FOLDER,
    EEG_RAW_FOLDER,
    N_TRIALS,
    SEEDIVRecord,
)
from .base import PairedEEGEyeDataset


class PairedSEEDIV(PairedEEGEyeDataset):
    """SEED-IV ``eeg_feature_smooth`` paired with ``eye_feature_smooth`` (31-d).

    Parameters
    ----------
    root_path : path
        Folder holding ``eeg_feature_smooth/`` and ``eye_feature_smooth/``.
    features : sequence of str
        Any of ``de_movingAve``, ``de_LDS``, ``psd_movingAve``, ``psd_LDS``;
        several are concatenated along the band axis, so EEG samples are
        ``(62, 5 * len(features))``.
    **kwargs
        See :class:`~cmcrd_plugin.torcheeg_datasets.base.PairedEEGEyeDataset`
        (``io_path``, transforms, ``io_mode``, ``on_cache_mismatch``, ...).

    Examples
    --------
    >>> from torcheeg import transforms
    >>> ds = PairedSEEDIV(
    ...     "SEED_IV", features=["de_LDS"], online_transform=transforms.ToTensor()
    ... )  # doctest: +SKIP
    >>> sample, label = ds[0]  # a dict keyed by modality  # doctest: +SKIP
    >>> sample["eeg"].shape, sample["eye"].shape  # doctest: +SKIP
    (torch.Size([62, 5]), (31,))
    """

    trials_per_session = N_TRIALS

    def __init__(self, root_path, features: Sequence[str] = DEFAULT_FEATURES, **kwargs):
        super().__init__(root_path, features=tuple(features), **kwargs)

    @classmethod
    def find_records(
        cls, root_path: Path, features=DEFAULT_FEATURES
    ) -> list[SEEDIVRecord]:
        seed_iv.check_features(features)
        return seed_iv.find_records(root_path, EEG_FEATURE_FOLDER)

    @classmethod
    def source_files(cls, root_path: Path, records) -> list[Path]:
        return [p for r in records for p in (r.eeg_path, r.eye_path)]

    @classmethod
    def reader(cls, root_path: Path, features=DEFAULT_FEATURES):
        return partial(seed_iv.load_seed_iv_record, features=tuple(features))


class PairedSEEDIVRaw(PairedEEGEyeDataset):
    """SEED-IV ``eeg_raw_data`` cut into 4-second windows (62 x 800 at 200 Hz).

    Window ``w`` of trial ``t`` holds samples ``[800 w, 800 w + 800)`` of that
    trial and is paired with eye-feature window ``w`` of the same trial, so
    braindecode's temporal models (EEGNet, ShallowFBCSPNet, Deep4Net, ...)
    can be students. Parameters as :class:`PairedSEEDIV` (no ``features``).
    """

    trials_per_session = N_TRIALS

    @classmethod
    def find_records(cls, root_path: Path) -> list[SEEDIVRecord]:
        return seed_iv.find_records(root_path, EEG_RAW_FOLDER)

    @classmethod
    def source_files(cls, root_path: Path, records) -> list[Path]:
        return [p for r in records for p in (r.eeg_path, r.eye_path)]

    @classmethod
    def reader(cls, root_path: Path):
        return seed_iv.load_seed_iv_raw_record
