"""``cmcrd synth``."""

import io
import sys

import numpy as np
import pytest

from cmcrd_plugin.commands import main
from cmcrd_plugin.data import load_seed_iv, load_seed_v


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
    dataset, subjects, tmp_path, capsys, one_line_error
):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:
        _synth(dataset, str(out), "--subjects", *subjects)
    message = one_line_error(exit_, "synth")
    bad = [int(s) for s in subjects if int(s) not in (1, 3)]
    assert f"subjects {bad}" in message
    assert not out.exists()  # nothing written, not even the folder


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["seed_v", "--window-fraction", "2"],
            "'--window-fraction': 2.0 is not in the range 0<x<=1",
        ),
        (["seed_iv", "--seed", "-1"], "'--seed': -1 is not in the range x>=0"),
        (["seed", "--raw"], "--raw is only available for seed_iv"),
    ],
)
def test_bad_synth_options_are_refused_in_one_line(
    argv, message, tmp_path, capsys, one_line_error
):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:
        main(["synth", argv[0], str(out), "--subjects", "1", *argv[1:]])
    assert message in one_line_error(exit_, "synth")
    assert not out.exists()


def test_synth_refuses_a_folder_written_with_other_settings(
    tmp_path, capsys, one_line_error
):
    out = tmp_path / "sv"
    assert _synth("seed_v", str(out), "--subjects", "1", "--seed", "0") == 0
    # the same settings again, and another subject with them: fine
    assert _synth("seed_v", str(out), "--subjects", "1", "2", "--seed", "0") == 0
    first = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        _synth("seed_v", str(out), "--subjects", "1", "--seed", "1")
    message = one_line_error(exit_, "synth")
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


def test_synth_refuses_a_folder_holding_files_it_did_not_write(
    tmp_path, capsys, one_line_error
):
    out = tmp_path / "sv"
    mine = out / "EEG_DE_features" / "1_123.npz"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"a real recording")
    with pytest.raises(SystemExit) as exit_:
        _synth("seed_v", str(out), "--subjects", "1")
    message = one_line_error(exit_, "synth")
    assert str(out) in message and "--overwrite" in message
    assert mine.read_bytes() == b"a real recording"
    assert sorted(p.name for p in out.rglob("*")) == ["1_123.npz", "EEG_DE_features"]


def test_synth_seed_iv_raw_states_its_size_and_needs_yes_without_a_terminal(
    tmp_path, capsys, one_line_error, monkeypatch
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
    message = one_line_error(exit_, "synth")
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
