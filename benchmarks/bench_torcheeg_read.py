"""Paired SEED-IV through TorchEEG: cache build time and read throughput.

1. Writes the full-size synthetic SEED-IV (15 subjects x 3 sessions x 24 trials,
   real-like window counts, 38,295 windows; EEG features and eye features)
   unless ``--subjects`` limits it, then builds the paired cache of
   ``PairedSEEDIV`` in each storage mode (``pickle``, and ``lmdb`` where
   lmdb < 2 is installed) and prints the build time and windows per second
   of each.
2. Reads the cached paired dataset (``io_mode="auto"``) and TorchEEG's own
   ``SEEDIVFeatureDataset`` (EEG alone, same files, same storage mode)
   through a ``DataLoader``
   (batch 256) for ``--epochs`` passes each, alternating, and prints samples
   per second and the ratio paired / TorchEEG. Synthetic files: a speed
   measurement, not an accuracy result.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from torch.utils.data import DataLoader


def throughput(dataset, batch_size: int) -> float:
    started = time.perf_counter()
    n = 0
    for batch in DataLoader(dataset, batch_size=batch_size, shuffle=True):
        n += len(batch[1])
    return n / (time.perf_counter() - started)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=15)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=FutureWarning)
    logging.getLogger("torcheeg").setLevel(logging.WARNING)
    from torcheeg import transforms
    from torcheeg.datasets import SEEDIVFeatureDataset

    from cmcrd_plugin.synthetic import write_seed_iv
    from cmcrd_plugin.torcheeg_datasets import PairedSEEDIV
    from cmcrd_plugin.torcheeg_datasets.base import resolve_io_mode

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        root = Path(tmp) / "SEED_IV"
        started = time.perf_counter()
        write_seed_iv(root, subjects=range(1, args.subjects + 1))
        print(
            f"wrote synthetic SEED-IV ({args.subjects} subjects x 3 sessions) in "
            f"{time.perf_counter() - started:.1f} s"
        )
        io_mode = resolve_io_mode("auto")
        modes = ["pickle"] + (["lmdb"] if resolve_io_mode("auto") == "lmdb" else [])
        built = {}
        for mode in modes:
            started = time.perf_counter()
            built[mode] = PairedSEEDIV(
                root,
                io_path=Path(tmp) / f"paired-{mode}",
                features=["de_LDS"],
                io_mode=mode,
                verbose=False,
            )
            build = time.perf_counter() - started
            n = len(built[mode])
            print(
                f"PairedSEEDIV cache build, io_mode={mode}: {n} paired windows in "
                f"{build:.1f} s ({n / build:,.0f} windows/s)"
            )
        paired = built[io_mode]
        native = SEEDIVFeatureDataset(
            root_path=str(root / "eeg_feature_smooth"),
            feature=["de_LDS"],
            io_path=str(Path(tmp) / "native"),
            io_mode=io_mode,
            label_transform=transforms.Select("emotion"),
            verbose=False,
        )
        rates = {"paired": [], "native": []}
        for _ in range(args.epochs):
            rates["native"].append(throughput(native, 256))
            rates["paired"].append(throughput(paired, 256))
        p, n = statistics.median(rates["paired"]), statistics.median(rates["native"])
        print(
            f"read through DataLoader (batch 256): PairedSEEDIV {p:,.0f} samples/s "
            f"(EEG + eye), SEEDIVFeatureDataset {n:,.0f} samples/s (EEG only)"
        )
        print(f"ratio paired / TorchEEG: {p / n:.2f}  (SYNTHETIC data)")


if __name__ == "__main__":
    main()
