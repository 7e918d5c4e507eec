"""``cmcrd train``: CMCRD students on one's own data, from a teacher file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .base import Command, CommandError
from .config_file import config_option
from .data_folder import OwnDataError
from .options import Beta
from .own_data_options import (
    data_options,
    data_selection,
    output_options,
    protocol_option,
    quiet_braindecode,
    settings,
    training,
    training_options,
)


@click.command(
    cls=Command,
    short_help="train CMCRD students on one's own data and write predictions, "
    "metrics and students",
    help="Train a CMCRDClassifier student on the EEG of every fold of --protocol, "
    "distilled from that fold's teacher in --teacher (a file of cmcrd "
    "teacher on the same folder), and write predictions.csv, metrics.csv, "
    "metrics.json and students/<fold>.pt to --out. Options may come from a "
    "--config TOML file; the command line overrides it.",
)
@config_option
@data_options
@protocol_option
@click.option(
    "--teacher",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="a teacher file of cmcrd teacher on the same folder and protocol",
)
@click.option(
    "--backbone",
    help="the student: mlp, dgcnn, a braindecode model class name or "
    "torcheeg.<Name> (default: mlp)",
)
@click.option(
    "--distiller",
    help="a registered distiller: cmcrd, crd, kd, fitnet, nst, sp, rkd, "
    "pkt, or none for cross-entropy alone (default: cmcrd)",
)
@click.option(
    "--beta",
    type=Beta(),
    help="weight of the distillation term, or auto to choose it on the "
    "validation trials (default: the distiller's own)",
)
@training_options
@output_options("the run folder to write")
def train(**options: Any) -> int:
    given = settings(options, ("dataset", "root", "out"))
    from . import own_data  # the training stack: imported when the command runs

    try:
        with quiet_braindecode():
            result = own_data.train_students(
                data_selection(given),
                given["out"],
                given.get("teacher"),
                backbone=given.get("backbone", "mlp"),
                distiller=given.get("distiller", "cmcrd"),
                beta=given.get("beta"),
                **training(given),
                overwrite=given["overwrite"],
            )
    except OwnDataError as exc:
        raise CommandError(str(exc)) from exc
    for distiller, metrics in result["summary"].items():
        accuracy = metrics["accuracy"]
        click.echo(
            f"{distiller}: test accuracy {accuracy['mean']:.3f} "
            f"+- {accuracy['std']:.3f} (sample std over subjects)"
        )
    click.echo(f"predictions, metrics and students: {given['out']}")
    if result["data"]["synthetic"]:
        click.echo("SYNTHETIC DATA: files written by cmcrd synth, not real recordings")
    return 0
