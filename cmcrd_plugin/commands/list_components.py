"""``cmcrd list``: registered components and the package that provides each."""

from __future__ import annotations

import click

from .. import get_registry
from ..registry import KIND_HOOKS
from .base import Command


@click.command(
    "list",
    cls=Command,
    short_help="list registered components and their source package",
    help="List registered components and their source package.",
)
@click.option(
    "--kind",
    type=click.Choice(list(KIND_HOOKS)),
    help="list one kind of component only",
)
def list_components(kind: str | None) -> int:
    registry = get_registry()
    kinds = [kind] if kind else list(KIND_HOOKS)
    rows = [("kind", "name", "source package", "plugin", "target")]
    for name in kinds:
        for c in sorted(registry.components(name), key=lambda c: c.name):
            rows.append((name, c.name, c.source, c.plugin, c.target_path))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        click.echo("  ".join(cells).rstrip())
    for failure in registry.failures:
        click.echo(
            f"! plugin {failure.plugin!r} ({failure.distribution or 'unknown'}) "
            f"failed to load: {failure.error}",
            err=True,
        )
    return 0
