"""Benchmark-grid throughput with 2 local workers against 1, measured in one run.

Runs the same grid (synthetic SEED-V at half the real window counts, 2
subjects x 3 folds, EEG-only, CMCRD, CRD and KD with the MLP, 20 epochs:
what a user waits for, worker start-up included) into two fresh folders,
first with
``--jobs 1`` and then with ``--jobs 2`` (joblib; torch uses one thread per
job with 2 jobs), and prints cells per second of each and their ratio
(target: at least 1.6 on 2 cores). The synthetic data are written once,
before timing. Synthetic data: a speed measurement, not an accuracy result.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

from cmcrd_plugin.harness.config import load_config
from cmcrd_plugin.harness.data import write_synthetic_data
from cmcrd_plugin.harness.runner import run_benchmark


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", choices=["local", "dask"], default="local")
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        base = load_config(
            "quick",
            subjects=(1, 2),
            scenarios=("default",),
            methods=("eeg_only", "cmcrd", "crd", "kd"),
            epochs=args.epochs,
            engine=args.engine,
            data_dir=Path(tmp) / "data",  # written once, read by both runs
            output=Path(tmp) / "unused",
        )
        write_synthetic_data(base, progress=False)
        seconds = {}
        for jobs in (1, 2):
            config = dataclasses.replace(base, jobs=jobs, output=Path(tmp) / f"j{jobs}")
            started = time.perf_counter()
            table = run_benchmark(config, progress=False)
            seconds[jobs] = time.perf_counter() - started
            cells = len(table) // 2
        print(f"SYNTHETIC SEED-V benchmark grid, {cells} cells, engine {args.engine}")
        for jobs, value in seconds.items():
            print(f"  jobs={jobs}: {value:6.1f} s, {cells / value:.2f} cells/s")
        ratio = seconds[1] / seconds[2]
        verdict = "met" if ratio >= 1.6 else "MISSED"
        print(
            f"throughput 2 workers / 1 worker: {ratio:.2f} (target >= 1.6: {verdict})"
        )


if __name__ == "__main__":
    main()
