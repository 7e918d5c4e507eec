"""Relational knowledge distillation (RKD): distance and angle."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from .base import Distiller, DistillResult


def _normalised_distances(f: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    # |f_i|^2 + |f_j|^2 - 2 f_i.f_j, clamped so the diagonal has no NaN gradient
    sq = (f * f).sum(dim=1)
    d = (sq[:, None] + sq[None, :] - 2 * f @ f.T).clamp_min(eps).sqrt()
    d = d * (1 - torch.eye(len(f), device=f.device, dtype=f.dtype))
    return d / d[d > 0].mean()


def _angles(f: torch.Tensor) -> torch.Tensor:
    # cos of the angle at j between i and k: <e_ij, e_kj> with e normalised f_i - f_j
    e = F.normalize(f.unsqueeze(0) - f.unsqueeze(1), p=2, dim=2)  # e[j, i] = f_i - f_j
    return torch.bmm(e, e.transpose(1, 2)).reshape(-1)


class RKDLoss(Distiller):
    """Park et al. (2019): ``w_d * L_distance + w_a * L_angle`` (smooth L1 each).

    Distances between the windows of a batch are divided by their mean
    (off-diagonal); angles are the cosines of every triplet's angle. Defaults
    ``w_d = 25``, ``w_a = 50`` as in RKD and the authors' code.
    """

    default_weight = 1.0

    def __init__(
        self,
        student_dim: int,
        teacher_dim: int,
        w_distance: float = 25.0,
        w_angle: float = 50.0,
    ) -> None:
        super().__init__(student_dim, teacher_dim)
        self.w_distance = w_distance
        self.w_angle = w_angle

    def forward(self, f_s, f_t, logits_s, logits_t, y, index) -> DistillResult:
        f_t = f_t.detach()
        with torch.no_grad():
            t_d = _normalised_distances(f_t)
            t_a = _angles(f_t)
        distance = F.smooth_l1_loss(_normalised_distances(f_s), t_d)
        angle = F.smooth_l1_loss(_angles(f_s), t_a)
        loss = self.w_distance * distance + self.w_angle * angle
        return DistillResult(loss, {"distance": distance, "angle": angle})
