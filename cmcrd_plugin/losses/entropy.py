"""Entropy-based per-sample confidence weights shared by MCC and CMCRD."""

from __future__ import annotations

import torch

ENTROPY_EPS = 1e-5


def confidence_weights(probs: torch.Tensor) -> torch.Tensor:
    """``w_i = 1 + exp(-H_i)`` normalised to mean 1 over the batch.

    ``H_i = -sum_c p_ic log(p_ic + 1e-5)``. Confident rows (low entropy) get
    larger weights. Normalising to the batch mean replaces the authors'
    hard-coded "sum to 32".

    Parameters
    ----------
    probs : Tensor, shape (batch, n_classes)
        Class probabilities.
    """
    entropy = -(probs * torch.log(probs + ENTROPY_EPS)).sum(dim=1)
    weights = 1.0 + torch.exp(-entropy)
    return weights / weights.mean()
