"""The options of ``cmcrd teacher``, ``train`` and ``evaluate``, and the
settings they make.

Options that are not given (on the command line or in a ``--config`` file)
are left out of the settings, so the defaults are those of the functions
called (:class:`~cmcrd_plugin.evaluation.recipe.TrainingRecipe`, ...).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import click

from ..data.protocols import PROTOCOLS
from ..evaluation.datasets import dataset_names
from ..evaluation.recipe import TrainingRecipe
from .base import CommandError
from .data_folder import DEFAULT_SEED, DataSelection
from .options import NumberRange, device_option, subjects_option

_PATH = click.Path(path_type=Path)


def data_options(function: Callable) -> Callable:
    """``--dataset``, ``--root``, ``--raw`` and ``--subjects``."""
    for option in reversed(
        [
            click.option(
                "--dataset",
                type=click.Choice(dataset_names()),
                help="the folder's layout (paired_npz: one's own recordings in the "
                "generic paired format, docs/data-formats.md)",
            ),
            click.option(
                "--root",
                type=_PATH,
                metavar="PATH",
                help="the data folder (for paired_npz, the .npz file)",
            ),
            click.option(
                "--raw",
                is_flag=True,
                help="seed_iv: raw 4-s EEG windows (62 x 800) instead of DE features",
            ),
            subjects_option("subjects to use (default: every subject in the folder)"),
        ]
    ):
        function = option(function)
    return function


protocol_option = click.option(
    "--protocol",
    type=click.Choice(PROTOCOLS),
    help="within_subject: the dataset's trial folds per subject; loso: "
    "leave one subject out (default: within_subject)",
)


def training_options(function: Callable) -> Callable:
    """The training recipe: ``--epochs`` ... ``--seed``."""
    d = TrainingRecipe()
    for option in reversed(
        [
            click.option(
                "--epochs",
                type=click.IntRange(min=1),
                help=f"epochs (default: {d.epochs})",
            ),
            click.option(
                "--warmup-epochs",
                type=click.IntRange(min=0),
                help=f"epochs of learning-rate warm-up (default: {d.warmup_epochs})",
            ),
            click.option(
                "--batch-size",
                type=click.IntRange(min=1),
                help=f"windows per batch (default: {d.batch_size})",
            ),
            click.option(
                "--lr",
                type=NumberRange(min=0, min_open=True),
                help=f"AdamW learning rate (default: {d.lr})",
            ),
            click.option(
                "--weight-decay",
                type=NumberRange(min=0),
                help=f"AdamW weight decay (default: {d.weight_decay})",
            ),
            click.option(
                "--seed",
                type=click.IntRange(min=0),
                help="seed of initialisation and batch order "
                f"(default: {DEFAULT_SEED})",
            ),
        ]
    ):
        function = option(function)
    return function


def output_options(out_help: str) -> Callable[[Callable], Callable]:
    """``--device``, ``--out`` (its help: ``out_help``) and ``--overwrite``."""

    def add(function: Callable) -> Callable:
        for option in reversed(
            [
                device_option(
                    f"a torch device here (default: {TrainingRecipe().device})"
                ),
                click.option("--out", type=_PATH, metavar="PATH", help=out_help),
                click.option(
                    "--overwrite",
                    is_flag=True,
                    help="replace what an earlier run of this command wrote at "
                    "--out (a folder holding anything else is refused)",
                ),
            ]
        ):
            function = option(function)
        return function

    return add


def settings(options: dict[str, Any], required: Sequence[str]) -> dict[str, Any]:
    """The given ``options`` (None: not given); refuses a missing ``required``."""
    given = {k: v for k, v in options.items() if v is not None and k != "config"}
    missing = [name for name in required if name not in given]
    if missing:
        names = ", ".join(f"--{name.replace('_', '-')}" for name in missing)
        raise CommandError(f"missing {names} (give it here or in a --config file)")
    return given


def data_selection(settings: dict[str, Any]) -> DataSelection:
    """The windows the options select."""
    names = {f.name for f in fields(DataSelection)}
    return DataSelection(**{k: v for k, v in settings.items() if k in names})


def training(settings: dict[str, Any]) -> dict[str, Any]:
    """The training recipe and seed the options set: ``recipe=``, ``seed=``."""
    names = {f.name for f in fields(TrainingRecipe)}
    recipe = TrainingRecipe(**{k: v for k, v in settings.items() if k in names})
    return {"recipe": recipe, "seed": settings.get("seed", DEFAULT_SEED)}


@contextlib.contextmanager
def quiet_braindecode() -> Iterator[None]:
    """Hide the deprecation warnings of braindecode's own imports."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module="braindecode")
        yield
