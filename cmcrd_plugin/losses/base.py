"""The interface every distiller implements (built-in or third-party).

A distiller is a :class:`torch.nn.Module` built as
``cls(student_dim, teacher_dim, **params)`` and called once per training batch
as ``loss = distiller(f_s, f_t, logits_s, logits_t, y, index)``:

``f_s`` (B, student_dim)
    Student feature: the flattened input of the student's ``final_layer``.
``f_t`` (B, teacher_dim)
    Teacher feature, computed without gradient.
``logits_s``, ``logits_t`` (B, n_classes)
    Student logits (with gradient) and teacher logits (without).
``y`` (B,)
    Labels. ``index`` (B,): the row of each window in the training set.

It returns a scalar tensor, or a :class:`DistillResult` whose ``parts`` the
trainer records in ``history`` as ``distill_<part>``. Its own trainable
parameters (projection heads, regressors) are optimised with the student; its
state (memory banks, normalising constants) lives in buffers, so it is saved
by ``Checkpoint`` / ``save_params(f_distiller=...)`` and restored by
``load_params``. Before training, the trainer calls
:meth:`Distiller.set_training_labels` with the labels of the training set
(row ``i`` = the window with ``index == i``); memory-based distillers size
their banks there.

Class attributes: ``default_weight`` (the weight of the loss added to the
cross-entropy, the authors' value for the built-ins), ``needs_teacher`` and
``needs_features`` (False for a distiller of logits alone, such as KD: the
student then needs no ``feature_layer``, and ``f_s``, ``f_t`` are None).

A third-party distiller subclasses :class:`Distiller` and registers the class
under a name through the ``cmcrd_losses`` hook (see :mod:`cmcrd_plugin.registry`).
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

import torch
from torch import nn


class DistillResult(NamedTuple):
    """A distillation loss and its named parts (recorded in ``history``)."""

    loss: torch.Tensor
    parts: dict[str, torch.Tensor]


class Distiller(nn.Module):
    """Base class of distillation losses; see the module docstring.

    Parameters
    ----------
    student_dim, teacher_dim : int
        Sizes of the student and teacher features.
    """

    default_weight: ClassVar[float] = 1.0
    needs_teacher: ClassVar[bool] = True
    needs_features: ClassVar[bool] = True

    def __init__(self, student_dim: int, teacher_dim: int) -> None:
        super().__init__()
        self.student_dim = student_dim
        self.teacher_dim = teacher_dim
        self.register_buffer("train_labels", torch.empty(0, dtype=torch.long))

    @property
    def n_data(self) -> int:
        """Number of training windows the distiller was prepared for."""
        return len(self.train_labels)

    def prepared_for(self, labels: torch.Tensor) -> bool:
        """Whether the distiller holds exactly these training labels."""
        return same_labels(self.train_labels, labels)

    def set_training_labels(self, labels: torch.Tensor) -> None:
        """Prepare for a training set whose window ``i`` has label ``labels[i]``."""
        self.train_labels = (
            torch.as_tensor(labels).long().reshape(-1).to(self.train_labels.device)
        )

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs) -> None:
        # buffers sized by the training set adopt the saved size on load
        for name, buffer in self._buffers.items():
            saved = state_dict.get(prefix + name)
            if buffer is not None and saved is not None and saved.shape != buffer.shape:
                self._buffers[name] = torch.empty_like(saved, device=buffer.device)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def forward(
        self,
        f_s: torch.Tensor,
        f_t: torch.Tensor,
        logits_s: torch.Tensor,
        logits_t: torch.Tensor,
        y: torch.Tensor,
        index: torch.Tensor,
    ) -> torch.Tensor | DistillResult:
        raise NotImplementedError


def same_labels(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Whether two label tensors are the same sequence (on any devices)."""
    return len(a) == len(b) and torch.equal(a.cpu(), b.cpu())
