"""The CMCRD loss: cross-modal contrastive representation distillation.

Implements ``docs/method.md`` ("Student loss") step by step with autograd;
see :class:`CMCRDLoss`.
"""

from __future__ import annotations

import math
import warnings

import torch
from torch import nn
from torch.nn import functional as F

from .base import Distiller
from .distributed import gather_rows, mean_across_ranks
from .entropy import confidence_weights
from .negatives import ClassAwareSampler

NCE_EPS = 1e-7
#: the banks' rows in the buffer ``memory``: M_s, then M_t
BANKS = ("memory_s", "memory_t")


class CMCRDLoss(Distiller):
    r"""Cross-modal contrastive representation distillation loss.

    For a batch of student features ``f_s``, teacher features ``f_t``
    (computed without gradient), logits ``o_s``, ``o_t``, labels ``y`` and the
    index ``n_i`` of every window in the training set:

    1. ``z_s = l2norm(W_s f_s + b_s)``, ``z_t = l2norm(W_t f_t + b_t)``.
    2. Teacher-confidence weights ``w = 1 + exp(-H(softmax(o_t)))``,
       normalised to mean 1 (``weighted``).
    3. Unimodality gating (``gated``): where only the student is right,
       ``z_s`` enters detached; where only the teacher is right, ``z_t``
       enters detached. Sign ``m_i = +1`` where the teacher is right, ``-1``
       otherwise (``signed``).
    4. Two memory banks ``M_s``, ``M_t`` (one row per training window,
       initialised uniformly in ``[-s, s]``, ``s = 1/sqrt(d/3)``); candidates
       are ``n_i`` followed by ``K`` negatives of other classes.
       ``P^s_ij = w_i exp(z_s,i . M_t[j] / tau) / Z_s`` and
       ``P^t_ij = w_i exp(z_t,i . M_s[j] / tau) / Z_t``, with ``Z`` fixed from
       the first batch as ``mean(exp(.)) * n_data``.
    5. ``L^v = -(1/B) sum_i m_i [log(P_i,pos / (P_i,pos + K Pn + eps)) +
       sum_neg log(K Pn / (P_ij + K Pn + eps))]``, ``Pn = 1/n_data``;
       the loss is ``L^s + L^t``.
    6. In training mode, after scoring:
       ``M[n_i] <- l2norm(mu M[n_i] + (1 - mu) z_i)`` for both banks.

    With ``weighted=gated=signed=False`` this is plain CRD.

    Every anchor is scored against its whole bank with one matrix product,
    from which the ``K + 1`` candidate scores are picked: the same values as
    gathering the candidate rows (the authors' way), and far cheaper while
    ``K`` is a sizeable part of ``n_data`` (``K = 1000`` of 1200 windows per
    subject, 24,000 of 27,000 across subjects). The two views go through
    the same operations, so they are computed together: the teacher and
    student anchors, stacked, against the banks, stacked (one batched matrix
    product, one NCE).

    State: the heads ``embed_s`` (``W_s, b_s``) and ``embed_t`` (``W_t,
    b_t``), both ``nn.Linear``; the buffer ``memory`` (2, n_data, d) holding
    both banks, ``memory_s`` (``M_s``, ``memory[0]``) and ``memory_t``
    (``M_t``, ``memory[1]``); ``norm_s`` (``Z_s``) and ``norm_t`` (``Z_t``),
    0 until fixed; and ``train_labels``. Assigning a bank
    (``loss.memory_s = rows``) copies ``rows`` in at the bank's dtype and
    device; its shape must be the bank's.

    Parameters
    ----------
    student_dim, teacher_dim : int
        Sizes of the student and teacher features (inputs of their heads).
    labels : Tensor, shape (n_data,), optional
        Label of every training window; sizes the banks and drives the
        class-aware negatives. Without it, call :meth:`set_training_labels`
        before the first forward (trainers do this once the training set is
        known).
    feat_dim : int
        Embedding size ``d``.
    n_negatives : int
        ``K``; clamped to ``n_data - 1``.
    temperature : float
        ``tau``.
    momentum : float
        ``mu`` of the memory update (0.05 in the authors' code).
    weighted, gated, signed : bool
        Switch the CMCRD additions to CRD on or off.
    """

    default_weight = 0.02

    def __init__(
        self,
        student_dim: int,
        teacher_dim: int,
        labels: torch.Tensor | None = None,
        feat_dim: int = 128,
        n_negatives: int = 1000,
        temperature: float = 0.07,
        momentum: float = 0.05,
        weighted: bool = True,
        gated: bool = True,
        signed: bool = True,
    ) -> None:
        super().__init__(student_dim, teacher_dim)
        self.requested_negatives = int(n_negatives)
        self.feat_dim = feat_dim
        self.temperature = temperature
        self.momentum = momentum
        self.weighted, self.gated, self.signed = weighted, gated, signed
        self.embed_s = nn.Linear(student_dim, feat_dim)
        self.embed_t = nn.Linear(teacher_dim, feat_dim)
        # both banks, M_s then M_t; sized by set_training_labels
        self.register_buffer("memory", torch.empty(2, 0, feat_dim))
        # normalising constants Z_s, Z_t; 0 means "not fixed yet"
        self.register_buffer("norm_s", torch.zeros(()))
        self.register_buffer("norm_t", torch.zeros(()))
        #: gather the bank updates of every rank of torch.distributed's default
        #: group (set by CMCRDTrainer under DDP; off for one process per model)
        self.across_ranks = False
        self._sampler: ClassAwareSampler | None = None
        if labels is not None:
            self.set_training_labels(labels)

    @property
    def memory_s(self) -> torch.Tensor:
        """``M_s`` (n_data, d): the bank of student embeddings, ``memory[0]``."""
        return self.memory[0]

    @memory_s.setter
    def memory_s(self, rows) -> None:
        self._set_bank(0, rows)

    @property
    def memory_t(self) -> torch.Tensor:
        """``M_t`` (n_data, d): the bank of teacher embeddings, ``memory[1]``."""
        return self.memory[1]

    @memory_t.setter
    def memory_t(self, rows) -> None:
        self._set_bank(1, rows)

    def _set_bank(self, position: int, rows) -> None:
        bank = self.memory[position]
        rows = torch.as_tensor(rows, dtype=bank.dtype, device=bank.device)
        if rows.shape != bank.shape:
            raise ValueError(
                f"{type(self).__name__}.{BANKS[position]} has shape "
                f"{tuple(bank.shape)} (n_data, feat_dim); got {tuple(rows.shape)} "
                "(a training set of another size: call set_training_labels)"
            )
        memory = self.memory.clone()
        memory[position] = rows
        self.memory = memory

    @property
    def n_negatives(self) -> int:
        """``K`` actually used: ``n_negatives`` clamped to ``n_data - 1``."""
        return min(self.requested_negatives, max(self.n_data - 1, 0))

    def set_training_labels(self, labels: torch.Tensor) -> None:
        """(Re)create both banks for a training set with these window labels.

        Rows are drawn uniformly in ``[-s, s]``, ``s = 1/sqrt(d/3)``; the
        normalising constants are fixed again from the next batch.
        """
        device = self.norm_s.device
        labels = torch.as_tensor(labels).long().reshape(-1).to(device)
        n_data = len(labels)
        if n_data < 2:
            raise ValueError(
                f"CMCRDLoss needs at least 2 training windows, got {n_data}"
            )
        if len(torch.unique(labels)) < 2:
            raise ValueError("CMCRDLoss needs training windows of at least 2 classes")
        if self.requested_negatives > n_data - 1:
            warnings.warn(
                f"n_negatives={self.requested_negatives} exceeds the {n_data - 1} "
                f"other training windows; using {n_data - 1}",
                stacklevel=2,
            )
        stdv = 1.0 / math.sqrt(self.feat_dim / 3)
        rows = torch.rand(
            2, n_data, self.feat_dim, device=device, dtype=self.memory.dtype
        )
        self.memory = rows * 2 * stdv - stdv  # the banks change size
        super().set_training_labels(labels)
        self.norm_s.zero_()
        self.norm_t.zero_()
        self._sampler = None

    def _load_from_state_dict(self, *args, **kwargs) -> None:
        super()._load_from_state_dict(*args, **kwargs)  # adopts saved bank sizes
        self._sampler = None  # labels may have changed

    def sample_negatives(self, y: torch.Tensor) -> torch.Tensor:
        """Class-aware negative indices, shape (len(y), n_negatives)."""
        sampler = self._sampler
        if sampler is None or sampler.table.device != self.train_labels.device:
            sampler = self._sampler = ClassAwareSampler(self.train_labels)
        return sampler(y, self.n_negatives)

    def _nce(
        self,
        anchors: torch.Tensor,
        candidates: torch.Tensor,
        weights: torch.Tensor,
        sign: torch.Tensor,
    ) -> torch.Tensor:
        """``L^t + L^s`` (CRD eq. 18) of both views; fixes ``Z`` if unset.

        ``anchors`` (2, B, d) are the teacher's and the student's, scored
        against ``memory`` (M_s, M_t) respectively. With ``c = K Pn + eps``
        and ``x_ij = log(P_ij) - log(c)``, the positive's term
        ``log(P / (P + c))`` is ``logsigmoid(x)`` and a negative's
        ``log(K Pn / (P + c))`` is ``log(K Pn / c) - softplus(x)``: the same
        values, without overflow in ``exp``.
        """
        banks = self.memory.transpose(1, 2)
        scores = torch.bmm(anchors / self.temperature, banks)
        scores = scores.gather(2, candidates.expand(2, -1, -1))
        norms = torch.stack([self.norm_t, self.norm_s])  # view order
        if self.norm_s <= 0:  # Z: fixed once, from the first (global) batch
            with torch.no_grad():
                norms = scores.exp().mean(dim=(1, 2)) * self.n_data
                if self.across_ranks:
                    norms = mean_across_ranks(norms)
                self.norm_t.copy_(norms[0])
                self.norm_s.copy_(norms[1])
        k = candidates.shape[1] - 1
        k_pn = k / self.n_data
        log_c = math.log(k_pn + NCE_EPS)
        x = scores + (torch.log(weights / norms[:, None]) - log_c)[..., None]
        positive = F.logsigmoid(x[..., 0])
        negatives = (math.log(k_pn) - log_c) * k - F.softplus(x[..., 1:]).sum(dim=2)
        return -(sign * (positive + negatives)).mean(dim=1).sum()

    @torch.no_grad()
    def _update_memory(
        self, index: torch.Tensor, z_s: torch.Tensor, z_t: torch.Tensor
    ) -> None:
        """``M[n_i] <- l2norm(mu M[n_i] + (1 - mu) z_i)`` for both banks.

        Out of place: autograd saved the banks as they were scored, for this
        batch's backward pass. With ``across_ranks`` (data-parallel training)
        the rows of every rank are gathered first, so that all ranks hold the
        same banks. A window twice in the rows (a sampler's padding) is
        updated once, with its last row.
        """
        mu = self.momentum
        z = torch.stack([z_s, z_t])
        if self.across_ranks:
            index, z = gather_rows(index), gather_rows(z, dim=1)
        rows = torch.arange(len(index), device=index.device)
        unique, inverse = torch.unique(index, return_inverse=True)
        if len(unique) < len(index):
            last = torch.full_like(unique, -1).scatter_reduce(0, inverse, rows, "amax")
            index, z = index[last], z[:, last]
        updated = F.normalize(mu * self.memory[:, index] + (1 - mu) * z, dim=2)
        self.memory = self.memory.index_copy(1, index, updated)

    def forward(
        self,
        f_s: torch.Tensor,
        f_t: torch.Tensor,
        logits_s: torch.Tensor,
        logits_t: torch.Tensor,
        y: torch.Tensor,
        index: torch.Tensor,
        negatives: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """The CMCRD loss of one batch (a scalar tensor).

        In training mode the banks are then updated with this batch's
        embeddings.

        Parameters
        ----------
        f_s, f_t : Tensor, shape (B, student_dim), (B, teacher_dim)
            Student and teacher features (flattened inputs of their heads).
        logits_s, logits_t : Tensor, shape (B, n_classes)
        y : Tensor, shape (B,)
            Labels.
        index : Tensor, shape (B,)
            Row of every window in the memory banks (0..n_data-1).
        negatives : Tensor, shape (B, K), optional
            Fixed negative indices; drawn class-aware when omitted.
        """
        if self.n_data == 0:
            raise RuntimeError(
                "CMCRDLoss has no memory banks yet; call set_training_labels(labels)"
            )
        y, index = y.long(), index.long()
        logits_t = logits_t.detach()
        z_s = F.normalize(self.embed_s(f_s.flatten(1)), dim=1)
        z_t = F.normalize(self.embed_t(f_t.detach().flatten(1)), dim=1)
        if self.weighted:
            weights = confidence_weights(torch.softmax(logits_t, dim=1))
        else:
            weights = z_s.new_ones(len(y))
        teacher_right = logits_t.argmax(dim=1) == y
        student_right = logits_s.argmax(dim=1) == y
        anchor_s, anchor_t = z_s, z_t
        if self.gated:
            only_student = (student_right & ~teacher_right)[:, None]
            only_teacher = (teacher_right & ~student_right)[:, None]
            anchor_s = torch.where(only_student, z_s.detach(), z_s)
            anchor_t = torch.where(only_teacher, z_t.detach(), z_t)
        if self.signed:
            sign = torch.where(teacher_right, 1.0, -1.0).to(z_s.dtype)
        else:
            sign = z_s.new_ones(len(y))
        if negatives is None:
            negatives = self.sample_negatives(y)
        candidates = torch.cat([index[:, None], negatives.long()], dim=1)
        # view order: the teacher's anchors on M_s, the student's on M_t
        loss = self._nce(torch.stack([anchor_t, anchor_s]), candidates, weights, sign)
        if self.training:
            self._update_memory(index, z_s.detach(), z_t.detach())
        return loss


class CRDLoss(CMCRDLoss):
    """Plain CRD (Tian et al., 2020): :class:`CMCRDLoss` without the teacher-
    confidence weights, the unimodality gating and the signs.

    Same memory banks, class-aware negatives, momentum and defaults otherwise.
    """

    default_weight = 0.02

    def __init__(
        self, student_dim: int, teacher_dim: int, labels=None, **kwargs
    ) -> None:
        for flag in ("weighted", "gated", "signed"):
            if kwargs.pop(flag, False):
                raise ValueError(f"CRDLoss has no {flag!r} option; use CMCRDLoss")
        super().__init__(
            student_dim,
            teacher_dim,
            labels,
            weighted=False,
            gated=False,
            signed=False,
            **kwargs,
        )
