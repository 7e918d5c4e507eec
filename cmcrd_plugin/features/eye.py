"""Eye-movement features per window, in the spirit of SEED's 33.

Input: an :class:`mne.io.Raw` (cut into windows here) or :class:`mne.Epochs`
(one window per epoch) with ``eyegaze`` (x and y per eye) and ``pupil``
channels, as :func:`mne.io.read_raw_eyelink` makes them, and the eye
tracker's ``fixation``, ``saccade`` and ``BAD_blink`` annotations (after
blink interpolation MNE names the last ``blink``; both are read). Files of
one eye (monocular) and of both eyes (binocular) give the same
:data:`EYE_FEATURE_NAMES`: every feature is computed per eye and averaged
over the eyes with data in the window.

An event (fixation, saccade, blink) belongs to the window its onset falls
in; its duration is the annotation's, even where it runs past the window.
The two eyes' annotations of one event overlap: overlapping annotations of
one kind are merged into one event (their union), so that a binocular
blink counts once. Statistics of no events (a window without saccades) are
0: the count says there were none. A standard deviation of one event is 0.

===  ===========================  ==========  =====================================
#    name                         unit        meaning (trackers / channels)
===  ===========================  ==========  =====================================
0    pupil_mean                   pupil unit  mean pupil size (``pupil``; EyeLink:
                                              arbitrary units of area or diameter)
1    pupil_std                    pupil unit  its standard deviation (``pupil``)
2    pupil_de_0.05-0.2Hz          nats        pupil DE in the band (``pupil``)
3    pupil_de_0.2-0.4Hz           nats        pupil DE in the band (``pupil``)
4    pupil_de_0.4-0.6Hz           nats        pupil DE in the band (``pupil``)
5    pupil_de_0.6-1Hz             nats        pupil DE in the band (``pupil``)
6    fixation_duration_mean       s           ``fixation`` annotations
7    fixation_duration_std        s           ``fixation`` annotations
8    fixation_duration_max        s           ``fixation`` annotations
9    fixation_dispersion_x_mean   gaze unit   x range of the gaze within each
                                              fixation (``eyegaze`` x + ``fixation``)
10   fixation_dispersion_y_mean   gaze unit   the same in y
11   fixation_dispersion_x_std    gaze unit   standard deviation over fixations
12   fixation_dispersion_y_std    gaze unit   the same in y
13   saccade_duration_mean        s           ``saccade`` annotations
14   saccade_duration_std         s           ``saccade`` annotations
15   saccade_amplitude_mean       gaze unit   gaze distance start to end of each
                                              saccade (``eyegaze`` x, y + ``saccade``)
16   saccade_amplitude_std        gaze unit   the same, standard deviation
17   blink_duration_mean          s           ``BAD_blink`` / ``blink`` annotations
18   blink_duration_std           s           ``BAD_blink`` / ``blink`` annotations
19   fixation_count               count       fixations starting in the window
20   saccade_count                count       saccades starting in the window
21   blink_count                  count       blinks starting in the window
22   fixation_rate                1/s         fixation_count / window length
23   saccade_rate                 1/s         saccade_count / window length
24   blink_rate                   1/s         blink_count / window length
===  ===========================  ==========  =====================================

The pupil unit is the ``pupil`` channel's (EyeLink: arbitrary units; metres
if set so with :func:`mne.preprocessing.eyetracking.set_channel_types_eyetrack`).
The gaze unit is the ``eyegaze`` channels' (EyeLink: screen pixels; radians
after :func:`mne.preprocessing.eyetracking.convert_units`, or for HREF
recordings). The pupil DE bands are SEED-VII's; the pupil is resampled to
:data:`PUPIL_SFREQ` Hz (:func:`mne.filter.resample`, anti-aliased) and its
band power taken as in :mod:`cmcrd_plugin.features.eeg`. A 4-second window
resolves 0.25 Hz, so the two lowest bands describe the slow drift within the
window rather than separate rhythms. Missing samples and blinks: see
:mod:`cmcrd_plugin.features.blinks`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .blinks import (
    BLINK_DESCRIPTIONS,
    DEFAULT_MAX_MISSING,
    fill_missing,
    interpolate_blinks,
    missing_fraction,
)
from .eeg import Band, differential_entropy

PUPIL_BANDS: tuple[Band, ...] = (
    ("0.05-0.2Hz", 0.05, 0.2),
    ("0.2-0.4Hz", 0.2, 0.4),
    ("0.4-0.6Hz", 0.4, 0.6),
    ("0.6-1Hz", 0.6, 1.0),
)
"""The pupil DE bands ``(name, low Hz, high Hz)``, SEED-VII's."""

