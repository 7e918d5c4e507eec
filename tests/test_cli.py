import io
import subprocess
import sys

import numpy as np
import pytest

import cmcrd_plugin
from cmcrd_plugin.cli import main
from cmcrd_plugin.data import load_seed_iv, load_seed_v
from cmcrd_plugin.registry import KIND_HOOKS, hookimpl


def test_cmcrd_list_shows_builtins_from_their_package(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("seed_v", "cmcrd", "mcc", "mlp", "dgcnn", "teacher"):
        assert name in out
    assert out.count("cmcrd-plugin") >= 8
    rows = [line.split() for line in out.splitlines()[1:]]
    assert {row[0] for row in rows} == set(KIND_HOOKS)
    loader = "cmcrd_plugin.loaders cmcrd_plugin.data.seed_v:load_seed_v"
    dataset = "cmcrd_plugin.datasets cmcrd_plugin.torcheeg_datasets.seed_v:PairedSEEDV"
    assert f"loader seed_v cmcrd-plugin (built-in) {loader}".split() in rows
    assert f"dataset seed_v cmcrd-plugin (built-in) {dataset}".split() in rows


def test_cmcrd_list_shows_a_third_party_component_with_its_distribution(capsys):
    class MyLoaders:
        @hookimpl
        def cmcrd_loaders(self):
            return {"my_loader": "math:fsum"}

    cmcrd_plugin.get_registry().register(
        MyLoaders(), name="mine", distribution="my-loaders"
    )
    try:
        assert main(["list", "--kind", "loader"]) == 0
    finally:
        cmcrd_plugin.get_registry(reload=True)
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[1:]]
    assert ["loader", "my_loader", "my-loaders", "mine", "math:fsum"] in rows
    assert {row[0] for row in rows} == {"loader"}


