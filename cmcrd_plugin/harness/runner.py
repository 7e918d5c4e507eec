"""Run the grid: resumable, parallel (joblib or dask), never half-written.

Every finished cell's rows are added to ``results.csv`` at once, by writing
the whole table to a temporary file in the same folder and renaming it over
the old one (``os.replace``), so an interrupted run loses at most the cells
in flight and the table is never half-written. A rerun skips the cells
whose config hash is already in the table; a failing cell is recorded with
its error (``status="failed"``) and the grid goes on; failed cells run
again on the next run.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
import torch
from joblib import Parallel, delayed
from tqdm.auto import tqdm

from ..evaluation.architectures import survey
from .cells import Cell, config_hash, grid, run_cell
from .config import BenchmarkConfig, BenchmarkConfigError
from .data import input_shape, write_synthetic_data
from .results import COLUMNS, read_results, write_results

SKIPPED = "skipped_architectures.csv"


def pending_cells(config: BenchmarkConfig, table: pd.DataFrame) -> list[Cell]:
    """The cells without a successful row in ``table``."""
    done = set(table.loc[table["status"] == "ok", "config_hash"])
    return [cell for cell in grid(config) if config_hash(config, cell) not in done]


def _local(config: BenchmarkConfig, cells: list[Cell]) -> Iterator[list[dict]]:
    if config.jobs == 1:
        yield from (run_cell(config, cell) for cell in cells)
        return

    parallel = Parallel(n_jobs=config.jobs, return_as="generator_unordered")
    yield from parallel(delayed(run_cell)(config, cell) for cell in cells)


def _dask(config: BenchmarkConfig, cells: list[Cell]) -> Iterator[list[dict]]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise ImportError(
            "--engine dask needs dask.distributed: pip install 'cmcrd-plugin[dask]'"
        ) from exc
    if config.scheduler:
        client, cluster = Client(config.scheduler), None
    else:  # on this machine only: loopback, one single-threaded worker per job
        cluster = LocalCluster(
            n_workers=config.jobs,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
        )
        client = Client(cluster)
    try:
        futures = client.map(run_cell, [config] * len(cells), cells, pure=False)
        for future in as_completed(futures):
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def execute(config: BenchmarkConfig, cells: list[Cell]) -> Iterable[list[dict]]:
    """The rows of every cell, as each finishes, from the configured engine."""
    engine = _dask if config.engine == "dask" else _local
    return engine(config, cells)


def machine() -> str:
    """A one-line description of this machine, for the report."""

    return (
        f"{platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPU cores, torch {torch.__version__} "
        f"({torch.get_num_threads()} threads)"
    )


def surveyed(config: BenchmarkConfig) -> tuple[BenchmarkConfig, pd.DataFrame]:
    """``config`` with the architectures that build; the skipped ones with reasons.

    The skipped architectures are written to ``skipped_architectures.csv``.
    """
    shape = input_shape(config)
    built, skipped = survey(config.archs, *shape)
    table = pd.DataFrame(skipped, columns=["arch", "reason"])
    output = Path(config.output)
    output.mkdir(parents=True, exist_ok=True)
    table.to_csv(output / SKIPPED, index=False)
    if not built:
        reasons = "; ".join(f"{r['arch']}: {r['reason']}" for r in skipped[:3])
        raise BenchmarkConfigError(
            f"none of the architectures {list(config.archs)} builds for inputs of "
            f"shape {shape[:2]} ({reasons})"
        )
    return dataclasses.replace(config, archs=tuple(built)), table


def run_benchmark(config: BenchmarkConfig, progress: bool = True) -> pd.DataFrame:
    """Run the pending cells of ``config`` and return the whole results table.

    Writes ``results.csv`` in ``config.output`` after every finished cell.
    The table's ``attrs`` carry ``wall_seconds`` and ``skipped`` (the
    architectures that do not build, ``{"arch", "reason"}`` records).
    """

    started = time.perf_counter()
    output = Path(config.output)
    output.mkdir(parents=True, exist_ok=True)
    config, skipped = surveyed(config)  # before any data are written
    write_synthetic_data(config, progress=progress)
    table = read_results(output)
    cells = pending_cells(config, table)
    # a failed cell that runs again replaces its old rows
    hashes = {config_hash(config, cell) for cell in cells}
    table = table[~table["config_hash"].isin(hashes)]
    bar = tqdm(total=len(cells), desc="benchmark cells", disable=not progress)
    try:
        for rows in execute(config, cells):
            new = pd.DataFrame(rows).reindex(columns=list(COLUMNS))
            table = new if table.empty else pd.concat([table, new], ignore_index=True)
            write_results(output, table)
            bar.update()
    finally:
        bar.close()
    table.attrs["wall_seconds"] = time.perf_counter() - started
    table.attrs["skipped"] = skipped.to_dict("records")
    return table
