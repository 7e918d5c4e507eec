"""CMCRD loss forward + backward: ours vs a straightforward gather-rows reference.

"ours" is :class:`CMCRDLoss` as trained (every anchor scored against its
whole bank with one matrix product, the candidates picked from it; autograd
for the gradient); "reference" is
:func:`cmcrd_plugin.losses.reference.gather_rows_cmcrd_loss`, the authors'
way (gather K + 1 memory rows per window, batched matrix-vector product,
autograd through every op). Both see the same heads, banks, constants and
negatives; the table gives the median time per batch of each in the same
run and the speed-up. Both run in float32; the error columns give each one's
relative error (loss value, gradient norm) against the same reference
evaluated in float64. Random features: a speed test, not an accuracy result.

Targets (speed-up over the reference): at least 4x at n_data = 1200, K = 1000
(one SEED-V subject) and at least 20x at n_data = 27000, K = 24000 (the
cross-subject size).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time

import torch

from cmcrd_plugin.losses import ClassAwareSampler, CMCRDLoss
from cmcrd_plugin.losses.reference import gather_rows_cmcrd_loss

# (n_data, K, minimum speed-up over the reference)
TARGETS = ((1200, 1000, 4.0), (27000, 24000, 20.0))


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
    exact_fn = copy.deepcopy(loss_fn).double()
    exact_args = [a.double() if a.is_floating_point() else a for a in args]
    exact_args[0] = exact_args[0].detach().requires_grad_(True)
    exact = gather_rows_cmcrd_loss(exact_fn, *exact_args, negatives)
    (g_exact,) = torch.autograd.grad(exact, exact_args[0])
    v_exact = exact.item()

    def errors(value, grad):
        rel_grad = (grad.double() - g_exact).norm() / g_exact.norm()
        return abs(value - v_exact) / abs(v_exact), rel_grad.item()

    return t_ref, t_ours, errors(v_ours, g_ours), errors(v_ref, g_ref)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--dim", type=int, default=128)
    args = parser.parse_args(argv)
    print(
        f"CMCRD loss forward+backward, B={args.batch}, d={args.dim}, "
        f"torch threads={torch.get_num_threads()} "
        f"({torch.backends.cpu.get_cpu_capability()} kernels)"
    )
    header = (
        "n_data",
        "K",
        "ref ms",
        "ours ms",
        "speed-up",
        "ours err",
        "ref err",
        "ours gerr",
        "ref gerr",
    )
    print("".join(f"{h:>11}" for h in header))
    met = []
    for n_data, k, target in TARGETS:
        t_ref, t_ours, (v_ours, g_ours), (v_ref, g_ref) = compare(
            n_data, k, args.batch, args.dim, args.repeats
        )
        print(
            f"{n_data:>11}{k:>11}{1e3 * t_ref:>11.2f}{1e3 * t_ours:>11.2f}"
            f"{t_ref / t_ours:>10.1f}x{v_ours:>11.1e}{v_ref:>11.1e}"
            f"{g_ours:>11.1e}{g_ref:>11.1e}"
        )
        met.append((n_data, k, target, t_ref / t_ours >= target))
    print("err: relative error against the gather-rows reference in float64")
    for n_data, k, target, ok in met:
        verdict = "met" if ok else "MISSED"
        print(f"target >= {target:g}x at n_data={n_data}, K={k}: {verdict}")


if __name__ == "__main__":
    main()
