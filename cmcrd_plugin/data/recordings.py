"""A lab's own EEG and eye-tracker recordings, read and paired with MNE.

Many labs record EEG with one device and eye movements with another (an
EyeLink, a Tobii). MNE reads both: the EEG with :func:`mne.io.read_raw`, an
EyeLink ``.asc`` file with :func:`mne.io.read_raw_eyelink` as a Raw with
``eyegaze`` and ``pupil`` channels and ``BAD_blink``, saccade and fixation
annotations. :func:`pair_recordings` turns the two into one Raw holding the
EEG and the eye-tracking channels on the EEG's clock, the MNE way:

1. blinks are interpolated with
   :func:`mne.preprocessing.eyetracking.interpolate_blinks` (gaze and pupil;
   their annotations are kept, renamed ``blink`` by MNE);
2. what is still missing (tracking loss) is marked with ``BAD_eye_missing``
   annotations, then bridged linearly so that resampling does not spread
   it: resampling a channel that holds NaN makes all of it NaN. Windows are
   later dropped by how much of them these annotations cover, never
   silently;
3. the events both devices recorded (annotations with the same description,
   such as a trial trigger sent to both) give the times of
   :func:`mne.preprocessing.realign_raw`, which corrects the start offset and
   the clock drift and resamples the eye tracker to the EEG's sampling rate;
4. the eye-tracking channels and annotations are added to the EEG's Raw
   (the shared events once, as the EEG recorded them).

Both files are named in every error.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import mne
import numpy as np

from .errors import DatasetFormatError

#: the MNE channel types of an eye tracker's recording
EYE_CHANNEL_TYPES = ("eyegaze", "pupil")
#: the annotation that marks eye samples still missing after blink interpolation
MISSING = "BAD_eye_missing"
#: fewer shared events than this make MNE's clock-drift estimate unreliable
MIN_SHARED_EVENTS = 2


class RecordingError(DatasetFormatError):
    """Two recordings that cannot be paired, or one that is not a recording."""


def read_eeg(path: str | Path) -> mne.io.BaseRaw:
    """The EEG recording at ``path``, read lazily by :func:`mne.io.read_raw`.

    Raises
    ------
    RecordingError
        Naming the file when MNE cannot read it or it holds no EEG channel.
    """
    try:
        raw = mne.io.read_raw(path, preload=False, verbose="error")
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        raise RecordingError(f"{path}: not an EEG recording MNE reads ({exc})") from exc
    if "eeg" not in raw.get_channel_types(unique=True):
        types = sorted(set(raw.get_channel_types()))
        raise RecordingError(f"{path}: no EEG channels (its channel types: {types})")
    return raw


def read_eye(path: str | Path) -> mne.io.BaseRaw:
    """The eye-tracker recording at ``path``: an EyeLink ``.asc`` file through
    :func:`mne.io.read_raw_eyelink`, any other file through
    :func:`mne.io.read_raw`.

    Raises
    ------
    RecordingError
        Naming the file when MNE cannot read it or it holds no ``eyegaze`` or
        ``pupil`` channel.
    """
    try:
        if Path(path).suffix.lower() == ".asc":
            raw = mne.io.read_raw_eyelink(path, verbose="error")
        else:
            raw = mne.io.read_raw(path, preload=False, verbose="error")
    except (OSError, ValueError, RuntimeError, TypeError, KeyError) as exc:
        raise RecordingError(
            f"{path}: not an eye-tracker recording MNE reads ({exc})"
        ) from exc
    check_eye_channels(raw, path)
    return raw


def check_eye_channels(raw: mne.io.BaseRaw, where: str | Path) -> None:
    """Refuse a recording without eye-tracking channels, naming ``where``."""
    types = set(raw.get_channel_types())
    if not types & set(EYE_CHANNEL_TYPES):
        raise RecordingError(
            f"{where}: no eye-tracking channels ({', '.join(EYE_CHANNEL_TYPES)}); "
            f"its channel types: {sorted(types)}"
        )


def shared_descriptions(
    eeg: mne.io.BaseRaw, eye: mne.io.BaseRaw, descriptions: Sequence[str] | None
) -> list[str]:
    """The annotation descriptions both recordings hold (``BAD_*`` excepted),
    or ``descriptions``."""
    if descriptions is None:
        both = set(eeg.annotations.description) & set(eye.annotations.description)
        descriptions = [d for d in both if not d.upper().startswith("BAD")]
    return sorted(descriptions)


def shared_event_times(
    eeg: mne.io.BaseRaw,
    eye: mne.io.BaseRaw,
    descriptions: Sequence[str] | None = None,
    where: tuple[str, str] = ("the EEG", "the eye tracker"),
) -> tuple[np.ndarray, np.ndarray]:
    """The times of the events both recordings hold, in each one's own clock.

    An event is an annotation; the shared ones are those whose description
    occurs in both recordings (or the given ``descriptions``), paired in
    order of time. Each must occur as often in both.

    Returns
    -------
    t_eeg, t_eye : ndarray
        Seconds from each recording's first sample, in the same order, as
        :func:`mne.preprocessing.realign_raw` takes them.
    """
    counts = [Counter(raw.annotations.description) for raw in (eeg, eye)]
    names = shared_descriptions(eeg, eye, descriptions)
    if not names:
        raise RecordingError(
            f"{where[0]} and {where[1]} share no events to align them on "
            f"(annotations of {where[0]}: {sorted(counts[0])[:8]}; of {where[1]}: "
            f"{sorted(counts[1])[:8]}); send the same trigger to both devices"
        )
    unequal = [n for n in names if counts[0][n] != counts[1][n]]
    if unequal:
        n = unequal[0]
        raise RecordingError(
            f"event {n!r} occurs {counts[0][n]} times in {where[0]} and "
            f"{counts[1][n]} times in {where[1]}; pair recordings of one session"
        )
    times = []
    for raw in (eeg, eye):
        annotations = raw.annotations
        keep = np.isin(annotations.description, names)
        onsets = annotations.onset[keep] - raw.first_time
        if annotations.orig_time is None:  # onsets relative to the first sample
            onsets = annotations.onset[keep]
        times.append(np.sort(onsets))
    if len(times[0]) < MIN_SHARED_EVENTS:
        raise RecordingError(
            f"{where[0]} and {where[1]} share {len(times[0])} event(s) ({names}); "
            f"aligning their clocks needs at least {MIN_SHARED_EVENTS}"
        )
    return times[0], times[1]


def mark_missing(eye: mne.io.BaseRaw) -> int:
    """Annotate and bridge the eye samples still missing (NaN), in place.

    Every run of samples where an eye-tracking channel is NaN becomes a
    ``BAD_eye_missing`` annotation; the NaN are then replaced by a straight
    line between the valid samples around them (so that resampling cannot
    spread them). Returns the number of samples marked.
    """
    picks = mne.pick_types(eye.info, eyetrack=True)
    data = eye.get_data(picks=picks)
    missing = np.isnan(data)
    if not missing.any():
        return 0
    full = missing.all(axis=1)
    if full.any():
        names = [eye.ch_names[p] for p in picks[full]]
        raise RecordingError(f"eye channels {names} hold no valid sample")
    anywhere = missing.any(axis=0)
    edges = np.diff(np.r_[0, anywhere.astype(np.int8), 0])
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    sfreq = eye.info["sfreq"]
    # onsets count from the measurement's start when the annotations have one
    start = eye.first_time if eye.annotations.orig_time is not None else 0.0
    eye.annotations.append(
        onset=start + starts / sfreq,
        duration=(stops - starts) / sfreq,
        description=MISSING,
    )
    eye.apply_function(fill_missing, picks=picks, channel_wise=True)
    return int(anywhere.sum())


def fill_missing(windows: np.ndarray) -> np.ndarray:
    """Linearly interpolate the NaN samples of each channel of each window.

    Between valid samples the gap is a straight line; before the first and
    after the last valid sample the nearest valid value is held. A channel
    with no valid sample in a window stays all NaN (the caller decides).

    Parameters
    ----------
    windows : array, shape (..., n_times)

    Returns
    -------
    ndarray, same shape, float64
        A filled copy.
    """
    filled = np.array(windows, dtype=np.float64, order="C")  # reshape: a view
    rows = filled.reshape(-1, filled.shape[-1])
    times = np.arange(rows.shape[1])
    for index in np.flatnonzero(np.isnan(rows).any(axis=1)):
        row = rows[index]  # a view: filled in place
        valid = ~np.isnan(row)
        if valid.any():
            row[~valid] = np.interp(times[~valid], times[valid], row[valid])
    return filled


def pair_recordings(
    eeg: mne.io.BaseRaw,
    eye: mne.io.BaseRaw,
    descriptions: Sequence[str] | None = None,
    where: tuple[str, str] = ("the EEG", "the eye tracker"),
) -> mne.io.BaseRaw:
    """One Raw with the EEG and the eye tracker's channels, on the EEG's clock.

    See the module docstring for the steps. Neither input is changed.

    Parameters
    ----------
    eeg, eye : Raw
        The two recordings (``eye`` with ``eyegaze``/``pupil`` channels).
    descriptions : sequence of str, optional
        The annotations both devices recorded, to align on (default: every
        description both hold, ``BAD_*`` excepted).
    where : (str, str)
        How errors name the two recordings (their files).

    Returns
    -------
    Raw
        The EEG's channels and annotations, plus the eye tracker's channels
        and annotations (blinks, saccades, fixations, ``BAD_eye_missing``).
    """
    check_eye_channels(eye, where[1])
    t_eeg, t_eye = shared_event_times(eeg, eye, descriptions, where)
    shared = shared_descriptions(eeg, eye, descriptions)
    with mne.utils.use_log_level("error"):
        eeg, eye = eeg.copy().load_data(), eye.copy().load_data()
        if "BAD_blink" in eye.annotations.description:
            mne.preprocessing.eyetracking.interpolate_blinks(
                eye, match="BAD_blink", interpolate_gaze=True
            )
    mark_missing(eye)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Fewer than 20 times passed")
        try:
            mne.preprocessing.realign_raw(eeg, eye, t_eeg, t_eye, verbose="error")
        except ValueError as exc:
            raise RecordingError(
                f"{where[0]} and {where[1]}: their shared events do not line up "
                f"in time ({exc})"
            ) from exc
    n_times = min(len(eeg.times), len(eye.times))
    eeg.crop(0, eeg.times[n_times - 1])
    eye.crop(0, eye.times[n_times - 1])
    eye_annotations = eye.annotations.copy()
    eye_annotations.delete(np.flatnonzero(np.isin(eye_annotations.description, shared)))
    eye.set_annotations(None)
    eeg.add_channels([eye], force_update_info=True)
    onsets = eye_annotations.onset
    if eye_annotations.orig_time is not None:
        onsets = onsets - eye.first_time
    offset = eeg.first_time if eeg.annotations.orig_time is not None else 0.0
    eeg.annotations.append(
        onsets + offset, eye_annotations.duration, eye_annotations.description
    )
    return eeg
