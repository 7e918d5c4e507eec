"""Paired EEG + eye recordings (MNE) to :class:`~cmcrd_plugin.data.PairedWindows`.

The result holds EEG differential entropy ``(n, n_eeg_channels, 5)`` and the
eye features ``(n, 25)`` of the same windows, the label of each window's
event and its (subject, session, trial, window) ids, so that
:func:`cmcrd_plugin.data.write_paired_npz` writes it as a generic paired
``.npz`` that ``cmcrd teacher/train/evaluate`` read. Windows dropped for
missing eye data are dropped from both modalities and counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from ..data.paired import PairedWindows
from ..data.paired_npz import window_ids
from .blinks import DEFAULT_MAX_MISSING
from .eeg import EEG_BANDS, Band, differential_entropy
from .eye import DEFAULT_WINDOW, EyeFeatures, eye_features

MICROVOLTS_PER_VOLT = 1e6
"""MNE stores EEG in volts; SEED's DE was computed on microvolts."""


class PairedFeatures(NamedTuple):
    """The paired windows kept, and the eye features' account of the rest."""

    windows: PairedWindows
    """DE EEG and eye features of the kept windows, labels and ids."""
    eye: EyeFeatures
    """Which windows were kept, their missing fractions, the feature names."""

    @property
    def n_dropped(self) -> int:
        """Windows dropped for missing eye data."""
        return self.eye.n_dropped


def _label_of(labels: Mapping, code: int, names: Mapping[int, str]) -> int | None:
    for key in (names.get(code), code):
        if key is not None and key in labels:
            return int(labels[key])
    return None


def _eeg(data: np.ndarray, sfreq: float, scale: float, bands) -> np.ndarray:
    if data.shape[1] == 0:
        raise ValueError("no eeg channels")
    if not np.isfinite(data).all():
        raise ValueError("the EEG holds NaN or Inf samples: clean it first")
    return differential_entropy(data * scale, sfreq, bands)


def _assemble(eeg, eye: EyeFeatures, label, subject, session, trial, window):
    kept = eye.kept
    n = int(kept.sum())
    return PairedFeatures(
        PairedWindows(
            eeg=eeg[kept],
            eye=eye.features,
            label=np.asarray(label, dtype=np.int64)[kept],
            subject=np.full(n, subject, dtype=np.int64),
            session=np.full(n, session, dtype=np.int64),
            trial=np.asarray(trial, dtype=np.int64)[kept],
            window=np.asarray(window, dtype=np.int64)[kept],
        ),
        eye,
    )


def paired_from_epochs(
    epochs,
    labels: Mapping[str | int, int],
    *,
    subject: int = 0,
    session: int = 0,
    trial: Sequence[int] | np.ndarray | None = None,
    max_missing: float = DEFAULT_MAX_MISSING,
    eeg_scale: float = MICROVOLTS_PER_VOLT,
    bands: Sequence[Band] = EEG_BANDS,
) -> PairedFeatures:
    """Paired windows from Epochs holding EEG and eye-tracking channels.

    Each epoch is one window. Blinks should have been interpolated on the
    Raw before epoching (:func:`cmcrd_plugin.features.blinks.interpolate_blinks`).

    Parameters
    ----------
    epochs : mne.Epochs
        With ``eeg``, ``eyegaze`` and ``pupil`` channels and eye-event
        annotations.
    labels : mapping
        Event name (a key of ``epochs.event_id``) or event code to class id
        (0, 1, ...). Epochs whose event is not in it are left out.
    subject, session : int
        Ids written with every window.
    trial : array of int, optional
        Trial of each epoch (windows are numbered within their trial).
        Default: ``epochs.metadata["trial"]`` if there, else every epoch its
        own trial.
    max_missing : float
        Largest share of missing eye samples a kept window may have.
    eeg_scale : float
        Factor applied to the EEG before its DE (default volts to microvolts).
    bands : sequence of (name, low, high)
        EEG bands; default SEED's five.

    Returns
    -------
    PairedFeatures
        ``windows`` (a :class:`~cmcrd_plugin.data.PairedWindows`) and ``eye``
        (which epochs were kept).
    """
    names = {code: name for name, code in epochs.event_id.items()}
    label = [_label_of(labels, int(code), names) for code in epochs.events[:, 2]]
    chosen = np.array([value is not None for value in label])
    if not chosen.any():
        raise ValueError(
            f"no epoch's event is in labels ({sorted(labels, key=str)}); events: "
            f"{epochs.event_id}"
        )
    if trial is None and epochs.metadata is not None and "trial" in epochs.metadata:
        trial = epochs.metadata["trial"].to_numpy()
    trial = np.arange(len(epochs)) if trial is None else np.asarray(trial)
    if len(trial) != len(epochs):
        raise ValueError(f"trial has {len(trial)} values for {len(epochs)} epochs")
    epochs = epochs[np.flatnonzero(chosen)]
    label = np.array([value for value in label if value is not None])
    trial = trial[chosen]
    eeg = _eeg(epochs.get_data(picks="eeg"), epochs.info["sfreq"], eeg_scale, bands)
    eye = eye_features(epochs, max_missing=max_missing)
    window = window_ids(
        np.full(len(label), subject), np.full(len(label), session), trial
    )
    return _assemble(eeg, eye, label, subject, session, trial, window)