PUPIL_SFREQ = 10.0
"""Rate (Hz) the pupil is resampled to before its band powers."""

EVENT_KINDS: dict[str, tuple[str, ...]] = {
    "fixation": ("fixation",),
    "saccade": ("saccade",),
    "blink": BLINK_DESCRIPTIONS,
}
"""Annotation descriptions of each kind of eye event (MNE's EyeLink reader's)."""

EYE_FEATURE_NAMES: tuple[str, ...] = (
    "pupil_mean",
    "pupil_std",
    *(f"pupil_de_{name}" for name, _, _ in PUPIL_BANDS),
    "fixation_duration_mean",
    "fixation_duration_std",
    "fixation_duration_max",
    "fixation_dispersion_x_mean",
    "fixation_dispersion_y_mean",
    "fixation_dispersion_x_std",
    "fixation_dispersion_y_std",
    "saccade_duration_mean",
    "saccade_duration_std",
    "saccade_amplitude_mean",
    "saccade_amplitude_std",
    "blink_duration_mean",
    "blink_duration_std",
    "fixation_count",
    "saccade_count",
    "blink_count",
    "fixation_rate",
    "saccade_rate",
    "blink_rate",
)
"""Names of the eye features, in the order of the feature vector."""

N_EYE_FEATURES = len(EYE_FEATURE_NAMES)
DEFAULT_WINDOW = 4.0
"""Default window length (s) when a Raw is cut into windows: SEED's."""


class MissingEyeDataWarning(UserWarning):
    """Windows were dropped for missing eye-tracker samples."""


@dataclass(frozen=True)
class EyeFeatures:
    """Eye features of the kept windows, and which windows were dropped.

    Attributes
    ----------
    features : ndarray, shape (n_kept, n_features), float32
        One row per kept window, columns :attr:`names`; all finite.
    kept : ndarray, shape (n_windows,), bool
        Which of the input windows have a row in ``features``.
    missing_fraction : ndarray, shape (n_windows,), float64
        Share of missing eye samples of every input window (before
        interpolation).
    names : tuple of str
        :data:`EYE_FEATURE_NAMES`.
    """

    features: np.ndarray
    kept: np.ndarray
    missing_fraction: np.ndarray
    names: tuple[str, ...] = EYE_FEATURE_NAMES

    @property
    def n_windows(self) -> int:
        """Number of input windows."""
        return len(self.kept)

    @property
    def n_dropped(self) -> int:
        """Number of input windows dropped."""
        return int((~self.kept).sum())


