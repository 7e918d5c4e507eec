"""Positive controls: synthetic data in which the eye teacher's information helps.

These scenarios are CONTROLS for the benchmark harness, not results about
emotion recognition and not the demo's data. They exist to show that the
harness detects a gain of a distilled EEG student over the EEG-only model
when the eye teacher does hold privileged information; a harness that reports
no gain here has lost its power to see one. Everything is synthetic, and
every result computed on these files must be reported as a control on
synthetic data. The demo's generator (:func:`~cmcrd_plugin.synthetic.write_seed_v`
with its defaults) is unchanged by them.

Both scenarios draw the emotional state exactly as the demo does
(:class:`~cmcrd_plugin.synthetic.latent.LatentEmotionGenerator` with its
defaults: the same prototypes, mixing, shifts and noise, and eye features
that carry the state cleanly), and hide it in the EEG among class-free
features. A class-free feature comes from the same kind of generator whose
class prototypes are all zero, so its latent process has the emotional
state's variance, its own per-subject mixing, subject and session shifts and
white noise, but no relation to the label; each block of them has its own
seed.

* :func:`write_positive_control_seed_v`, scenario ``"positive_control"``:
  SEED-V files in the real layout (62 channels x 5 bands). Only the 12
  channels of :data:`INFORMATIVE_CHANNELS` (all 5 bands) carry the emotional
  state; the other 50 channels x 5 bands are class-free.
* :func:`write_wide_positive_control`, scenario ``"wide_positive_control"``:
  a generic paired NPZ file (:mod:`cmcrd_plugin.formats.paired_npz`), not
  the SEED layout. EEG windows are the demo's 310 weakly informative DE
  values followed by 1,240 class-free features (1,550 per window).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ..data.channels import N_BANDS, N_CHANNELS, SEED_CHANNELS
from ..data.paired import PairedWindows
from ..data.paired_npz import write_paired_npz
from ..formats.seed_v import (
    EYE_DIM,
    N_CLASSES,
    N_SESSIONS,
    SESSION_LABELS,
    SUBJECTS,
    session_and_trial,
)
from .io import scaled_counts
from .latent import LatentEmotionGenerator, SubjectGenerator
from .seed_v import WINDOW_COUNTS, write_seed_v

INFORMATIVE_CHANNELS: tuple[str, ...] = (
    "FT7", "FT8", "T7", "T8", "C5", "C6", "TP7", "TP8", "CP5", "CP6", "P7", "P8",
)  # fmt: skip
"""The channels that carry the emotional state in ``"positive_control"``: the
lateral temporal 12-channel profile that Zheng and Lu (2015) found most
discriminative on SEED."""

WIDE_NUISANCE_FEATURES = 1240
"""Class-free features appended to the 310 DE values in ``"wide_positive_control"``."""

_N_DE = N_CHANNELS * N_BANDS
_SEED_LIMIT = 2**32
"""Seeds of the controls are below this; class-free block ``b`` uses
``seed + (b + 1) * 2**32``, so its streams never coincide with a state's."""


def class_free_generator(
    emotional: LatentEmotionGenerator, block: int
) -> LatentEmotionGenerator:
    """A generator like ``emotional`` whose latent state ignores the class.

    Its class prototypes are zero and its state noise is raised so that every
    latent coordinate keeps the emotional state's variance (class spread plus
    within-class drift); block ``block`` has a seed of its own.
    """
    return replace(
        emotional,
        seed=emotional.seed + (block + 1) * _SEED_LIMIT,
        class_separation=0.0,
        state_noise=math.sqrt(
            emotional.state_noise**2
            + emotional.class_separation**2 / emotional.latent_dim
        ),
    )


@dataclass(frozen=True)
class PrivilegedEyeGenerator:
    """EEG in which the emotional state hides among class-free features.

    A sibling of :class:`~cmcrd_plugin.synthetic.latent.LatentEmotionGenerator`
    with the same ``subject(...)`` / ``trial(...)`` interface, so it can be
    passed to the SEED-V writer (see the module docstring).

    Parameters
    ----------
    n_classes : int
        Number of emotion classes.
    eye_dim : int
        Length of the eye-feature vector.
    seed : int
        Seed in ``[0, 2**32)``; the emotional state, eye features and the
        informative channels are those of ``LatentEmotionGenerator`` with
        this seed and its defaults.
    informative_channels : tuple of str
        Channels (names of :data:`~cmcrd_plugin.data.channels.SEED_CHANNELS`)
        whose 5 bands carry the state; the others are class-free.
    n_nuisance_features : int
        Class-free features appended after the 310 DE values (0 keeps the
        SEED layout).
    """

    n_classes: int
    eye_dim: int
    seed: int = 0
    informative_channels: tuple[str, ...] = INFORMATIVE_CHANNELS
    n_nuisance_features: int = 0

    def __post_init__(self) -> None:
        unknown = sorted(set(self.informative_channels) - set(SEED_CHANNELS))
        if unknown:
            raise ValueError(
                f"informative_channels: {unknown} are not SEED channel names"
            )
        if not 0 <= self.seed < _SEED_LIMIT:
            raise ValueError(f"seed must be in [0, 2**32), got {self.seed}")
        if self.n_nuisance_features < 0:
            raise ValueError(
                f"n_nuisance_features must be >= 0, got {self.n_nuisance_features}"
            )

    @property
    def emotional(self) -> LatentEmotionGenerator:
        """The generator of the emotional state (the demo's, with ``seed``)."""
        return LatentEmotionGenerator(self.n_classes, self.eye_dim, seed=self.seed)

    @property
    def informative_columns(self) -> np.ndarray:
        """Boolean mask of the 310 channel-major DE columns that carry the state."""
        channels = np.isin(SEED_CHANNELS, self.informative_channels)
        return np.repeat(channels, N_BANDS)

    def subject(self, subject: int, n_sessions: int) -> PrivilegedEyeSubject:
        """The generator of one subject."""
        n_blocks = 1 + math.ceil(self.n_nuisance_features / _N_DE)
        return PrivilegedEyeSubject(
            self.emotional.subject(subject, n_sessions),
            [
                class_free_generator(self.emotional, block).subject(subject, n_sessions)
                for block in range(n_blocks)
            ],
            self.informative_columns,
            self.n_nuisance_features,
        )


