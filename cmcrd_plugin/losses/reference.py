"""A straightforward, op-by-op CMCRD loss: the authors' gather-rows way.

Slow on purpose and kept simple: it gathers ``K + 1`` memory rows per window,
scores them with a batched matrix-vector product and lets autograd
differentiate every step, as the authors' release (after CRD) does. Tests use
it to check :class:`~cmcrd_plugin.losses.cmcrd.CMCRDLoss` (same values and
gradients) and the benchmark to time it.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from .entropy import confidence_weights


def gather_rows_cmcrd_loss(
    loss_module,
    f_s: torch.Tensor,
    f_t: torch.Tensor,
    logits_s: torch.Tensor,
    logits_t: torch.Tensor,
    y: torch.Tensor,
    index: torch.Tensor,
    negatives: torch.Tensor,
) -> torch.Tensor:
    """The CMCRD loss of ``loss_module``'s heads, banks and constants, op by op.

    Uses the module's embedding heads, memory banks and fixed normalising
    constants (which must already be set) and does not update the banks.
    """
    m = loss_module
    z_s = F.normalize(m.embed_s(f_s), dim=1)
    z_t = F.normalize(m.embed_t(f_t.detach()), dim=1)
    w = confidence_weights(torch.softmax(logits_t.detach(), dim=1))
    if not m.weighted:
        w = torch.ones_like(w)
    teacher_right = logits_t.argmax(1) == y
    student_right = logits_s.argmax(1) == y
    if m.gated:
        z_s = torch.where((student_right & ~teacher_right)[:, None], z_s.detach(), z_s)
        z_t = torch.where((teacher_right & ~student_right)[:, None], z_t.detach(), z_t)
    sign = torch.where(teacher_right, 1.0, -1.0) if m.signed else torch.ones_like(w)
    idx = torch.cat([index[:, None], negatives], dim=1)
    k = negatives.shape[1]
    pn = 1.0 / m.n_data
    total = 0.0
    for anchor, memory, norm in (
        (z_s, m.memory_t, m.norm_s),
        (z_t, m.memory_s, m.norm_t),
    ):
        rows = torch.index_select(memory, 0, idx.reshape(-1)).view(len(y), k + 1, -1)
        out = torch.exp(torch.bmm(rows, anchor.unsqueeze(2)).squeeze(2) / m.temperature)
        out = out / norm * w[:, None]
        p_pos = out[:, 0]
        log_d1 = torch.log(p_pos / (p_pos + k * pn + 1e-7))
        p_neg = out[:, 1:]
        log_d0 = torch.log((k * pn) / (p_neg + k * pn + 1e-7))
        total = total - (sign * (log_d1 + log_d0.sum(1))).sum() / len(y)
    return total