def eye_channels(info) -> dict[str, tuple[str, str, str]]:
    """The (x, y, pupil) channel names of each eye in ``info``.

    The eye comes from ``loc[3]`` (-1 left, 1 right; set by MNE's EyeLink
    reader and :func:`~mne.preprocessing.eyetracking.set_channel_types_eyetrack`),
    else from ``left``/``right`` in the name; the gaze axis from ``loc[4]``
    (-1 x, 1 y), else from a name starting with ``x``/``y``.

    Returns
    -------
    dict
        ``{"left": (x, y, pupil), "right": ...}`` (one entry for a monocular
        file; ``"eye"`` when the eye cannot be told).

    Raises
    ------
    ValueError
        If there are no eye-tracking channels, or an eye lacks its x, y or
        pupil channel or has more than one.
    """
    found: dict[str, dict[str, list[str]]] = {}
    for ch in info["chs"]:
        name = ch["ch_name"]
        kind = _channel_type(info, name)
        if kind not in ("eyegaze", "pupil"):
            continue
        loc = np.nan_to_num(ch["loc"])
        lower = name.lower()
        if loc[3] < 0 or (loc[3] == 0 and "left" in lower):
            eye = "left"
        elif loc[3] > 0 or (loc[3] == 0 and "right" in lower):
            eye = "right"
        else:
            eye = "eye"
        if kind == "pupil":
            role = "pupil"
        elif loc[4] < 0 or (loc[4] == 0 and lower.startswith("x")):
            role = "x"
        elif loc[4] > 0 or (loc[4] == 0 and lower.startswith("y")):
            role = "y"
        else:
            raise ValueError(f"eyegaze channel {name!r}: cannot tell x from y")
        found.setdefault(eye, {}).setdefault(role, []).append(name)
    if not found:
        raise ValueError("no eyegaze/pupil channels: eye features need an eye tracker")
    layout = {}
    for eye, roles in found.items():
        names = [roles.get(role, []) for role in ("x", "y", "pupil")]
        if any(len(n) != 1 for n in names):
            raise ValueError(
                f"eye {eye!r}: need one x, one y (eyegaze) and one pupil channel, "
                f"got {roles}"
            )
        layout[eye] = tuple(n[0] for n in names)
    return layout


def _channel_type(info, name: str) -> str:
    from mne import channel_type

    return channel_type(info, info["ch_names"].index(name))


@dataclass
class _Windows:
    """Samples (n, C, T) in eye_channels order, events per window, rates."""

    samples: np.ndarray
    missing: np.ndarray
    events: list[dict[str, list[tuple[float, float]]]]
    sfreq: float


def eye_features(
    inst,
    *,
    window: float | None = None,
    onsets: Sequence[float] | np.ndarray | None = None,
    max_missing: float = DEFAULT_MAX_MISSING,
    blink_buffer: float = 0.05,
    interpolate_gaze: bool = False,
) -> EyeFeatures:
    """Eye-movement features of each window of a Raw or Epochs.

    Parameters
    ----------
    inst : mne.io.Raw or mne.Epochs
        With ``eyegaze`` and ``pupil`` channels of one or two eyes (other
        channels are ignored) and eye-event annotations. Epochs are taken as
        the windows; blinks should have been interpolated on the Raw before
        epoching (see :mod:`cmcrd_plugin.features.blinks`).
    window : float, optional
        Raw only: window length in seconds (default 4).
    onsets : array of float, optional
        Raw only: window starts in seconds from the first sample
        (``raw.times``). Default: consecutive windows from 0.
    max_missing : float
        Largest share of missing (NaN) eye samples a kept window may have.
    blink_buffer : float
        Raw only: seconds either side of a blink also interpolated.
    interpolate_gaze : bool
        Raw only: interpolate the gaze over blinks too (MNE's option).

    Returns
    -------
    EyeFeatures
        The features of the kept windows, which were kept, and the missing
        fractions. A :class:`MissingEyeDataWarning` says how many were
        dropped, if any.
    """
    from mne import BaseEpochs
    from mne.io import BaseRaw

    if not 0 <= max_missing <= 1:
        raise ValueError(f"max_missing must be in [0, 1], got {max_missing}")
    layout = eye_channels(inst.info)
    names = [name for channels in layout.values() for name in channels]
    if isinstance(inst, BaseRaw):
        data = _raw_windows(
            inst,
            names,
            DEFAULT_WINDOW if window is None else window,
            onsets,
            blink_buffer,
            interpolate_gaze,
        )
    elif isinstance(inst, BaseEpochs):
        if window is not None or onsets is not None:
            raise TypeError("window and onsets are for a Raw: Epochs are the windows")
        data = _epochs_windows(inst, names)
    else:
        raise TypeError(f"expected an mne Raw or Epochs, got {type(inst).__name__}")
    return _features(data, len(layout), max_missing)


