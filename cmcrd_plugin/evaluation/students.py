"""Building a student architecture for the EEG windows it will read."""

from __future__ import annotations

import braindecode.models
import numpy as np
from torch import nn

from .. import available, get_model
from ..training.shapes import with_time_axis
from . import torcheeg_models


def resolve_arch(name: str) -> type:
    """A registered model (``mlp``, ``dgcnn``) or a braindecode model class.

    TorchEEG architectures are built by :func:`build_student`.
    """
    if name in available("model"):
        return get_model(name)
    cls = getattr(braindecode.models, name, None)
    if not isinstance(cls, type):
        raise ValueError(
            f"architecture {name!r} is neither a registered model "
            f"({', '.join(available('model'))}) nor a braindecode model class"
        )
    return cls


def build_student(
    arch: str, eeg: np.ndarray, n_classes: int
) -> tuple[type | nn.Module, np.ndarray, str]:
    """The student ``arch``, the EEG windows as it reads them, and its head.

    ``eeg`` holds windows ``(n, n_chans, n_times)`` or feature vectors.
    braindecode and registered models come as classes (the estimator sizes
    them from the data) and read the windows as they are; a TorchEEG model
    comes built for the windows' shape (with torch's current random state)
    and the windows laid out for it.
    """
    eeg = with_time_axis(eeg)
    if torcheeg_models.is_torcheeg(arch):
        model = torcheeg_models.build(arch, *eeg.shape[1:], n_classes)
        layer = torcheeg_models.spec(arch).feature_layer
        return model, torcheeg_models.lay_out(arch, eeg), layer
    return resolve_arch(arch), eeg, "final_layer"
