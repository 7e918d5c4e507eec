"""Epoch time of CMCRDClassifier / EEGClassifier, same backbone, data and settings.

One synthetic SEED-V subject at the real window counts (one training fold,
about 1,100 windows), batch 32, AdamW, no validation. For each backbone both
estimators train for ``--epochs`` epochs in the same process; the median
epoch duration (``history[:, "dur"]``, first epoch excluded) of each and their
ratio are printed. Synthetic data: a speed measurement, not an accuracy result.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import warnings

import torch
from braindecode import EEGClassifier

from cmcrd_plugin.data import FeatureScaler, load_seed_v, seed_v_folds
from cmcrd_plugin.models.dgcnn import SEEDDGCNN
from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.synthetic import write_seed_v
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier


def median_epoch(net) -> float:
    return statistics.median(net.history[1:, "dur"])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=6)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=FutureWarning)
    with tempfile.TemporaryDirectory() as root:
        windows = load_seed_v(write_seed_v(root, subjects=[1], progress=False))
    split = seed_v_folds(windows)[0]
    train = windows.subset(split.train)
    eeg = FeatureScaler().fit_transform(train.eeg)
    eye = FeatureScaler().fit_transform(train.eye)[:, :, None]
    y = train.label
    common = dict(
        optimizer=torch.optim.AdamW, lr=1e-3, batch_size=32, train_split=None,
        verbose=0, max_epochs=args.epochs,
    )
    print(f"synthetic SEED-V subject 1, {len(y)} training windows, batch 32, "
          f"torch threads={torch.get_num_threads()}")
    print(f"{'backbone':<10}{'EEG-only s':>12}{'CMCRD s':>10}{'ratio':>8}")
    for name, model in (("MLP", CMCRDMLP), ("DGCNN", SEEDDGCNN)):
        torch.manual_seed(0)
        teacher = TeacherClassifier(CMCRDMLP, **{**common, "max_epochs": 1}).fit(eye, y)
        torch.manual_seed(0)
        base = EEGClassifier(model, **common).fit(eeg, y)
        torch.manual_seed(0)
        student = CMCRDClassifier(model, teacher=teacher.module_, **common)
        student.fit({"x": eeg, "eye": eye}, y)
        t_base, t_cmcrd = median_epoch(base), median_epoch(student)
        print(f"{name:<10}{t_base:>12.3f}{t_cmcrd:>10.3f}{t_cmcrd / t_base:>8.2f}")


if __name__ == "__main__":
    main()
