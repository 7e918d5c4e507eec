"""A synthetic EEG + eye-tracking session of one subject, in the real formats.

``write_recordings(folder, subject=1)`` writes three files, all SYNTHETIC:

* ``sub-01_eeg.fif``: the EEG, which ``mne.io.read_raw_fif`` reads (SEED's
  62 channels with positions, a stim channel, trigger annotations;
  :mod:`~cmcrd_plugin.synthetic.raw_eeg`);
* ``sub-01_eyetrack.asc``: the eye tracker's EyeLink ASCII file, which
  ``mne.io.read_raw_eyelink`` reads (gaze, pupil, fixations, saccades,
  blinks, the same triggers as ``MSG`` lines;
  :mod:`~cmcrd_plugin.synthetic.eyelink_asc`);
* ``sub-01_trials.toml``: each trial's triggers and emotion label, and the
  settings the files were written with.

The emotion of each trial (:mod:`~cmcrd_plugin.synthetic.session`) shows in
the EEG's band power and in the pupil, fixations and blinks, so features
computed from the files carry the class. The eye tracker's clock is offset
and drifts against the EEG's (``clock_offset``, ``clock_drift_ppm``), so
the two files must be realigned on their shared triggers
(``mne.preprocessing.realign_raw``) before they are paired.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from numbers import Integral
from pathlib import Path

from ..files import write_atomic
from ..formats.seed import CLASS_NAMES
from .eyelink_asc import (
    EYE_MODES,
    EYELINK_RATES,
    FIRST_TIMESTAMP,
    asc_text,
    blink_times,
    save_asc,
    simulate_eye,
)
from .folder import SyntheticDataError
from .raw_eeg import eeg_channels, eeg_signal, save_eeg
from .session import END_CODE_OFFSET, MAX_TRIALS, SYNC_CODE, Session, plan

MEAS_DATE = datetime(2024, 1, 15, 10, 0, 0, tzinfo=timezone.utc)
"""The EEG's measurement date for subject 0; subject ``s`` is ``s`` days later."""
SYNTHETIC_NOTE = "SYNTHETIC data written by cmcrd_plugin.synthetic.write_recordings"


@dataclass(frozen=True)
class RecordingSettings:
    """What a synthetic session's files depend on (see :func:`write_recordings`)."""

    subject: int
    n_trials: int
    trial_seconds: float
    rest_seconds: float
    eeg_sfreq: float
    eye_sfreq: int
    n_eeg_channels: int
    eye: str
    clock_offset: float
    clock_drift_ppm: float
    sync_interval: float | None
    seed: int


@dataclass(frozen=True)
class Recordings:
    """The files of one synthetic session and what they were written with.

    Attributes
    ----------
    eeg : Path
        The EEG ``.fif`` file.
    eye : Path
        The EyeLink ``.asc`` file.
    trials : Path
        The TOML file mapping each trial's triggers to its emotion label.
    settings : RecordingSettings
        The writer's arguments.
    labels : tuple of int
        Each trial's class (0 negative, 1 neutral, 2 positive).
    """

    eeg: Path
    eye: Path
    trials: Path
    settings: RecordingSettings
    labels: tuple[int, ...]


def recording_paths(folder: str | Path, subject: int) -> tuple[Path, Path, Path]:
    """The EEG, eye and trials files of ``subject`` in ``folder``."""
    stem = Path(folder) / f"sub-{subject:02d}"
    return (
        stem.with_name(f"{stem.name}_eeg.fif"),
        stem.with_name(f"{stem.name}_eyetrack.asc"),
        stem.with_name(f"{stem.name}_trials.toml"),
    )