def test_console_script_is_installed():
    result = subprocess.run(
        [sys.executable, "-m", "cmcrd_plugin.cli", "list", "--kind", "loss"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "cmcrd_plugin.losses.cmcrd:CMCRDLoss" in result.stdout


def test_cmcrd_synth_writes_a_loadable_seed_v(tmp_path, capsys):
    out = tmp_path / "sv"
    assert (
        main(
            [
                "synth",
                "seed_v",
                str(out),
                "--subjects",
                "3",
                "--window-fraction",
                "0.1",
                "--no-progress",
            ]
        )
        == 0
    )
    assert "synthetic" in capsys.readouterr().out
    windows = load_seed_v(out)
    assert set(windows.subject) == {3}


def test_cmcrd_synth_seed_iv_and_seed(tmp_path):
    from cmcrd_plugin.data import load_seed, load_seed_iv

    assert (
        main(
            [
                "synth",
                "seed_iv",
                str(tmp_path / "iv"),
                "--subjects",
                "4",
                "--window-fraction",
                "0.05",
                "--raw",
                "--yes",  # without a terminal, --raw needs it
                "--no-progress",
            ]
        )
        == 0
    )
    assert set(load_seed_iv(tmp_path / "iv", raw=True).subject) == {4}
    assert (
        main(
            [
                "synth",
                "seed",
                str(tmp_path / "s"),
                "--subjects",
                "5",
                "--window-fraction",
                "0.05",
                "--no-progress",
            ]
        )
        == 0
    )
    assert set(load_seed(tmp_path / "s").subject) == {5}


def _one_line_error(capsys, exit_, command: str) -> str:
    """The message of a refused command: exit status 2, one stderr line."""
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"cmcrd {command}: error: ")
    return lines[0]


def _synth(*argv: str) -> int:
    return main(["synth", *argv, "--window-fraction", "0.05", "--no-progress"])


@pytest.mark.parametrize(
    "dataset, subjects",
    [
        ("seed_v", ["0"]),
        ("seed_v", ["1", "99"]),
        ("seed_iv", ["-5"]),
        ("seed_iv", ["16"]),
        ("seed", ["0", "3"]),
    ],
)
def test_synth_refuses_subjects_outside_the_dataset(
    dataset, subjects, tmp_path, capsys
):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:
        _synth(dataset, str(out), "--subjects", *subjects)
    message = _one_line_error(capsys, exit_, "synth")
    bad = [int(s) for s in subjects if int(s) not in (1, 3)]
    assert f"subjects {bad}" in message
    assert not out.exists()  # nothing written, not even the folder


@pytest.mark.parametrize(
    "argv, message",
    [
        (["seed_v", "--window-fraction", "2"], "--window-fraction: must be in (0, 1]"),
        (["seed_iv", "--seed", "-1"], "--seed: must be at least 0, got -1"),
        (["seed", "--raw"], "--raw is only available for seed_iv"),
    ],
)
def test_bad_synth_options_are_refused_in_one_line(argv, message, tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:
        main(["synth", argv[0], str(out), "--subjects", "1", *argv[1:]])
    assert message in _one_line_error(capsys, exit_, "synth")
    assert not out.exists()


def test_synth_refuses_a_folder_written_with_other_settings(tmp_path, capsys):
    out = tmp_path / "sv"
    assert _synth("seed_v", str(out), "--subjects", "1", "--seed", "0") == 0
    # the same settings again, and another subject with them: fine
    assert _synth("seed_v", str(out), "--subjects", "1", "2", "--seed", "0") == 0
    first = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        _synth("seed_v", str(out), "--subjects", "1", "--seed", "1")
    message = _one_line_error(capsys, exit_, "synth")
    assert "other settings" in message and "seed 0 -> 1" in message
    assert "--overwrite" in message
    assert all(p.read_bytes() == data for p, data in first.items())  # untouched
    assert set(load_seed_v(out).subject) == {1, 2}

    assert (
        _synth("seed_v", str(out), "--subjects", "1", "--seed", "1", "--overwrite") == 0
    )
    fresh = tmp_path / "fresh"
    assert _synth("seed_v", str(fresh), "--subjects", "1", "--seed", "1") == 0
    rewritten, expected = load_seed_v(out), load_seed_v(fresh)
    # subject 2 had the old settings: removed, not left beside the new data
    assert set(rewritten.subject) == {1}
    np.testing.assert_array_equal(rewritten.eeg, expected.eeg)


def test_synth_refuses_a_folder_holding_files_it_did_not_write(tmp_path, capsys):
    out = tmp_path / "sv"
    mine = out / "EEG_DE_features" / "1_123.npz"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"a real recording")
    with pytest.raises(SystemExit) as exit_:
        _synth("seed_v", str(out), "--subjects", "1")
    message = _one_line_error(capsys, exit_, "synth")
    assert str(out) in message and "--overwrite" in message
    assert mine.read_bytes() == b"a real recording"
    assert sorted(p.name for p in out.rglob("*")) == ["1_123.npz", "EEG_DE_features"]


def test_synth_seed_iv_raw_states_its_size_and_needs_yes_without_a_terminal(
    tmp_path, capsys, monkeypatch
):
    import cmcrd_plugin.synthetic as synthetic
    from cmcrd_plugin.formats.seed_iv import SESSIONS, SUBJECTS
    from cmcrd_plugin.synthetic.seed_iv import written_bytes

    def no_writing(*args, **kwargs):
        raise AssertionError("wrote without a confirmation")

    monkeypatch.setattr(synthetic, "write_seed_iv", no_writing)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal
    out = tmp_path / "iv"
    full = written_bytes(SUBJECTS, SESSIONS, window_fraction=1.0, raw=True)
    assert 15e9 < full < 16e9  # the full-size raw SEED-IV: about 15 GB
    with pytest.raises(SystemExit) as exit_:
        main(["synth", "seed_iv", str(out), "--raw", "--no-progress"])
    message = _one_line_error(capsys, exit_, "synth")
    assert f"{full / 1e9:.1f} GB" in message and "--yes" in message
    assert not out.exists()


def test_synth_seed_iv_raw_asks_before_writing(tmp_path, capsys, monkeypatch):
    from cmcrd_plugin.synthetic.seed_iv import written_bytes

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = tmp_path / "iv"
    argv = ["seed_iv", str(out), "--subjects", "4", "--raw"]
    size = written_bytes([4], window_fraction=0.05, raw=True)
    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    assert _synth(*argv) == 1
    said = capsys.readouterr()
    assert f"{size / 1e6:.1f} MB" in said.out and "nothing written" in said.out
    assert not out.exists()
    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    assert _synth(*argv) == 0
    assert set(load_seed_iv(out, raw=True).subject) == {4}


def _demo(tmp_path, *argv: str) -> int:
    return main(
        ["demo", "--cache-dir", str(tmp_path), "--no-progress", "--epochs", "1"]
        + ["--window-fraction", "0.1", "--no-control", *argv]
    )


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--epochs", "0"], "argument --epochs: must be at least 1, got 0"),
        (["--epochs", "-3"], "argument --epochs: must be at least 1, got -3"),
        (["--epochs", "two"], "argument --epochs: must be a whole number, got 'two'"),
        (["--window-fraction", "half"], "--window-fraction: must be a number"),
        (["--backbone", "nope"], "architecture 'nope' is neither"),
        (["--device", "tpu"], "device 'tpu'"),
        (["--device", "cuda:3"], "device 'cuda:3' is not available here"),
        (["--subjects", "0"], "subjects: [0] not among seed_v's 1..16"),
        (["--subjects", "2", "99"], "subjects: [99] not among"),
    ],
)
def test_bad_demo_options_are_refused_in_one_line(
    argv, message, tmp_path, capsys, monkeypatch
):
    import torch

    # a machine with one CUDA device, whatever this one has
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(SystemExit) as exit_:
        _demo(tmp_path, *argv)
    assert message in _one_line_error(capsys, exit_, "demo")
    assert not list(tmp_path.iterdir())  # nothing written


def test_cmcrd_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"cmcrd {cmcrd_plugin.__version__}"


COMMANDS = ["list", "demo", "synth", "bench", "teacher", "train", "evaluate"]


def test_the_parametrised_commands_are_every_command():
    import argparse

    from cmcrd_plugin.cli import build_parser

    (sub,) = [
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    ]
    assert sorted(sub.choices) == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_describes_itself_and_every_option(command, capsys):
    import argparse

    from cmcrd_plugin.cli import build_parser

    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    summary = {a.dest: a.help for a in sub._choices_actions}[command]
    assert summary and "\n" not in summary
    p = sub.choices[command]
    arguments = [a for a in p._actions if a.dest != "help"]
    assert [a.dest for a in arguments if not a.help] == []
    if command in ("teacher", "train", "evaluate"):
        assert p.description
        assert len([a for a in arguments if a.option_strings]) >= 8
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert all((a.option_strings or [a.dest])[0] in out for a in arguments)
