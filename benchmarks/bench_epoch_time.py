"""Epoch time of CMCRDClassifier / EEGClassifier, same backbone, data and settings.

One synthetic SEED-V subject at the real window counts (one training fold,
about 1,100 windows), batch 32, AdamW, no validation, K = 1000 negatives. For
each backbone the two estimators are trained alternately (``--repeats`` fits
of ``--epochs`` epochs each, so that machine load drifts hit both alike); the
median epoch duration of each (``history[:, "dur"]``, first epoch of every
fit excluded) and their ratio are printed. Synthetic data: a speed
measurement, not an accuracy result.
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


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
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
        optimizer=torch.optim.AdamW,
        lr=1e-3,
        batch_size=32,
        train_split=None,
        verbose=0,
        max_epochs=args.epochs,
    )
    teacher = TeacherClassifier(CMCRDMLP, **{**common, "max_epochs": 1}).fit(eye, y)
    print(
        f"SYNTHETIC SEED-V subject 1, {len(y)} training windows, batch 32, "
        f"K=1000, torch threads={torch.get_num_threads()}"
    )
    print(f"{'backbone':<10}{'EEG-only s':>12}{'CMCRD s':>10}{'ratio':>8}")
    for name, model in (("MLP", CMCRDMLP), ("DGCNN", SEEDDGCNN)):
        durations = {"base": [], "cmcrd": []}
        for repeat in range(args.repeats):
            torch.manual_seed(repeat)
            base = EEGClassifier(model, **common).fit(eeg, y)
            durations["base"] += base.history[1:, "dur"]
            torch.manual_seed(repeat)
            student = CMCRDClassifier(model, teacher=teacher.module_, **common)
            student.fit({"x": eeg, "eye": eye}, y)
            durations["cmcrd"] += student.history[1:, "dur"]
        t_base = statistics.median(durations["base"])
        t_cmcrd = statistics.median(durations["cmcrd"])
        print(f"{name:<10}{t_base:>12.3f}{t_cmcrd:>10.3f}{t_cmcrd / t_base:>8.2f}")


if __name__ == "__main__":
    main()
