"""``cmcrd demo``: options refused before anything is written."""

import pytest

from cmcrd_plugin.commands import main


def _demo(tmp_path, *argv: str) -> int:
    return main(
        ["demo", "--cache-dir", str(tmp_path), "--no-progress", "--epochs", "1"]
        + ["--window-fraction", "0.1", "--no-control", *argv]
    )


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--epochs", "0"], "'--epochs': 0 is not in the range x>=1"),
        (["--epochs", "-3"], "'--epochs': -3 is not in the range x>=1"),
        (["--epochs", "two"], "'--epochs': 'two' is not a valid integer"),
        (["--window-fraction", "half"], "'--window-fraction': 'half' is not a valid"),
        (["--window-fraction", "nan"], "'--window-fraction': 'nan' is not a number"),
        (["--backbone", "nope"], "architecture 'nope' is neither"),
        (["--device", "tpu"], "device 'tpu'"),
        (["--device", "cuda:3"], "device 'cuda:3' is not available here"),
        (["--subjects", "0"], "subjects: [0] not among seed_v's 1..16"),
        (["--subjects", "2", "99"], "subjects: [99] not among"),
    ],
)
def test_bad_demo_options_are_refused_in_one_line(
    argv, message, tmp_path, capsys, one_line_error, monkeypatch
):
    import torch

    # a machine with one CUDA device, whatever this one has
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(SystemExit) as exit_:
        _demo(tmp_path, *argv)
    assert message in one_line_error(exit_, "demo")
    assert not list(tmp_path.iterdir())  # nothing written
