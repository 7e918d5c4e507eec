"""``cmcrd bench``: CMCRD students against EEG-only and the other distillers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..data.protocols import PROTOCOLS
from ..evaluation.datasets import dataset_names
from ..harness.config import ENGINES, BenchmarkConfigError, load_config
from ..harness.scenarios import SCENARIOS
from ..synthetic.folder import SyntheticDataError
from .base import Command, CommandError, written_data_hint
from .options import list_option, no_progress_option, subjects_option


@click.command(
    cls=Command,
    short_help="benchmark CMCRD students against EEG-only and the other distillers",
    help="Run a benchmark grid (resumable: a rerun skips finished cells) "
    "and write results.csv, report.md and figures to --output. Settings come "
    "from --profile (quick, full, or a .toml file) and the options override it.",
)
@click.option("--profile", default="quick", help="quick, full, or a .toml path")
@click.option(
    "--dataset",
    type=click.Choice(dataset_names()),
    help="paired_npz: one's own recordings in the generic paired format",
)
@click.option(
    "--data-root",
    type=click.Path(path_type=Path),
    help="a licensed copy (default: synthetic data)",
)
@click.option(
    "--raw",
    is_flag=True,
    default=None,
    help="seed_iv: students read raw 4-s EEG windows (62 x 800) instead of DE",
)
@list_option(
    "--protocol",
    type=click.Choice(PROTOCOLS),
    metavar="NAME [NAME ...]",
    help="protocols",
)
@list_option(
    "--scenarios",
    type=click.Choice(SCENARIOS),
    metavar="NAME [NAME ...]",
    help="the data as they are, and the controls (see docs/benchmarks.md)",
)
@list_option(
    "--archs",
    metavar="NAME [NAME ...]",
    help="student architectures: mlp, dgcnn, braindecode model class names, "
    "torcheeg.<Name> (torcheeg.DGCNN), or braindecode / torcheeg for all",
)
@list_option(
    "--methods", metavar="NAME [NAME ...]", help="eeg_only, cmcrd, kd, ... (see docs)"
)
@list_option("--seeds", type=int, metavar="N [N ...]", help="training seeds")
@subjects_option("default: the profile's")
@click.option("--epochs", type=click.IntRange(min=1), help="epochs of every fit")
@click.option("--jobs", type=click.IntRange(min=1), help="cells run in parallel")
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    help="local: joblib processes here; dask: a dask.distributed cluster",
)
@click.option("--scheduler", help="address of a dask scheduler (--engine dask)")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="results folder (default cmcrd-bench)",
)
@no_progress_option
def bench(no_progress: bool, **options: Any) -> int:
    # the training stack and the report's figures: imported when the grid runs
    from ..harness import report, runner

    # an option not given (an empty list) leaves the profile's setting
    overrides = {name: value or None for name, value in options.items()}
    profile = overrides.pop("profile")
    overrides["protocols"] = overrides.pop("protocol")
    try:
        config = load_config(profile, **overrides)
        table = runner.run_benchmark(config, progress=not no_progress)
    # for example no architecture builds, or a data folder of other settings
    except BenchmarkConfigError as exc:
        raise CommandError(str(exc)) from exc
    except SyntheticDataError as exc:
        raise CommandError(written_data_hint(exc)) from exc
    failed = int((table["status"] == "failed").sum() // 2)
    click.echo(
        f"results: {config.output / 'results.csv'} "
        f"({len(table) // 2} cells, {failed} failed)"
    )
    written = report.build_report(
        table,
        machine=runner.machine(),
        wall_seconds=table.attrs.get("wall_seconds", float("nan")),
        skipped=table.attrs.get("skipped", []),
        output_dir=config.output,
    )
    click.echo(f"report: {written}")
    if config.synthetic:
        click.echo(
            "SYNTHETIC DATA: files written in the real layout, not real recordings"
        )
    return 0
