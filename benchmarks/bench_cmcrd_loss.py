"""CMCRD loss forward + backward: ours vs a straightforward gather-rows reference.

"ours" is :class:`CMCRDLoss` as trained (whole-bank matrix-product scoring and
a fused NCE with an analytic backward); "reference" is
:func:`cmcrd_plugin.losses.reference.gather_rows_cmcrd_loss`, the authors'
way (gather K + 1 memory rows per window, batched matrix-vector product,
autograd through every op). Both see the same heads, banks, constants and
negatives; the table gives the median time per batch of each in the same
run, the speed-up and the relative difference of the loss values and of the
gradients. Random features: a speed test, not an accuracy result.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from cmcrd_plugin.losses import ClassAwareSampler, CMCRDLoss
from cmcrd_plugin.losses.reference import gather_rows_cmcrd_loss


def _timed(fn, repeats):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def compare(n_data, k, batch, dim, repeats):
    gen = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 5, (n_data,), generator=gen)
    loss_fn = CMCRDLoss(dim, dim, labels, feat_dim=dim, n_negatives=k).eval()
    f_s = torch.randn(batch, dim, generator=gen, requires_grad=True)
    f_t = torch.randn(batch, dim, generator=gen)
    o_s, o_t = (
        torch.randn(batch, 5, generator=gen),
        torch.randn(batch, 5, generator=gen),
    )
    index = torch.randperm(n_data, generator=gen)[:batch]
    y = labels[index]
    negatives = ClassAwareSampler(labels)(y, loss_fn.n_negatives, gen)
    args = (f_s, f_t, o_s, o_t, y, index)

    def ours():
        value = loss_fn(*args, negatives=negatives)
        (grad,) = torch.autograd.grad(value, f_s)
        return value.item(), grad

    def reference():
        value = gather_rows_cmcrd_loss(loss_fn, *args, negatives)
        (grad,) = torch.autograd.grad(value, f_s)
        return value.item(), grad

    ours()  # fixes the normalising constants; warm-up
    reference()
    t_ref, (v_ref, g_ref) = _timed(reference, repeats)
    t_ours, (v_ours, g_ours) = _timed(ours, repeats)
    rel_value = abs(v_ours - v_ref) / abs(v_ref)
    rel_grad = ((g_ours - g_ref).norm() / g_ref.norm()).item()
    return t_ref, t_ours, rel_value, rel_grad


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
    header = ("n_data", "K", "ref ms", "ours ms", "speed-up", "rel value", "rel grad")
    print("".join(f"{h:>11}" for h in header))
    for n_data, k in ((1200, 1000), (27000, 24000)):
        t_ref, t_ours, rel_v, rel_g = compare(
            n_data, k, args.batch, args.dim, args.repeats
        )
        print(
            f"{n_data:>11}{k:>11}{1e3 * t_ref:>11.2f}{1e3 * t_ours:>11.2f}"
            f"{t_ref / t_ours:>10.1f}x{rel_v:>11.1e}{rel_g:>11.1e}"
        )


if __name__ == "__main__":
    main()
