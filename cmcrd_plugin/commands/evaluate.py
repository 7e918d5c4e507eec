"""``cmcrd evaluate``: score a saved student on the EEG of a data folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .base import Command, CommandError
from .config_file import config_option
from .data_folder import OwnDataError
from .own_data_options import (
    data_options,
    data_selection,
    output_options,
    quiet_braindecode,
    settings,
)


@click.command(
    cls=Command,
    short_help="score a saved student on the EEG of a data folder",
    help="Score a student written by cmcrd train (run/students/<fold>.pt) on "
    "the EEG windows of --root, standardised with the student's own "
    "training statistics; print the scores and, with --out, write "
    "predictions.csv and metrics.json. Options may come from a --config "
    "TOML file; the command line overrides it.",
)
@config_option
@click.option(
    "--student",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="a student file (run/students/<fold>.pt)",
)
@data_options
@output_options("a folder to write predictions.csv and metrics.json into")
def evaluate(**options: Any) -> int:
    given = settings(options, ("student", "dataset", "root"))
    from . import own_data  # the training stack: imported when the command runs

    try:
        with quiet_braindecode():
            result = own_data.evaluate_student(
                given["student"],
                data_selection(given),
                out=given.get("out"),
                device=given.get("device", "cpu"),
                overwrite=given["overwrite"],
            )
    except OwnDataError as exc:
        raise CommandError(str(exc)) from exc
    metrics = result["metrics"]
    click.echo(
        f"accuracy {metrics['accuracy']:.3f}, balanced accuracy "
        f"{metrics['balanced_accuracy']:.3f}, macro-F1 {metrics['macro_f1']:.3f} "
        f"on {result['n_windows']} windows of subjects {result['data']['subjects']}"
    )
    if given.get("out") is not None:
        click.echo(f"predictions and metrics: {given['out']}")
    if result["data"]["synthetic"]:
        click.echo("SYNTHETIC DATA: files written by cmcrd synth, not real recordings")
    return 0
