"""Feature vectors as braindecode inputs: (n, d) becomes (n, d, 1).

braindecode reads ``n_chans, n_times`` from the last two axes of the input,
so a plain feature matrix (n_windows, n_features), such as eye-movement
vectors, would be read as ``n_chans = n_windows``. The trainers here give 2-D
arrays (and 2-D members of dict inputs) a trailing axis of length 1, so eye
vectors work as ``n_chans = n_features, n_times = 1`` whichever way they
come.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch


def _column(x):
    if isinstance(x, np.ndarray | torch.Tensor) and x.ndim == 2:
        return x[:, :, None]
    return x


def features_as_channels(X):
    """``X`` with every 2-D array (or 2-D dict member) given a trailing axis."""
    if isinstance(X, Mapping):
        return type(X)(**{k: _column(v) for k, v in X.items()})
    return _column(X)


class FeatureMatrixInputs:
    """Mixin for braindecode estimators: 2-D inputs are read as (n, d, 1).

    Applied to the data the estimator wraps (``get_dataset``) and to the data
    braindecode infers ``n_chans``/``n_times`` from (``_set_signal_args``).
    """

    def get_dataset(self, X, y=None):
        """As ``EEGClassifier``'s; 2-D arrays (feature vectors) become (n, d, 1)."""
        return super().get_dataset(features_as_channels(X), y)

    def _set_signal_args(self, X, y, classes):
        return super()._set_signal_args(features_as_channels(X), y, classes)


class OnePredictionPerWindow:
    """Mixin for braindecode estimators that predict one label per window.

    Distillation pairs one student feature with one teacher feature per
    window, and MCC works on one row of logits per window, so braindecode's
    cropped decoding (``cropped=True``: several predictions per window) is
    refused when the estimator is initialised, with an error that says so,
    instead of failing on a target-size mismatch in the first batch.
    """

    def initialize(self):
        """As skorch's; raises ``ValueError`` for ``cropped=True``."""
        if getattr(self, "cropped", False):
            raise ValueError(
                f"{type(self).__name__} trains on one prediction per window; "
                "cropped=True (braindecode's cropped decoding) is not supported. "
                "Use cropped=False with whole windows."
            )
        return super().initialize()
