"""CMCRD loss: whole-bank matrix-product scoring vs the authors' gather-rows way.

Prints, for each (n_data, K), the median forward + backward time per batch of
both scorings measured in the same run, their ratio, and the largest relative
difference of the loss values (they must agree). Run with ``tox -e bench`` or
``python benchmarks/bench_cmcrd_loss.py``. Random features: a speed test, not
an accuracy result.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from cmcrd_plugin.losses import ClassAwareSampler, CMCRDLoss


def time_scoring(scoring, labels, batch, d, k, repeats, seed=0):
    torch.manual_seed(seed)
    loss_fn = CMCRDLoss(d, d, labels, feat_dim=d, n_negatives=k, scoring=scoring).eval()
    gen = torch.Generator().manual_seed(seed)
    f_s = torch.randn(batch, d, generator=gen, requires_grad=True)
    f_t = torch.randn(batch, d, generator=gen)
    o_s, o_t = (
        torch.randn(batch, 5, generator=gen),
        torch.randn(batch, 5, generator=gen),
    )
    index = torch.randperm(len(labels), generator=gen)[:batch]
    y = labels[index]
    negatives = ClassAwareSampler(labels)(y, loss_fn.n_negatives, gen)
    times, values = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        value = loss_fn(f_s, f_t, o_s, o_t, y, index, negatives=negatives)
        value.backward()
        times.append(time.perf_counter() - started)
        values.append(value.item())
        f_s.grad = None
    return statistics.median(times), values[-1]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--dim", type=int, default=128)
    args = parser.parse_args(argv)
    print(
        f"CMCRD loss forward+backward, B={args.batch}, d={args.dim}, "
        f"torch threads={torch.get_num_threads()}"
    )
    header = ("n_data", "K", "gather ms", "bank ms", "speed-up", "rel diff")
    print("".join(f"{h:>10}" for h in header))
    for n_data, k in ((1200, 1000), (27000, 24000)):
        labels = torch.randint(
            0, 5, (n_data,), generator=torch.Generator().manual_seed(1)
        )
        t_gather, v_gather = time_scoring(
            "gather", labels, args.batch, args.dim, k, args.repeats
        )
        t_bank, v_bank = time_scoring(
            "bank", labels, args.batch, args.dim, k, args.repeats
        )
        rel = abs(v_bank - v_gather) / max(abs(v_gather), 1e-12)
        print(
            f"{n_data:>10}{k:>10}{1e3 * t_gather:>10.2f}{1e3 * t_bank:>10.2f}"
            f"{t_gather / t_bank:>9.1f}x{rel:>10.1e}"
        )


if __name__ == "__main__":
    main()
