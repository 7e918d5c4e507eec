"""The frozen teacher's outputs for every training window, computed once per fit.

The teacher is frozen and kept in eval mode, so for fixed inputs its logits
and features are the same in every epoch. Computing them once before
training replaces a teacher forward pass per batch by two row lookups.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import torch
from torch import nn

from ..models.features import forward_with_features


class TeacherOutputs(NamedTuple):
    """Teacher logits (n, n_classes) and features (n, d) by training position."""

    logits: torch.Tensor
    features: torch.Tensor

    def take(self, index: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(logits, features)`` of the windows at these training positions."""
        return self.logits[index], self.features[index]


@torch.no_grad()
def compute_teacher_outputs(
    teacher: nn.Module, inputs: Iterable[torch.Tensor], layer: str = "final_layer"
) -> TeacherOutputs:
    """Run ``teacher`` (in eval mode) over batches of inputs, in order.

    Parameters
    ----------
    teacher : nn.Module
        The frozen teacher.
    inputs : iterable of Tensor
        Teacher inputs of consecutive training positions, batch by batch.
    layer : str
        The head whose input is the teacher feature.
    """
    was_training = teacher.training
    teacher.eval()
    logits, features = [], []
    try:
        for batch in inputs:
            out, feature = forward_with_features(teacher, batch, layer)
            logits.append(out)
            features.append(feature)
    finally:
        teacher.train(was_training)
    if not logits:
        raise ValueError("no training windows to compute teacher outputs for")
    return TeacherOutputs(torch.cat(logits), torch.cat(features))
