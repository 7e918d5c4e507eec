"""``cmcrd teacher``, ``cmcrd train`` and ``cmcrd evaluate`` on a synthetic folder."""

import dataclasses
import json
import stat

import numpy as np
import pandas as pd
import pytest

from cmcrd_plugin.commands import main, own_data
from cmcrd_plugin.files import umasked
from cmcrd_plugin.synthetic import write_seed_v

FOLDS = ["subject1-fold1", "subject1-fold2", "subject1-fold3"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("data") / "seed_v"
    write_seed_v(root, subjects=[1, 2], window_fraction=0.05, progress=False)
    return root


@pytest.fixture(scope="module")
def run(folder, tmp_path_factory):
    """A teacher and a within-subject run on subject 1, options from a config."""
    base = tmp_path_factory.mktemp("run")
    config = base / "run.toml"
    config.write_text(
        f'dataset = "seed_v"\nroot = "{folder}"\nsubjects = [1]\n'
        'epochs = 2\nwarmup_epochs = 1\n[train]\nbackbone = "mlp"\n'
    )
    teacher, out = base / "teacher.pt", base / "run"
    assert main(["teacher", "--config", str(config), "--out", str(teacher)]) == 0
    argv = ["train", "--config", str(config), "--teacher", str(teacher)]
    assert main([*argv, "--out", str(out)]) == 0
    return {"config": config, "teacher": teacher, "out": out, "base": base}


def test_teacher_file_holds_a_teacher_per_fold_and_its_settings(run, folder):
    settings = json.loads(run["teacher"].with_suffix(".json").read_text())
    assert settings["kind"] == "teacher"
    assert sorted(settings["models"]) == FOLDS
    assert settings["data"]["root"] == str(folder.resolve())
    assert settings["data"]["synthetic"] is True
    assert settings["training"]["epochs"] == 2
    assert settings["module"] == {"n_chans": 33, "n_times": 1, "n_outputs": 5}


def test_train_writes_predictions_metrics_and_students(run, capsys):
    out = run["out"]
    metrics = pd.read_csv(out / "metrics.csv")
    assert list(metrics["fold"]) == ["fold1", "fold2", "fold3"]
    assert metrics["accuracy"].between(0, 1).all()
    assert (metrics["distiller"] == "cmcrd").all()
    predictions = pd.read_csv(out / "predictions.csv")
    assert len(predictions) == metrics["n_test"].sum()
    fold1 = predictions[predictions["fold"] == "fold1"]
    assert set(fold1["trial"]) == {0, 1, 2, 3, 4}  # SEED-V's first test trials
    accuracy = (fold1["label"] == fold1["predicted"]).mean()
    assert accuracy == pytest.approx(metrics["accuracy"][0])
    summary = json.loads((out / "metrics.json").read_text())
    assert summary["data"]["synthetic"] is True
    assert summary["training"]["epochs"] == 2
    assert summary["summary"]["cmcrd"]["accuracy"]["mean"] == pytest.approx(
        metrics["accuracy"].mean()
    )
    for key in FOLDS:
        student = json.loads((out / "students" / f"{key}.json").read_text())
        assert student["kind"] == "student" and student["eeg_shape"] == [62, 5]
        assert (out / "students" / f"{key}.pt").is_file()
    assert not [p for p in run["base"].iterdir() if p.name.startswith(".")]
    # as plain mkdir and open would make them (mkdtemp, mkstemp: owner only)
    assert stat.S_IMODE(out.stat().st_mode) == umasked(0o777)
    student = out / "students" / f"{FOLDS[0]}.pt"
    assert stat.S_IMODE(student.stat().st_mode) == umasked(0o666)


def test_evaluate_reproduces_the_trained_students_predictions(
    run, folder, tmp_path, capsys
):
    student = run["out"] / "students" / "subject1-fold1.pt"
    out = tmp_path / "scores"
    argv = ["evaluate", "--student", str(student), "--dataset", "seed_v"]
    assert (
        main([*argv, "--root", str(folder), "--subjects", "1", "--out", str(out)]) == 0
    )
    printed = capsys.readouterr().out
    assert "accuracy" in printed and "SYNTHETIC DATA" in printed
    scored = pd.read_csv(out / "predictions.csv")
    assert set(scored["subject"]) == {1}
    trained = pd.read_csv(run["out"] / "predictions.csv")
    trained = trained[trained["fold"] == "fold1"]
    keys = ["subject", "session", "trial", "window"]
    both = trained.merge(scored, on=keys, suffixes=("_run", "_evaluate"))
    assert len(both) == len(trained)
    np.testing.assert_array_equal(both["predicted_run"], both["predicted_evaluate"])
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_windows"] == len(scored)
    expected = (scored["label"] == scored["predicted"]).mean()
    assert metrics["metrics"]["accuracy"] == pytest.approx(expected)


def test_evaluate_scores_new_subjects_without_writing(run, folder, capsys):
    student = run["out"] / "students" / "subject1-fold2.pt"
    argv = ["evaluate", "--config", str(run["config"]), "--student", str(student)]
    assert main([*argv, "--subjects", "2"]) == 0
    assert "of subjects [2]" in capsys.readouterr().out


def test_leave_one_subject_out(folder, tmp_path):
    data = ["--dataset", "seed_v", "--root", str(folder), "--protocol", "loso"]
    quick = ["--epochs", "1", "--warmup-epochs", "0", "--subjects", "1", "2"]
    teacher = tmp_path / "loso-teacher.pt"
    assert main(["teacher", *data, *quick, "--out", str(teacher)]) == 0
    out = tmp_path / "loso"
    argv = ["train", *data, *quick, "--teacher", str(teacher), "--distiller", "kd"]
    assert main([*argv, "--out", str(out)]) == 0
    metrics = pd.read_csv(out / "metrics.csv")
    assert list(metrics["fold"]) == ["subject1", "subject2"]
    assert list(metrics["subject"]) == [1, 2]
    predictions = pd.read_csv(out / "predictions.csv")
    tested = predictions.groupby("fold")["subject"].unique()
    assert [list(s) for s in tested] == [[1], [2]]  # the left-out subject only
    assert sorted(p.name for p in (out / "students").iterdir()) == [
        "subject1.json",
        "subject1.pt",
        "subject2.json",
        "subject2.pt",
    ]


def _assert_refused(capsys, argv, command, message):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"cmcrd {command}: error: ")
    assert message in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--dataset", "seed_x"], "'--dataset': 'seed_x' is not one of"),
        (["--epochs", "0"], "'--epochs': 0 is not in the range x>=1"),
        (["--beta", "-1"], "'--beta': -1.0 is not in the range x>=0"),
        (["--beta", "big"], "'--beta': 'big' is neither a weight (>= 0) nor 'auto'"),
        (["--lr", "0"], "'--lr': 0.0 is not in the range x>0"),
        (["--protocol", "kfold"], "'--protocol': 'kfold' is not one of"),
        (["--distiller", "mcc"], "--distiller 'mcc'"),
        (["--distiller", "nope"], "--distiller 'nope'"),
        (["--backbone", "NoSuchNet"], "--backbone 'NoSuchNet'"),
        (["--subjects", "99"], "subjects: [99] not among seed_v's 1..16"),
    ],
)
def test_train_refuses_bad_values_in_one_line(
    run, folder, tmp_path, capsys, options, message
):
    out = tmp_path / "out"
    data = ["--dataset", "seed_v", "--root", str(folder), "--subjects", "1"]
    argv = ["train", *data, "--teacher", str(run["teacher"]), "--epochs", "1"]
    _assert_refused(capsys, [*argv, "--out", str(out), *options], "train", message)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_commands_refuse_missing_and_mismatched_inputs(run, folder, tmp_path, capsys):
    data = ["--dataset", "seed_v", "--root", str(folder), "--subjects", "1"]
    out = tmp_path / "out"
    _assert_refused(
        capsys, ["teacher", "--dataset", "seed_v"], "teacher", "missing --root, --out"
    )
    _assert_refused(
        capsys,
        [
            "teacher",
            "--dataset",
            "seed_v",
            "--root",
            str(tmp_path / "no"),
            "--out",
            "t",
        ],
        "teacher",
        "no such file or folder",
    )
    _assert_refused(
        capsys, ["train", *data, "--out", str(out)], "train", "needs --teacher"
    )
    _assert_refused(
        capsys,
        ["train", *data, "--teacher", str(tmp_path / "t.pt"), "--out", str(out)],
        "train",
        "t.pt: no such file",
    )
    _assert_refused(
        capsys,
        ["train", *data, "--protocol", "loso", "--subjects", "1", "2"]
        + ["--teacher", str(run["teacher"]), "--out", str(out)],
        "train",
        "was trained with protocol 'within_subject'",
    )
    _assert_refused(
        capsys,
        ["train", "--dataset", "seed_v", "--root", str(folder), "--subjects", "2"]
        + ["--teacher", str(run["teacher"]), "--out", str(out)],
        "train",
        "no teacher for fold(s) subject2-fold1, subject2-fold2, subject2-fold3",
    )
    _assert_refused(
        capsys,
        ["train", *data, "--teacher", str(run["teacher"]), "--out", str(run["out"])],
        "train",
        "exists; pass --overwrite",
    )
    _assert_refused(
        capsys,
        ["evaluate", *data, "--student", str(run["teacher"])],
        "evaluate",
        "a saved 'teacher', not a 'student'",
    )
    assert not out.exists()


