"""The eye data of a synthetic session, written as an EyeLink ``.asc`` file.

The eye tracker samples at its nominal rate on its own clock
(:meth:`~cmcrd_plugin.synthetic.session.Session.eye_time`). Gaze (pixels on a
1920 x 1080 screen, 35 px per degree) alternates fixations and saccades; a
blink happens during a saccade, as EyeLink reports it (``SSACC``, ``SBLINK``,
``EBLINK``, ``ESACC``, the saccade spanning the blink). During a blink the
gaze is missing (``.``) and the pupil is ``0.0``, as EyeLink writes them.
The emotion classes show in:

* the pupil area (largest in negative trials, smallest in neutral ones),
  scaled by the session's shared fluctuation;
* the fixation durations (longest in neutral trials, shortest in negative
  ones), hence the saccade rate;
* the blink rate (highest in negative trials).

The file follows what ``mne.io.read_raw_eyelink`` parses: a ``**`` header
with the date, one ``START`` ... ``END`` recording block with ``PUPIL AREA``
and ``SAMPLES``/``EVENTS GAZE`` lines naming the eyes and the rate, sample
lines (time, x, y, pupil per eye, then the status column), ``EFIX``,
``ESACC`` and ``EBLINK`` lines (their ``S...`` starts too), and a ``MSG`` line
for each trigger, carrying the trigger's description (``trial_start/3``,
``sync``, ...) at the eye tracker's time (whole milliseconds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from scipy.signal import lfilter

from ..files import write_atomic
from .session import Session

EYE_MODES = ("binocular", "left", "right")
"""The ``eye`` argument: both eyes, or one."""
EYELINK_RATES = (250, 500, 1000)
"""Sampling rates (Hz) written: whole milliseconds between samples."""
SCREEN = (1920, 1080)
PX_PER_DEGREE = 35.0
FIRST_TIMESTAMP = 2_000_000
"""The tracker's timestamp (ms) of the first sample of subject 0; subject
``s`` starts ``10_000 * s`` ms later."""

# (negative, neutral, positive) during trials, and the value at rest
_PUPIL = ((1180.0, 960.0, 1090.0), 1000.0)
_FIXATION_MS = ((230.0, 330.0, 270.0), 300.0)
_BLINK_PER_SACCADE = ((0.14, 0.06, 0.10), 0.08)
_MARGIN = (160.0, 120.0)  # fixations keep this far (px) from the screen's edges


@dataclass(frozen=True)
class OcularEvent:
    """A fixation or a saccade (with the blink inside it, if any), in samples
    (inclusive) of the eye tracker."""

    kind: str  # "fixation" or "saccade"
    start: int
    end: int
    start_xy: tuple[float, float]
    end_xy: tuple[float, float]
    blink: tuple[int, int] | None = None


@dataclass(frozen=True)
class EyeData:
    """Samples (NaN gaze and 0 pupil during blinks) and events of one eye, and
    the right eye's samples (None when monocular)."""

    events: tuple[OcularEvent, ...]
    gaze: np.ndarray  # (2, n_samples) x, y
    pupil: np.ndarray  # (n_samples,)
    other_gaze: np.ndarray | None
    other_pupil: np.ndarray | None


def _events(
    session: Session, sfreq: float, n_samples: int, rng: np.random.Generator
) -> list[OcularEvent]:
    """Alternate fixations and saccades until the recording ends."""
    events: list[OcularEvent] = []
    low = np.array(_MARGIN)
    high = np.array(SCREEN) - low
    xy = np.array(SCREEN) / 2.0
    k = 0
    while True:
        t = session.eeg_time(k / sfreq)
        state = int(session.state(np.array([t]))[0])
        mean_fix = _FIXATION_MS[0][state] if state >= 0 else _FIXATION_MS[1]
        p_blink = _BLINK_PER_SACCADE[0][state] if state >= 0 else _BLINK_PER_SACCADE[1]
        fix_ms = np.clip(rng.gamma(4.0, mean_fix / 4.0), 80.0, 1500.0)
        if k == 0:
            fix_ms = max(fix_ms, 300.0)  # the file starts on a fixation
        n_fix = max(int(round(fix_ms * sfreq / 1000)), 2)
        if k + n_fix >= n_samples:
            events.append(OcularEvent("fixation", k, n_samples - 1, (*xy,), (*xy,)))
            return events
        events.append(OcularEvent("fixation", k, k + n_fix - 1, (*xy,), (*xy,)))
        k += n_fix
        amplitude = np.clip(rng.gamma(2.0, 2.5), 0.5, 15.0)
        angle = rng.uniform(0.0, 2 * np.pi)
        target = xy + amplitude * PX_PER_DEGREE * np.array(
            [np.cos(angle), np.sin(angle)]
        )
        target = np.clip(target, low, high)
        sacc_ms = 21.0 + 2.2 * np.hypot(*(target - xy)) / PX_PER_DEGREE
        blink = None
        if rng.random() < p_blink:
            blink_ms = rng.uniform(80.0, 220.0)
            n_before = max(int(round(20 * sfreq / 1000)), 1)
            n_blink = max(int(round(blink_ms * sfreq / 1000)), 2)
            blink = (k + n_before, k + n_before + n_blink - 1)
            sacc_ms = 40.0 + blink_ms
        n_sacc = max(int(round(sacc_ms * sfreq / 1000)), 2)
        if k + n_sacc + 2 >= n_samples:
            events.append(OcularEvent("fixation", k, n_samples - 1, (*xy,), (*xy,)))
            return events
        events.append(
            OcularEvent("saccade", k, k + n_sacc - 1, (*xy,), (*target,), blink)
        )
        k += n_sacc
        xy = target


