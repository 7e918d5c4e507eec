"""The timeline and emotional state of one synthetic recording session.

A session is a lead-in rest, then ``n_trials`` trials (a stimulus of
``trial_seconds`` followed by ``rest_seconds`` of rest). Every trial has an
emotion class (SEED's three: negative, neutral, positive), balanced and
shuffled deterministically from the seed, like a fixed film order. The
stimulus computer sends each trigger to both devices: a trial start (code
``k``, description ``trial_start/k``), a trial end (``100 + k``,
``trial_end/k``), and a ``sync`` pulse (code 255) every ``sync_interval``
seconds in between, so that realignment has many shared events.

Times here are on the EEG amplifier's clock (seconds since its first
sample); the eye tracker's clock is :meth:`Session.eye_time`. A slow AR(1)
fluctuation of the emotional intensity, shared by both modalities, scales
the class effects within a trial. Nothing here imitates real recordings
beyond these properties.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

from ..formats.seed import CLASS_NAMES

END_CODE_OFFSET = 100
"""A trial's end trigger is ``END_CODE_OFFSET + k``; its start trigger is ``k``."""
SYNC_CODE = 255
"""The trigger code of a sync pulse."""
MAX_TRIALS = END_CODE_OFFSET - 1
_FLUCTUATION_STEP = 0.25  # seconds between the AR(1) fluctuation's points
_FLUCTUATION_RHO = 0.95


@dataclass(frozen=True)
class Trigger:
    """One trigger sent to both devices: EEG time (s), code and description."""

    time: float
    code: int
    description: str


@dataclass(frozen=True)
class Session:
    """The planned session (see the module docstring); build with :func:`plan`."""

    labels: tuple[int, ...]
    trial_onsets: tuple[float, ...]
    trial_seconds: float
    duration: float
    triggers: tuple[Trigger, ...]
    clock_offset: float
    clock_drift: float
    fluctuation: np.ndarray  # on a _FLUCTUATION_STEP grid from 0

    def eye_time(self, t: np.ndarray | float) -> np.ndarray:
        """The eye tracker's clock (s since its first sample) at EEG time ``t``."""
        return self.clock_offset + np.asarray(t, float) * (1.0 + self.clock_drift)

    def eeg_time(self, t_eye: np.ndarray | float) -> np.ndarray:
        """The EEG time at eye-tracker time ``t_eye`` (inverse of :meth:`eye_time`)."""
        return (np.asarray(t_eye, float) - self.clock_offset) / (1.0 + self.clock_drift)

    def state(self, t: np.ndarray) -> np.ndarray:
        """The class at EEG times ``t`` (-1 during rest)."""
        t = np.asarray(t, float)
        state = np.full(t.shape, -1, dtype=int)
        for onset, label in zip(self.trial_onsets, self.labels, strict=True):
            state[(t >= onset) & (t < onset + self.trial_seconds)] = label
        return state

    def level(
        self,
        t: np.ndarray,
        by_class: tuple[float, ...],
        rest: float,
        ramp: float = 0.5,
        fluctuation: float = 0.0,
    ) -> np.ndarray:
        """A quantity that is ``by_class[c]`` in trials of class ``c``, ``rest``
        between them, changing over ``ramp`` seconds; within trials its
        difference from ``rest`` is scaled by ``1 + fluctuation * z(t)`` (``z``
        the shared AR(1) fluctuation)."""
        t = np.asarray(t, float)
        values = np.asarray(by_class, float)
        state = self.state(t)
        target = np.where(state >= 0, values[np.maximum(state, 0)], rest)
        if fluctuation:
            z = np.interp(
                t,
                _FLUCTUATION_STEP * np.arange(len(self.fluctuation)),
                self.fluctuation,
            )
            scale = 1.0 + fluctuation * np.where(state >= 0, z, 0.0)
            target = rest + (target - rest) * scale
        if ramp <= 0 or len(t) < 2:
            return target
        width = max(int(round(ramp / np.median(np.diff(t)))), 1)
        kernel = np.hanning(width + 2)[1:-1]
        padded = np.pad(target, (width, width), mode="edge")
        return np.convolve(padded, kernel / kernel.sum(), mode="same")[width:-width]


def balanced_labels(n_trials: int, seed: int) -> tuple[int, ...]:
    """Trial classes: each of SEED's classes in turn, shuffled by ``seed``."""
    order = np.resize(np.arange(len(CLASS_NAMES)), n_trials)
    return tuple(int(c) for c in np.random.default_rng([seed, 19]).permutation(order))


def plan(
    n_trials: int,
    trial_seconds: float,
    rest_seconds: float,
    eeg_sfreq: float,
    sync_interval: float | None,
    clock_offset: float,
    clock_drift: float,
    seed: int,
    subject: int,
) -> Session:
    """Plan a session; trigger times fall on EEG samples.

    The eye tracker records the same stretch of time on its own clock; sync
    pulses are sent only while both devices record (0.2 s margins).
    """
    labels = balanced_labels(n_trials, seed)
    onsets = [
        rest_seconds + k * (trial_seconds + rest_seconds) for k in range(n_trials)
    ]
    duration = rest_seconds + n_trials * (trial_seconds + rest_seconds)

    def snap(t: float) -> float:
        return round(t * eeg_sfreq) / eeg_sfreq

    triggers = []
    for k, onset in enumerate(onsets, start=1):
        triggers.append(Trigger(snap(onset), k, f"trial_start/{k}"))
        triggers.append(
            Trigger(snap(onset + trial_seconds), END_CODE_OFFSET + k, f"trial_end/{k}")
        )
    if sync_interval:
        eye_start = -clock_offset / (1.0 + clock_drift)
        first, last = max(0.0, eye_start) + 0.2, duration - 0.2
        trial_times = np.array([trigger.time for trigger in triggers])
        for t in np.arange(sync_interval / 2, duration, sync_interval):
            if first <= t <= last and np.min(np.abs(trial_times - t)) > 0.1:
                triggers.append(Trigger(snap(t), SYNC_CODE, "sync"))
    triggers.sort(key=lambda trigger: trigger.time)
    rng = np.random.default_rng([seed, 20, subject])
    n_points = int(np.ceil(duration / _FLUCTUATION_STEP)) + 2
    innovations = rng.normal(size=n_points) * np.sqrt(1 - _FLUCTUATION_RHO**2)
    innovations[0] = rng.normal()
    fluctuation = lfilter([1.0], [1.0, -_FLUCTUATION_RHO], innovations)
    return Session(
        labels=labels,
        trial_onsets=tuple(snap(t) for t in onsets),
        trial_seconds=trial_seconds,
        duration=duration,
        triggers=tuple(triggers),
        clock_offset=clock_offset,
        clock_drift=clock_drift,
        fluctuation=fluctuation,
    )