def _raw_windows(raw, names, window, onsets, blink_buffer, interpolate_gaze):
    raw = raw.copy().pick(names).load_data()
    sfreq = raw.info["sfreq"]
    n_times = int(round(window * sfreq))
    if n_times < 2:
        raise ValueError(f"window={window} s is under two samples at {sfreq} Hz")
    if onsets is None:
        starts = np.arange(0, raw.n_times - n_times + 1, n_times)
    else:
        starts = raw.time_as_index(np.asarray(onsets, dtype=float), use_rounding=True)
    if len(starts) == 0:
        raise ValueError(f"the recording is shorter than one {window} s window")
    if (starts < 0).any() or (starts + n_times > raw.n_times).any():
        raise ValueError("some windows reach outside the recording")
    index = starts[:, None] + np.arange(n_times)
    missing = missing_fraction(raw.get_data()[:, index].transpose(1, 0, 2))
    interpolate_blinks(raw, buffer=blink_buffer, interpolate_gaze=interpolate_gaze)
    samples = raw.get_data()[:, index].transpose(1, 0, 2)
    annotations = raw.annotations
    # MNE keeps a Raw's annotation onsets from its first_time on, whether or
    # not they have an orig_time: from the first sample they are
    onset = annotations.onset - raw.first_time
    window_start = starts / sfreq
    events = []
    for start in window_start:
        inside = (onset >= start) & (onset < start + n_times / sfreq)
        events.append(
            _events(
                onset[inside] - start,
                annotations.duration[inside],
                annotations.description[inside],
            )
        )
    return _Windows(samples, missing, events, sfreq)


def _epochs_windows(epochs, names):
    dropped = sum(
        any(reason in BLINK_DESCRIPTIONS for reason in log) for log in epochs.drop_log
    )
    if dropped:
        warnings.warn(
            f"{dropped} epochs were dropped by MNE for overlapping blinks "
            "(reject_by_annotation): make the Epochs with "
            "reject_by_annotation=False to keep them",
            MissingEyeDataWarning,
            stacklevel=3,
        )
    epochs = epochs.copy().load_data()
    samples = epochs.get_data(picks=names)
    sfreq = epochs.info["sfreq"]
    length = samples.shape[-1] / sfreq
    events = []
    for epoch_annotations in epochs.get_annotations_per_epoch():
        onset, duration, description = (
            np.array([a[i] for a in epoch_annotations], dtype=kind)
            for i, kind in enumerate((float, float, object))
        )
        onset = onset - epochs.tmin
        inside = (onset >= 0) & (onset < length)
        events.append(_events(onset[inside], duration[inside], description[inside]))
    return _Windows(samples, missing_fraction(samples), events, sfreq)


def _events(onset, duration, description) -> dict[str, list[tuple[float, float]]]:
    """Each kind's events as merged (start, end) seconds from the window start."""
    events = {}
    for kind, descriptions in EVENT_KINDS.items():
        mask = np.isin(description, descriptions)
        intervals = sorted(zip(onset[mask], onset[mask] + duration[mask], strict=True))
        merged: list[tuple[float, float]] = []
        for start, end in intervals:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((float(start), float(end)))
        events[kind] = merged
    return events


def _stats(values, *functions) -> list[float]:
    """Each function of ``values``; 0 for no values."""
    if len(values) == 0:
        return [0.0] * len(functions)
    return [float(f(values)) for f in functions]


def _pupil_de(pupil: np.ndarray, sfreq: float) -> np.ndarray:
    """Pupil DE (n, n_eyes, n_bands) after resampling to PUPIL_SFREQ."""
    from mne.filter import resample

    rate = sfreq
    if sfreq > PUPIL_SFREQ:
        pupil = resample(pupil, up=PUPIL_SFREQ, down=sfreq, axis=-1, verbose=False)
        rate = PUPIL_SFREQ
    return differential_entropy(pupil, rate, PUPIL_BANDS).astype(np.float64)