def simulate_eye(
    session: Session,
    sfreq: float,
    n_samples: int,
    binocular: bool,
    seed: int,
    subject: int,
) -> EyeData:
    """Samples and events of ``n_samples`` eye-tracker samples (see the module
    docstring)."""
    rng = np.random.default_rng([seed, 22, subject])
    events = _events(session, sfreq, n_samples, rng)
    gaze = np.empty((2, n_samples))
    missing = np.zeros(n_samples, bool)
    for event in events:
        n = event.end - event.start + 1
        start, end = np.array(event.start_xy), np.array(event.end_xy)
        if event.kind == "fixation":
            gaze[:, event.start : event.end + 1] = start[:, None]
        else:
            profile = 0.5 - 0.5 * np.cos(np.pi * np.linspace(0.0, 1.0, n))
            gaze[:, event.start : event.end + 1] = (
                start[:, None] + (end - start)[:, None] * profile[None, :]
            )
        if event.blink:
            missing[event.blink[0] : event.blink[1] + 1] = True
    gaze += rng.normal(scale=0.4, size=gaze.shape)
    times = session.eeg_time(np.arange(n_samples) / sfreq)
    level = session.level(times, *_PUPIL, ramp=1.0, fluctuation=0.1)
    rho = np.exp(-1.0 / (2.0 * sfreq))  # a 2-s slow drift
    drift = lfilter([np.sqrt(1 - rho**2)], [1.0, -rho], rng.normal(size=n_samples))
    pupil = level + 15.0 * drift + rng.normal(scale=1.5, size=n_samples)
    other_gaze = other_pupil = None
    if binocular:
        other_gaze = gaze + np.array([[4.0], [-1.0]])
        other_gaze += rng.normal(scale=0.4, size=gaze.shape)
        other_pupil = 0.96 * pupil + rng.normal(scale=1.5, size=n_samples)
        other_gaze[:, missing] = np.nan
        other_pupil[missing] = 0.0
    gaze[:, missing] = np.nan
    pupil[missing] = 0.0
    return EyeData(tuple(events), gaze, pupil, other_gaze, other_pupil)


def blink_times(
    eye: EyeData, session: Session, sfreq: float
) -> list[tuple[float, float]]:
    """(start, end) EEG times of the blinks."""
    return [
        tuple(float(v) for v in session.eeg_time(np.array(e.blink) / sfreq))
        for e in eye.events
        if e.blink
    ]


def _value(v: float) -> str:
    return "   ." if np.isnan(v) else f"{v:7.1f}"


