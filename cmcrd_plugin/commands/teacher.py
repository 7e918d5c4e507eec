"""``cmcrd teacher``: train the eye teacher of every fold on one's own data."""

from __future__ import annotations

from typing import Any

import click

from .base import Command, CommandError
from .config_file import config_option
from .data_folder import OwnDataError
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
    short_help="train the eye teacher of every fold on one's own data folder",
    help="Train the eye-movement teacher (the paper's MLP, CE + MCC) on the "
    "training trials of every fold of --protocol, its epoch chosen on "
    "validation trials, and save them to --out (teacher.pt, with its "
    "settings and scaler statistics in teacher.json). Options may come from "
    "a --config TOML file; the command line overrides it.",
)
@config_option
@data_options
@protocol_option
@training_options
@output_options("the teacher file to write (teacher.pt; settings in teacher.json)")
def teacher(**options: Any) -> int:
    given = settings(options, ("dataset", "root", "out"))
    from . import own_data  # the training stack: imported when the command runs

    try:
        with quiet_braindecode():
            own_data.train_teacher(
                data_selection(given),
                given["out"],
                **training(given),
                overwrite=given["overwrite"],
            )
    except OwnDataError as exc:
        raise CommandError(str(exc)) from exc
    click.echo(f"teacher: {given['out']} (settings beside it, .json)")
    return 0
