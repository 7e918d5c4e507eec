"""Memory banks under data-parallel training (torch.distributed, Lightning DDP).

Each process sees its own share of every global batch. For the banks of the
contrastive distillers to stay identical on every rank, and equal to one
process over the same global batches, the rows of the update are gathered
from all ranks (in rank order) before it, and the normalising constants,
fixed from the first batch, are averaged across ranks. Outside a process
group (or with one process) both are the identity.
"""

from __future__ import annotations

import torch
import torch.distributed as dist


def world_size() -> int:
    """The number of processes of the default group (1 outside one)."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    return 1


@torch.no_grad()
def gather_rows(tensor: torch.Tensor, dim: int = 0) -> torch.Tensor:
    """``tensor`` of every rank, concatenated along ``dim`` in rank order.

    Ranks may hold different numbers of rows (a last, smaller batch): the
    sizes are exchanged first and the rows padded for the exchange.
    """
    if world_size() == 1:
        return tensor
    size = torch.tensor([tensor.shape[dim]], device=tensor.device)
    sizes = [torch.zeros_like(size) for _ in range(world_size())]
    dist.all_gather(sizes, size)
    longest = int(max(sizes))
    padding = list(tensor.shape)
    padding[dim] = longest - tensor.shape[dim]
    padded = torch.cat([tensor, tensor.new_zeros(padding)], dim=dim)
    parts = [torch.empty_like(padded) for _ in sizes]
    dist.all_gather(parts, padded.contiguous())
    return torch.cat(
        [part.narrow(dim, 0, int(n)) for part, n in zip(parts, sizes, strict=True)],
        dim=dim,
    )


@torch.no_grad()
def mean_across_ranks(tensor: torch.Tensor) -> torch.Tensor:
    """The mean of ``tensor`` over all ranks (``tensor`` itself outside a group)."""
    if world_size() == 1:
        return tensor
    total = tensor.clone()
    dist.all_reduce(total)
    return total / world_size()
