"""The feature extractors as pipeline transforms (braindecode and TorchEEG).

- :class:`DifferentialEntropy`: a plain callable on numpy windows,
  ``(n_channels, n_times)`` or ``(n_windows, n_channels, n_times)``; use it
  as a braindecode ``WindowsDataset``/``BaseConcatDataset`` ``transform``
  (applied to each window's ``X``) or on whole arrays.
- :class:`DifferentialEntropyTransform`: TorchEEG's call convention,
  ``t(eeg=x) -> {"eeg": de}`` (keyword arguments only; other keys pass
  through, ``None`` values are dropped, as in
  ``torcheeg.transforms.BaseTransform``), so it composes with
  ``torcheeg.transforms.Compose``. A plain class: TorchEEG is optional.
- :class:`EyeFeatureTransform`: eye features of an MNE Raw or Epochs
  (:func:`~cmcrd_plugin.features.eye.eye_features` with fixed settings).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .blinks import DEFAULT_MAX_MISSING
from .eeg import EEG_BANDS, Band, check_bands, differential_entropy
from .eye import EyeFeatures, eye_features


class DifferentialEntropy:
    """EEG differential entropy per channel and band, as a callable.

    Parameters
    ----------
    sfreq : float
        Sampling frequency of the windows (Hz).
    bands : sequence of (name, low, high)
        Default SEED's five (:data:`~cmcrd_plugin.features.eeg.EEG_BANDS`).
    segment_seconds : float, optional
        Welch segment length; default the whole window.

    Examples
    --------
    >>> import numpy as np
    >>> de = DifferentialEntropy(sfreq=200.0)
    >>> de(np.random.default_rng(0).normal(size=(62, 800))).shape
    (62, 5)
    """

    def __init__(
        self,
        sfreq: float,
        bands: Sequence[Band] = EEG_BANDS,
        *,
        segment_seconds: float | None = None,
    ) -> None:
        check_bands(bands, sfreq)
        self.sfreq = float(sfreq)
        self.bands = tuple(bands)
        self.segment_seconds = segment_seconds

    def __call__(self, x: Any) -> np.ndarray:
        """DE of ``x`` (..., n_channels, n_times) -> (..., n_channels, n_bands)."""
        return differential_entropy(
            np.asarray(x),
            self.sfreq,
            self.bands,
            segment_seconds=self.segment_seconds,
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(sfreq={self.sfreq}, "
            f"bands={[name for name, _, _ in self.bands]}, "
            f"segment_seconds={self.segment_seconds})"
        )


class DifferentialEntropyTransform(DifferentialEntropy):
    """EEG differential entropy with TorchEEG's call convention.

    ``transform(eeg=x)`` returns ``{"eeg": differential_entropy(x)}``;
    other keyword arguments are returned unchanged, ``None`` ones dropped.

    Parameters
    ----------
    sfreq, bands, segment_seconds
        As :class:`DifferentialEntropy`.
    apply_to_baseline : bool
        Also transform the ``baseline`` argument (TorchEEG's option).

    Examples
    --------
    >>> import numpy as np
    >>> t = DifferentialEntropyTransform(sfreq=200.0)
    >>> t(eeg=np.zeros((62, 800)) + np.arange(800) % 7)["eeg"].shape
    (62, 5)
    """

    def __init__(
        self,
        sfreq: float,
        bands: Sequence[Band] = EEG_BANDS,
        *,
        segment_seconds: float | None = None,
        apply_to_baseline: bool = False,
    ) -> None:
        super().__init__(sfreq, bands, segment_seconds=segment_seconds)
        self.apply_to_baseline = apply_to_baseline

    def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """``{"eeg": de, ...}`` from keyword arguments ``eeg=...`` (and others)."""
        if args:
            raise KeyError("Please pass data as named parameters.")
        targets = {"eeg", "baseline"} if self.apply_to_baseline else {"eeg"}
        return {
            key: super(DifferentialEntropyTransform, self).__call__(value)
            if key in targets
            else value
            for key, value in kwargs.items()
            if value is not None
        }


class EyeFeatureTransform:
    """Eye-movement features of an MNE Raw or Epochs, as a callable.

    Parameters
    ----------
    window : float, optional
        Raw only: window length (s); default 4.
    max_missing : float
        Largest share of missing eye samples a kept window may have.
    blink_buffer : float
        Raw only: seconds either side of a blink also interpolated.

    Examples
    --------
    ``EyeFeatureTransform(max_missing=0.3)(raw).features`` is an
    ``(n_kept, 25)`` float32 array (see
    :data:`~cmcrd_plugin.features.eye.EYE_FEATURE_NAMES`).
    """

    def __init__(
        self,
        window: float | None = None,
        *,
        max_missing: float = DEFAULT_MAX_MISSING,
        blink_buffer: float = 0.05,
    ) -> None:
        self.window = window
        self.max_missing = max_missing
        self.blink_buffer = blink_buffer

    def __call__(self, inst: Any) -> EyeFeatures:
        """:func:`~cmcrd_plugin.features.eye.eye_features` of ``inst``."""
        from mne import BaseEpochs

        if isinstance(inst, BaseEpochs):
            return eye_features(inst, max_missing=self.max_missing)
        return eye_features(
            inst,
            window=self.window,
            max_missing=self.max_missing,
            blink_buffer=self.blink_buffer,
        )
