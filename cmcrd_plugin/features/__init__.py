"""Features from raw recordings: EEG differential entropy and eye movements.

- :mod:`~cmcrd_plugin.features.eeg`: DE per channel and band of EEG windows.
- :mod:`~cmcrd_plugin.features.eye`: eye-movement features per window of an
  MNE Raw/Epochs with ``eyegaze``/``pupil`` channels and eye-event
  annotations.
- :mod:`~cmcrd_plugin.features.blinks`: blink interpolation and the
  missing-data policy.
- :mod:`~cmcrd_plugin.features.transforms`: both as braindecode/TorchEEG
  transforms.
- :mod:`~cmcrd_plugin.features.paired`: paired MNE recordings to
  :class:`~cmcrd_plugin.data.PairedWindows`.
"""

from .blinks import fill_missing, interpolate_blinks, missing_fraction
from .eeg import EEG_BANDS, band_power, differential_entropy
from .eye import (
    EYE_FEATURE_NAMES,
    PUPIL_BANDS,
    EyeFeatures,
    MissingEyeDataWarning,
    eye_channels,
    eye_features,
)
from .paired import PairedFeatures, paired_from_epochs, paired_from_raw
from .transforms import (
    DifferentialEntropy,
    DifferentialEntropyTransform,
    EyeFeatureTransform,
)

__all__ = [
    "EEG_BANDS",
    "EYE_FEATURE_NAMES",
    "PUPIL_BANDS",
    "DifferentialEntropy",
    "DifferentialEntropyTransform",
    "EyeFeatureTransform",
    "EyeFeatures",
    "MissingEyeDataWarning",
    "PairedFeatures",
    "band_power",
    "differential_entropy",
    "eye_channels",
    "eye_features",
    "fill_missing",
    "interpolate_blinks",
    "missing_fraction",
    "paired_from_epochs",
    "paired_from_raw",
]
