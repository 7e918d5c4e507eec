"""``cmcrd demo``: eye teacher, EEG-only and CMCRD student on synthetic SEED-V.

Writes small synthetic datasets in the real SEED-V layout, then for each
subject and each of SEED-V's 3 trial folds: fits feature standardisation on
the training trials, trains the eye teacher (CE + MCC), the EEG-only model
and the CMCRD student with the same backbone and schedule, selects each
model's epoch on a validation split cut from the training trials, and scores
the test trials. Prints mean +- sample std over subjects, for two scenarios side by
side:

- ``default``: the synthetic generator with its defaults;
- ``positive control``: a CONTROL in which only 12 of the 62 EEG channels
  carry the emotional state and the eye features carry all of it
  (:func:`~cmcrd_plugin.synthetic.controls.write_positive_control_seed_v`),
  so the eye teacher has privileged information to pass on.

The two show where distillation can help and where it does not; both are
synthetic, and the report says so. The pipelines are cells of the benchmark
grid (:mod:`cmcrd_plugin.harness`; the teacher is the paper's MLP), run
``jobs`` at a time; the synthetic files are kept in the cache folder.
"""

from __future__ import annotations

import csv
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import click

from ..cache_dir import default_cache_dir
from ..evaluation.recipe import TrainingRecipe
from ..harness.config import BenchmarkConfig, BenchmarkConfigError
from ..synthetic.folder import SyntheticDataError
from .base import Command, CommandError, written_data_hint
from .options import (
    NumberRange,
    device_option,
    list_option,
    no_progress_option,
    subjects_option,
)

SYNTHETIC_NOTICE = (
    "DATA ARE SYNTHETIC: files written by cmcrd_plugin.synthetic in the real SEED-V "
    "layout, not real EEG or eye tracking. These numbers exercise the pipeline; "
    "they say nothing about real recordings."
)
PIPELINES = ("eye teacher", "EEG-only", "CMCRD student")
#: the demo's names of the benchmark scenarios it runs (harness.scenarios)
BENCH_SCENARIOS = {"default": "default", "positive control": "positive_control"}


@dataclass
class DemoConfig:
    """Settings of :func:`run_demo` (defaults finish in a few minutes on 2 cores).

    ``seed`` seeds the synthetic data; ``train_seeds`` the model
    initialisation and batch order (default: ``(seed,)``). Each subject's
    score is averaged over its folds and training seeds before the mean and
    std over subjects. ``output`` writes the tidy per-fold rows as CSV.
    ``scenarios`` picks among ``"default"`` and ``"positive control"``;
    ``jobs`` pipelines train at a time.
    """

    subjects: tuple[int, ...] = (1, 2, 3)
    backbone: str = "mlp"
    max_epochs: int = 30
    warmup_epochs: int = 5
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 1e-3
    beta: float = 0.02
    window_fraction: float = 1.0
    seed: int = 2022
    train_seeds: tuple[int, ...] = ()
    cache_dir: Path | None = None
    output: Path | None = None
    progress: bool = True
    device: str = "cpu"
    scenarios: tuple[str, ...] = tuple(BENCH_SCENARIOS)
    jobs: int = 2


#: the benchmark's method behind each of the demo's pipelines
BENCH_METHODS = {
    "eye teacher": "eye_teacher",
    "EEG-only": "eeg_only",
    "CMCRD student": "cmcrd",
}


