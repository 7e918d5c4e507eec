"""A latent-state generator of paired EEG DE and eye-movement features.

The generative model (deterministic for a seed):

* Each class ``c`` has a prototype ``mu_c`` in a ``latent_dim``-dimensional
  emotional-state space, shared by all subjects.
* Within a trial of class ``c`` the state of window ``t`` is
  ``s_t = mu_c + a_t`` where ``a_t`` is an AR(1) process (coefficient
  ``rho``): neighbouring windows are correlated, as in real recordings.
* EEG DE (62 channels x 5 bands) is a baseline that decreases with band
  frequency, plus ``A_eeg s_t`` (a subject-perturbed mixing matrix that
  weights beta and gamma bands most), plus a subject shift, a session shift,
  a slow AR(1) nuisance in a random low-rank subspace and white noise.
* Eye features are a positive baseline plus ``A_eye s_t``, smaller subject
  and session shifts and less noise: they carry more label information per
  window than the EEG, as the paper observes for real eye tracking.

Nothing here imitates real recordings beyond these properties; every report
produced from it says the data are synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

from ..data.channels import N_BANDS, N_CHANNELS

_BAND_BASELINE = np.array([20.0, 17.0, 15.0, 12.0, 10.0])
_BAND_WEIGHT = np.array([0.4, 0.5, 0.7, 1.0, 1.2])


@dataclass(frozen=True)
class LatentEmotionGenerator:
    """Paired EEG / eye feature generator (see the module docstring).

    Parameters
    ----------
    n_classes : int
        Number of emotion classes.
    eye_dim : int
        Length of the eye-feature vector (33 for SEED / SEED-V, 31 for SEED-IV).
    seed : int
        Seed for everything shared by all subjects (prototypes, mixing).
    latent_dim : int
        Size of the emotional-state space.
    class_separation : float
        Distance scale between class prototypes.
    rho : float
        AR(1) coefficient of the within-trial state drift.
    eeg_noise, eye_noise : float
        White-noise standard deviation of each modality.
    """

    n_classes: int
    eye_dim: int
    seed: int = 0
    latent_dim: int = 8
    class_separation: float = 2.0
    rho: float = 0.9
    state_noise: float = 0.6
    eeg_noise: float = 4.0
    eeg_nuisance: float = 3.0
    eye_noise: float = 0.35
    subject_shift: float = 1.0
    session_shift: float = 0.5

    def _shared(self) -> dict[str, np.ndarray]:
        rng = np.random.default_rng([self.seed, 0])
        prototypes = rng.normal(size=(self.n_classes, self.latent_dim))
        prototypes *= self.class_separation / np.linalg.norm(
            prototypes, axis=1, keepdims=True
        ).clip(1e-9)
        mix_eeg = rng.normal(size=(N_CHANNELS, N_BANDS, self.latent_dim))
        mix_eeg *= _BAND_WEIGHT[None, :, None] / np.sqrt(self.latent_dim)
        mix_eye = rng.normal(size=(self.eye_dim, self.latent_dim))
        mix_eye /= np.sqrt(self.latent_dim)
        channel_offset = rng.normal(scale=1.0, size=(N_CHANNELS, 1))
        eye_baseline = rng.lognormal(mean=1.0, sigma=1.0, size=self.eye_dim)
        return {
            "prototypes": prototypes,
            "mix_eeg": mix_eeg.reshape(N_CHANNELS * N_BANDS, self.latent_dim),
            "mix_eye": mix_eye,
            "eeg_baseline": (_BAND_BASELINE[None, :] + channel_offset).reshape(-1),
            "eye_baseline": eye_baseline,
        }

    def subject(self, subject: int, n_sessions: int) -> SubjectGenerator:
        """The generator of one subject (its own mixing, shifts and noise)."""
        shared = self._shared()
        rng = np.random.default_rng([self.seed, 1, subject])
        n_eeg = N_CHANNELS * N_BANDS
        mix_eeg = shared["mix_eeg"] * (
            1 + 0.3 * rng.normal(size=shared["mix_eeg"].shape)
        )
        mix_eye = shared["mix_eye"] * (
            1 + 0.15 * rng.normal(size=shared["mix_eye"].shape)
        )
        eeg_shift = shared["eeg_baseline"] + self.subject_shift * rng.normal(size=n_eeg)
        eye_scale = shared["eye_baseline"]
        eye_shift = 0.5 * self.subject_shift * rng.normal(size=self.eye_dim)
        sessions_eeg = self.session_shift * rng.normal(size=(n_sessions, n_eeg))
        sessions_eye = (
            0.5 * self.session_shift * rng.normal(size=(n_sessions, self.eye_dim))
        )
        nuisance_basis = rng.normal(size=(4, n_eeg)) / 2.0
        return SubjectGenerator(
            self,
            shared["prototypes"],
            mix_eeg,
            mix_eye,
            eeg_shift[None, :] + sessions_eeg,
            eye_shift[None, :] + sessions_eye,
            eye_scale,
            nuisance_basis,
            np.random.default_rng([self.seed, 2, subject]),
        )


@dataclass
class SubjectGenerator:
    """Draws the trials of one subject; see :class:`LatentEmotionGenerator`."""

    config: LatentEmotionGenerator
    prototypes: np.ndarray
    mix_eeg: np.ndarray
    mix_eye: np.ndarray
    eeg_shift: np.ndarray  # (n_sessions, 310)
    eye_shift: np.ndarray  # (n_sessions, eye_dim)
    eye_scale: np.ndarray
    nuisance_basis: np.ndarray
    rng: np.random.Generator

    def _ar1(self, n: int, dim: int, rho: float) -> np.ndarray:
        """Stationary AR(1) series with unit marginal variance, shape (n, dim)."""
        innovations = self.rng.normal(size=(n, dim))
        innovations[1:] *= np.sqrt(1 - rho**2)
        return lfilter([1.0], [1.0, -rho], innovations, axis=0)

    def trial(
        self, session: int, label: int, n_windows: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """EEG DE (n_windows, 310), channel-major, and eye (n_windows, eye_dim)."""
        cfg = self.config
        state = self.prototypes[label] + cfg.state_noise * self._ar1(
            n_windows, cfg.latent_dim, cfg.rho
        )
        nuisance = self._ar1(n_windows, len(self.nuisance_basis), cfg.rho)
        eeg = (
            self.eeg_shift[session]
            + state @ self.mix_eeg.T
            + cfg.eeg_nuisance * nuisance @ self.nuisance_basis
            + cfg.eeg_noise * self.rng.normal(size=(n_windows, self.mix_eeg.shape[0]))
        )
        eye_signal = (
            self.eye_shift[session]
            + state @ self.mix_eye.T
            + cfg.eye_noise * self.rng.normal(size=(n_windows, self.mix_eye.shape[0]))
        )
        eye = self.eye_scale * (1.0 + 0.25 * eye_signal)
        return eeg, eye