def _features(data: _Windows, n_eyes: int, max_missing: float) -> EyeFeatures:
    samples = fill_missing(data.samples)
    n_windows, _, n_times = samples.shape
    by_eye = samples.reshape(n_windows, n_eyes, 3, n_times)  # x, y, pupil
    eye_ok = np.isfinite(by_eye[..., 0]).all(axis=2)  # (n_windows, n_eyes)
    kept = (data.missing <= max_missing) & eye_ok.any(axis=1)
    length = n_times / data.sfreq
    by_eye, eye_ok = by_eye[kept], eye_ok[kept]
    pupil = np.where(eye_ok[..., None], by_eye[:, :, 2], 0.0)
    per_eye = np.concatenate(
        [
            pupil.mean(-1, keepdims=True),
            pupil.std(-1, keepdims=True),
            _pupil_de(pupil, data.sfreq),
        ],
        axis=-1,
    )
    rows = []
    for window, (gaze, ok) in zip(
        np.flatnonzero(kept), zip(by_eye[:, :, :2], eye_ok, strict=True), strict=True
    ):
        rows.append(_event_features(data.events[window], gaze[ok], data.sfreq, length))
    events = np.array(rows, dtype=np.float64).reshape(len(rows), -1)
    pupil_features = np.where(eye_ok[..., None], per_eye, 0.0).sum(1) / eye_ok.sum(
        1, keepdims=True
    )
    features = np.concatenate([pupil_features, events], axis=1).astype(np.float32)
    if features.shape[1] != N_EYE_FEATURES or not np.isfinite(features).all():
        raise RuntimeError("eye features: non-finite values left (a bug)")
    result = EyeFeatures(features, kept, data.missing)
    if result.n_dropped:
        warnings.warn(
            f"eye features: {result.n_dropped} of {n_windows} windows dropped "
            f"(more than {max_missing:.0%} of eye samples missing, or no eye "
            "with data)",
            MissingEyeDataWarning,
            stacklevel=3,
        )
    return result


def _event_features(events, gaze: np.ndarray, sfreq: float, length: float) -> list:
    """Features 6-24 of one window; ``gaze`` (n_valid_eyes, 2, n_times)."""
    n_times = gaze.shape[-1]

    def span(start: float, end: float) -> tuple[int, int]:
        first = min(max(int(round(start * sfreq)), 0), n_times - 1)
        last = min(max(int(round(end * sfreq)), first), n_times - 1)
        return first, last

    fixations, saccades, blinks = (
        events["fixation"],
        events["saccade"],
        events["blink"],
    )
    fix_duration = [end - start for start, end in fixations]
    dispersion = np.array(
        [
            np.ptp(gaze[:, :, a : b + 1], axis=-1).mean(0)
            for a, b in (span(s, e) for s, e in fixations)
        ]
    ).reshape(-1, 2)
    sac_duration = [end - start for start, end in saccades]
    amplitude = [
        np.hypot(*(gaze[:, :, b] - gaze[:, :, a]).T).mean()
        for a, b in (span(s, e) for s, e in saccades)
    ]
    blink_duration = [end - start for start, end in blinks]
    counts = [len(fixations), len(saccades), len(blinks)]
    return [
        *_stats(fix_duration, np.mean, np.std, np.max),
        *_stats(dispersion[:, 0], np.mean),
        *_stats(dispersion[:, 1], np.mean),
        *_stats(dispersion[:, 0], np.std),
        *_stats(dispersion[:, 1], np.std),
        *_stats(sac_duration, np.mean, np.std),
        *_stats(amplitude, np.mean, np.std),
        *_stats(blink_duration, np.mean, np.std),
        *counts,
        *(count / length for count in counts),
    ]
