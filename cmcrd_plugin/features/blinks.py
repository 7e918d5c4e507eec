"""Blinks and missing eye-tracker samples: what is interpolated, what is dropped.

The policy, in order:

1. **Missing fraction.** A window's missing fraction is the share of NaN
   values among its samples of all eye-tracking channels (``eyegaze`` and
   ``pupil``), counted *before* any interpolation (interpolated samples are
   not data). A window whose fraction exceeds ``max_missing`` is dropped,
   and the number dropped is returned and warned about, never silent.
2. **Blinks** (``BAD_blink`` annotations, as
   :func:`mne.io.read_raw_eyelink` writes them) are interpolated the
   documented MNE way, :func:`mne.preprocessing.eyetracking.interpolate_blinks`:
   linearly, over the blink plus a buffer (default 50 ms) either side, on
   the pupil channels (and the gaze channels if asked). MNE then renames the
   annotations ``blink``. A blink annotation without channel names (hand-made
   ones) applies to every eye-tracking channel. This needs a
   :class:`mne.io.Raw`; interpolate before epoching.
3. **Remaining NaN** (gaze during blinks, tracker losses outside blinks,
   Epochs whose blinks were not interpolated) is filled explicitly, per
   channel and window, by linear interpolation in time between the nearest
   valid samples, holding the first/last valid value at the window's edges
   (:func:`fill_missing`). A channel with no valid sample in a window cannot
   be filled: that eye is left out of the window's features, and a window
   with no eye left is dropped and counted like the others.
"""

from __future__ import annotations

import numpy as np

from ..data.recordings import fill_missing

BLINK_DESCRIPTIONS: tuple[str, ...] = ("BAD_blink", "blink")
"""Blink annotations: as MNE's EyeLink reader writes them, and after interpolation."""

DEFAULT_MAX_MISSING = 0.5
"""Default largest share of missing eye samples a kept window may have."""


def interpolate_blinks(raw, *, buffer: float = 0.05, interpolate_gaze: bool = False):
    """Interpolate the pupil (and optionally gaze) over ``BAD_blink`` annotations.

    Calls :func:`mne.preprocessing.eyetracking.interpolate_blinks` on ``raw``
    (in place; pass a copy to keep the original). Blink annotations without
    channel names are first given every eye-tracking channel (MNE requires
    the names). Does nothing when there are no ``BAD_blink`` annotations.

    Parameters
    ----------
    raw : mne.io.Raw
        Preloaded, with ``pupil`` (and ``eyegaze``) channels.
    buffer : float
        Seconds before and after each blink also interpolated.
    interpolate_gaze : bool
        Interpolate the ``eyegaze`` channels too (MNE's default is not to:
        the gaze can move during a blink).

    Returns
    -------
    mne.io.Raw
        ``raw``.
    """
    from mne.preprocessing.eyetracking import interpolate_blinks as mne_interpolate

    annotations = raw.annotations
    is_blink = annotations.description == BLINK_DESCRIPTIONS[0]
    if not is_blink.any():
        return raw
    eye_channels = [
        name
        for name, kind in zip(raw.ch_names, raw.get_channel_types(), strict=True)
        if kind in ("eyegaze", "pupil")
    ]
    unnamed = is_blink & np.array([not len(n) for n in annotations.ch_names])
    if unnamed.any():
        from mne import Annotations

        raw.set_annotations(
            Annotations(
                annotations.onset,
                annotations.duration,
                annotations.description,
                orig_time=annotations.orig_time,
                ch_names=[
                    tuple(eye_channels) if bare else tuple(names)
                    for names, bare in zip(annotations.ch_names, unnamed, strict=True)
                ],
            )
        )
    mne_interpolate(
        raw,
        buffer=buffer,
        match=BLINK_DESCRIPTIONS[0],
        interpolate_gaze=interpolate_gaze,
    )
    return raw


def missing_fraction(windows: np.ndarray) -> np.ndarray:
    """Share of NaN values in each window, over its channels and samples.

    Parameters
    ----------
    windows : array, shape (n_windows, n_channels, n_times)

    Returns
    -------
    ndarray, shape (n_windows,), float64
    """
    windows = np.asarray(windows)
    return np.isnan(windows).reshape(len(windows), -1).mean(axis=1)


__all__ = ["fill_missing", "interpolate_blinks", "missing_fraction"]
