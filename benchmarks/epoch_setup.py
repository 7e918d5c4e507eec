"""Shared set-up of the epoch-time benchmarks (not a benchmark itself).

One synthetic SEED-V subject at the real window counts (the first fold's
training trials), features standardised on those windows, the training
settings both estimators share, and one epoch of ``partial_fit``.
"""

from __future__ import annotations

import tempfile
import warnings

import numpy as np
import torch

from cmcrd_plugin.data import FeatureScaler, load_seed_v, seed_v_folds
from cmcrd_plugin.synthetic import write_seed_v

# AdamW, batch 32, no validation split: one epoch per partial_fit call
COMMON = dict(
    optimizer=torch.optim.AdamW,
    lr=1e-3,
    batch_size=32,
    train_split=None,
    verbose=0,
    max_epochs=1,
)


def synthetic_subject() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(eeg, eye, y)`` of synthetic SEED-V subject 1's fold-1 training windows.

    ``eye`` is (n, 33, 1), as the trainers read feature vectors.
    """
    warnings.filterwarnings("ignore", category=FutureWarning)
    with tempfile.TemporaryDirectory() as root:
        windows = load_seed_v(write_seed_v(root, subjects=[1], progress=False))
    train = windows.subset(seed_v_folds(windows)[0].train)
    eeg = FeatureScaler().fit_transform(train.eeg)
    eye = FeatureScaler().fit_transform(train.eye)
    return eeg, eye, train.label


def epoch_seconds(net, X, y) -> float:
    """Train ``net`` one more epoch; its duration from ``history``."""
    net.partial_fit(X, y, epochs=1)
    return net.history[-1, "dur"]
