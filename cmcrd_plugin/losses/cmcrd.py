"""The CMCRD loss: cross-modal contrastive representation distillation.

Implements ``method.md`` step by step; see :class:`CMCRDLoss`.
"""

from __future__ import annotations

import math
import warnings
from typing import Literal

import torch

from .base import Distiller
from .entropy import log_confidence_weights
from .heads import HeadView, PackedLinearHeads
from .nce import (
    bank_nce,
    candidate_scores,
    gathered_nce,
    signed_negative_counts,
    with_gradients,
)
from .negatives import ClassAwareSampler

NCE_EPS = 1e-7
NORM_EPS = 1e-12  # as F.normalize
Scoring = Literal["auto", "bank", "gather"]


def _unit_rows(u: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``F.normalize(u, dim=-1)`` and the clamped row norms it divided by."""
    norm = torch.linalg.vector_norm(u, dim=-1, keepdim=True).clamp_min_(NORM_EPS)
    return u / norm, norm


def _unit_rows_backward(
    grad_z: torch.Tensor, z: torch.Tensor, norm: torch.Tensor
) -> torch.Tensor:
    """Chain a gradient at ``z = u / |u|`` back to ``u``."""
    radial = (grad_z * z).sum(dim=-1, keepdim=True)
    radial = radial.masked_fill_(norm <= NORM_EPS, 0.0)  # clamped rows: z = u / eps
    return torch.addcmul(grad_z, z, radial, value=-1.0).div_(norm)


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

    State: the heads ``W_s, b_s, W_t, b_t`` live in one parameter,
    ``heads.flat`` (:class:`~cmcrd_plugin.losses.heads.PackedLinearHeads`;
    ``embed_s`` / ``embed_t`` are ``nn.Linear``-like views), and both banks in
    one buffer ``memory`` (2, n_data, d), ``memory[0] = M_s`` and
    ``memory[1] = M_t`` (also as ``memory_s`` / ``memory_t``). The loss and
    its gradient are computed together in forward, for both views at once
    (:mod:`cmcrd_plugin.losses.nce`); ``backward`` only chains that gradient
    into the student, so the banks can be updated in place.

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
    scoring : {"auto", "bank", "gather"}
        ``"bank"`` scores the batch against the whole bank with one matrix
        product and picks the candidates; ``"gather"`` gathers ``K + 1``
        memory rows per window (the authors' way). Both give the same values;
        ``"auto"`` picks ``"bank"`` unless the bank is much larger than the
        candidate set.
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
        scoring: Scoring = "auto",
    ) -> None:
        super().__init__(student_dim, teacher_dim)
        if scoring not in ("auto", "bank", "gather"):
            raise ValueError(
                f"scoring must be 'auto', 'bank' or 'gather', got {scoring!r}"
            )
        self.requested_negatives = int(n_negatives)
        self.feat_dim = feat_dim
        self.temperature = temperature
        self.momentum = momentum
        self.weighted, self.gated, self.signed = weighted, gated, signed
        self.scoring = scoring
        # W_s, b_s and W_t, b_t: one parameter tensor (see heads.py)
        self.heads = PackedLinearHeads([student_dim, teacher_dim], feat_dim)
        # both banks in one buffer: memory[0] = M_s, memory[1] = M_t
        self.register_buffer("memory", torch.empty(2, 0, feat_dim))
        # normalising constants Z_s, Z_t; 0 means "not fixed yet"
        self.register_buffer("norm_s", torch.zeros(()))
        self.register_buffer("norm_t", torch.zeros(()))
        self._sampler: ClassAwareSampler | None = None
        self._log_norm_cache: tuple | None = None  # see _log_normalisers
        if labels is not None:
            self.set_training_labels(labels)

    @property
    def embed_s(self) -> HeadView:
        """The student head ``W_s, b_s`` (a view into :attr:`heads`)."""
        return self.heads.head(0)

    @property
    def embed_t(self) -> HeadView:
        """The teacher head ``W_t, b_t`` (a view into :attr:`heads`)."""
        return self.heads.head(1)

    @property
    def memory_s(self) -> torch.Tensor:
        """``M_s`` (n_data, d): the bank of student embeddings (``memory[0]``)."""
        return self.memory[0]

    @memory_s.setter
    def memory_s(self, value: torch.Tensor) -> None:
        self._set_bank(0, value)

    @property
    def memory_t(self) -> torch.Tensor:
        """``M_t`` (n_data, d): the bank of teacher embeddings (``memory[1]``)."""
        return self.memory[1]

    @memory_t.setter
    def memory_t(self, value: torch.Tensor) -> None:
        self._set_bank(1, value)

    @torch.no_grad()
    def _set_bank(self, position: int, value: torch.Tensor) -> None:
        value = torch.as_tensor(value)
        bank = self.memory[position]
        if value.shape != bank.shape:
            raise ValueError(
                f"a memory bank of this loss has shape {tuple(bank.shape)} "
                f"(n_data, feat_dim); got {tuple(value.shape)}"
            )
        bank.copy_(value)

    @property
    def n_negatives(self) -> int:
        """``K`` actually used: ``n_negatives`` clamped to ``n_data - 1``."""
        return min(self.requested_negatives, max(self.n_data - 1, 0))

    def set_training_labels(self, labels: torch.Tensor) -> None:
        """(Re)create both banks for a training set with these window labels.

        Rows are drawn uniformly in ``[-s, s]``, ``s = 1/sqrt(d/3)``; the
        normalising constants are fixed again from the next batch.
        """
        labels = torch.as_tensor(labels).long().reshape(-1).to(self.norm_s.device)
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
        device = self.norm_s.device
        dtype = self.memory.dtype
        self.memory = (
            torch.rand(2, n_data, self.feat_dim, device=device, dtype=dtype) * 2 * stdv
            - stdv
        )
        super().set_training_labels(labels)
        self.norm_s.zero_()
        self.norm_t.zero_()
        self._sampler = None

    # -- helpers ---------------------------------------------------------
    def _get_sampler(self) -> ClassAwareSampler:
        sampler = self._sampler
        if sampler is None or sampler.table.device != self.train_labels.device:
            sampler = self._sampler = ClassAwareSampler(self.train_labels)
        return sampler

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_sampler"] = None
        state["_log_norm_cache"] = None
        return state

    def _log_normalisers(self) -> torch.Tensor | None:
        """``[[log Z_t], [log Z_s]]`` (view order), or ``None`` before they are fixed.

        Computed again only when a constant changes (fixed from a batch,
        loaded, moved or replaced); this saves a handful of operations per
        training step.
        """
        norms = (self.norm_t, self.norm_s)
        key = tuple((id(n), n.data_ptr(), n._version, n.dtype) for n in norms)
        cached = self._log_norm_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        if self.norm_s <= 0:
            return None
        logs = torch.log(torch.stack(norms))[:, None]
        self._log_norm_cache = (key, logs)
        return logs

    def _load_from_state_dict(self, *args, **kwargs) -> None:
        super()._load_from_state_dict(*args, **kwargs)  # adopts saved bank sizes
        self._sampler = None  # labels may have changed

    def sample_negatives(self, y: torch.Tensor) -> torch.Tensor:
        """Class-aware negative indices, shape (len(y), n_negatives)."""
        return self._get_sampler()(y, self.n_negatives)

    def use_bank_scoring(self) -> bool:
        """Whether the whole-bank matrix product is used for scoring."""
        if self.scoring == "auto":
            return self.n_data <= 16 * (self.n_negatives + 1)
        return self.scoring == "bank"

    @torch.no_grad()
    def _update_memory(self, index: torch.Tensor, z: torch.Tensor) -> None:
        """``M[n_i] <- l2norm(mu M[n_i] + (1 - mu) z_i)`` for both banks at once.

        ``z`` is (2, B, d) in bank order (``z_s`` then ``z_t``). In place: the
        gradients of this batch were computed in forward, so no autograd
        graph holds the old rows.
        """
        rows = self.memory[:, index].lerp_(z, 1.0 - self.momentum)
        rows, _ = _unit_rows(rows)
        self.memory.index_copy_(1, index, rows)

    @torch.no_grad()
    def _fix_normalisers(
        self, z_s: torch.Tensor, z_t: torch.Tensor, candidates: torch.Tensor
    ) -> None:
        """``Z = mean(exp(score / tau)) * n_data`` over the first batch's candidates."""
        bank = self.use_bank_scoring()
        for norm, anchor, memory in (
            (self.norm_s, z_s, self.memory_t),
            (self.norm_t, z_t, self.memory_s),
        ):
            scores = candidate_scores(anchor, memory, candidates, bank)
            norm.fill_(torch.exp(scores / self.temperature).mean().item() * self.n_data)

    # -- forward ---------------------------------------------------------
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

        The value and its gradient with respect to both embeddings are
        computed together (:mod:`cmcrd_plugin.losses.nce`); ``backward``
        chains that gradient through the heads into the student. In training
        mode the banks are then updated in place.

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
        if index.dtype != torch.long:
            index = index.long()
        if y.dtype != torch.long:
            y = y.long()
        features = (f_s.flatten(1), f_t.detach().flatten(1))
        flat = self.heads.flat
        want_f = torch.is_grad_enabled() and f_s.requires_grad
        want_p = torch.is_grad_enabled() and flat.requires_grad
        # inference mode: no autograd bookkeeping for the ~100 tensor operations
        # below (views included); what leaves the block is cloned into normal
        # tensors, since inference tensors cannot enter autograd
        with torch.inference_mode():
            u_s, u_t = self.heads.apply_heads(features)
            # the two views stacked, anchors in the order of the banks they are
            # scored against: view 0 = z_t on M_s, view 1 = z_s on M_t
            z, norms = _unit_rows(torch.stack([u_t, u_s]))
            batch = len(y)
            # right[0]: the teacher is right, right[1]: the student is right
            right = torch.stack([logits_t, logits_s]).argmax(dim=2) == y
            sign = right[0].to(z.dtype) * 2 - 1 if self.signed else z.new_ones(batch)
            if negatives is None:
                negatives = self.sample_negatives(y)
            if negatives.dtype != torch.long:
                negatives = negatives.long()
            log_norms = self._log_normalisers()
            if log_norms is None:  # Z_s, Z_t: fixed once, from the first batch
                candidates = torch.cat([index[:, None], negatives], dim=1)
                self._fix_normalisers(z[1], z[0], candidates)
                log_norms = self._log_normalisers()
            k = negatives.shape[1]
            k_pn = k / self.n_data
            log_c = math.log(k_pn + NCE_EPS)
            log_w = (
                log_confidence_weights(torch.softmax(logits_t, dim=1))
                if self.weighted
                else z.new_zeros(batch)
            )
            bias = (log_w - log_c) - log_norms
            need_grad = want_f or want_p
            if self.use_bank_scoring():
                counts = signed_negative_counts(negatives, self.n_data, sign)
                view = bank_nce(
                    z,
                    self.memory,
                    index,
                    counts,
                    bias,
                    sign,
                    self.temperature,
                    need_grad,
                    grad_scale=1.0 / batch,
                )
            else:
                candidates = torch.cat([index[:, None], negatives], dim=1)
                view = gathered_nce(
                    z,
                    self.memory,
                    candidates,
                    bias,
                    sign,
                    self.temperature,
                    need_grad,
                    grad_scale=1.0 / batch,
                )
            # the constant log(K Pn / c) terms of the negatives, both views
            constant = 2 * k * (math.log(k_pn) - log_c)
            value = torch.sub(view.value, sign.sum(), alpha=constant).div_(batch)
            inputs, input_grads = [], []
            if need_grad:
                grad = view.grad  # of the loss (the 1/B included)
                if self.gated:  # these rows enter the loss detached: view 0's
                    # z_t where only the teacher is right, view 1's z_s where
                    # only the student is
                    detached = right > right.flip(0)  # right here, wrong there
                    grad = grad.masked_fill_(detached[:, :, None], 0.0)
                grad_t, grad_s = _unit_rows_backward(grad, z, norms)
                if want_f:  # through W_s into the student
                    inputs.append(f_s)
                    w_s = self.heads.detached_weights()[0][0]
                    input_grads.append((grad_s @ w_s).view_as(f_s))
                if want_p:
                    inputs.append(flat)
                    input_grads.append(
                        self.heads.parameter_gradient(features, (grad_s, grad_t))
                    )
            if self.training:
                self._update_memory(index, z.flip(0))
        value = value.clone()
        if not inputs:
            return value
        grads = tuple(g.clone() for g in input_grads)
        return with_gradients(value, tuple(inputs), grads)


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
