"""Option types and option syntax shared by the ``cmcrd`` commands.

Two values no built-in click type covers (a torch device this machine has;
a distillation weight or ``auto``), a float range that also refuses nan,
and the space-separated lists of argparse's ``nargs="+"``: every option
that takes several values (``multiple=True``) takes them after one option
name (``--subjects 1 2 3``) as well as repeated (``--subjects 1 --subjects 2``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import click

from ..evaluation.recipe import device_problem


class Device(click.ParamType):
    """A torch device that this machine has (``cpu``, ``cuda:0``, ``mps``, ...)."""

    name = "device"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        text = str(value)
        problem = device_problem(text)
        if problem is not None:
            self.fail(problem, param, ctx)
        return text


class NumberRange(click.FloatRange):
    """:class:`click.FloatRange` that also refuses nan (it passes every bound)."""

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number", param, ctx)
        return number


class Beta(click.ParamType):
    """The weight of the distillation term: a number >= 0, or ``auto``."""

    name = "beta"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float | str:
        if value == "auto":
            return value
        try:
            float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is neither a weight (>= 0) nor 'auto'", param, ctx)
        return NumberRange(min=0).convert(value, param, ctx)


def spread_lists(command: click.Command, ctx: click.Context, args: list[str]) -> list:
    """``args`` with every ``--option a b c`` of a list option as repeated options.

    A list option is one with ``multiple=True``; its values are the tokens
    after it up to the next token that looks like an option (a negative
    number does not).
    """
    names = {
        name
        for param in command.get_params(ctx)
        if isinstance(param, click.Option) and param.multiple
        for name in param.opts
    }
    spread: list[str] = []
    option, taken = None, 0
    for index, token in enumerate(args):
        if option is not None and not _is_option(token) and token != "--":
            spread += [option, token]
            taken += 1
            continue
        if option is not None and not taken:
            spread.append(option)  # no value: click says so
        option = None
        if token == "--":
            return spread + args[index:]
        if token in names:
            option, taken = token, 0
        else:
            spread.append(token)
    if option is not None and not taken:
        spread.append(option)
    return spread


def _is_option(token: str) -> bool:
    if not token.startswith("-") or token == "-":
        return False
    try:
        float(token)
    except ValueError:
        return True
    return False


def list_option(*names: str, metavar: str, **kwargs: Any) -> Callable:
    """An option of several values: ``--subjects 1 2 3``."""
    return click.option(*names, multiple=True, metavar=metavar, **kwargs)


def subjects_option(help: str, default: Sequence[int] | None = None) -> Callable:
    """``--subjects N [N ...]``: subject ids."""
    return list_option(
        "--subjects", type=int, metavar="N [N ...]", default=default, help=help
    )


def device_option(help: str, default: str | None = None) -> Callable:
    """``--device``: a torch device this machine has."""
    return click.option("--device", type=Device(), default=default, help=help)


no_progress_option = click.option(
    "--no-progress", is_flag=True, help="no progress bars"
)
