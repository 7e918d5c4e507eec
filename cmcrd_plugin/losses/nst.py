"""Neuron selectivity transfer (NST) for vector features."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from .base import Distiller


def _poly_mmd_term(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Mean over pairs of the polynomial kernel ``(a_i . b_j)^2``."""
    return (a @ b.T).pow(2).mean()


class NSTLoss(Distiller):
    """Huang & Wang (2017): match the distributions of neuron selectivity patterns.

    NST compares, with a squared-MMD under the polynomial kernel
    ``k(a, b) = (a . b)^2``, the sets of l2-normalised activation patterns of
    the student's and the teacher's neurons. For convolutional maps a pattern is
    a channel's spatial map; for the vector features distilled here a pattern is
    a neuron's activation over the windows of the batch. Student and teacher may
    have different numbers of neurons. ``MMD^2 = mean k(t, t) + mean k(s, s) -
    2 mean k(s, t)`` with the teacher-teacher term constant.
    """

    default_weight = 10.0

    def forward(self, f_s, f_t, logits_s, logits_t, y, index) -> torch.Tensor:
        s = F.normalize(f_s.T, dim=1)  # (student_dim, B): one pattern per neuron
        t = F.normalize(f_t.detach().T, dim=1)
        return _poly_mmd_term(t, t) + _poly_mmd_term(s, s) - 2 * _poly_mmd_term(s, t)