def _check(settings: RecordingSettings) -> None:
    s = settings

    def integer(value) -> bool:
        return isinstance(value, Integral) and not isinstance(value, bool)

    problems = []
    if not integer(s.subject) or s.subject < 0:
        problems.append(f"subject must be a non-negative integer, got {s.subject!r}")
    if not integer(s.n_trials) or not 1 <= s.n_trials <= MAX_TRIALS:
        problems.append(f"n_trials must be 1..{MAX_TRIALS}, got {s.n_trials!r}")
    if not s.trial_seconds >= 2.0:
        problems.append(f"trial_seconds must be at least 2, got {s.trial_seconds!r}")
    if not s.eeg_sfreq >= 100.0:
        problems.append(
            "eeg_sfreq must be at least 100 Hz (gamma reaches 45 Hz), "
            f"got {s.eeg_sfreq!r}"
        )
    if s.eye_sfreq not in EYELINK_RATES:
        problems.append(
            f"eye_sfreq must be one of {EYELINK_RATES}, got {s.eye_sfreq!r}"
        )
    if not integer(s.n_eeg_channels) or not 1 <= s.n_eeg_channels <= 62:
        problems.append(f"n_eeg_channels must be 1..62, got {s.n_eeg_channels!r}")
    if s.eye not in EYE_MODES:
        problems.append(f"eye must be one of {EYE_MODES}, got {s.eye!r}")
    if not abs(s.clock_drift_ppm) < 10_000:
        problems.append(
            f"clock_drift_ppm must be below 10000 in size, got {s.clock_drift_ppm!r}"
        )
    if not s.rest_seconds >= abs(s.clock_offset) + 1.0:
        problems.append(
            "rest_seconds must exceed the clock offset's size by 1 s (both devices "
            f"record every trigger), got rest_seconds={s.rest_seconds!r}, "
            f"clock_offset={s.clock_offset!r}"
        )
    if s.sync_interval is not None and not s.sync_interval >= 0.25:
        problems.append(
            f"sync_interval must be None or >= 0.25, got {s.sync_interval!r}"
        )
    if problems:
        raise SyntheticDataError("; ".join(problems))


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value))


def trials_toml(
    settings: RecordingSettings, session: Session, eeg: Path, eye: Path
) -> str:
    """The trials file: the files, the classes, each trial's triggers and
    label, and the settings (those that are None left out)."""
    lines = [
        f"# {SYNTHETIC_NOTE}: not a recording.",
        "# Each trial's triggers (EEG annotations and stim codes, EyeLink MSG",
        "# lines) and its emotion label; label indexes `classes`.",
        "synthetic = true",
        f"eeg = {_toml(eeg.name)}",
        f"eye = {_toml(eye.name)}",
        "classes = [" + ", ".join(_toml(c) for c in CLASS_NAMES) + "]",
        f'sync = {{ description = "sync", code = {SYNC_CODE} }}',
        "",
        "[settings]",
    ]
    lines += [f"{k} = {_toml(v)}" for k, v in asdict(settings).items() if v is not None]
    for k, label in enumerate(session.labels, start=1):
        lines += [
            "",
            "[[trials]]",
            f"trial = {k}",
            f'start = "trial_start/{k}"',
            f'end = "trial_end/{k}"',
            f"start_code = {k}",
            f"end_code = {END_CODE_OFFSET + k}",
            f"label = {label}",
            f"emotion = {_toml(CLASS_NAMES[label])}",
        ]
    return "\n".join(lines) + "\n"


