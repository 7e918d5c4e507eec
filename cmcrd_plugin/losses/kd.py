"""Hinton knowledge distillation on logits."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from .base import Distiller


def kd_loss(
    logits_s: torch.Tensor, logits_t: torch.Tensor, temperature: float
) -> torch.Tensor:
    """``T^2 * KL(softmax(o_t / T) || softmax(o_s / T))``, averaged over the batch."""
    log_p_s = F.log_softmax(logits_s / temperature, dim=1)
    p_t = F.softmax(logits_t.detach() / temperature, dim=1)
    return F.kl_div(log_p_s, p_t, reduction="batchmean") * temperature**2


class KDLoss(Distiller):
    """Hinton et al. (2015) distillation of the teacher's softened logits.

    Parameters
    ----------
    temperature : float
        Softmax temperature ``T`` (4, the authors' value).
    """

    default_weight = 10.0
    needs_features = False

    def __init__(self, student_dim: int, teacher_dim: int, temperature: float = 4.0):
        super().__init__(student_dim, teacher_dim)
        self.temperature = temperature

    def forward(self, f_s, f_t, logits_s, logits_t, y, index) -> torch.Tensor:
        return kd_loss(logits_s, logits_t, self.temperature)
