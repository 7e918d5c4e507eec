"""Linear projection heads packed into one parameter tensor.

CMCRD projects the student and the teacher feature to a common size with two
linear heads. Kept as two ``nn.Linear`` they are four small tensors, and a
CPU training step pays the optimiser's per-tensor overhead (AdamW runs about
ten small operations per tensor) four times; packed into one flat parameter
it pays it once. The heads compute and initialise exactly as ``nn.Linear``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F


class HeadView:
    """One head of a :class:`PackedLinearHeads`: ``weight``, ``bias``, callable.

    ``weight`` (out, in) and ``bias`` (out,) are views of the packed
    parameter (in-place edits under ``torch.no_grad()`` change it); calling
    the view applies ``F.linear`` with autograd into the packed parameter.
    """

    def __init__(self, heads: PackedLinearHeads, position: int) -> None:
        self._heads, self._position = heads, position

    @property
    def in_features(self) -> int:
        return self._heads.in_features[self._position]

    @property
    def out_features(self) -> int:
        return self._heads.out_features

    @property
    def weight(self) -> torch.Tensor:
        return self._heads.weight_and_bias(self._position)[0]

    @property
    def bias(self) -> torch.Tensor:
        return self._heads.weight_and_bias(self._position)[1]

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight, self.bias)


class PackedLinearHeads(nn.Module):
    """Linear maps ``in_features[i] -> out_features`` in one flat parameter.

    Head ``i`` stores its weight (row-major, ``out x in_i``) then its bias.
    Initialised as ``nn.Linear``: uniform in ``+-1/sqrt(in_i)``.

    Parameters
    ----------
    in_features : sequence of int
        Input size of every head.
    out_features : int
        Common output size.
    """

    def __init__(self, in_features: Sequence[int], out_features: int) -> None:
        super().__init__()
        self.in_features = [int(d) for d in in_features]
        self.out_features = int(out_features)
        sizes = [self.out_features * (d + 1) for d in self.in_features]
        self.offsets = [sum(sizes[:i]) for i in range(len(sizes))]
        self.flat = nn.Parameter(torch.empty(sum(sizes)))
        self._detached_views: tuple | None = None  # (key, views): see below
        self.reset_parameters()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_detached_views"] = None
        return state

    def reset_parameters(self) -> None:
        with torch.no_grad():
            for i, d in enumerate(self.in_features):
                bound = 1.0 / math.sqrt(d) if d > 0 else 0.0
                weight, bias = self.weight_and_bias(i)
                weight.uniform_(-bound, bound)
                bias.uniform_(-bound, bound)

    def split(self, tensor: torch.Tensor, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Views ``(weight, bias)`` of head ``i`` in a tensor shaped like ``flat``.

        For example ``heads.split(heads.flat.grad, 0)`` gives head 0's gradients.
        """
        d, out = self.in_features[i], self.out_features
        start = self.offsets[i]
        weight = tensor[start : start + out * d].view(out, d)
        bias = tensor[start + out * d : start + out * (d + 1)]
        return weight, bias

    def weight_and_bias(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Views ``(weight, bias)`` of head ``i`` in the packed parameter."""
        return self.split(self.flat, i)

    def detached_weights(self) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """``(weight, bias)`` of every head as views of ``flat.detach()``.

        For computations without autograd. The views share ``flat``'s
        storage, so in-place optimiser updates show through; they are made
        once and again only when ``flat``'s storage changes (``.to()``,
        ``.double()``), which saves a dozen view operations per training step.
        """
        flat = self.flat
        key = (flat.data_ptr(), flat.dtype, flat.device, flat.shape)
        if self._detached_views is None or self._detached_views[0] != key:
            data = flat.detach()
            views = [self.split(data, i) for i in range(len(self.in_features))]
            self._detached_views = (key, views)
        return self._detached_views[1]

    def head(self, i: int) -> HeadView:
        """Head ``i`` as an ``nn.Linear``-like callable view."""
        return HeadView(self, i)

    @torch.no_grad()
    def apply_heads(self, inputs: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        """``x_i @ W_i.T + b_i`` for every head, without autograd."""
        return [
            torch.addmm(bias, x, weight.T)
            for x, (weight, bias) in zip(inputs, self.detached_weights(), strict=True)
        ]

    @torch.no_grad()
    def parameter_gradient(
        self,
        inputs: Sequence[torch.Tensor],
        output_grads: Sequence[torch.Tensor | None],
    ) -> torch.Tensor:
        """Gradient of the packed parameter given each head's output gradient.

        ``dW_i = g_i^T x_i`` and ``db_i = sum_rows g_i``; heads whose output
        gradient is ``None`` get zeros.
        """
        pieces = []
        for i, (x, g) in enumerate(zip(inputs, output_grads, strict=True)):
            if g is None:
                size = self.out_features * (self.in_features[i] + 1)
                pieces.append(self.flat.new_zeros(size))
            else:
                pieces += [torch.mm(g.T, x).view(-1), g.sum(dim=0)]
        return torch.cat(pieces)
