"""Memory banks under data-parallel training: 2 CPU processes, gloo, loopback."""

import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from cmcrd_plugin.losses import CMCRDLoss
from cmcrd_plugin.losses.distributed import gather_rows, world_size

N_DATA, BATCH, STEPS, D_S, D_T = 64, 8, 4, 12, 10  # BATCH rows per rank and step


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _inputs():
    """Fixed features, logits, labels and the global batches' rows."""
    g = torch.Generator().manual_seed(0)
    labels = torch.arange(N_DATA) % 3
    f_s, f_t = (
        torch.randn(N_DATA, D_S, generator=g),
        torch.randn(N_DATA, D_T, generator=g),
    )
    logits = torch.randn(N_DATA, 3, generator=g), torch.randn(N_DATA, 3, generator=g)
    order = torch.randperm(N_DATA, generator=g)[: STEPS * 2 * BATCH].view(STEPS, -1)
    # fixed negatives per window: the constants Z depend on the negatives drawn
    negatives = torch.randint(0, N_DATA, (N_DATA, 20), generator=g)
    return labels, f_s, f_t, logits, order, negatives


def _loss(labels) -> CMCRDLoss:
    torch.manual_seed(1)  # the same heads and banks on every rank
    loss = CMCRDLoss(D_S, D_T, feat_dim=16, n_negatives=20)
    loss.set_training_labels(labels)
    loss.across_ranks = True  # as CMCRDTrainer sets it under DDP
    return loss.train()


def _train(loss, rows_of_step, inputs) -> None:
    labels, f_s, f_t, (logits_s, logits_t), _, negatives = inputs
    for r in rows_of_step:
        loss(f_s[r], f_t[r], logits_s[r], logits_t[r], labels[r], r, negatives[r])


def _rank(rank: int, port: int, out: str) -> None:
    dist.init_process_group(
        "gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=2
    )
    try:
        inputs = _inputs()
        loss = _loss(inputs[0])
        # each rank takes its share of every global batch, as DistributedSampler
        shares = [step.view(2, BATCH)[rank] for step in inputs[4]]
        _train(loss, shares, inputs)
        local = _loss(inputs[0])
        local.across_ranks = False  # one model per process: nothing shared
        _train(local, shares, inputs)
        uneven = gather_rows(torch.full((rank + 1, 2), rank))  # 1 row, then 2
        torch.save(
            {"state": loss.state_dict(), "local": local.memory, "uneven": uneven},
            f"{out}/{rank}.pt",
        )
    finally:
        dist.destroy_process_group()


@pytest.mark.timeout(120)
def test_banks_are_identical_across_ranks_and_equal_one_process(tmp_path):
    mp.spawn(_rank, args=(_free_port(), str(tmp_path)), nprocs=2, join=True)
    ranks = [torch.load(tmp_path / f"{r}.pt") for r in range(2)]
    for key in ("memory", "norm_s", "norm_t"):
        assert torch.equal(ranks[0]["state"][key], ranks[1]["state"][key]), key
    inputs = _inputs()
    single = _loss(inputs[0])
    _train(single, list(inputs[4]), inputs)  # the same global batches, at once
    assert world_size() == 1
    for key in ("memory", "norm_s", "norm_t"):
        torch.testing.assert_close(
            ranks[0]["state"][key], single.state_dict()[key], atol=1e-6, rtol=1e-6
        )
    touched = inputs[4].flatten()
    assert not torch.equal(
        single.memory[:, touched], _loss(inputs[0]).memory[:, touched]
    )
    assert not torch.equal(ranks[0]["local"], ranks[1]["local"])
    expected = torch.tensor([[0, 0], [1, 1], [1, 1]])
    assert torch.equal(ranks[0]["uneven"], expected)
    assert torch.equal(ranks[1]["uneven"], expected)


def test_a_window_twice_in_one_update_keeps_its_last_row():
    labels = _inputs()[0]
    twice, once = _loss(labels), _loss(labels)
    z_s, z_t = torch.randn(3, 16), torch.randn(3, 16)  # two rows for window 3
    twice._update_memory(torch.tensor([3, 5, 3]), z_s, z_t)
    once._update_memory(torch.tensor([5, 3]), z_s[1:], z_t[1:])
    torch.testing.assert_close(twice.memory, once.memory, rtol=0, atol=0)
