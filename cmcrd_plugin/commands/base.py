"""The click classes of the ``cmcrd`` commands.

Every error is one line on stderr, ``cmcrd <command>: error: <message>``,
and exit status 2 (click's usage block is left out); a bad value that came
from a ``--config`` file names the file. Options of several values take
them space-separated (``--subjects 1 2 3``, see
:func:`~cmcrd_plugin.commands.options.spread_lists`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click
from click.core import ParameterSource

from .options import spread_lists


class CommandError(click.ClickException):
    """A refused command: one line on stderr naming the command, exit status 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        # the command refusing (None outside a command): its name starts the line
        self.ctx = click.get_current_context(silent=True)


def written_data_hint(exc: Exception) -> str:
    """A refused synthetic data folder, for commands that have no --overwrite."""
    return (
        f"{exc} (this command writes its synthetic data itself and has no "
        "--overwrite: delete that folder, or choose another --output / "
        "--cache-dir, and run again)"
    )


class Command(click.Command):
    """A command whose options of several values take space-separated lists,
    and whose usage errors name it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, spread_lists(self, ctx, args))
        except click.UsageError as exc:  # the parser's own errors have no context
            if exc.ctx is None:
                exc.ctx = ctx
            raise


class Group(click.Group):
    """The ``cmcrd`` group: its commands in the order added, errors in one line."""

    command_class = Command

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line ``args`` (default: ``sys.argv[1:]``).

        Returns the command's exit status (0, or 1 where nothing was done),
        which the console script passes to :func:`sys.exit`; ``--help`` and
        ``--version`` return 0. An error is printed in one line and raises
        ``SystemExit`` with its exit status (2). With ``standalone_mode=False``
        click's exceptions propagate instead.
        """
        run = super().main
        prog_name = prog_name or "cmcrd"
        if not standalone_mode:
            return run(args, prog_name, complete_var, False, **extra)
        try:
            return run(args, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            click.echo(one_line(exc, prog_name), err=True)
            raise SystemExit(exc.exit_code) from exc
        except click.Abort as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt | EOFError):
                raise exc.__cause__ from None  # Ctrl-C: Python's own report, as before
            click.echo("Aborted!", err=True)
            raise SystemExit(1) from exc


def one_line(exc: click.ClickException, prog_name: str = "cmcrd") -> str:
    """``exc`` as ``cmcrd <command>: error: <message>``.

    A usage error (a bad or missing value) ends with a pointer to the
    command's ``--help``; a value from a ``--config`` file starts with it.
    """
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else prog_name
    message = exc.format_message()
    param = getattr(exc, "param", None)
    if ctx is not None and param is not None and param.name:
        source = ctx.get_parameter_source(param.name)
        if source is ParameterSource.DEFAULT_MAP and ctx.params.get("config"):
            message = f"--config {ctx.params['config']}: {message}"
    if isinstance(exc, click.UsageError):
        message += f" (see {command} --help)"
    return f"{command}: error: {' '.join(message.split())}"