def write_recordings(
    folder: str | Path,
    subject: int = 1,
    n_trials: int = 6,
    trial_seconds: float = 20.0,
    rest_seconds: float = 3.0,
    eeg_sfreq: float = 200.0,
    eye_sfreq: int = 500,
    n_eeg_channels: int = 62,
    eye: str = "binocular",
    clock_offset: float = 1.5,
    clock_drift_ppm: float = 20.0,
    sync_interval: float | None = 1.0,
    seed: int = 0,
    overwrite: bool = False,
) -> Recordings:
    """Write a SYNTHETIC EEG + EyeLink session of one subject (module docstring).

    Parameters
    ----------
    folder : path
        Output folder (created).
    subject : int
        Subject id: names the files (``sub-01_...``) and draws the subject's
        noise; the trial labels depend on ``seed`` only.
    n_trials : int
        Trials (1..99); the classes take turns, shuffled by ``seed``.
    trial_seconds, rest_seconds : float
        Length of a stimulus and of the rest before the first trial, between
        trials and after the last.
    eeg_sfreq : float
        EEG sampling rate (Hz, at least 100).
    eye_sfreq : int
        Eye-tracker sampling rate: 250, 500 or 1000 Hz.
    n_eeg_channels : int
        EEG channels: SEED's 62, or that many of them spread over the head.
    eye : {"binocular", "left", "right"}
        The eyes tracked.
    clock_offset : float
        Seconds the eye tracker's recording started before the EEG's
        (negative: after); less than ``rest_seconds - 1`` in size.
    clock_drift_ppm : float
        How much faster the eye tracker's clock runs, in parts per million:
        an event at EEG time ``t`` is at eye-tracker time
        ``clock_offset + t * (1 + clock_drift_ppm * 1e-6)``.
    sync_interval : float or None
        Seconds between ``sync`` triggers (None: trial triggers only).
    seed : int
        Seed; the same arguments write the same files.
    overwrite : bool
        Replace the subject's files if they exist.

    Returns
    -------
    Recordings
        The three files, the settings and the trial labels.

    Raises
    ------
    SyntheticDataError
        If an argument is out of range, or (without ``overwrite``) naming a
        file that exists; nothing is written then.
    """
    settings = RecordingSettings(
        subject=subject,
        n_trials=n_trials,
        trial_seconds=float(trial_seconds),
        rest_seconds=float(rest_seconds),
        eeg_sfreq=float(eeg_sfreq),
        eye_sfreq=eye_sfreq,
        n_eeg_channels=n_eeg_channels,
        eye=eye,
        clock_offset=float(clock_offset),
        clock_drift_ppm=float(clock_drift_ppm),
        sync_interval=None if sync_interval is None else float(sync_interval),
        seed=seed,
    )
    _check(settings)
    eeg_path, eye_path, trials_path = recording_paths(folder, subject)
    if not overwrite:
        for path in (eeg_path, eye_path, trials_path):
            if path.exists() or path.is_symlink():
                raise SyntheticDataError(
                    f"{path}: exists; pass overwrite=True to replace it"
                )
    session = plan(
        n_trials,
        settings.trial_seconds,
        settings.rest_seconds,
        settings.eeg_sfreq,
        settings.sync_interval,
        settings.clock_offset,
        settings.clock_drift_ppm * 1e-6,
        seed,
        subject,
    )
    n_eye = int(float(session.eye_time(session.duration)) * eye_sfreq)
    eye_data = simulate_eye(
        session, eye_sfreq, n_eye, eye == "binocular", seed, subject
    )
    channels = eeg_channels(n_eeg_channels)
    eeg = eeg_signal(
        session,
        channels,
        settings.eeg_sfreq,
        blink_times(eye_data, session, eye_sfreq),
        seed,
        subject,
    )
    meas_date = MEAS_DATE + timedelta(days=subject)
    note = f"{SYNTHETIC_NOTE} (subject={subject}, seed={seed}): not a recording"
    eye_start = meas_date - timedelta(seconds=settings.clock_offset)
    text = asc_text(
        session,
        eye,
        eye_sfreq,
        eye_data,
        FIRST_TIMESTAMP + 10_000 * subject,
        eye_start.replace(microsecond=0),
        f"{eye_path.stem}.edf ({note})",
    )
    save_eeg(eeg_path, session, eeg, channels, settings.eeg_sfreq, meas_date, note)
    save_asc(eye_path, text)
    toml = trials_toml(settings, session, eeg_path, eye_path)
    write_atomic(trials_path, lambda tmp: tmp.write_text(toml, encoding="utf-8"))
    return Recordings(eeg_path, eye_path, trials_path, settings, session.labels)