def test_a_failure_during_training_writes_nothing(run, folder, tmp_path, monkeypatch):
    fit = own_data._fit_student
    calls = []

    def fails_on_the_second_fold(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("out of memory")
        return fit(*args, **kwargs)

    monkeypatch.setattr(own_data, "_fit_student", fails_on_the_second_fold)
    data = ["--dataset", "seed_v", "--root", str(folder), "--subjects", "1"]
    argv = ["train", *data, "--teacher", str(run["teacher"]), "--epochs", "1"]
    with pytest.raises(RuntimeError, match="out of memory"):
        main([*argv, "--out", str(tmp_path / "out")])
    assert list(tmp_path.iterdir()) == []


def test_out_never_is_or_holds_an_input_even_with_overwrite(
    run, folder, tmp_path, capsys
):
    from cmcrd_plugin.data import load_seed_v, write_paired_npz

    npz = write_paired_npz(tmp_path / "mine.npz", load_seed_v(folder, subjects=[1]))
    before = npz.read_bytes()
    own = ["--dataset", "paired_npz", "--root", str(npz), "--overwrite"]
    _assert_refused(
        capsys, ["teacher", *own, "--out", str(npz)], "teacher", "is --root"
    )
    data = ["--dataset", "seed_v", "--root", str(folder), "--subjects", "1"]
    train = ["train", *data, "--teacher", str(run["teacher"]), "--overwrite"]
    _assert_refused(capsys, [*train, "--out", str(folder)], "train", "is --root")
    _assert_refused(
        capsys, [*train, "--out", str(run["base"])], "train", "holds --teacher"
    )
    student = run["out"] / "students" / "subject1-fold1.pt"
    evaluate = ["evaluate", *data, "--student", str(student), "--overwrite"]
    _assert_refused(
        capsys, [*evaluate, "--out", str(run["out"])], "evaluate", "holds --student"
    )
    assert npz.read_bytes() == before
    assert student.is_file() and (run["out"] / "metrics.csv").is_file()


def test_a_symbolic_link_as_out_is_refused(run, folder, tmp_path, capsys):
    target = tmp_path / "real"
    target.mkdir()
    (tmp_path / "link").symlink_to(target)
    student = run["out"] / "students" / "subject1-fold1.pt"
    data = ["--dataset", "seed_v", "--root", str(folder), "--subjects", "1"]
    argv = ["evaluate", *data, "--student", str(student), "--overwrite"]
    _assert_refused(
        capsys,
        [*argv, "--out", str(tmp_path / "link")],
        "evaluate",
        "is a symbolic link",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


def test_overwrite_replaces_only_what_the_command_wrote(run, folder, tmp_path, capsys):
    out = tmp_path / "scores"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    student = run["out"] / "students" / "subject1-fold1.pt"
    data = ["--dataset", "seed_v", "--root", str(folder), "--subjects", "1"]
    evaluate = ["evaluate", *data, "--student", str(student), "--out", str(out)]
    _assert_refused(
        capsys,
        [*evaluate, "--overwrite"],
        "evaluate",
        "holds notes.txt, which this command does not write",
    )
    assert (out / "notes.txt").read_text() == "mine"
    (out / "notes.txt").unlink()
    assert main(evaluate) == 0
    assert main([*evaluate, "--overwrite"]) == 0  # its own files: replaced
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json", "predictions.csv"]


def test_a_fold_smaller_than_a_batch_is_refused_before_training(
    run, folder, tmp_path, capsys
):
    data = ["--dataset", "seed_v", "--root", str(folder), "--subjects", "1"]
    argv = ["teacher", *data, "--batch-size", "5000", "--out", str(tmp_path / "t.pt")]
    _assert_refused(
        capsys, argv, "teacher", "training windows, fewer than --batch-size 5000"
    )
    assert list(tmp_path.iterdir()) == []


def test_labels_from_one_and_folds_without_a_class_train(folder, tmp_path):
    from cmcrd_plugin.data import load_seed_v, write_paired_npz

    windows = load_seed_v(folder, subjects=[1, 2])
    # labels 1..5: class 0 never occurs
    windows = dataclasses.replace(windows, label=windows.label + 1)
    npz = write_paired_npz(tmp_path / "one-based.npz", windows)
    data = ["--dataset", "paired_npz", "--root", str(npz)]
    quick = ["--epochs", "1", "--warmup-epochs", "0", "--batch-size", "8"]
    teacher = tmp_path / "teacher.pt"
    assert main(["teacher", *data, *quick, "--out", str(teacher)]) == 0
    out = tmp_path / "run"
    argv = ["train", *data, *quick, "--teacher", str(teacher), "--distiller", "kd"]
    assert main([*argv, "--out", str(out)]) == 0  # KD: teacher and student agree
    student = json.loads(next((out / "students").glob("*.json")).read_text())
    assert student["n_classes"] == 6
    assert set(pd.read_csv(out / "predictions.csv")["label"]) <= {1, 2, 3, 4, 5}
    # subject 1 without class 2: its folds' labels have a gap
    windows = load_seed_v(folder, subjects=[1, 2])
    npz = write_paired_npz(
        tmp_path / "gap.npz",
        windows.subset(np.flatnonzero((windows.subject != 1) | (windows.label != 2))),
    )
    data = ["--dataset", "paired_npz", "--root", str(npz), "--subjects", "1"]
    teacher = tmp_path / "gap-teacher.pt"
    assert main(["teacher", *data, *quick, "--out", str(teacher)]) == 0
    argv = ["train", *data, *quick, "--teacher", str(teacher), "--distiller", "kd"]
    assert main([*argv, "--out", str(tmp_path / "gap-run")]) == 0


def test_a_backbone_that_cannot_read_the_windows_is_refused_in_one_line(
    run, folder, tmp_path, capsys
):
    data = ["--dataset", "seed_v", "--root", str(folder), "--subjects", "1"]
    argv = ["train", *data, "--teacher", str(run["teacher"])]
    _assert_refused(
        capsys,
        [*argv, "--backbone", "ShallowFBCSPNet", "--out", str(tmp_path / "o")],
        "train",
        "--backbone 'ShallowFBCSPNet' cannot be trained on windows of shape (62, 5)",
    )
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_fit_stops_the_command_and_writes_nothing(
    run, folder, tmp_path, monkeypatch
):
    from cmcrd_plugin.training import CMCRDClassifier

    def interrupt(self, net, **kwargs):
        raise KeyboardInterrupt  # Ctrl-C during training; skorch swallows it

    monkeypatch.setattr(CMCRDClassifier, "on_epoch_end", interrupt)
    data = ["--dataset", "seed_v", "--root", str(folder), "--subjects", "1"]
    argv = ["train", *data, "--teacher", str(run["teacher"]), "--epochs", "2"]
    with pytest.raises(KeyboardInterrupt, match="interrupted in epoch 1 of 2"):
        main([*argv, "--out", str(tmp_path / "out")])
    assert list(tmp_path.iterdir()) == []


def test_a_teacher_of_other_windows_at_the_same_path_is_refused(
    folder, tmp_path, capsys
):
    from cmcrd_plugin.data import load_seed_v, write_paired_npz

    windows = load_seed_v(folder, subjects=[1])
    npz = write_paired_npz(tmp_path / "mine.npz", windows)
    data = ["--dataset", "paired_npz", "--root", str(npz)]
    quick = ["--epochs", "1", "--warmup-epochs", "0", "--batch-size", "8"]
    teacher = tmp_path / "teacher.pt"
    assert main(["teacher", *data, *quick, "--out", str(teacher)]) == 0
    # new recordings saved over the old file: the teacher saw other windows
    write_paired_npz(npz, dataclasses.replace(windows, label=windows.label[::-1]))
    argv = ["train", *data, *quick, "--teacher", str(teacher)]
    _assert_refused(
        capsys,
        [*argv, "--out", str(tmp_path / "run")],
        "train",
        "the windows of subject(s) 1 in",
    )


def test_the_deprecated_experiments_own_data_still_trains(folder, tmp_path):
    import importlib
    import sys

    sys.modules.pop("cmcrd_plugin.experiments.own_data", None)
    with pytest.warns(FutureWarning, match="cmcrd_plugin.commands.own_data"):
        old = importlib.import_module("cmcrd_plugin.experiments.own_data")
    data = old.DataSelection("seed_v", folder, subjects=(1,))
    training = old.TrainingSettings(epochs=1, warmup_epochs=0, batch_size=8, seed=3)
    settings = old.train_teacher(data, tmp_path / "t.pt", training, report=len)
    assert settings["training"] == {**dataclasses.asdict(training)}
    assert (tmp_path / "t.pt").is_file()


def test_the_python_api_refuses_a_device_this_machine_lacks(folder, tmp_path):
    from cmcrd_plugin.commands.data_folder import DataSelection, OwnDataError
    from cmcrd_plugin.evaluation.recipe import TrainingRecipe

    data = DataSelection("seed_v", folder, subjects=(1,))
    with pytest.raises(OwnDataError, match="'cuda:64' is not available here"):
        own_data.train_teacher(
            data, tmp_path / "t.pt", recipe=TrainingRecipe(device="cuda:64")
        )
    assert not (tmp_path / "t.pt").exists()
