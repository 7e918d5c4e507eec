"""``cmcrd demo``: the synthetic SEED-V demo (a few minutes on CPU)."""

from __future__ import annotations

from pathlib import Path

import click

from ..benchmark.config import BenchmarkConfigError
from ..experiments import demo as demo_experiment
from .base import Command, CommandError, written_data_hint
from .options import (
    NumberRange,
    device_option,
    list_option,
    no_progress_option,
    subjects_option,
)


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
    # the synthetic writers import scipy: imported when the demo runs, not for --help
    from ..synthetic.folder import SyntheticDataError

    config = demo_experiment.DemoConfig(
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
        scenarios=("default",) if no_control else demo_experiment.SCENARIOS,
        jobs=jobs,
    )
    try:
        demo_experiment.main(config)
    except BenchmarkConfigError as exc:
        raise CommandError(str(exc)) from exc
    except SyntheticDataError as exc:
        raise CommandError(written_data_hint(exc)) from exc
    return 0
