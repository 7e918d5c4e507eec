"""``--config run.toml``: a file's values are the defaults of the options."""

from pathlib import Path

import pytest

from cmcrd_plugin.commands import main, own_data
from cmcrd_plugin.commands.data_folder import DataSelection
from cmcrd_plugin.evaluation.recipe import TrainingRecipe


@pytest.fixture
def seen(monkeypatch):
    """What the commands pass to the functions they call (which do nothing)."""
    seen = {}

    def train_teacher(data, out, recipe, seed, overwrite=False):
        seen.update(data=data, out=out, recipe=recipe, seed=seed, overwrite=overwrite)
        return {}

    def train_students(data, out, teacher, **kwargs):
        seen.update(data=data, out=out, teacher=teacher, **kwargs)
        return {"summary": {}, "data": {"synthetic": False}}

    def evaluate_student(student, data, **kwargs):
        seen.update(student=student, data=data, **kwargs)
        metrics = {"accuracy": 1.0, "balanced_accuracy": 1.0, "macro_f1": 1.0}
        data = {"subjects": [1], "synthetic": False}
        return {"metrics": metrics, "n_windows": 1, "data": data}

    monkeypatch.setattr(own_data, "train_teacher", train_teacher)
    monkeypatch.setattr(own_data, "train_students", train_students)
    monkeypatch.setattr(own_data, "evaluate_student", evaluate_student)
    return seen


def _refused(argv, command, one_line_error) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    return one_line_error(exit_, command)


def test_config_values_are_overridden_by_the_command_line(tmp_path, seen):
    config = tmp_path / "run.toml"
    config.write_text(
        'dataset = "seed_v"\nroot = "data"\nepochs = 7\nsubjects = [1, 2]\n'
        'backbone = "dgcnn"\nlr = 0.01\n'
        '[train]\ndistiller = "kd"\nbeta = "auto"\nraw = false\n'
        "[teacher]\nepochs = 99\n"
    )
    argv = ["train", "--config", str(config), "--out", "o", "--teacher", "t.pt"]
    assert main([*argv, "--epochs", "3", "--subjects", "4"]) == 0
    assert seen["data"] == DataSelection(
        "seed_v",
        tmp_path / "data",
        subjects=(4,),  # the file's folder, not ./
    )
    assert seen["recipe"] == TrainingRecipe(epochs=3, lr=0.01)
    assert seen["seed"] == 2022
    assert seen["backbone"] == "dgcnn"
    assert (seen["distiller"], seen["beta"]) == ("kd", "auto")
    assert str(seen["teacher"]) == "t.pt"


def test_the_files_values_are_used_where_the_command_line_gives_none(tmp_path, seen):
    config = tmp_path / "run.toml"
    config.write_text(
        'dataset = "seed_iv"\nroot = "data"\nraw = true\nsubjects = 3\n'
        "warmup-epochs = 0\nbatch_size = 8\ndevice = 'cpu'\nepochs = 2\n"
        "[teacher]\nout = 'runs/teacher.pt'\nepochs = 4\noverwrite = true\n"
        "protocol = 'loso'\n"
    )
    assert main(["teacher", "--config", str(config)]) == 0
    assert seen["data"] == DataSelection(
        "seed_iv", tmp_path / "data", raw=True, subjects=(3,), protocol="loso"
    )
    assert seen["out"] == tmp_path / "runs" / "teacher.pt"
    assert seen["recipe"] == TrainingRecipe(epochs=4, warmup_epochs=0, batch_size=8)
    assert seen["overwrite"] is True


def test_relative_paths_are_relative_to_the_files_folder(tmp_path, seen, monkeypatch):
    folder = tmp_path / "configs"
    folder.mkdir()
    config = folder / "evaluate.toml"
    absolute = tmp_path / "elsewhere" / "data"
    config.write_text(
        f'dataset = "seed_v"\nroot = "{absolute}"\n'
        "[evaluate]\nstudent = '../run/students/subject1-fold1.pt'\nout = 'scores'\n"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["evaluate", "--config", "configs/evaluate.toml"]) == 0
    assert seen["student"].resolve() == tmp_path / "run/students/subject1-fold1.pt"
    assert seen["out"] == Path("configs", "scores")  # the file's folder, as given
    assert seen["data"].root == absolute  # absolute paths as they are
    # on the command line, relative paths stay relative to the working folder
    assert main(["evaluate", "--config", str(config), "--out", "mine"]) == 0
    assert str(seen["out"]) == "mine"


def test_required_options_may_come_from_either_source(tmp_path, seen, one_line_error):
    config = tmp_path / "run.toml"
    config.write_text('root = "data"\n[train]\nout = "run"\n')
    argv = ["train", "--config", str(config), "--teacher", "t.pt"]
    assert main([*argv, "--dataset", "seed"]) == 0
    assert (seen["data"].dataset, seen["out"]) == ("seed", tmp_path / "run")
    line = _refused(argv, "train", one_line_error)
    assert line.endswith("missing --dataset (give it here or in a --config file)")
    line = _refused(["evaluate", "--config", str(config)], "evaluate", one_line_error)
    assert "missing --student, --dataset (give it here" in line


def test_config_file_errors_name_the_file(tmp_path, one_line_error):
    config = tmp_path / "run.toml"
    argv = ["teacher", "--config", str(config), "--out", str(tmp_path / "t.pt")]

    def refused(message):
        assert message in _refused(argv, "teacher", one_line_error)

    refused(f"--config {config}: No such file")
    config.write_text("epochs = [")
    refused(f"--config {config}: not TOML")
    config.write_text("epoch = 3\n[train]\nteacher_key = 'eeg'\n")
    refused("unknown option(s) epoch, train.teacher_key")
    config.write_text("[teacher]\nbackbone = 'dgcnn'\n")  # a train option
    refused("unknown option(s) teacher.backbone")
    config.write_text("train = 3\n")
    refused(f"--config {config}: [train] must be a table")
    config.write_text('dataset = "seed_v"\nroot = "."\nepochs = "two"\n')
    refused(f"--config {config}: Invalid value for '--epochs': 'two' is not a valid")
    config.write_text('dataset = "seed_v"\nroot = "."\nepochs = 0\n')
    refused(f"--config {config}: Invalid value for '--epochs': 0 is not in the range")
    config.write_text('dataset = "seed_v"\nroot = "."\nepochs = 2.5\n')  # not 2
    refused(f"--config {config}: Invalid value for '--epochs': '2.5' is not a valid")
    config.write_text('dataset = "seed_x"\nroot = "."\n')
    refused(f"--config {config}: Invalid value for '--dataset': 'seed_x' is not one")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.toml"]


def test_a_bad_value_on_the_command_line_does_not_blame_the_file(
    tmp_path, one_line_error
):
    config = tmp_path / "run.toml"
    config.write_text('dataset = "seed_v"\nroot = "."\nepochs = 2\n')
    argv = ["teacher", "--config", str(config), "--out", "t.pt", "--epochs", "0"]
    line = _refused(argv, "teacher", one_line_error)
    assert "--config" not in line and "'--epochs': 0 is not in the range" in line