def benchmark_config(cfg: DemoConfig, output: Path):
    """The demo as a benchmark grid (:mod:`cmcrd_plugin.harness`)."""
    unknown = [s for s in cfg.scenarios if s not in BENCH_SCENARIOS]
    if unknown:
        raise ValueError(f"scenarios {unknown} not among {', '.join(BENCH_SCENARIOS)}")
    student, variants = "cmcrd", ()
    if cfg.beta != 0.02:  # a weight of one's own: a variant of the grid
        student = f"cmcrd-beta_{cfg.beta:g}"
        variants = ((student, (("beta", cfg.beta), ("distiller", "cmcrd"))),)
    return BenchmarkConfig(
        dataset="seed_v",
        protocols=("within_subject",),
        scenarios=tuple(BENCH_SCENARIOS[s] for s in cfg.scenarios),
        archs=(cfg.backbone,),
        methods=("eye_teacher", "eeg_only", student),
        variants=variants,
        seeds=tuple(cfg.train_seeds or (cfg.seed,)),
        subjects=tuple(cfg.subjects),
        recipe=TrainingRecipe(
            epochs=cfg.max_epochs,
            warmup_epochs=cfg.warmup_epochs,
            batch_size=cfg.batch_size,
            lr=cfg.lr,
            weight_decay=cfg.weight_decay,
            device=cfg.device,
        ),
        window_fraction=cfg.window_fraction,
        data_seed=cfg.seed,
        data_dir=cfg.cache_dir or default_cache_dir(),
        jobs=cfg.jobs,
        output=output,
        profile="demo",
    )


def run_demo(cfg: DemoConfig) -> list[dict]:
    """Run the demo; returns tidy rows (scenario, subject, fold, pipeline,
    seed, metrics, time).

    The pipelines are cells of the benchmark grid, run ``cfg.jobs`` at a time;
    each is scored at the epoch with the best validation accuracy.
    """
    from ..harness.runner import run_benchmark  # the training stack, when it runs

    with tempfile.TemporaryDirectory(prefix="cmcrd-demo-") as output:
        config = benchmark_config(cfg, Path(output))
        table = run_benchmark(config, progress=cfg.progress)
    failed = table[table["status"] != "ok"]
    if len(failed):
        raise RuntimeError(f"demo cells failed: {failed['error'].iloc[0]}")
    pipelines = {method: name for name, method in BENCH_METHODS.items()}
    students = [m for m in config.methods if m.startswith("cmcrd")]
    pipelines.update(dict.fromkeys(students, "CMCRD student"))
    scenarios = {bench: name for name, bench in BENCH_SCENARIOS.items()}
    table = table[table["selection"] == "validation"]
    return [
        {
            "scenario": scenarios[row.scenario],
            "subject": int(row.subject),
            "fold": row.fold,
            "pipeline": pipelines[row.method],
            "seed": int(row.seed),
            "accuracy": row.accuracy,
            "balanced_accuracy": row.balanced_accuracy,
            "macro_f1": row.macro_f1,
            "time_s": row.train_seconds,
        }
        for row in table.itertuples()
    ]


def format_table(rows: list[dict], cfg: DemoConfig) -> str:
    """The printed report: a mean +- std table over subjects per scenario, the
    CMCRD - EEG-only gain of each, and the notice."""
    from ..evaluation.metrics import METRICS, summarize  # heavy: scikit-learn

    header = f"{'pipeline':<15}" + "".join(f"{m:>22}" for m in METRICS)
    lines = [
        SYNTHETIC_NOTICE,
        "",
        f"SEED-V layout, {len(cfg.subjects)} subjects x 3 trial folds, backbone "
        f"{cfg.backbone!r}, {cfg.max_epochs} epochs, data seed {cfg.seed}, training "
        f"seeds {list(cfg.train_seeds or (cfg.seed,))}; model selection on validation "
        "trials cut from the training trials; test = held-out trials.",
        "Mean +- sample std (ddof=1) over subjects (each subject averaged over its "
        "folds and seeds).",
    ]
    gains = []
    for scenario in dict.fromkeys(r["scenario"] for r in rows):
        summary = summarize([r for r in rows if r["scenario"] == scenario])
        title = "SYNTHETIC DATA, default generator"
        if scenario == "positive control":
            title = (
                "SYNTHETIC DATA, POSITIVE CONTROL (12 of 62 EEG channels carry the "
                "state, the eye features all of it)"
            )
        lines += ["", title, header, "-" * len(header)]
        for name in PIPELINES:
            if name in summary:
                cells = "".join(
                    f"{100 * mean:>14.1f} +- {100 * std:4.1f}"
                    for mean, std in (summary[name][m] for m in METRICS)
                )
                lines.append(f"{name:<15}{cells}")
        if {"EEG-only", "CMCRD student"} <= summary.keys():
            gain = 100 * (
                summary["CMCRD student"]["accuracy"][0]
                - summary["EEG-only"]["accuracy"][0]
            )
            gains.append(f"  {scenario}: {gain:+.1f} points")
    if gains:
        lines += ["", "CMCRD student - EEG-only accuracy (synthetic data):", *gains]
    lines += [
        "",
        "The positive control is a scenario built so that the eye teacher has "
        "privileged information to pass on; `cmcrd bench` tests gains with paired "
        "statistics over subjects, with more controls.",
    ]
    return "\n".join(lines)


