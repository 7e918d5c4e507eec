"""Similarity-preserving distillation (SP)."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from .base import Distiller


class SPLoss(Distiller):
    """Tung & Mori (2019): match the batch similarity matrices.

    ``G = normalise_rows(f f^T)`` for student and teacher; the loss is
    ``||G_s - G_t||_F^2 / B^2``.
    """

    default_weight = 100.0

    def forward(self, f_s, f_t, logits_s, logits_t, y, index) -> torch.Tensor:
        g_s = F.normalize(f_s @ f_s.T, dim=1)
        f_t = f_t.detach()
        g_t = F.normalize(f_t @ f_t.T, dim=1)
        return (g_s - g_t).pow(2).sum() / len(f_s) ** 2
