"""Probabilistic knowledge transfer (PKT)."""

from __future__ import annotations

import torch

from .base import Distiller

PKT_EPS = 1e-7


def _conditional_probabilities(f: torch.Tensor) -> torch.Tensor:
    f = f / (f.norm(dim=1, keepdim=True) + PKT_EPS)
    similarity = (f @ f.T + 1.0) / 2.0  # cosine similarity mapped to [0, 1]
    return similarity / similarity.sum(dim=1, keepdim=True)


class PKTLoss(Distiller):
    """Passalis & Tefas (2018): KL between cosine-similarity probability models.

    ``P = normalise_rows((cos(f_i, f_j) + 1) / 2)`` for student and teacher; the
    loss is ``mean(P_t * log((P_t + eps) / (P_s + eps)))``, eps = 1e-7.
    """

    default_weight = 1000.0

    def forward(self, f_s, f_t, logits_s, logits_t, y, index) -> torch.Tensor:
        p_s = _conditional_probabilities(f_s)
        p_t = _conditional_probabilities(f_t.detach())
        return (p_t * torch.log((p_t + PKT_EPS) / (p_s + PKT_EPS))).mean()
