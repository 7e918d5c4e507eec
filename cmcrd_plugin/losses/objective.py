"""The student's training objective, shared by both trainers.

``ce + beta * distiller(...)``, plus Hinton KD on the logits when
``kd_weight > 0``: one function, so that ``CMCRDClassifier`` (skorch) and
``CMCRDTrainer`` (Lightning) give the same loss on the same batch.
"""

from __future__ import annotations

import torch

from .base import Distiller, DistillResult
from .kd import kd_loss


def student_objective(
    distiller: Distiller,
    ce: torch.Tensor,
    f_s: torch.Tensor,
    f_t: torch.Tensor | None,
    logits_s: torch.Tensor,
    logits_t: torch.Tensor | None,
    y: torch.Tensor,
    index: torch.Tensor,
    *,
    beta: float,
    kd_weight: float = 0.0,
    kd_temperature: float = 4.0,
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """The loss of one training batch, and its parts.

    Parameters
    ----------
    distiller : Distiller
        Called as ``distiller(f_s, f_t, logits_s, logits_t, y, index)``.
    ce : Tensor
        The cross-entropy of the student's logits.
    f_s, f_t, logits_s, logits_t : Tensor
        Student and teacher features and logits (the teacher's are ``None``
        for a distiller that needs no teacher).
    y, index : Tensor
        Labels, and each window's row in the training set.
    beta : float
        Weight of the distillation term.
    kd_weight, kd_temperature : float
        Weight and temperature of the extra KD term (off at 0).

    Returns
    -------
    loss : Tensor
        ``ce + beta * distill (+ kd_weight * kd)``.
    parts : dict of str to Tensor
        ``ce_loss``, ``distill_loss``, ``distill_<part>`` for each part the
        distiller reports, and ``kd_loss`` when on.
    """
    out = distiller(f_s, f_t, logits_s, logits_t, y, index)
    distill, parts = out, {}
    if isinstance(out, DistillResult):
        distill, parts = out.loss, out.parts
    loss = ce + beta * distill
    record = {"ce_loss": ce, "distill_loss": distill}
    record.update({f"distill_{name}": value for name, value in parts.items()})
    if kd_weight > 0:
        record["kd_loss"] = kd_loss(logits_s, logits_t, kd_temperature)
        loss = loss + kd_weight * record["kd_loss"]
    return loss, record