@dataclass
class PrivilegedEyeSubject:
    """Draws the trials of one subject; see :class:`PrivilegedEyeGenerator`."""

    emotional: SubjectGenerator
    class_free: list[SubjectGenerator]
    """Block 0 replaces the uninformative channels; the others are appended."""
    informative_columns: np.ndarray
    n_nuisance_features: int

    def trial(
        self, session: int, label: int, n_windows: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """EEG (n_windows, 310 + n_nuisance_features) and eye (n_windows, eye_dim)."""
        eeg, eye = self.emotional.trial(session, label, n_windows)
        free = [g.trial(session, label, n_windows)[0] for g in self.class_free]
        eeg = np.where(self.informative_columns, eeg, free[0])
        appended = np.concatenate([eeg, *free[1:]], axis=1)
        return appended[:, : _N_DE + self.n_nuisance_features], eye


def write_positive_control_seed_v(
    root: str | Path,
    subjects: Iterable[int] = SUBJECTS,
    seed: int = 0,
    window_fraction: float = 1.0,
    overwrite: bool = False,
    progress: bool = True,
) -> Path:
    """Write the ``"positive_control"`` scenario as SEED-V feature files.

    A CONTROL on synthetic data (see the module docstring): the files have
    the real SEED-V layout and load with
    :func:`~cmcrd_plugin.data.load_seed_v`, but only the channels of
    :data:`INFORMATIVE_CHANNELS` carry the emotional state, which the eye
    features carry cleanly.

    Parameters
    ----------
    root : path
        Output folder (created). Existing subject files are kept unless
        ``overwrite``.
    subjects : iterable of int
        Subject ids.
    seed : int
        Seed in ``[0, 2**32)``; the same seed gives the same arrays.
    window_fraction : float
        Scale the SEED-V-like window counts (every trial keeps at least 4).
    overwrite : bool
        Rewrite files that already exist.
    progress : bool
        Show a progress bar.

    Returns
    -------
    Path
        ``root``.
    """
    generator = PrivilegedEyeGenerator(N_CLASSES, EYE_DIM, seed=seed)
    return write_seed_v(
        root,
        subjects,
        seed=seed,
        window_fraction=window_fraction,
        overwrite=overwrite,
        progress=progress,
        generator=generator,
    )


def write_wide_positive_control(
    path: str | Path,
    subjects: Iterable[int] = SUBJECTS,
    seed: int = 0,
    n_nuisance: int = WIDE_NUISANCE_FEATURES,
    window_fraction: float = 1.0,
    overwrite: bool = False,
    progress: bool = True,
) -> Path:
    """Write the ``"wide_positive_control"`` scenario as one paired NPZ file.

    A CONTROL on synthetic data (see the module docstring), in the generic
    paired NPZ format (:func:`~cmcrd_plugin.data.load_paired_npz`), not the
    SEED layout. Trials, labels and window counts follow SEED-V (3 sessions
    of 15 trials, 5 classes), so SEED-V's protocols apply. EEG windows are
    flat vectors: the 310 DE values the demo draws with ``seed`` (channel
    major), then ``n_nuisance`` class-free features.

    Parameters
    ----------
    path : path
        The ``.npz`` file to write. An existing file is kept unless
        ``overwrite``.
    subjects : iterable of int
        Subject ids.
    seed : int
        Seed in ``[0, 2**32)``; the same seed gives the same arrays.
    n_nuisance : int
        Class-free features appended to the 310 DE values.
    window_fraction : float
        Scale the SEED-V-like window counts (every trial keeps at least 4).
    overwrite : bool
        Rewrite the file if it exists.
    progress : bool
        Show a progress bar.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        return path
    generator = PrivilegedEyeGenerator(
        N_CLASSES,
        EYE_DIM,
        seed=seed,
        informative_channels=SEED_CHANNELS,
        n_nuisance_features=n_nuisance,
    )
    counts = scaled_counts(WINDOW_COUNTS, window_fraction, minimum=4)
    subjects = list(subjects)
    parts = []
    for subject in tqdm(subjects, desc="wide positive control", disable=not progress):
        sub = generator.subject(subject, N_SESSIONS)
        for key, n in enumerate(counts):
            session, trial = session_and_trial(key)
            label = SESSION_LABELS[session][trial]
            eeg, eye = sub.trial(session, label, n)
            ids = np.zeros(n, dtype=np.int64)
            parts.append(
                PairedWindows(
                    eeg=eeg.astype(np.float32),
                    eye=eye.astype(np.float32),
                    label=ids + label,
                    subject=ids + subject,
                    session=ids + session,
                    trial=ids + trial,
                    window=np.arange(n, dtype=np.int64),
                )
            )
    return write_paired_npz(path, PairedWindows.concatenate(parts))
