"""The option types and the space-separated lists of the ``cmcrd`` commands."""

import click
import pytest

from cmcrd_plugin.commands import main
from cmcrd_plugin.commands.options import Beta, Device, NumberRange, spread_lists


@click.command()
@click.option("--subjects", type=int, multiple=True)
@click.option("--methods", multiple=True)
@click.option("--epochs", type=int)
@click.argument("rest", nargs=-1)
def _command(**options):
    return options


def _spread(*argv):
    return spread_lists(_command, click.Context(_command), list(argv))


@pytest.mark.parametrize(
    "argv, spread",
    [
        (["--subjects", "1", "2"], ["--subjects", "1", "--subjects", "2"]),
        (
            ["--subjects", "1", "--subjects", "2"],
            ["--subjects", "1", "--subjects", "2"],
        ),
        (["--subjects", "-5", "3"], ["--subjects", "-5", "--subjects", "3"]),
        (
            ["--methods", "kd", "cmcrd", "--epochs", "3"],
            ["--methods", "kd", "--methods", "cmcrd", "--epochs", "3"],
        ),
        (["--subjects", "--epochs", "3"], ["--subjects", "--epochs", "3"]),
        (["--subjects"], ["--subjects"]),
        (["--subjects", "1", "--", "x"], ["--subjects", "1", "--", "x"]),
        (["--subjects=1", "a"], ["--subjects=1", "a"]),
        (["--epochs", "3", "a"], ["--epochs", "3", "a"]),
    ],
)
def test_list_options_take_values_after_one_name_or_repeated(argv, spread):
    assert _spread(*argv) == spread


def test_the_lists_reach_the_command(monkeypatch):
    from cmcrd_plugin.harness import config

    seen = {}

    def load_config(profile, **overrides):
        seen.update(overrides)
        raise config.BenchmarkConfigError("stop here")

    monkeypatch.setattr("cmcrd_plugin.commands.bench.load_config", load_config)
    argv = ["bench", "--methods", "eeg_only", "kd", "--seeds", "1", "2"]
    argv += ["--protocol", "loso", "--subjects", "3", "--subjects", "4"]
    with pytest.raises(SystemExit):
        main([*argv, "--archs", "mlp", "--epochs", "2"])
    assert seen["methods"] == ("eeg_only", "kd") and seen["seeds"] == (1, 2)
    assert seen["protocols"] == ("loso",) and seen["subjects"] == (3, 4)
    assert seen["archs"] == ("mlp",) and seen["epochs"] == 2
    assert seen["scenarios"] is None and seen["raw"] is None  # the profile's


def _convert(kind, text):
    return kind.convert(text, None, None)


def test_device_is_one_this_machine_has(monkeypatch):
    import torch

    assert _convert(Device(), "cpu") == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(click.BadParameter, match="'cuda' is not available here"):
        _convert(Device(), "cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert _convert(Device(), "cuda:1") == "cuda:1"
    with pytest.raises(click.BadParameter, match=r"\(2 cuda device\(s\)\)"):
        _convert(Device(), "cuda:2")
    with pytest.raises(click.BadParameter, match="device 'tpu'"):
        _convert(Device(), "tpu")


def test_beta_is_a_weight_or_auto():
    assert _convert(Beta(), "auto") == "auto"
    assert _convert(Beta(), "0") == 0.0 and _convert(Beta(), "0.5") == 0.5
    for text in ("-0.1", "nan", "big", "Auto"):
        with pytest.raises(click.BadParameter):
            _convert(Beta(), text)


def test_number_range_refuses_nan():
    fraction = NumberRange(min=0, max=1, min_open=True)
    assert _convert(fraction, "1") == 1.0
    for text in ("0", "1.5", "nan", "half"):
        with pytest.raises(click.BadParameter):
            _convert(fraction, text)
