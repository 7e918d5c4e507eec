"""NCE of anchors against a memory bank (CRD eq. 18), with an analytic backward.

One fused autograd function: scoring, probabilities and the NCE terms run as a
handful of tensor operations forward and backward, instead of the dozens of
small autograd nodes the same expression builds op by op. For a CPU training
step at SEED sizes this overhead, not arithmetic, is what costs.
"""

from __future__ import annotations

import torch


def candidate_scores(
    anchor: torch.Tensor, memory: torch.Tensor, candidates: torch.Tensor, bank: bool
) -> torch.Tensor:
    """``anchor_i . memory[candidates_ij]``, shape (B, K + 1).

    ``bank=True`` scores against the whole bank with one matrix product and
    picks the candidates; ``bank=False`` gathers the candidate rows first.
    """
    if bank:
        return (anchor @ memory.T).gather(1, candidates)
    return torch.bmm(memory[candidates], anchor.unsqueeze(2)).squeeze(2)


class _MemoryNCE(torch.autograd.Function):
    @staticmethod
    def forward(
        ctx, anchor, memory, candidates, scale, sign, k_pn, eps, temperature, bank
    ):
        scores = candidate_scores(anchor, memory, candidates, bank)
        probs = torch.exp(scores / temperature) * scale[:, None]
        denom = probs + (k_pn + eps)
        terms = -torch.log(denom)
        terms[:, 0] += torch.log(probs[:, 0])
        terms[:, 1:] += torch.log(torch.as_tensor(k_pn, dtype=probs.dtype))
        loss = -(sign * terms.sum(dim=1)).sum() / len(anchor)
        ctx.save_for_backward(anchor, memory, candidates, probs, denom, sign)
        ctx.temperature, ctx.bank = temperature, bank
        return loss

    @staticmethod
    def backward(ctx, grad_out):
        anchor, memory, candidates, probs, denom, sign = ctx.saved_tensors
        # dL/ds_ij = (m_i / B) (P_ij / (P_ij + c) - [j == 0]) / tau
        coef = (grad_out * sign / len(anchor) / ctx.temperature)[:, None]
        g = probs / denom
        g[:, 0] -= 1.0
        g = g * coef
        if ctx.bank:
            dense = torch.zeros(
                len(anchor), len(memory), dtype=g.dtype, device=g.device
            ).scatter_add_(1, candidates, g)
            grad_anchor = dense @ memory
        else:
            grad_anchor = torch.bmm(g.unsqueeze(1), memory[candidates]).squeeze(1)
        return grad_anchor, None, None, None, None, None, None, None, None


def memory_nce(
    anchor: torch.Tensor,
    memory: torch.Tensor,
    candidates: torch.Tensor,
    scale: torch.Tensor,
    sign: torch.Tensor,
    k_pn: float,
    eps: float,
    temperature: float,
    bank: bool = True,
) -> torch.Tensor:
    r"""NCE loss of anchors against memory rows (gradient to ``anchor`` only).

    With ``s_ij = anchor_i . memory[candidates_ij]`` and
    ``P_ij = scale_i exp(s_ij / temperature)``, column 0 the positive::

        L = -(1/B) sum_i sign_i [ log(P_i0 / (P_i0 + k_pn + eps))
                                  + sum_{j>0} log(k_pn / (P_ij + k_pn + eps)) ]

    Parameters
    ----------
    anchor : Tensor (B, d)
    memory : Tensor (n, d)
        Bank rows; treated as constants.
    candidates : LongTensor (B, K + 1)
        Positive index first, then negatives.
    scale : Tensor (B,)
        Per-anchor factor (confidence weight / normalising constant).
    sign : Tensor (B,)
        Per-anchor sign of the term.
    k_pn, eps, temperature : float
        ``K / n_data``, the NCE epsilon and the softmax temperature.
    bank : bool
        Whole-bank matrix product (True) or gathered rows (False).
    """
    return _MemoryNCE.apply(
        anchor,
        memory,
        candidates,
        scale.detach(),
        sign.detach(),
        k_pn,
        eps,
        temperature,
        bank,
    )
