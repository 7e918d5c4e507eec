"""Shared set-up of the model compatibility checks (not a benchmark itself).

Random labels and eye-movement vectors for ``N_WINDOWS`` windows, an MLP
eye teacher trained one epoch on them, the one-epoch training settings, and
the outcome of one fit as a table cell.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from torch import nn

N_WINDOWS = 48
# one epoch, batches of 16, no validation split
ONE_EPOCH = dict(max_epochs=1, batch_size=16, train_split=None, verbose=0)


def random_eye_teacher(
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, nn.Module]:
    """``(y, eye, teacher)``: 3-class labels, (n, 33) eye vectors, their teacher."""
    from cmcrd_plugin.models.mlp import CMCRDMLP
    from cmcrd_plugin.training import TeacherClassifier

    y = rng.integers(0, 3, N_WINDOWS)
    eye = rng.normal(size=(N_WINDOWS, 33)).astype(np.float32)
    teacher = TeacherClassifier(CMCRDMLP, **ONE_EPOCH).fit(eye, y).module_
    return y, eye, teacher


def outcome(fit: Callable[[], str]) -> tuple[str, str]:
    """``("OK", detail)``, or the error's type name and its one-line message."""
    try:
        detail = fit()
    except Exception as exc:  # a compatibility survey: report, go on
        return type(exc).__name__, " ".join(str(exc).split())
    return "OK", detail
