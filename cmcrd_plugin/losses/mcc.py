"""Minimum Class Confusion (MCC) loss, used to train the teacher."""

from __future__ import annotations

import torch
from torch import nn

from .entropy import confidence_weights


class MCCLoss(nn.Module):
    """Minimum Class Confusion (Jin et al., 2020) on a batch of logits.

    With ``p = softmax(z / T)``, confidence weights ``w`` (see
    :func:`~cmcrd_plugin.losses.entropy.confidence_weights`), the class
    confusion matrix ``Cm = (p * w)^T p`` with rows normalised to sum 1, the
    loss is ``(sum(Cm) - trace(Cm)) / C``. Labels are not used, so it can be
    applied to unlabelled batches.

    Parameters
    ----------
    temperature : float
        Softmax temperature ``T`` (2.5 in the paper).
    """

    def __init__(self, temperature: float = 2.5) -> None:
        super().__init__()
        self.temperature = temperature

    def forward(self, logits: torch.Tensor) -> torch.Tensor:
        """MCC loss of ``logits`` (batch, n_classes); a scalar tensor."""
        probs = torch.softmax(logits / self.temperature, dim=1)
        weights = confidence_weights(probs).detach()
        confusion = (probs * weights[:, None]).T @ probs
        confusion = confusion / confusion.sum(dim=1, keepdim=True)
        n_classes = logits.shape[1]
        return (confusion.sum() - torch.trace(confusion)) / n_classes
