import pickle

import numpy as np
import pytest
import torch
from braindecode import EEGClassifier
from quick_fit import FAST
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from skorch.callbacks import Checkpoint, EarlyStopping, LRScheduler
from skorch.dataset import Dataset
from skorch.helper import SliceDict, predefined_split

from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier


@pytest.fixture(scope="module")
def teacher(data):
    torch.manual_seed(0)
    net = TeacherClassifier(CMCRDMLP, **FAST).fit(data["eye"], data["y"])
    return net.module_


def student(teacher, **kwargs):
    params = {**FAST, "distiller__n_negatives": 64, **kwargs}
    return CMCRDClassifier(CMCRDMLP, teacher=teacher, **params)


def test_teacher_is_frozen_and_not_optimised(data, teacher):
    before = {k: v.clone() for k, v in teacher.state_dict().items()}
    net = student(teacher).fit(data["X"], data["y"])
    for k, v in teacher.state_dict().items():  # the user's teacher is untouched
        torch.testing.assert_close(v, before[k])
    for k, v in net.teacher_.state_dict().items():  # and so is the frozen copy
        torch.testing.assert_close(v, before[k])
    optimised = {id(p) for g in net.optimizer_.param_groups for p in g["params"]}
    assert not optimised & {id(p) for p in net.teacher_.parameters()}
    assert {id(p) for p in net.distiller_.parameters()} <= optimised
    assert {id(p) for p in net.module_.parameters()} <= optimised
    assert not net.teacher_.training


def test_predict_uses_eeg_alone(data, teacher):
    net = student(teacher).fit(data["X"], data["y"])
    proba = net.predict_proba(data["eeg"])
    assert proba.shape == (len(data["y"]), 5)
    np.testing.assert_allclose(net.predict_proba(data["X"]), proba, rtol=1e-5)
    assert 0 <= net.score(data["eeg"], data["y"]) <= 1


def test_history_records_both_loss_parts(data, teacher):
    net = student(teacher, beta=0.5).fit(data["X"], data["y"])
    batch = net.history[-1, "batches", 0]
    assert batch["train_loss"] == pytest.approx(
        batch["ce_loss"] + 0.5 * batch["distill_loss"], rel=1e-5
    )
    assert "ce_loss" in net.history[-1] and "distill_loss" in net.history[-1]


def test_memory_banks_are_sized_from_the_training_split(data, teacher):
    net = student(
        teacher,
        train_split=predefined_split(Dataset(data["X"][:40], data["y"][:40])),
        distiller__n_negatives=50,
        distiller__feat_dim=32,
    )
    net.fit(data["X"], data["y"])
    assert net.distiller_.memory_s.shape == (len(data["y"]), 32)
    assert net.distiller_.n_negatives == 50
    np.testing.assert_array_equal(net.distiller_.train_labels.numpy(), data["y"])


def test_clone_pickle_and_grid_search(data, teacher):
    net = student(teacher, beta=0.1)
    cloned = clone(net)
    assert cloned.beta == 0.1 and isinstance(cloned.teacher, torch.nn.Module)
    net.fit(data["X"], data["y"])
    restored = pickle.loads(pickle.dumps(net))
    np.testing.assert_allclose(
        restored.predict_proba(data["eeg"]), net.predict_proba(data["eeg"]), rtol=1e-6
    )
    search = GridSearchCV(
        student(teacher, max_epochs=1),
        {"beta": [0.0, 0.02]},
        cv=2,
        refit=False,
        scoring="accuracy",
    )
    search.fit(data["X"], data["y"])
    assert len(search.cv_results_["mean_test_score"]) == 2


def test_skorch_callbacks_and_predefined_split(data, teacher, tmp_path):
    valid = Dataset(data["X"][:64], data["y"][:64])
    net = student(
        teacher,
        max_epochs=3,
        train_split=predefined_split(valid),
        callbacks=[
            "accuracy",
            ("stop", EarlyStopping(patience=2)),
            ("sched", LRScheduler(policy="StepLR", step_size=1, gamma=0.5)),
            ("ckpt", Checkpoint(dirname=str(tmp_path), monitor="valid_loss_best")),
        ],
    ).fit(data["X"], data["y"])
    assert "valid_acc" in net.history[-1] and "train_accuracy" in net.history[-1]
    assert (tmp_path / "params.pt").exists()
    assert net.optimizer_.param_groups[0]["lr"] < 5e-3


def test_eeg_teacher_with_eye_student(data):
    torch.manual_seed(0)
    eeg_teacher = (
        TeacherClassifier(CMCRDMLP, **FAST).fit(data["eeg"], data["y"]).module_
    )
    X = SliceDict(eeg=data["eeg"], eye=data["eye"])
    net = CMCRDClassifier(
        CMCRDMLP,
        teacher=eeg_teacher,
        student_key="eye",
        teacher_key="eeg",
        distiller__n_negatives=64,
        **FAST,
    )
    net.fit(X, data["y"])
    assert net.predict(data["eye"]).shape == data["y"].shape


def test_fit_on_a_dataset_yielding_dicts(data, teacher):
    class Paired(torch.utils.data.Dataset):
        def __len__(self):
            return len(data["y"])

        def __getitem__(self, i):
            return {"eeg": data["eeg"][i], "eye": data["eye"][i]}, data["y"][i]

    net = student(teacher, module__n_outputs=5).fit(Paired(), None)
    assert net.distiller_.n_data == len(data["y"])


def test_training_improves_on_chance_like_eeg_classifier(data, teacher):
    torch.manual_seed(0)
    net = student(teacher, max_epochs=5).fit(data["X"], data["y"])
    base = EEGClassifier(CMCRDMLP, **{**FAST, "max_epochs": 5}).fit(
        data["eeg"], data["y"]
    )
    # both fit the training windows far above chance (0.2)
    assert net.score(data["eeg"], data["y"]) > 0.5
    assert base.score(data["eeg"], data["y"]) > 0.5


def test_clear_errors(data, teacher):
    with pytest.raises(ValueError, match="needs teacher="):
        CMCRDClassifier(CMCRDMLP, **FAST).fit(data["X"], data["y"])
    fitted = TeacherClassifier(CMCRDMLP, **{**FAST, "max_epochs": 1}).fit(
        data["eye"], data["y"]
    )
    with pytest.raises(TypeError, match=r"\.module_"):
        CMCRDClassifier(CMCRDMLP, teacher=fitted, **FAST).fit(data["X"], data["y"])
    with pytest.raises(KeyError, match="'eye'"):
        student(teacher).fit(SliceDict(eeg=data["eeg"], em=data["eye"]), data["y"])
    with pytest.raises(TypeError, match="needs X ="):
        student(
            teacher, module__n_chans=62, module__n_times=5, module__n_outputs=5
        ).fit(data["eeg"], data["y"])


def test_dgcnn_student_with_mlp_eye_teacher(data, teacher):
    from cmcrd_plugin.models.dgcnn import SEEDDGCNN

    net = CMCRDClassifier(
        SEEDDGCNN,
        teacher=teacher,
        max_epochs=1,
        batch_size=32,
        verbose=0,
        train_split=None,
        optimizer=torch.optim.AdamW,
        distiller__n_negatives=64,
    ).fit(data["X"], data["y"])
    assert net.module_.n_chans == 62 and net.module_.n_times == 5
    assert net.distiller_.embed_s.in_features == 256  # DGCNN's last hidden layer
    assert net.distiller_.embed_t.in_features == 16  # the MLP teacher's
    assert net.predict(data["eeg"]).shape == data["y"].shape
