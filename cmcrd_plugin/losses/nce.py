"""NCE of anchors against a memory bank (CRD eq. 18): value and gradient together.

With scores ``s_ij = anchor_i . memory[j]``, ``P_ij = scale_i exp(s_ij / tau)``
and ``c = K Pn + eps``, the NCE terms of CRD eq. 18 are softplus terms of one
logit per candidate, ``x_ij = s_ij / tau + log(scale_i) - log(c)``::

    -log(P_i0 / (P_i0 + c))      = softplus(-x_i0)          (the positive)
    -log(K Pn / (P_ij + c))      = softplus(x_ij) - log(K Pn / c)   (negatives)

and their derivatives are ``-sigmoid(-x_i0)`` and ``sigmoid(x_ij)``. The
functions here return the sign-weighted sum of the softplus terms and, when
asked, its gradient with respect to the anchors, computed in the same pass
with no autograd graph: a handful of whole-matrix operations per view, which
is what a CPU training step at SEED sizes can afford. The caller adds the
constant ``log(K Pn / c)`` terms and hands the gradient to autograd.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch.nn import functional as F


class NCEView(NamedTuple):
    """``sum_v sum_i sign_i [softplus(-x_vi0) + sum_j softplus(x_vij)]`` over views.

    ``grad`` is its gradient with respect to the anchors, (V, B, d) (``None``
    when not asked for).
    """

    value: torch.Tensor
    grad: torch.Tensor | None


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


def signed_negative_counts(
    negatives: torch.Tensor, n_data: int, sign: torch.Tensor
) -> torch.Tensor:
    """(B, n_data): ``sign_i`` times how often ``j`` is a negative of ``i``.

    Negatives drawn with replacement may repeat; each draw counts once, as in
    the sum over the ``K`` negatives of eq. 18.
    """
    counts = sign.new_zeros(len(negatives), n_data)
    return counts.scatter_add_(1, negatives, sign[:, None].expand(negatives.shape))


def bank_nce(
    anchor: torch.Tensor,
    memory: torch.Tensor,
    positives: torch.Tensor,
    signed_counts: torch.Tensor,
    bias: torch.Tensor,
    sign: torch.Tensor,
    temperature: float,
    need_grad: bool,
    grad_scale: float = 1.0,
) -> NCEView:
    """Score every view's anchors against its whole bank with one batched product.

    Parameters
    ----------
    anchor : Tensor (V, B, d)
        Anchors of ``V`` views (CMCRD has two).
    memory : Tensor (V, n, d)
        The bank each view is scored against.
    positives : LongTensor (B,)
        The positive row of every anchor (the same in every view).
    signed_counts : Tensor (B, n)
        From :func:`signed_negative_counts` (the same in every view).
    bias : Tensor (V, B)
        ``log(scale_i) - log(c)`` per view and anchor.
    sign : Tensor (B,)
    temperature : float
    need_grad : bool
        Also return the gradient with respect to ``anchor`` (V, B, d).
    grad_scale : float
        Factor applied to that gradient (for example ``1/B`` for a mean).
    """
    views, batch = anchor.shape[:2]
    logits = torch.baddbmm(
        bias[:, :, None], anchor, memory.transpose(1, 2), alpha=1.0 / temperature
    )
    at_positive = positives.view(1, batch, 1).expand(views, batch, 1)
    minus_pos = logits.gather(2, at_positive).neg_()  # -x_i0
    sign = sign.view(1, batch, 1)
    negatives = F.softplus(logits).view(views, -1) @ signed_counts.reshape(-1)
    value = negatives.sum() + (sign * F.softplus(minus_pos)).sum()
    if not need_grad:
        return NCEView(value, None)
    coef = logits.sigmoid_().mul_(signed_counts)  # reuses the logits' memory
    coef.scatter_add_(2, at_positive, minus_pos.sigmoid_().mul_(sign).neg_())
    return NCEView(value, torch.bmm(coef, memory).mul_(grad_scale / temperature))


def gathered_nce(
    anchor: torch.Tensor,
    memory: torch.Tensor,
    candidates: torch.Tensor,
    bias: torch.Tensor,
    sign: torch.Tensor,
    temperature: float,
    need_grad: bool,
    grad_scale: float = 1.0,
) -> NCEView:
    """Gather ``K + 1`` memory rows per anchor (column 0: the positive).

    For banks much larger than the candidate set. Parameters as in
    :func:`bank_nce`; ``candidates`` is (B, K + 1).
    """
    value, grads = 0.0, []
    for v in range(anchor.shape[0]):
        rows = memory[v][candidates]
        logits = torch.bmm(rows, anchor[v].unsqueeze(2)).squeeze(2)
        logits = logits.div_(temperature).add_(bias[v][:, None])
        logits[:, 0].neg_()  # softplus(-x_i0) for the positive
        value = value + torch.dot(sign, F.softplus(logits).sum(1))
        if need_grad:
            coef = logits.sigmoid_().mul_(sign[:, None])
            coef[:, 0].neg_()
            grads.append(torch.bmm(coef.unsqueeze(1), rows).squeeze(1))
    if not need_grad:
        return NCEView(value, None)
    return NCEView(value, torch.stack(grads).mul_(grad_scale / temperature))


class _PrecomputedGradient(torch.autograd.Function):
    """Pass a value through and back-propagate gradients computed in advance."""

    @staticmethod
    def forward(ctx, value, n_inputs, *inputs_then_grads):
        grads = inputs_then_grads[n_inputs:]
        ctx.present = [g is not None for g in grads]
        ctx.save_for_backward(*(g for g in grads if g is not None))
        return value.detach().clone()

    @staticmethod
    def backward(ctx, grad_out):
        saved = iter(ctx.saved_tensors)
        grads = [grad_out * next(saved) if p else None for p in ctx.present]
        return (None, None, *grads, *([None] * len(grads)))


def with_gradients(
    value: torch.Tensor,
    inputs: tuple[torch.Tensor, ...],
    grads: tuple[torch.Tensor | None, ...],
) -> torch.Tensor:
    """``value`` as a function of ``inputs`` whose gradients are ``grads``.

    The gradients must have been computed from the same inputs (as
    :func:`bank_nce` does); autograd then chains them into whatever produced
    the inputs. Not twice differentiable.
    """
    return _PrecomputedGradient.apply(value, len(inputs), *inputs, *grads)
