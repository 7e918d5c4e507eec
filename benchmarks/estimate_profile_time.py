"""How long a benchmark profile takes on this machine, from a sample of its fits.

The ``full`` profile has tens of thousands of cells, too many to time by
running it. Cells of one protocol, architecture and kind of method cost the
same, up to noise: they train the same model on windows of the same size.
So this script times one cell of each kind at 1 and 3 epochs, on the
profile's own data (written first, as ``cmcrd bench`` writes it), splits
each time into a fixed part and a per-epoch part, and extrapolates to the
profile's epochs and cell counts:

- kinds: ``eeg_only``; the ``CMCRDClassifier`` students (timed as ``cmcrd``,
  standing for every distiller, ablation and fixed weight: KD and the
  feature distillers have no memory banks and cost a little less);
  ``cmcrd-beta_auto``, counted as one ``cmcrd`` fit per weight of the grid;
  ``torcheeg_trainer``; ``cmcrd_trainer``; ``fusion``; ``eye_teacher``
  (prediction only); and the eye teacher every fold trains once;
- torch runs one thread per fit, as every cell does with ``jobs`` > 1, and
  the wall time is the sum over cells divided by ``jobs`` (the cells
  spread perfectly over the workers);
- each teacher is counted once per fold and seed (with several processes,
  a teacher can be trained in more than one).

On the quick profile it estimated 12 minutes for a grid that took 9 min
48 s when run: expect the right order of magnitude, not minutes.

Prints one line per kind (its cells, seconds per fit, core-hours) and the
total. The data are synthetic unless ``--data-root`` names a copy; on
synthetic data the times are those of the real sizes, not results.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import time
import warnings
from pathlib import Path

import pandas as pd
import torch

from cmcrd_plugin.harness.cells import fold_teacher, fold_teacher_id, grid, train_cell
from cmcrd_plugin.harness.config import load_config
from cmcrd_plugin.harness.data import load_windows, write_synthetic_data
from cmcrd_plugin.harness.methods import resolve_method
from cmcrd_plugin.harness.runner import surveyed
from cmcrd_plugin.training.cmcrd_classifier import AUTO_BETA_GRID

SHORT, LONG = 1, 3  # the two epoch counts timed


def kind(method: str, variants=()) -> str:
    """The kind of fit a method's cell runs (see the module docstring)."""
    pipeline = resolve_method(method, variants).pipeline
    if pipeline != "student":
        return pipeline
    if method == "cmcrd-beta_auto":
        return "cmcrd-beta_auto"
    return "cmcrd"  # the distillers, ablations and fixed weights


def at(config, epochs: int):
    """``config`` trained for ``epochs`` epochs, without warm-up."""
    recipe = dataclasses.replace(config.recipe, epochs=epochs, warmup_epochs=0)
    return dataclasses.replace(config, recipe=recipe)


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def per_fit(short: float, long: float, epochs: int) -> float:
    """Seconds at ``epochs``, from the times at SHORT and LONG epochs."""
    per_epoch = max(long - short, 0.0) / (LONG - SHORT)
    fixed = max(short - SHORT * per_epoch, 0.0)
    return fixed + epochs * per_epoch


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", default="full", help="quick, full or a .toml")
    parser.add_argument("--data-root", type=Path, help="a licensed copy, if any")
    parser.add_argument("--output", type=Path, default=Path("estimate-output"))
    parser.add_argument("--protocol", nargs="+", help="only these protocols")
    parser.add_argument("--archs", nargs="+", help="only these architectures")
    args = parser.parse_args(argv)
    overrides = {"output": args.output, "protocols": args.protocol, "archs": args.archs}
    if args.data_root is not None:
        overrides["data_root"] = args.data_root
    config = load_config(args.profile, **overrides)
    config, _ = surveyed(config)
    started = time.perf_counter()
    write_synthetic_data(config, progress=False)
    for scenario in config.scenarios:  # read once, before any timing
        load_windows(config, scenario)
    print(f"data written and read in {time.perf_counter() - started:.0f} s")
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")  # as every cell runs (harness.cells.run_cell)
    cells = grid(config)
    groups = collections.defaultdict(list)
    for cell in cells:
        groups[(cell.protocol, cell.arch, kind(cell.method, config.variants))].append(
            cell
        )
    teachers = collections.Counter(
        c.protocol for c in {fold_teacher_id(c): c for c in cells}.values()
    )
    rows, teacher_fit, cmcrd_fit = [], {}, {}
    # the cmcrd kind first: beta_auto is counted as its fits
    order = sorted(groups, key=lambda g: (g[0], g[1], g[2] == "cmcrd-beta_auto", g[2]))
    for protocol, arch, what in order:
        members = groups[(protocol, arch, what)]
        sample = members[0]
        if protocol not in teacher_fit:  # every later fit finds its teacher cached
            key = fold_teacher_id(sample)
            times = [timed(fold_teacher, at(config, e), key) for e in (SHORT, LONG)]
            teacher_fit[protocol] = per_fit(*times, config.recipe.epochs)
        if what == "cmcrd-beta_auto" and (protocol, arch) in cmcrd_fit:
            seconds = len(AUTO_BETA_GRID) * cmcrd_fit[(protocol, arch)]
        else:
            if what == "cmcrd-beta_auto":
                sample = dataclasses.replace(sample, method="cmcrd")
            times = [timed(train_cell, at(config, e), sample) for e in (SHORT, LONG)]
            seconds = per_fit(*times, config.recipe.epochs)
            if what == "cmcrd":
                cmcrd_fit[(protocol, arch)] = seconds
            if what == "cmcrd-beta_auto":
                seconds *= len(AUTO_BETA_GRID)
        rows.append(
            dict(
                protocol=protocol,
                arch=arch,
                kind=what,
                cells=len(members),
                seconds_per_cell=seconds,
                core_hours=len(members) * seconds / 3600,
            )
        )
        print(
            f"  {protocol:14s} {arch:16s} {what:16s} {len(members):6d} cells "
            f"x {seconds:7.1f} s",
            flush=True,
        )
    for protocol, count in teachers.items():
        seconds = teacher_fit[protocol]
        rows.append(
            dict(
                protocol=protocol,
                arch="mlp",
                kind="teacher (once per fold)",
                cells=count,
                seconds_per_cell=seconds,
                core_hours=count * seconds / 3600,
            )
        )
    table = pd.DataFrame(rows)
    total = table["core_hours"].sum()
    print(table.round(2).to_string(index=False))
    wall = total / config.jobs
    data = (
        "SYNTHETIC data" if args.data_root is None else f"the data in {args.data_root}"
    )
    print(
        f"profile {args.profile!r}: {len(cells)} cells, about {total:.2f} core-hours "
        f"at {config.recipe.epochs} epochs, one torch thread per fit; at least "
        f"{wall:.2f} "
        f"hours ({wall * 60:.0f} min) of wall time with jobs={config.jobs}. Times "
        f"of fits on {data} at the profile's sizes, on this machine."
    )


if __name__ == "__main__":
    main()
