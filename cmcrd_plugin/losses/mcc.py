"""Minimum Class Confusion (MCC) loss, used to train the teacher."""

from __future__ import annotations

import torch
from torch import nn

from .entropy import confidence_weights


def class_confusion(probs: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """``(sum(Cm) - trace(Cm)) / C`` with ``Cm = (probs * w)^T probs``, rows sum 1."""
    confusion = (probs * weights[:, None]).T @ probs
    confusion = confusion / confusion.sum(dim=1, keepdim=True)
    return (confusion.sum() - torch.trace(confusion)) / probs.shape[1]


class MCCLoss(nn.Module):
    """Minimum Class Confusion (Jin et al., 2020) on a batch of logits.

    With ``p = softmax(z / T)``, confidence weights ``w`` (see
    :func:`~cmcrd_plugin.losses.entropy.confidence_weights`), the class
    confusion matrix ``Cm = (p * w)^T p`` with rows normalised to sum 1, the
    loss is ``(sum(Cm) - trace(Cm)) / C``. Labels are not used, so it can be
    applied to unlabelled batches. As in the MCC authors' code, no gradient
    flows through the entropy weights.

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
        # the entropy weights are constants, as in the MCC authors' code
        return class_confusion(probs, confidence_weights(probs).detach())
