"""The grid runner on a tiny grid: schema, resume, failures, interruption, dask."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from cmcrd_plugin.harness import runner
from cmcrd_plugin.harness.config import load_config
from cmcrd_plugin.harness.results import COLUMNS, read_results
from cmcrd_plugin.harness.runner import run_benchmark

TINY = dict(
    subjects=(1,),
    scenarios=("default",),
    methods=("eeg_only", "cmcrd", "eye_teacher"),
    epochs=1,
    window_fraction=0.25,
    jobs=1,
)


@pytest.fixture
def tiny(tmp_path):
    return load_config("quick", output=tmp_path / "run", **TINY)


def test_results_csv_has_the_schema_and_two_selections_per_cell(tiny):
    table = run_benchmark(tiny, progress=False)
    saved = read_results(tiny.output)
    assert list(saved.columns) == list(COLUMNS)
    assert len(saved) == len(table) == 2 * 3 * 3  # 3 folds x 3 methods x 2
    assert set(saved["selection"]) == {"validation", "last_epoch"}
    assert (saved["status"] == "ok").all() and saved["synthetic"].all()
    assert saved.groupby("config_hash").size().eq(2).all()
    assert saved["accuracy"].between(0, 1).all()
    teacher = saved[saved["method"] == "eye_teacher"]
    assert (teacher["test_modality"] == "eye").all()
    assert saved["teacher_valid_accuracy"].between(0, 1).all()
    assert "torch" in saved["versions"].iloc[0]


def test_a_rerun_skips_finished_cells(tiny, monkeypatch):
    first = run_benchmark(tiny, progress=False)

    def refuse(config, cell):
        raise AssertionError(f"{cell} ran again")

    monkeypatch.setattr(runner, "run_cell", refuse)
    again = run_benchmark(tiny, progress=False)
    pd.testing.assert_frame_equal(
        read_results(tiny.output), first.reset_index(drop=True), check_dtype=False
    )
    assert len(again) == len(first)
    # a change of a training setting runs the cells again
    changed = dataclasses.replace(
        tiny, recipe=dataclasses.replace(tiny.recipe, epochs=2)
    )
    assert len(runner.pending_cells(changed, read_results(tiny.output))) == 9


def test_an_architecture_that_does_not_build_is_skipped_with_its_reason(tmp_path):
    config = load_config(
        "quick",
        output=tmp_path,
        **{**TINY, "methods": ("eeg_only",)},
        archs=("mlp", "NoSuchModel"),
    )
    table = run_benchmark(config, progress=False)
    assert set(table["arch"]) == {"mlp"} and (table["status"] == "ok").all()
    (skipped,) = table.attrs["skipped"]
    assert skipped["arch"] == "NoSuchModel"
    assert "neither a registered model" in skipped["reason"]
    assert (tmp_path / "skipped_architectures.csv").exists()


def test_a_failing_cell_is_recorded_and_the_grid_goes_on(tmp_path, monkeypatch):
    from cmcrd_plugin.harness import cells

    config = load_config("quick", output=tmp_path, **{**TINY, "methods": ("eeg_only",)})
    train = cells.train_cell

    def fails_on_fold2(config, cell):
        if cell.fold == "fold2":
            raise RuntimeError("boom in fold2")
        return train(config, cell)

    monkeypatch.setattr(cells, "train_cell", fails_on_fold2)
    table = run_benchmark(config, progress=False)
    failed = table[table["status"] == "failed"]
    assert len(failed) == 2 and (failed["fold"] == "fold2").all()
    assert (failed["error"] == "RuntimeError: boom in fold2").all()
    assert failed["accuracy"].isna().all()
    assert len(table[table["status"] == "ok"]) == 2 * 2
    monkeypatch.setattr(cells, "train_cell", train)  # failed cells run again
    assert (run_benchmark(config, progress=False)["status"] == "ok").all()


def test_an_interrupted_run_keeps_every_finished_cell(tiny, monkeypatch):
    calls = []
    real = runner.run_cell

    def interrupted(config, cell):
        calls.append(cell)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(config, cell)

    monkeypatch.setattr(runner, "run_cell", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_benchmark(tiny, progress=False)
    saved = read_results(tiny.output)
    assert len(saved) == 2 * 3 and (saved["status"] == "ok").all()
    assert not list(tiny.output.glob(".results.csv.*"))  # no temporary left
    monkeypatch.setattr(runner, "run_cell", real)
    assert len(run_benchmark(tiny, progress=False)) == 2 * 9


def test_dask_local_cluster_gives_the_rows_of_the_local_run(tmp_path):
    pytest.importorskip("distributed")
    settings = {**TINY, "jobs": 2, "methods": ("eeg_only", "cmcrd")}
    local = load_config("quick", output=tmp_path / "local", **settings)
    dask = dataclasses.replace(local, engine="dask", output=tmp_path / "dask")
    key = ["fold", "method", "selection"]
    a = run_benchmark(local, progress=False).sort_values(key).reset_index(drop=True)
    b = run_benchmark(dask, progress=False).sort_values(key).reset_index(drop=True)
    assert len(a) == len(b) == 2 * 3 * 2
    assert list(a["config_hash"]) == list(b["config_hash"])
    for column in ("accuracy", "balanced_accuracy", "macro_f1", "n_train"):
        np.testing.assert_allclose(a[column], b[column])


def test_controls_run_beside_the_data_and_are_labelled(tmp_path):
    config = load_config(
        "quick",
        output=tmp_path,
        **{
            **TINY,
            "scenarios": (
                "default",
                "positive_control",
                "wide_positive_control",
                "negative_control",
            ),
            "methods": ("eeg_only", "eye_teacher"),
        },
    )
    table = run_benchmark(config, progress=False)
    assert (table["status"] == "ok").all() and table["synthetic"].all()
    teacher = table.groupby("scenario")["teacher_valid_accuracy"].mean()
    # a teacher of permuted eye features has nothing to teach
    assert teacher["negative_control"] < teacher["default"] - 0.2
    wide = read_results(tmp_path).query("scenario == 'wide_positive_control'")
    assert len(wide) == 2 * 3 * 2


def test_ones_own_recordings_in_the_generic_paired_format(tmp_path):
    from cmcrd_plugin.data import load_seed_v, write_paired_npz
    from cmcrd_plugin.synthetic import write_seed_v

    root = write_seed_v(
        tmp_path / "v", subjects=[1, 2], window_fraction=0.25, progress=False
    )
    write_paired_npz(tmp_path / "mine.npz", load_seed_v(root))
    config = load_config(
        "quick",
        output=tmp_path / "run",
        dataset="paired_npz",
        data_root=tmp_path / "mine.npz",
        **{**TINY, "subjects": (), "methods": ("eeg_only",)},
    )
    table = run_benchmark(config, progress=False)
    assert set(table["subject"]) == {1, 2} and not table["synthetic"].any()
    assert (table["status"] == "ok").all() and set(table["fold"]) == {
        "fold1",
        "fold2",
        "fold3",
    }


def test_raw_seed_iv_windows_for_temporal_cnns(tmp_path):
    config = load_config(
        "quick",
        output=tmp_path,
        dataset="seed_iv",
        raw=True,
        archs=("ShallowFBCSPNet", "mlp"),
        **{**TINY, "methods": ("eeg_only",), "window_fraction": 0.05},
    )
    table = run_benchmark(config, progress=False)
    assert set(table["arch"]) == {"ShallowFBCSPNet", "mlp"}
    assert (table["status"] == "ok").all() and set(table["fold"]) == {"fold1"}
    with pytest.raises(ValueError, match="seed_iv only"):
        load_config("quick", output=tmp_path, raw=True)


def test_the_results_table_names_every_field_of_a_cell():
    from cmcrd_plugin.harness.cells import Cell
    from cmcrd_plugin.harness.results import CELL_COLUMNS

    assert tuple(f.name for f in dataclasses.fields(Cell)) == CELL_COLUMNS
    assert set(CELL_COLUMNS) <= set(COLUMNS)
