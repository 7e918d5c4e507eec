import pytest

from cmcrd_plugin.commands.demo import (
    PIPELINES,
    SYNTHETIC_NOTICE,
    DemoConfig,
    print_demo,
)


# tiny folds have fewer other-class windows than the default K = 1000
@pytest.mark.filterwarnings("ignore:n_negatives=1000 exceeds:UserWarning")
def test_tiny_demo_runs_the_protocol_and_says_data_are_synthetic(tmp_path, capsys):
    cfg = DemoConfig(
        subjects=(1,),
        max_epochs=2,
        warmup_epochs=1,
        window_fraction=0.15,
        cache_dir=tmp_path,
        progress=False,
    )
    report = print_demo(cfg)
    assert SYNTHETIC_NOTICE in report and SYNTHETIC_NOTICE in capsys.readouterr().out
    for name in PIPELINES:
        assert name in report
    assert "+-" in report and "CMCRD student - EEG-only" in report
    assert list(tmp_path.glob("synthetic-seed_v-default-*/EEG_DE_features/1_123.npz"))
    assert list(
        tmp_path.glob("synthetic-seed_v-positive_control-*/EEG_DE_features/1_123.npz")
    )


@pytest.mark.filterwarnings("ignore:n_negatives=1000 exceeds:UserWarning")
def test_the_control_can_be_left_out(tmp_path, capsys):
    from cmcrd_plugin.commands import main as cli

    cli(
        [
            "demo",
            "--subjects",
            "1",
            "--epochs",
            "1",
            "--window-fraction",
            "0.15",
            "--cache-dir",
            str(tmp_path),
            "--no-control",
            "--no-progress",
        ]
    )
    report = capsys.readouterr().out
    assert "default generator" in report and "POSITIVE CONTROL" not in report


@pytest.mark.filterwarnings("ignore:n_negatives=1000 exceeds:UserWarning")
def test_training_seeds_and_tidy_rows(tmp_path, capsys):
    import csv

    from cmcrd_plugin.commands import main as cli

    out = tmp_path / "rows.csv"
    cli(
        [
            "demo",
            "--subjects",
            "2",
            "--epochs",
            "1",
            "--window-fraction",
            "0.15",
            "--train-seeds",
            "1",
            "2",
            "--cache-dir",
            str(tmp_path),
            "--output",
            str(out),
            "--no-progress",
        ]
    )
    report = capsys.readouterr().out
    assert "training seeds [1, 2]" in report
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 2 * 3 * 2 * 3  # scenarios x folds x seeds x pipelines
    assert {r["seed"] for r in rows} == {"1", "2"}
    assert {r["scenario"] for r in rows} == {"default", "positive control"}
    assert {r["data"] for r in rows} == {
        "synthetic SEED-V",
        "synthetic SEED-V (positive control)",
    }
    assert "POSITIVE CONTROL" in report and "  positive control: " in report
