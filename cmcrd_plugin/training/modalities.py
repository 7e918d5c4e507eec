"""Modalities of MNE data: which channel types each model reads.

On MNE-based input (an :class:`mne.Epochs` holding EEG and eye-tracking
channels), a modality is a set of MNE channel types. By default
:data:`DEFAULT_MODALITIES`: ``"eeg"`` is the ``eeg`` channels and ``"eye"``
the eye tracker's ``eyegaze`` and ``pupil`` channels; the estimators take
another mapping as ``modalities=``. The estimator's ``student_key`` and
``teacher_key`` then name a modality, as for data keyed by modality.

EEG is read in microvolts, as braindecode reads Epochs; the eye tracker's
channels in their own units (pixels, arbitrary pupil units). A braindecode
windows dataset cut from a Raw holding both is read by modality as well
(:class:`ModalityWindows`), its values as the dataset holds them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import mne
import numpy as np
from braindecode.datasets import BaseConcatDataset, EEGWindowsDataset, WindowsDataset
from torch.utils.data import Dataset

#: modality -> the MNE channel types it holds
DEFAULT_MODALITIES: Mapping[str, tuple[str, ...]] = {
    "eeg": ("eeg",),
    "eye": ("eyegaze", "pupil"),
}


def modality_picks(epochs: mne.BaseEpochs, types: Sequence[str]) -> np.ndarray:
    """Indices of the channels of ``epochs`` whose type is one of ``types``."""
    channel_types = np.asarray(epochs.get_channel_types())
    return np.flatnonzero(np.isin(channel_types, list(types)))


def modality_epochs(
    epochs: mne.BaseEpochs,
    key: str,
    modalities: Mapping[str, Sequence[str]] | None = None,
) -> mne.BaseEpochs:
    """``epochs`` with the channels of modality ``key`` only.

    Raises
    ------
    KeyError
        When ``key`` is no modality of ``modalities``.
    ValueError
        When ``epochs`` hold no channel of that modality, naming the channel
        types wanted and those present.
    """
    modalities = DEFAULT_MODALITIES if modalities is None else modalities
    if key not in modalities:
        raise KeyError(
            f"modality {key!r} is not among {sorted(modalities)} (pass "
            "modalities={name: [MNE channel types]} to the estimator)"
        )
    picks = modality_picks(epochs, modalities[key])
    if not len(picks):
        raise ValueError(
            f"the Epochs hold no channel of modality {key!r} (channel types "
            f"{list(modalities[key])}); their channel types: "
            f"{sorted(set(epochs.get_channel_types()))}"
        )
    return epochs.copy().pick(picks)


def epochs_by_modality(
    epochs: mne.BaseEpochs, modalities: Mapping[str, Sequence[str]] | None = None
) -> dict[str, np.ndarray]:
    """The windows of every modality present in ``epochs``, keyed by modality.

    Returns
    -------
    dict of str to ndarray
        ``(n_epochs, n_channels, n_times)`` float32 arrays, EEG in µV.
    """
    modalities = DEFAULT_MODALITIES if modalities is None else modalities
    data = {}
    for key, types in modalities.items():
        picks = modality_picks(epochs, types)
        if len(picks):
            windows = epochs.get_data(picks=picks, units={"eeg": "uV"})
            data[key] = windows.astype(np.float32)
    return data


def is_windows_dataset(dataset: object) -> bool:
    """Whether ``dataset`` is a braindecode windows dataset (or a concatenation)."""
    return isinstance(dataset, BaseConcatDataset | WindowsDataset | EEGWindowsDataset)


class ModalityWindows(Dataset):
    """A braindecode windows dataset read by modality.

    Its samples are ``({"eeg": window[eeg channels], "eye": window[eye
    channels]}, y)``; the channel types come from the recording the windows
    were cut from (the first dataset's Epochs or Raw).

    Parameters
    ----------
    dataset : BaseConcatDataset or WindowsDataset
        Windows of a Raw holding EEG and eye-tracking channels
        (``braindecode.preprocessing.create_windows_from_events``).
    modalities : mapping, optional
        Modality -> MNE channel types (:data:`DEFAULT_MODALITIES`).
    """

    def __init__(
        self, dataset, modalities: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        modalities = DEFAULT_MODALITIES if modalities is None else modalities
        first = getattr(dataset, "datasets", [dataset])[0]
        # WindowsDataset holds Epochs, EEGWindowsDataset the Raw it cuts
        recording = first.windows if hasattr(first, "windows") else first.raw
        channel_types = np.asarray(recording.get_channel_types())
        self.dataset = dataset
        self.picks = {
            key: np.flatnonzero(np.isin(channel_types, list(types)))
            for key, types in modalities.items()
        }
        self.picks = {key: p for key, p in self.picks.items() if len(p)}

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, i: int):
        window, y = self.dataset[i][:2]
        return {key: window[picks] for key, picks in self.picks.items()}, y

    @property
    def targets(self) -> np.ndarray:
        """The label of every window (the windows' metadata ``target``)."""
        dataset = self.dataset
        if not isinstance(dataset, BaseConcatDataset):
            dataset = BaseConcatDataset([dataset])
        return dataset.get_metadata()["target"].to_numpy().copy()
