"""Profiles, command-line overrides and their errors."""

import pytest
import torch

from cmcrd_plugin.commands import main
from cmcrd_plugin.harness.config import PROFILES, load_config


def test_shipped_profiles_load_and_options_override():
    quick = load_config("quick")
    assert quick.dataset == "seed_v" and quick.synthetic
    full = load_config("full")
    assert len(full.seeds) >= 3 and "cmcrd-beta_auto" in full.methods
    assert {"within_subject", "loso"} <= set(full.protocols)
    assert {p.stem for p in PROFILES.glob("*.toml")} >= {"quick", "full"}
    mine = load_config("quick", epochs=3, subjects=[4], seeds=None)
    assert (mine.recipe.epochs, mine.subjects, mine.seeds) == (3, (4,), quick.seeds)


def test_a_profile_of_ones_own(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('dataset = "seed_iv"\nmethods = ["eeg_only", "kd"]\nepochs = 7\n')
    config = load_config(path)
    assert (config.dataset, config.methods, config.recipe.epochs) == (
        "seed_iv",
        ("eeg_only", "kd"),
        7,
    )
    path.write_text("epoch = 7\n")
    with pytest.raises(
        ValueError, match=r"mine.toml: unknown setting\(s\) \['epoch'\]"
    ):
        load_config(path)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--profile", "nope"], "profile 'nope'"),
        (["--epochs", "0"], "'--epochs': 0 is not in the range x>=1"),
        (["--jobs", "-2"], "'--jobs': -2 is not in the range x>=1"),
        (["--methods", "eeg_only", "magic"], "unknown ['magic']"),
        (["--archs", "nope"], "nope: ValueError: architecture 'nope'"),
        (["--subjects", "0", "99"], "subjects: [0, 99] not among seed_v's 1..16"),
        (["--archs", "torcheeg.Nope"], "the benchmark knows the TorchEEG models"),
    ],
)
def test_bad_options_are_one_line_errors(argv, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["bench", "--output", str(tmp_path), *argv])
    said = capsys.readouterr().err
    assert exit_.value.code == 2
    assert message in said and "Traceback" not in said
    assert said.startswith("cmcrd bench: error: ") and len(said.splitlines()) == 1
    assert not (tmp_path / "results.csv").exists()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--epochs", "-1"], "'--epochs': -1 is not in the range x>=1"),
        (["--window-fraction", "2"], "'--window-fraction': 2.0 is not in the range"),
        (["--device", "tpu"], "device 'tpu'"),
        (["--backbone", "nope"], "none of the architectures ['nope'] builds"),
    ],
)
def test_bad_demo_options_are_one_line_errors(argv, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--cache-dir", str(tmp_path), "--no-progress", *argv])
    said = capsys.readouterr().err
    assert exit_.value.code == 2
    assert message in said and "Traceback" not in said
    assert not list(tmp_path.iterdir())  # nothing written


def test_a_profile_value_of_the_wrong_type(tmp_path):
    path = tmp_path / "typo.toml"
    path.write_text('epochs = "x"\n')
    with pytest.raises(ValueError, match=r"typo.toml: epochs must be an integer"):
        load_config(path)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_a_cuda_device_without_cuda_is_refused():
    with pytest.raises(ValueError, match="device 'cuda' is not available here"):
        load_config("quick", device="cuda")
