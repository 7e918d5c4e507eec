"""Small MNE recordings built by hand: EEG sines, EyeLink-like eye channels."""

from __future__ import annotations

import mne
import numpy as np

SFREQ = 100.0


def eye_names(eyes):
    return [f"{axis}_{eye}" for eye in eyes for axis in ("xpos", "ypos", "pupil")]


def make_eye_raw(
    seconds=20.0,
    *,
    eyes=("left", "right"),
    pupil=1000.0,
    sfreq=SFREQ,
    eeg=None,
    first_samp=0,
):
    """A Raw with EyeLink's channel names and types (and EEG rows if given).

    Gaze circles slowly around (500, 300) px; the pupil is ``pupil`` plus a
    0.3 Hz wave of 20 units. No annotations.
    """
    n = int(round(seconds * sfreq))
    t = np.arange(n) / sfreq
    per_eye = [
        500 + 20 * np.sin(0.5 * t),
        300 + 10 * np.cos(0.5 * t),
        pupil + 20 * np.sin(2 * np.pi * 0.3 * t),
    ]
    data = np.vstack(per_eye * len(eyes))
    names = eye_names(eyes)
    types = ["eyegaze", "eyegaze", "pupil"] * len(eyes)
    if eeg is not None:
        data = np.vstack([eeg[:, :n], data])
        names = [f"EEG{i}" for i in range(len(eeg))] + names
        types = ["eeg"] * len(eeg) + types
    info = mne.create_info(names, sfreq, types)
    return mne.io.RawArray(data, info, first_samp=first_samp, verbose=False)


def annotate(raw, events, eyes=("left", "right")):
    """Add EyeLink-style annotations: one per eye, like MNE's reader."""
    onset, duration, description, ch_names = [], [], [], []
    for start, length, kind in events:
        for eye in eyes:
            onset.append(start)
            duration.append(length)
            description.append(kind)
            ch_names.append(eye_names([eye]))
    raw.set_annotations(
        raw.annotations
        + mne.Annotations(onset, duration, description, ch_names=ch_names)
    )
    return raw


def blank(raw, start, stop, eyes=("left", "right")):
    """NaN in every eye channel of ``eyes`` from start to stop seconds."""
    picks = [raw.ch_names.index(name) for name in eye_names(eyes)]
    a, b = raw.time_as_index([start, stop])
    raw._data[picks, a:b] = np.nan
    return raw
