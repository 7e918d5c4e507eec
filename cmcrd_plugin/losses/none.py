"""The EEG-only baseline as a distiller: no distillation term."""

from __future__ import annotations

import torch

from .base import Distiller


class NoDistillation(Distiller):
    """Cross-entropy alone (the "EEG-only" baseline); needs no teacher."""

    default_weight = 0.0
    needs_teacher = False
    needs_features = False

    def forward(self, f_s, f_t, logits_s, logits_t, y, index) -> torch.Tensor:
        return logits_s.new_zeros(())
