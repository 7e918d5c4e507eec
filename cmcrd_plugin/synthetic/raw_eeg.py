"""The EEG of a synthetic session, saved as an MNE ``.fif`` file.

The signal (volts) of every channel is 1/f background noise (about 10 uV
RMS) plus white noise, with the emotion classes in band power:

* alpha (8-13 Hz) over parietal and occipital channels (P*, PO*, O*, CB*):
  strongest in neutral trials, weakest in negative ones;
* beta (14-30 Hz) and gamma (31-45 Hz) over lateral temporal channels:
  strongest in positive trials, weakest in neutral ones,

both scaled by the session's shared fluctuation, and each blink of the eye
data as a frontal artefact (FP*, AF*, F*). A stim channel ``STI 014`` holds
the triggers (10-ms pulses with the trigger codes) and the file's
annotations hold the same triggers by description. The channels carry
positions (:func:`~cmcrd_plugin.data.channels.seed_channel_positions`) and
``info["description"]`` says the data are synthetic. These effects are
loosely inspired by the emotion-EEG literature, not fitted to it.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..data.channels import SEED_CHANNELS, seed_channel_positions
from ..files import write_atomic
from .session import Session

STIM_CHANNEL = "STI 014"
"""The EEG file's trigger channel (MNE's default for ``find_events``)."""

_UV = 1e-6
_POSTERIOR = re.compile(r"^(P|PO|O|CB)\d*Z?$")
_TEMPORAL = {"FT7", "FT8", "T7", "T8", "TP7", "TP8", "C5", "C6", "CP5", "CP6"}
_BLINK_WEIGHTS = {"FP1": 1.0, "FPZ": 1.0, "FP2": 1.0, "AF3": 0.6, "AF4": 0.6}
# (band, channels, RMS uV per class negative/neutral/positive, RMS uV at rest)
_EFFECTS = (
    ((8.0, 13.0), "posterior", (4.0, 10.0, 6.0), 8.0),
    ((14.0, 30.0), "temporal", (3.0, 2.0, 5.0), 2.0),
    ((31.0, 45.0), "temporal", (2.0, 1.0, 3.5), 1.0),
)


def eeg_channels(n_channels: int) -> tuple[str, ...]:
    """``n_channels`` of SEED's channels, evenly spread over its order (all 62
    for 62), so that smaller files keep frontal, temporal and posterior sites."""
    picks = np.unique(np.linspace(0, len(SEED_CHANNELS) - 1, n_channels).round())
    return tuple(SEED_CHANNELS[int(i)] for i in picks)


def _band_noise(
    rng: np.random.Generator, n: int, n_samples: int, band, sfreq: float
) -> np.ndarray:
    """Unit-RMS noise limited to ``band`` (Hz), shape (n, n_samples)."""
    spectrum = np.fft.rfft(rng.normal(size=(n, n_samples)), axis=1)
    freqs = np.fft.rfftfreq(n_samples, 1.0 / sfreq)
    spectrum[:, (freqs < band[0]) | (freqs > band[1])] = 0.0
    x = np.fft.irfft(spectrum, n_samples, axis=1)
    return x / x.std(axis=1, keepdims=True).clip(1e-12)


def _background(
    rng: np.random.Generator, n: int, n_samples: int, sfreq: float
) -> np.ndarray:
    """1/f noise, unit RMS, shape (n, n_samples)."""
    spectrum = np.fft.rfft(rng.normal(size=(n, n_samples)), axis=1)
    freqs = np.fft.rfftfreq(n_samples, 1.0 / sfreq)
    spectrum /= np.sqrt(np.maximum(freqs, 0.5))
    spectrum[:, 0] = 0.0
    x = np.fft.irfft(spectrum, n_samples, axis=1)
    return x / x.std(axis=1, keepdims=True).clip(1e-12)


def eeg_signal(
    session: Session,
    channels: tuple[str, ...],
    sfreq: float,
    blinks: list[tuple[float, float]],
    seed: int,
    subject: int,
) -> np.ndarray:
    """The EEG (volts), shape (len(channels), n_samples); see the module docstring.

    ``blinks`` are (start, end) EEG times of the blinks in the eye data.
    """
    rng = np.random.default_rng([seed, 21, subject])
    n_samples = int(round(session.duration * sfreq))
    times = np.arange(n_samples) / sfreq
    gains = rng.uniform(0.8, 1.2, size=(len(channels), 1))
    data = 10.0 * _background(rng, len(channels), n_samples, sfreq)
    data += rng.normal(size=data.shape)
    groups = {
        "posterior": [i for i, c in enumerate(channels) if _POSTERIOR.match(c)],
        "temporal": [i for i, c in enumerate(channels) if c in _TEMPORAL],
    }
    for band, group, by_class, rest in _EFFECTS:
        rows = groups[group]
        if not rows:
            continue
        envelope = session.level(times, by_class, rest, fluctuation=0.15)
        data[rows] += envelope * _band_noise(rng, len(rows), n_samples, band, sfreq)
    frontal = np.array(
        [_BLINK_WEIGHTS.get(c, 0.3 if c[0] == "F" else 0.0) for c in channels]
    )
    for start, end in blinks:
        first, last = int(start * sfreq), int(np.ceil((end + 0.1) * sfreq))
        first, last = max(first, 0), min(last, n_samples)
        if last > first:
            data[:, first:last] += (
                80.0 * frontal[:, None] * np.hanning(last - first)[None, :]
            )
    return gains * data * _UV


def stim_channel(session: Session, sfreq: float, n_samples: int) -> np.ndarray:
    """The trigger channel: a 10-ms pulse of each trigger's code."""
    stim = np.zeros(n_samples)
    width = max(int(round(0.01 * sfreq)), 1)
    for trigger in session.triggers:
        first = int(round(trigger.time * sfreq))
        stim[first : first + width] = trigger.code
    return stim


def save_eeg(
    path: Path,
    session: Session,
    data: np.ndarray,
    channels: tuple[str, ...],
    sfreq: float,
    meas_date,
    description: str,
) -> None:
    """Save ``data`` with its stim channel, positions and trigger annotations
    as a ``.fif`` file, atomically (MNE writes a temporary ``*_eeg.fif``)."""
    import mne  # heavy: imported by the writer only

    stim = stim_channel(session, sfreq, data.shape[1])
    info = mne.create_info(
        [*channels, STIM_CHANNEL], sfreq, ["eeg"] * len(channels) + ["stim"]
    )
    info["description"] = description
    info["line_freq"] = 50.0
    raw = mne.io.RawArray(np.vstack([data, stim]), info, verbose="error")
    positions = seed_channel_positions()
    raw.set_montage(
        mne.channels.make_dig_montage(
            {c: positions[c] for c in channels}, coord_frame="head"
        ),
        verbose="error",
    )
    raw.set_meas_date(meas_date)
    raw.set_annotations(
        mne.Annotations(
            onset=[t.time for t in session.triggers],
            duration=[0.0] * len(session.triggers),
            description=[t.description for t in session.triggers],
        )
    )

    write_atomic(
        path, lambda tmp: raw.save(tmp, overwrite=True, verbose="error"), "_eeg.fif"
    )