def _event_lines(
    event: OcularEvent,
    eye: str,
    ts: Callable[[int], int],
    step: int,
    pupil: np.ndarray,
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The lines starting and ending ``event`` for eye ``eye`` ("L" or "R"),
    each with the sample it goes before (starts) or after (ends)."""
    start, end = ts(event.start), ts(event.end)
    duration = end - start + step
    if event.kind == "fixation":
        mean_pupil = float(np.mean(pupil[event.start : event.end + 1]))
        x, y = event.start_xy
        return (
            [(event.start, f"SFIX {eye}   {start}")],
            [
                (
                    event.end,
                    f"EFIX {eye}   {start}\t{end}\t{duration}\t{x:7.1f}\t{y:7.1f}"
                    f"\t{mean_pupil:7.0f}",
                )
            ],
        )
    (x0, y0), (x1, y1) = event.start_xy, event.end_xy
    amplitude = np.hypot(x1 - x0, y1 - y0) / PX_PER_DEGREE
    peak = 500.0 * (1.0 - np.exp(-amplitude / 14.0)) + 30.0
    starts = [(event.start, f"SSACC {eye}  {start}")]
    ends = []
    if event.blink:
        b0, b1 = ts(event.blink[0]), ts(event.blink[1])
        starts.append((event.blink[0], f"SBLINK {eye} {b0}"))
        ends.append((event.blink[1], f"EBLINK {eye} {b0}\t{b1}\t{b1 - b0 + step}"))
    ends.append(
        (
            event.end,
            f"ESACC {eye}  {start}\t{end}\t{duration}\t{x0:7.1f}\t{y0:7.1f}"
            f"\t{x1:7.1f}\t{y1:7.1f}\t{amplitude:6.2f}\t{peak:7.0f}",
        )
    )
    return starts, ends


def asc_text(
    session: Session,
    eye_mode: str,
    sfreq: int,
    eye: EyeData,
    first_timestamp: int,
    date: datetime,
    recorded_by: str,
) -> str:
    """The ``.asc`` file's text (see the module docstring)."""
    step = 1000 // sfreq

    def ts(k: int) -> int:
        return first_timestamp + k * step

    n_samples = eye.pupil.shape[0]
    letters = {"binocular": ("L", "R"), "left": ("L",), "right": ("R",)}[eye_mode]
    names = [{"L": "LEFT", "R": "RIGHT"}[letter] for letter in letters]
    before: dict[int, list[str]] = {}
    after: dict[int, list[str]] = {}
    pupils = {letters[0]: eye.pupil}
    if len(letters) == 2:
        pupils["R"] = eye.other_pupil
    for event in eye.events:
        for letter in letters:
            starts, ends = _event_lines(event, letter, ts, step, pupils[letter])
            for k, line in starts:
                before.setdefault(k, []).append(line)
            for k, line in ends:
                after.setdefault(k, []).append(line)
    for trigger in session.triggers:
        stamp = first_timestamp + int(
            round(1000 * float(session.eye_time(trigger.time)))
        )
        k = min(max(-(-(stamp - first_timestamp) // step), 0), n_samples - 1)
        before.setdefault(k, []).append(f"MSG\t{stamp} {trigger.description}")
    columns = [eye.gaze[0], eye.gaze[1], eye.pupil]
    if len(letters) == 2:
        columns += [eye.other_gaze[0], eye.other_gaze[1], eye.other_pupil]
    status = "." * (2 * len(letters) + 1)
    rate = f"{sfreq:.2f}"
    mode_eyes = "".join(letters)
    day = f"{date:%a %b} {date.day:2d} {date:%H:%M:%S %Y}"
    lines = [
        f"** CONVERTED FROM {recorded_by}",
        f"** DATE: {day}",
        "** TYPE: EDF_FILE BINARY EVENT SAMPLE TAGGED",
        "** VERSION: EYELINK II 1",
        "** SOURCE: EYELINK CL",
        "** RECORDED BY cmcrd_plugin.synthetic (SYNTHETIC DATA, not a recording)",
        "**",
        "",
        f"MSG\t{first_timestamp - 20} DISPLAY_COORDS 0 0 {SCREEN[0] - 1} "
        f"{SCREEN[1] - 1}",
        f"MSG\t{first_timestamp - 10} SYNTHETIC DATA",
        f"START\t{first_timestamp} \t" + "\t".join(names) + "\tSAMPLES\tEVENTS",
        "PRESCALER\t1",
        "VPRESCALER\t1",
        "PUPIL\tAREA",
        "EVENTS\tGAZE\t"
        + "\t".join(names)
        + f"\tRATE\t{rate}\tTRACKING\tCR\tFILTER\t2",
        "SAMPLES\tGAZE\t"
        + "\t".join(names)
        + f"\tRATE\t{rate}\tTRACKING\tCR\tFILTER\t2",
        f"MSG\t{first_timestamp} !MODE RECORD CR {sfreq} 2 1 {mode_eyes}",
    ]
    values = np.column_stack(columns)
    for k in range(n_samples):
        lines.extend(before.get(k, ()))
        lines.append(
            f"{ts(k)}\t" + "\t".join(_value(v) for v in values[k]) + f"\t{status}"
        )
        lines.extend(after.get(k, ()))
    resolution = f"{PX_PER_DEGREE:.2f}"
    lines.append(
        f"END\t{ts(n_samples - 1)} \tSAMPLES\tEVENTS\tRES\t{resolution}\t{resolution}"
    )
    return "\n".join(lines) + "\n"


def save_asc(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="ascii"))