def write_rows(rows: list[dict], path: Path) -> None:
    """Write the tidy rows (one per subject, fold, seed and pipeline) as CSV."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=[*rows[0], "data"])
        writer.writeheader()
        for row in rows:
            data = "synthetic SEED-V"
            if row.get("scenario") == "positive control":
                data += " (positive control)"
            writer.writerow({**row, "data": data})


def print_demo(cfg: DemoConfig | None = None) -> str:
    """Run the demo and print the report; returns the report."""
    cfg = cfg or DemoConfig()
    started = time.perf_counter()
    with warnings.catch_warnings():
        # braindecode 1.8 warns about an MNE montage name at import; not ours to fix
        warnings.filterwarnings(
            "ignore",
            message="Montage name 'standard_1020' is deprecated",
            category=FutureWarning,
        )
        rows = run_demo(cfg)
    if cfg.output is not None:
        write_rows(rows, cfg.output)
    report = (
        format_table(rows, cfg)
        + f"\n\nTotal time: {time.perf_counter() - started:.0f} s"
    )
    print(report)
    return report


@click.command(
    cls=Command,
    short_help="run the synthetic SEED-V demo (a few minutes on CPU)",
    help="Run the synthetic SEED-V demo (a few minutes on CPU).",
)
@subjects_option("synthetic SEED-V subjects to run (default: 1 2 3)", default=(1, 2, 3))
@click.option("--backbone", default="mlp", help="registered model name (mlp, dgcnn)")
@click.option(
    "--epochs",
    type=click.IntRange(min=1),
    default=30,
    help="training epochs of every model (default: 30)",
)
@click.option(
    "--window-fraction",
    type=NumberRange(min=0, max=1, min_open=True),
    default=1.0,
    help="fraction of SEED-V's windows per trial to write, in (0, 1] "
    "(default: 1, full size)",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=2022,
    help="seed of the synthetic data",
)
@list_option(
    "--train-seeds",
    type=int,
    metavar="SEED [SEED ...]",
    help="seeds of model training (default: --seed), e.g. 2022 2023 2024",
)
@click.option(
    "--output", type=click.Path(path_type=Path), help="write tidy rows as CSV"
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path),
    help="folder for the synthetic data (default: $CMCRD_CACHE, or the "
    "user cache folder, ~/.cache/cmcrd_plugin on Linux)",
)
@device_option("a torch device here", default="cpu")
@click.option(
    "--jobs", type=click.IntRange(min=1), default=2, help="pipelines trained at a time"
)
@click.option(
    "--no-control",
    is_flag=True,
    help="leave out the positive-control scenario (default data only)",
)
@no_progress_option
def demo(
    subjects: tuple[int, ...],
    backbone: str,
    epochs: int,
    window_fraction: float,
    seed: int,
    train_seeds: tuple[int, ...],
    output: Path | None,
    cache_dir: Path | None,
    device: str,
    jobs: int,
    no_control: bool,
    no_progress: bool,
) -> int:
    config = DemoConfig(
        subjects=subjects,
        backbone=backbone,
        max_epochs=epochs,
        window_fraction=window_fraction,
        seed=seed,
        train_seeds=train_seeds,
        cache_dir=cache_dir,
        output=output,
        progress=not no_progress,
        device=device,
        scenarios=("default",) if no_control else tuple(BENCH_SCENARIOS),
        jobs=jobs,
    )
    try:
        print_demo(config)
    except BenchmarkConfigError as exc:
        raise CommandError(str(exc)) from exc
    except SyntheticDataError as exc:
        raise CommandError(written_data_hint(exc)) from exc
    return 0
