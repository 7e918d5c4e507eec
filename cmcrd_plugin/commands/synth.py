"""``cmcrd synth``: a synthetic dataset in a real on-disk layout."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import synthetic
from ..formats.seed_iv import SUBJECTS as SEED_IV_SUBJECTS
from ..synthetic.folder import SyntheticDataError
from .base import Command, CommandError
from .options import NumberRange, no_progress_option, subjects_option


@click.command(
    cls=Command,
    short_help="write a synthetic dataset in a real on-disk layout",
    help="Write a synthetic dataset in a real on-disk layout. DATASET is the "
    "layout to write (seed_v, seed_iv or seed), OUTPUT the folder to write it in.",
)
@click.argument("dataset", type=click.Choice(["seed_v", "seed_iv", "seed"]))
@click.argument("output", type=click.Path(path_type=Path))
@subjects_option("default: every subject of the real release")
@click.option("--raw", is_flag=True, help="seed_iv: also write eeg_raw_data")
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    help="seed of the synthetic data; the same seed writes the same arrays",
)
@click.option(
    "--window-fraction",
    type=NumberRange(min=0, max=1, min_open=True),
    default=1.0,
    help="fraction of the release's windows per trial, in (0, 1] "
    "(default: 1, full size)",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="rewrite existing files; replace a dataset written with other settings",
)
@click.option("--yes", is_flag=True, help="seed_iv --raw: write without asking")
@no_progress_option
def synth(
    dataset: str,
    output: Path,
    subjects: tuple[int, ...],
    raw: bool,
    seed: int,
    window_fraction: float,
    overwrite: bool,
    yes: bool,
    no_progress: bool,
) -> int:
    # the writers import scipy: imported when data are written, not for --help
    from ..synthetic.seed_iv import written_bytes

    if raw and dataset != "seed_iv":
        raise CommandError("--raw is only available for seed_iv")
    kwargs = dict(
        seed=seed,
        window_fraction=window_fraction,
        overwrite=overwrite,
        progress=not no_progress,
    )
    if subjects:
        kwargs["subjects"] = list(subjects)
    if dataset == "seed_iv":
        kwargs["raw"] = raw
    writers = {
        "seed_v": synthetic.write_seed_v,
        "seed_iv": synthetic.write_seed_iv,
        "seed": synthetic.write_seed,
    }
    try:
        if raw:
            size = written_bytes(
                kwargs.get("subjects", SEED_IV_SUBJECTS),
                window_fraction=window_fraction,
                raw=True,
            )
            question = f"seed_iv with --raw writes about {_size(size)} to {output}"
            if not yes and not _confirmed(question):
                click.echo("nothing written")
                return 1
        root = writers[dataset](output, **kwargs)
    except SyntheticDataError as exc:
        raise CommandError(str(exc)) from exc
    click.echo(
        f"wrote synthetic {dataset} to {root} (synthetic data, not real recordings)"
    )
    return 0


def _size(n_bytes: int) -> str:
    """``n_bytes`` in MB or GB, one decimal."""
    if n_bytes >= 1e9:
        return f"{n_bytes / 1e9:.1f} GB"
    return f"{n_bytes / 1e6:.1f} MB"


def _confirmed(question: str) -> bool:
    """Ask ``question`` on the terminal; refuse when there is none."""
    if not sys.stdin.isatty():
        raise CommandError(f"{question}; pass --yes to confirm (no terminal to ask on)")
    try:
        answer = input(f"{question}. Write it? [y/N] ")
    except EOFError:
        answer = ""
    return answer.strip().lower() in {"y", "yes"}