def paired_from_raw(
    raw,
    events: np.ndarray,
    labels: Mapping[str | int, int],
    *,
    trial_duration: float | Sequence[float],
    window: float = DEFAULT_WINDOW,
    event_id: Mapping[str, int] | None = None,
    subject: int = 0,
    session: int = 0,
    max_missing: float = DEFAULT_MAX_MISSING,
    blink_buffer: float = 0.05,
    eeg_scale: float = MICROVOLTS_PER_VOLT,
    bands: Sequence[Band] = EEG_BANDS,
) -> PairedFeatures:
    """Paired windows from a Raw and the events that start its trials.

    Each labelled event starts a trial of ``trial_duration`` seconds, cut
    into consecutive windows of ``window`` seconds (a last partial window is
    left out). Blinks are interpolated with MNE before the eye features.

    Parameters
    ----------
    raw : mne.io.Raw
        With ``eeg``, ``eyegaze`` and ``pupil`` channels and eye-event
        annotations.
    events : array, shape (n_events, 3)
        MNE events (:func:`mne.find_events`, :func:`mne.events_from_annotations`).
    labels : mapping
        Event name (a key of ``event_id``) or code to class id. Events not in
        it (other markers) are ignored; each labelled event is one trial,
        numbered 0, 1, ... in order.
    trial_duration : float or sequence of float
        Seconds of each trial (one value for all, or one per labelled event).
    window : float
        Window length (s); default SEED's 4.
    event_id : mapping, optional
        Event name to code, for ``labels`` keyed by name.
    subject, session : int
        Ids written with every window.
    max_missing, blink_buffer
        As :func:`~cmcrd_plugin.features.eye.eye_features`.
    eeg_scale : float
        Factor applied to the EEG before its DE (default volts to microvolts).
    bands : sequence of (name, low, high)
        EEG bands; default SEED's five.

    Returns
    -------
    PairedFeatures
    """
    events = np.asarray(events)
    names = {code: name for name, code in (event_id or {}).items()}
    trials = [
        (int(sample), label)
        for sample, code in events[:, [0, 2]]
        if (label := _label_of(labels, int(code), names)) is not None
    ]
    if not trials:
        raise ValueError(f"no event is in labels ({sorted(labels, key=str)})")
    durations = np.broadcast_to(np.asarray(trial_duration, dtype=float), len(trials))
    sfreq = raw.info["sfreq"]
    n_times = int(round(window * sfreq))
    start, label, trial, index = [], [], [], []
    for number, ((sample, value), duration) in enumerate(
        zip(trials, durations, strict=True)
    ):
        n_windows = int(np.floor(duration / window + 1e-9))
        first = sample - raw.first_samp
        start.extend(first + n_times * np.arange(n_windows))
        label.extend([value] * n_windows)
        trial.extend([number] * n_windows)
        index.extend(range(n_windows))
    start = np.asarray(start, dtype=np.int64)
    if len(start) == 0:
        raise ValueError(f"no trial lasts one {window} s window")
    if start.min() < 0 or start.max() + n_times > raw.n_times:
        raise ValueError("some trials' windows reach outside the recording")
    samples = start[:, None] + np.arange(n_times)
    eeg_data = raw.get_data(picks="eeg")[:, samples].transpose(1, 0, 2)
    eeg = _eeg(eeg_data, sfreq, eeg_scale, bands)
    eye = eye_features(
        raw,
        window=window,
        onsets=start / sfreq,
        max_missing=max_missing,
        blink_buffer=blink_buffer,
    )
    return _assemble(eeg, eye, label, subject, session, trial, index)
