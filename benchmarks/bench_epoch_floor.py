"""How low can the CMCRD / EEG-only epoch-time ratio go on this machine?

An experiment, not a distiller: ``ArithmeticFloor`` plugs into
``CMCRDClassifier`` in place of the CMCRD loss and does only the loss's
unavoidable work, with none of its element-wise operations: both projection
heads (forward and gradient), scoring both views against their whole bank
and the gradient product back (the four batched matrix products, through
autograd), and drawing K uniform numbers per anchor for the negatives.
Everything else the trainer does is unchanged (teacher cache, batch reads,
the heads' parameters in the optimiser). Its epoch time divided
by the EEG-only epoch time is a floor for any implementation of the CMCRD
loss in PyTorch operations on this CPU; the real loss is printed beside it.
Same data, pairing and table layout as ``bench_epoch_time.py``; synthetic
data, a speed measurement.
"""

from __future__ import annotations

import argparse
import statistics

import torch
from braindecode import EEGClassifier
from epoch_setup import COMMON, epoch_seconds, synthetic_subject
from torch import nn

from cmcrd_plugin.losses.base import Distiller
from cmcrd_plugin.models.dgcnn import SEEDDGCNN
from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier


class ArithmeticFloor(Distiller):
    """The CMCRD loss's matrix products and random draws, nothing else."""

    default_weight = 0.02

    def __init__(self, student_dim, teacher_dim, feat_dim=128, n_negatives=1000):
        super().__init__(student_dim, teacher_dim)
        self.n_negatives = n_negatives
        self.embed_s = nn.Linear(student_dim, feat_dim)
        self.embed_t = nn.Linear(teacher_dim, feat_dim)
        self.register_buffer("memory", torch.empty(2, 0, feat_dim))

    def set_training_labels(self, labels):
        super().set_training_labels(labels)
        bank = torch.randn(2, self.n_data, self.embed_s.out_features)
        self.memory = torch.nn.functional.normalize(bank, dim=2)

    def forward(self, f_s, f_t, logits_s, logits_t, y, index):
        z = torch.stack([self.embed_t(f_t.flatten(1)), self.embed_s(f_s.flatten(1))])
        scores = torch.bmm(z, self.memory.transpose(1, 2))
        torch.rand(len(y), self.n_negatives)
        return (scores * 0).sum()  # its backward: the gradient product


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=20)
    args = parser.parse_args(argv)
    eeg, eye, y = synthetic_subject()
    teacher = TeacherClassifier(CMCRDMLP, **COMMON).fit(eye, y).module_
    paired = {"eeg": eeg, "eye": eye}
    print(
        f"SYNTHETIC SEED-V subject 1, {len(y)} training windows, batch 32, K=1000, "
        f"torch threads={torch.get_num_threads()} "
        f"({torch.backends.cpu.get_cpu_capability()} kernels), "
        f"{args.pairs} epoch rounds"
    )
    print(f"{'backbone':<10}{'floor ratio':>14}{'CMCRD ratio':>14}")
    for name, model in (("MLP", CMCRDMLP), ("DGCNN", SEEDDGCNN)):
        torch.manual_seed(0)
        nets = {
            "base": (EEGClassifier(model, **COMMON).fit(eeg, y), eeg),
            "floor": (
                CMCRDClassifier(
                    model, teacher=teacher, distiller=ArithmeticFloor, **COMMON
                ).fit(paired, y),
                paired,
            ),
            "cmcrd": (
                CMCRDClassifier(model, teacher=teacher, **COMMON).fit(paired, y),
                paired,
            ),
        }
        ratios = {"floor": [], "cmcrd": []}
        for i in range(args.pairs):
            order = list(nets) if i % 2 == 0 else list(nets)[::-1]
            times = {key: epoch_seconds(*nets[key], y) for key in order}
            for key in ratios:
                ratios[key].append(times[key] / times["base"])
        print(
            f"{name:<10}{statistics.median(ratios['floor']):>14.2f}"
            f"{statistics.median(ratios['cmcrd']):>14.2f}"
        )
    print("ratios: median over the rounds of (epoch time / EEGClassifier epoch time)")


if __name__ == "__main__":
    main()
