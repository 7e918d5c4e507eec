"""The ``cmcrd`` group: the console script, --version, help, one-line errors."""

import subprocess
import sys
from pathlib import Path

import click
import pytest

import cmcrd_plugin
from cmcrd_plugin.commands import main


def _cmcrd(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cmcrd_plugin", *argv], capture_output=True, text=True
    )


def test_console_script_is_installed():
    result = _cmcrd("list", "--kind", "loss")
    assert result.returncode == 0, result.stderr
    assert "cmcrd_plugin.losses.cmcrd:CMCRDLoss" in result.stdout


def test_the_console_script_refuses_in_one_line_with_exit_status_2():
    result = _cmcrd("synth", "seed_v", "out", "--seed", "-1")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "cmcrd synth: error: Invalid value for '--seed': -1 is not in the range "
        "x>=0. (see cmcrd synth --help)"
    )


def test_the_console_script_is_the_click_group():
    from cmcrd_plugin.harness.config import tomllib

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    scripts = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    assert scripts["scripts"]["cmcrd"] == "cmcrd_plugin.commands:main"


def test_cmcrd_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"cmcrd {cmcrd_plugin.__version__}"


COMMANDS = ["list", "demo", "synth", "bench", "teacher", "train", "evaluate"]


def test_the_parametrised_commands_are_every_command_in_order(capsys):
    assert list(main.commands) == COMMANDS
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert [out.index(f"\n  {c} ") for c in COMMANDS] == sorted(
        out.index(f"\n  {c} ") for c in COMMANDS
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_describes_itself_and_every_option(command, capsys):
    cmd = main.commands[command]
    summary = cmd.get_short_help_str(limit=1000)
    assert summary and "\n" not in summary
    assert cmd.help
    options = [p for p in cmd.params if isinstance(p, click.Option)]
    arguments = [p for p in cmd.params if isinstance(p, click.Argument)]
    assert [p.name for p in options if not p.help] == []
    # arguments have no help of their own in click: the command's help names them
    assert [p.name for p in arguments if p.name.upper() not in cmd.help] == []
    if command in ("teacher", "train", "evaluate"):
        assert len(options) >= 8
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert all(p.opts[0] in out for p in options)
    assert all(p.name.upper() in out for p in arguments)
    assert main([command, "-h"]) == 0
    assert capsys.readouterr().out == out


@pytest.mark.parametrize(
    "argv, line",
    [
        ([], "cmcrd: error: Missing command. (see cmcrd --help)"),
        (["nope"], "cmcrd: error: No such command 'nope'. (see cmcrd --help)"),
        (
            ["list", "--kind"],
            "cmcrd list: error: Option '--kind' requires an argument. "
            "(see cmcrd list --help)",
        ),
        (
            ["demo", "--subjects"],
            "cmcrd demo: error: Option '--subjects' requires an argument. "
            "(see cmcrd demo --help)",
        ),
        (["synth", "seed_v"], "cmcrd synth: error: Missing argument 'OUTPUT'."),
        (["teacher", "--epoch", "3"], "cmcrd teacher: error: No such option"),
        (
            ["train", "--epochs", "0"],
            "cmcrd train: error: Invalid value for '--epochs': 0 is not in the "
            "range x>=1. (see cmcrd train --help)",
        ),
        (["train", "--lr", "nan"], "Invalid value for '--lr': 'nan' is not a number"),
        (["train", "--beta", "-1"], "'--beta': -1.0 is not in the range x>=0"),
        (["train", "--beta", "big"], "'--beta': 'big' is neither a weight"),
        (["bench", "--protocol", "kfold"], "'--protocol': 'kfold' is not one of"),
    ],
)
def test_usage_errors_are_one_line(argv, line, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert line in err


def test_standalone_mode_false_leaves_click_exceptions_to_the_caller():
    with pytest.raises(click.BadParameter):
        main(["train", "--epochs", "0"], standalone_mode=False)
