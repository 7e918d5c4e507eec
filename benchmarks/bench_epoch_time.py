"""Epoch time of CMCRDClassifier / EEGClassifier, same backbone, data and settings.

One synthetic SEED-V subject at the real window counts (one training fold,
about 1,100 windows), batch 32, AdamW, no validation, K = 1000 negatives.
For each backbone both estimators are fitted once (warm-up), then trained
one epoch at a time, alternately (``partial_fit(epochs=1)``, the order
swapped every pair), so that the two epochs of a pair run seconds apart
and a drift in machine load hits both alike. The table gives the median
epoch time of each (``history[:, "dur"]``), the median over the pairs of
the per-pair ratio, and its interquartile range. A third estimator,
``CMCRDClassifier(distiller="none")``, trains EEG-only with the same
whole-batch reads as the CMCRD run (skorch's loader reads sample by sample),
so ``same-loader`` shows the ratio without that difference. Each CMCRD fit also runs
the frozen teacher once over the training set (``teacher_cache``); that
one-off cost is printed as a fraction of a CMCRD epoch. Synthetic data: a
speed measurement, not an accuracy result.

On glibc, DGCNN's 4 MB gradient and optimiser temporaries are sometimes
returned to the system and page-faulted back every step (tens of thousands
of minor faults per epoch), depending on the allocator's dynamic thresholds;
which of the two runs a process hits varies from run to run and moves the
ratio by much more than the code does. ``--fixed-allocator`` re-runs the
benchmark with glibc's thresholds pinned (``MALLOC_MMAP_THRESHOLD_``,
``MALLOC_TRIM_THRESHOLD_``, ``MALLOC_TOP_PAD_``), which removes those faults
from both runs and leaves the compute cost.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import torch
from braindecode import EEGClassifier
from epoch_setup import COMMON, epoch_seconds, synthetic_subject

from cmcrd_plugin.models.dgcnn import SEEDDGCNN
from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier

PINNED_ALLOCATOR = {
    "MALLOC_MMAP_THRESHOLD_": str(32 * 2**20),
    "MALLOC_TRIM_THRESHOLD_": str(2**30),
    "MALLOC_TOP_PAD_": str(64 * 2**20),
}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=30)
    parser.add_argument(
        "--fixed-allocator",
        action="store_true",
        help="pin glibc's malloc thresholds (re-runs this script with them set)",
    )
    args = parser.parse_args(argv)
    pinned = all(os.environ.get(k) == v for k, v in PINNED_ALLOCATOR.items())
    if args.fixed_allocator and not pinned:
        env = {**os.environ, **PINNED_ALLOCATOR}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    eeg, eye, y = synthetic_subject()
    teacher = TeacherClassifier(CMCRDMLP, **COMMON).fit(eye, y)
    print(
        f"SYNTHETIC SEED-V subject 1, {len(y)} training windows, batch 32, "
        f"K=1000, torch threads={torch.get_num_threads()} "
        f"({torch.backends.cpu.get_cpu_capability()} kernels), "
        f"{args.pairs} epoch pairs, "
        f"allocator {'pinned' if pinned else 'default'}"
    )
    header = ("backbone", "EEG-only s", "CMCRD s", "ratio", "ratio IQR", "pre-pass")
    print(
        f"{header[0]:<10}"
        + "".join(f"{h:>12}" for h in header[1:])
        + f"{'same-loader':>14}"
    )
    for name, model in (("MLP", CMCRDMLP), ("DGCNN", SEEDDGCNN)):
        torch.manual_seed(0)
        base = EEGClassifier(model, **COMMON).fit(eeg, y)
        student = CMCRDClassifier(model, teacher=teacher.module_, **COMMON)
        student.fit({"eeg": eeg, "eye": eye}, y)
        # EEG-only through our trainer: same batch reads as the CMCRD run
        plain = CMCRDClassifier(model, distiller="none", **COMMON)
        plain.fit({"eeg": eeg}, y)
        runs = {
            "base": lambda net=base: epoch_seconds(net, eeg, y),
            "cmcrd": lambda net=student: epoch_seconds(
                net, {"eeg": eeg, "eye": eye}, y
            ),
            "plain": lambda net=plain: epoch_seconds(net, {"eeg": eeg}, y),
        }
        times = {"base": [], "cmcrd": [], "plain": []}
        ratios, same_loader = [], []
        for pair in range(args.pairs):
            order = ("base", "cmcrd", "plain")
            for key in order if pair % 2 == 0 else order[::-1]:
                times[key].append(runs[key]())
            ratios.append(times["cmcrd"][-1] / times["base"][-1])
            same_loader.append(times["cmcrd"][-1] / times["plain"][-1])
        # the one-off teacher pass of a fit (get_split_datasets)
        started = time.perf_counter()
        student.get_split_datasets({"eeg": eeg, "eye": eye}, y)
        pre_pass = time.perf_counter() - started
        quartiles = statistics.quantiles(ratios, n=4)
        t_cmcrd = statistics.median(times["cmcrd"])
        print(
            f"{name:<10}{statistics.median(times['base']):>12.3f}{t_cmcrd:>12.3f}"
            f"{statistics.median(ratios):>12.2f}"
            f"{f'{quartiles[0]:.2f}-{quartiles[2]:.2f}':>12}"
            f"{f'{pre_pass / t_cmcrd:.0%}':>12}"
            f"{statistics.median(same_loader):>14.2f}"
        )
    print(
        "ratio: median over the pairs of CMCRD epoch / EEGClassifier epoch; "
        "pre-pass: one teacher pass per fit, as a share of one CMCRD epoch; "
        "same-loader: CMCRD epoch / CMCRDClassifier(distiller='none') epoch "
        "(EEG-only with the same whole-batch reads)"
    )


if __name__ == "__main__":
    main()
