"""FitNet hint loss: regress the teacher feature from the student feature."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .base import Distiller


class FitNetLoss(Distiller):
    """Romero et al. (2015): ``MSE(W f_s + b, f_t)`` with a learned linear regressor.

    The regressor maps the student feature to the teacher's size and is trained
    with the student.
    """

    default_weight = 1.0

    def __init__(self, student_dim: int, teacher_dim: int) -> None:
        super().__init__(student_dim, teacher_dim)
        self.regressor = nn.Linear(student_dim, teacher_dim)

    def forward(self, f_s, f_t, logits_s, logits_t, y, index) -> torch.Tensor:
        return F.mse_loss(self.regressor(f_s), f_t.detach())
