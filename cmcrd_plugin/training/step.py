"""``DistillationStep``: the loss of one training batch, for every trainer.

The layer above the :class:`~cmcrd_plugin.losses.base.Distiller` seam: one
``nn.Module`` that holds the student, the frozen teacher and the distiller,
and whose ``forward`` on one training batch returns ``(logits, losses)``, as
mdistiller's ``Distiller.forward_train`` does. The trainers are hooks around
it that read batches their framework's way:
:class:`~cmcrd_plugin.training.CMCRDClassifier` and
:class:`~cmcrd_plugin.training.TeacherClassifier` (skorch / braindecode) and
:class:`~cmcrd_plugin.torcheeg_trainers.CMCRDTrainer` (Lightning). So the
same batch gives the same loss in every trainer.

The loss is::

    CE(logits, y)
      + beta * distiller(f_s, f_t, logits, logits_t, y, index)
      + kd_weight * KD(logits, logits_t; kd_temperature)
      + mcc_weight * MCC(logits of the MCC batch; mcc_temperature)

each term present when switched on. MCC (Minimum Class Confusion, labels
unused) is applied to the student's logits on a batch of unlabelled inputs
when the trainer passes one (``mcc_unlabeled``), otherwise on the logits of
the training batch. Without a distiller (``distiller=None``, teacher mode),
the loss is cross-entropy plus MCC: how a teacher is trained.

This module imports neither skorch nor Lightning.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from .. import available, get_loss
from ..losses.base import Distiller, DistillResult
from ..losses.kd import kd_loss
from ..losses.mcc import MCCLoss
from ..models.features import declared_feature_size, forward_with_features


def resolve_distiller(distiller: str | type) -> type[Distiller]:
    """The distiller class for a registered loss name (or the class itself).

    Parameters
    ----------
    distiller : str or type
        A registered loss name (``"cmcrd"``, ``"kd"``, ...) or a
        :class:`~cmcrd_plugin.losses.base.Distiller` subclass.

    Returns
    -------
    type
        The distiller class.

    Raises
    ------
    TypeError
        When the name or class is not a distiller (listing the registered
        distillers).
    """
    cls = distiller
    if isinstance(distiller, str):
        cls = get_loss(distiller)
    if not _is_distiller(cls):
        what = f"distiller {distiller!r}"
        if isinstance(distiller, str):
            name = getattr(cls, "__name__", cls)
            what = f"loss {distiller!r} ({name}) is registered but"
        hint = ""
        if distiller == "mcc":
            hint = (
                " MCC is a term of its own: mcc_weight=... (with mcc_unlabeled=... "
                "for unlabelled inputs) on CMCRDClassifier, CMCRDTrainer or "
                "TeacherClassifier."
            )
        raise TypeError(
            f"{what} is not a cmcrd_plugin.losses.base.Distiller subclass; "
            f"registered distillers: {', '.join(registered_distillers())}.{hint}"
        )
    return cls


def _is_distiller(cls) -> bool:
    return isinstance(cls, type) and issubclass(cls, Distiller)


def registered_distillers() -> list[str]:
    """Names of the registered losses that are distillers (usable as
    ``distiller``, and as ``cmcrd bench`` methods); a plugin whose loss
    fails to load is left out."""
    names = []
    for name in available("loss"):
        try:
            cls = get_loss(name)
        except Exception:  # noqa: BLE001 - a broken plugin is not a distiller
            continue
        if _is_distiller(cls):
            names.append(name)
    return names


def frozen_copy(teacher: nn.Module | None) -> nn.Module | None:
    """A copy of ``teacher`` in eval mode with no parameter requiring gradient.

    Parameters
    ----------
    teacher : nn.Module or None
        The trained teacher (None gives None).

    Returns
    -------
    nn.Module or None
        The frozen copy; the caller's teacher is left as it was.
    """
    if teacher is None:
        return None
    if not isinstance(teacher, nn.Module):
        hint = ""
        if hasattr(teacher, "module_"):
            hint = " Pass the fitted net's .module_ (so that clone() keeps it)."
        raise TypeError(
            f"teacher must be a torch nn.Module, got {type(teacher).__name__}.{hint}"
        )
    return copy.deepcopy(teacher).eval().requires_grad_(False)


class DistillationStep(nn.Module):
    """The student, the frozen teacher and the distiller, and the batch loss.

    See the module docstring for the loss. Called on one training batch of
    model inputs, it returns ``(logits, losses)``: the student's logits and a
    dict of the loss parts, ``ce_loss``, ``distill_loss``,
    ``distill_<part>`` (each part a distiller reports), ``kd_loss`` and
    ``mcc_loss`` (when on), and their weighted sum ``loss``.

    Parameters
    ----------
    student : nn.Module
        The model trained (held, not copied).
    teacher : nn.Module, optional
        The trained teacher. It is copied, frozen (no gradient) and kept in
        eval mode, also when the step is put in training mode.
    distiller : str, Distiller subclass or None
        A registered distiller name or class, built as ``cls(student_dim,
        teacher_dim, **distiller_kwargs)`` once both feature sizes are known
        (:meth:`declared_sizes`, else :meth:`build_distiller` with the sizes
        :meth:`feature_sizes` measures). ``None``: teacher mode, no
        distillation term and no feature read.
    distiller_kwargs : mapping, optional
        Keyword arguments of the distiller.
    beta : float, optional
        Weight of the distillation term (default: the distiller's
        ``default_weight``).
    kd_weight, kd_temperature : float
        Weight (off at 0) and temperature of Hinton KD on the logits.
    mcc_weight, mcc_temperature : float
        Weight (off at 0) and softmax temperature of MCC.
    feature_layer, teacher_feature_layer : str
        The heads whose inputs are the distilled features.
    criterion : nn.Module, optional
        The classification loss of the logits (``nn.CrossEntropyLoss()``).

    Notes
    -----
    The step holds the modules; a trainer that must keep its own names for
    them (skorch's ``module_``, ``teacher_``, ``distiller_``, Lightning's
    checkpoint keys ``model.*``, ``teacher.*``, ``distiller.*``) refers to
    the same objects. Whatever the trainer does not hand over (reading a
    batch, the device, caching the teacher's outputs, drawing the MCC batch)
    stays in the trainer.
    """

    def __init__(
        self,
        student: nn.Module,
        teacher: nn.Module | None = None,
        distiller: str | type | None = "cmcrd",
        *,
        distiller_kwargs: Mapping[str, Any] | None = None,
        beta: float | None = None,
        kd_weight: float = 0.0,
        kd_temperature: float = 4.0,
        mcc_weight: float = 0.0,
        mcc_temperature: float = 2.5,
        feature_layer: str = "final_layer",
        teacher_feature_layer: str = "final_layer",
        criterion: nn.Module | None = None,
    ) -> None:
        super().__init__()
        self.distiller_class = None
        if distiller is not None:
            self.distiller_class = resolve_distiller(distiller)
        self.student = student
        self.teacher = frozen_copy(teacher)
        self.distiller: Distiller | None = None
        self.criterion = nn.CrossEntropyLoss() if criterion is None else criterion
        self.distiller_kwargs = dict(distiller_kwargs or {})
        if beta is None:  # the distiller's own weight
            beta = 0.0 if distiller is None else self.distiller_class.default_weight
        self.beta = beta
        self.kd_weight, self.kd_temperature = kd_weight, kd_temperature
        self.mcc_weight, self.mcc_temperature = mcc_weight, mcc_temperature
        self.feature_layer = feature_layer
        self.teacher_feature_layer = teacher_feature_layer
        sizes = self.declared_sizes()
        if self.distiller_class is not None and None not in sizes:
            self.build_distiller(sizes)

    # -- set-up ----------------------------------------------------------
    @property
    def needs_teacher(self) -> bool:
        """Whether the loss reads the teacher (its distiller, or KD)."""
        needed = self.distiller_class is not None and self.distiller_class.needs_teacher
        return needed or self.kd_weight > 0

    @property
    def reads_features(self) -> bool:
        """Whether the distiller reads features (``feature_layer`` inputs);
        KD, "none" and teacher mode read logits alone."""
        return self.distiller_class is not None and self.distiller_class.needs_features

    def declared_sizes(self) -> tuple[int | None, int | None]:
        """The student's and teacher's feature sizes known without data.

        ``None`` where unknown (see
        :func:`~cmcrd_plugin.models.features.declared_feature_size`); the
        teacher's is 0 without a teacher that the loss does not need, and
        ``None`` without one that it needs.
        """
        if not self.reads_features:  # no feature: no size to know
            return 0, 0
        student = declared_feature_size(self.student, self.feature_layer)
        if self.teacher is None:
            return student, None if self.needs_teacher else 0
        return student, declared_feature_size(self.teacher, self.teacher_feature_layer)

    @torch.no_grad()
    def feature_sizes(
        self, x: torch.Tensor, x_teacher: torch.Tensor | None = None
    ) -> tuple[int, int]:
        """The student's and teacher's feature sizes, from one batch of inputs.

        The student runs in eval mode (its mode is restored); the teacher's
        size is 0 without a teacher.
        """
        if not self.reads_features:
            return 0, 0
        was_training = self.student.training
        self.student.eval()
        _, f_s = forward_with_features(self.student, x, self.feature_layer)
        self.student.train(was_training)
        if self.teacher is None:
            return f_s.shape[1], 0
        _, f_t = self.teacher_outputs(x_teacher)
        return f_s.shape[1], f_t.shape[1]

    def build_distiller(self, sizes: tuple[int, int]) -> Distiller:
        """Build the distiller for these feature sizes, on the student's device."""
        distiller = self.distiller_class(*sizes, **self.distiller_kwargs)
        self.distiller = distiller.to(_device(self.student))
        return self.distiller

    def set_training_labels(self, labels: torch.Tensor) -> None:
        """Give the distiller the training set's labels (row ``i`` = window
        ``index == i``), unless it holds exactly these (a restored state)."""
        if not self.distiller.prepared_for(labels):
            self.distiller.set_training_labels(labels)

    def train(self, mode: bool = True) -> DistillationStep:
        """As ``nn.Module.train``; the teacher stays in eval mode."""
        super().train(mode)
        if self.teacher is not None:
            self.teacher.eval()  # frozen: dropout and batch norm stay off
        return self

    # -- one batch -------------------------------------------------------
    @torch.no_grad()
    def teacher_outputs(
        self, x_teacher: torch.Tensor | None
    ) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        """The teacher's ``(logits, feature)`` of a batch (``(None, None)``
        without a teacher)."""
        if self.teacher is None:
            return None, None
        if x_teacher is None:
            raise ValueError("the step has a teacher: pass x_teacher or its outputs")
        layer = self.teacher_feature_layer
        return forward_with_features(self.teacher, x_teacher, layer)

    def forward(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        index: torch.Tensor | None = None,
        *,
        x_teacher: torch.Tensor | None = None,
        teacher_outputs: tuple[torch.Tensor, torch.Tensor] | None = None,
        x_unlabeled: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """The student's logits and the loss parts of one training batch.

        Parameters
        ----------
        x : Tensor
            The student's inputs, as the student reads them.
        y : Tensor
            The labels.
        index : Tensor, optional
            Each window's row in the training set (memory banks).
        x_teacher : Tensor, optional
            The teacher's inputs; not needed with ``teacher_outputs``.
        teacher_outputs : (Tensor, Tensor), optional
            The teacher's logits and features of this batch, precomputed
            (a trainer's cache); the teacher is then not run.
        x_unlabeled : Tensor, optional
            A batch of unlabelled student inputs for MCC; without it, MCC
            (when on) reads the training batch's logits.

        Returns
        -------
        logits : Tensor
            The student's logits of ``x``.
        losses : dict of str to Tensor
            The parts (see the class docstring) and their weighted sum
            ``"loss"``.
        """
        if not self.reads_features:  # teacher mode, KD, "none": logits alone
            logits, f_s = self.student(x), None
        else:
            logits, f_s = forward_with_features(self.student, x, self.feature_layer)
        ce = self.criterion(logits, y)
        losses = {"ce_loss": ce}
        loss = ce
        if self.distiller_class is not None or self.kd_weight > 0:
            if teacher_outputs is None:
                teacher_outputs = self.teacher_outputs(x_teacher)
            logits_t, f_t = teacher_outputs
        if self.distiller_class is not None:
            if self.distiller is None:
                raise RuntimeError(
                    "the distiller is not built yet: its feature sizes are "
                    "unknown; call build_distiller(feature_sizes(...)) first"
                )
            out = self.distiller(f_s, f_t, logits, logits_t, y, index)
            distill, parts = out, {}
            if isinstance(out, DistillResult):
                distill, parts = out.loss, out.parts
            losses["distill_loss"] = distill
            losses.update({f"distill_{name}": value for name, value in parts.items()})
            loss = loss + self.beta * distill
        if self.kd_weight > 0:
            losses["kd_loss"] = kd_loss(logits, logits_t, self.kd_temperature)
            loss = loss + self.kd_weight * losses["kd_loss"]
        if self.mcc_weight > 0:
            mcc_logits = logits if x_unlabeled is None else self.student(x_unlabeled)
            losses["mcc_loss"] = MCCLoss(self.mcc_temperature)(mcc_logits)
            loss = loss + self.mcc_weight * losses["mcc_loss"]
        losses["loss"] = loss
        return logits, losses


def _device(module: nn.Module) -> torch.device:
    parameter = next(module.parameters(), None)
    return torch.device("cpu") if parameter is None else parameter.device
