"""``--config run.toml``: a TOML file of options for ``cmcrd teacher``,
``train`` and ``evaluate``.

The file's values become the defaults of the command's options (click's
``default_map``), so the command line overrides them and click's types
check them. Top-level keys apply to every one of those commands that has
the option (a key none has is refused); the keys of a ``[teacher]``,
``[train]`` or ``[evaluate]`` table to that command only, over the
top-level ones. Keys may use ``_`` or ``-``. Relative paths are relative to
the file's folder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import click

from ..harness.config import tomllib
from .base import CommandError

#: the commands whose options a --config file may set
OWN_DATA_COMMANDS = ("teacher", "train", "evaluate")


def config_option(function: Callable) -> Callable:
    """The ``--config FILE`` option (read before the other options)."""
    return click.option(
        "--config",
        type=click.Path(path_type=Path),
        metavar="FILE",
        is_eager=True,
        callback=_use_config_file,
        help="a TOML file of options (keys as the options, with _ or -, and "
        "[teacher] / [train] / [evaluate] tables); the command line overrides it",
    )(function)


def _use_config_file(
    ctx: click.Context, param: click.Parameter, path: Path | None
) -> Path | None:
    if path is not None and not ctx.resilient_parsing:
        ctx.default_map = {
            **(ctx.default_map or {}),
            **defaults(path, ctx.command.name or "", _options(ctx)),
        }
    return path


def _options(ctx: click.Context) -> dict[str, list[click.Parameter]]:
    """The options of each command on one's own data, by command name."""
    group = ctx.parent.command if ctx.parent is not None else None
    if not isinstance(group, click.Group):  # the command run on its own
        return {ctx.command.name or "": ctx.command.params}
    commands = {name: group.get_command(ctx, name) for name in OWN_DATA_COMMANDS}
    return {name: c.params for name, c in commands.items() if c is not None}


def defaults(
    path: Path, command: str, options: Mapping[str, list[click.Parameter]]
) -> dict[str, Any]:
    """The option values a ``--config`` file gives ``command``.

    Parameters
    ----------
    path : Path
        The TOML file.
    command : str
        The command run (``teacher``, ``train`` or ``evaluate``).
    options : mapping
        The click parameters of every command the file may configure.

    Returns
    -------
    dict
        Option names (``warmup_epochs``) and values as the command line
        would give them (text, lists of text, and booleans for flags), for
        click's ``default_map``.
    """
    try:
        with open(path, "rb") as stream:
            document = tomllib.load(stream)
    except OSError as exc:
        raise CommandError(f"--config {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CommandError(f"--config {path}: not TOML ({exc})") from exc
    known = {
        name: {p.name: p for p in params if p.name and p.name != "config"}
        for name, params in options.items()
    }
    shared = {k: v for k, v in document.items() if k not in OWN_DATA_COMMANDS}
    anywhere = set().union(*known.values())
    unknown = [k for k in shared if _name(k) not in anywhere]
    tables = {name: document.get(name, {}) for name in OWN_DATA_COMMANDS}
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise CommandError(f"--config {path}: [{name}] must be a table")
        unknown += [f"{name}.{k}" for k in table if _name(k) not in known.get(name, ())]
    if unknown:
        raise CommandError(
            f"--config {path}: unknown option(s) {', '.join(sorted(unknown))}"
        )
    own = known.get(command, {})
    chosen = {_name(k): v for k, v in shared.items() if _name(k) in own}
    chosen.update({_name(k): v for k, v in tables.get(command, {}).items()})
    return {
        name: _as_given(own[name], value, Path(path).parent)
        for name, value in chosen.items()
    }


def _name(key: str) -> str:
    return key.replace("-", "_")


def _as_given(param: click.Parameter, value: Any, folder: Path) -> Any:
    """``value`` as the command line gives it: text (a list of text for an
    option of several values), so that click checks it as it checks the
    command line (``epochs = 2.5`` is not 2); a boolean for a flag. Relative
    paths become relative to ``folder``."""
    if isinstance(param, click.Option) and param.is_flag:
        return value
    if param.multiple:
        items = value if isinstance(value, list) else [value]
        return [_text(param, item, folder) for item in items]
    return _text(param, value, folder)


def _text(param: click.Parameter, value: Any, folder: Path) -> str:
    text = str(value)
    if isinstance(param.type, click.Path) and not Path(text).is_absolute():
        return str(folder / text)
    return text
