import warnings

import pytest
import torch
from sklearn.base import clone

from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import TeacherClassifier, load_teacher

FAST = dict(
    max_epochs=2, batch_size=32, verbose=0, train_split=None, module__hidden_size=16
)


def test_teacher_loss_is_ce_plus_weighted_mcc(tiny_paired):
    eye, y = tiny_paired["eye"][:200], tiny_paired["y"][:200]
    net = TeacherClassifier(CMCRDMLP, mcc_weight=0.7, **FAST).fit(eye, y)
    batch = net.history[-1, "batches", 0]
    assert batch["train_loss"] == pytest.approx(
        batch["ce_loss"] + 0.7 * batch["mcc_loss"], rel=1e-5
    )
    assert 0 < batch["mcc_loss"] < 1


def test_weight_zero_is_plain_cross_entropy(tiny_paired):
    eye, y = tiny_paired["eye"][:200], tiny_paired["y"][:200]
    net = TeacherClassifier(CMCRDMLP, mcc_weight=0.0, **FAST).fit(eye, y)
    batch = net.history[-1, "batches", 0]
    assert batch["train_loss"] == pytest.approx(batch["ce_loss"], rel=1e-6)
    assert "mcc_loss" not in batch


def test_the_deprecated_lambda_mcc_warns_and_is_the_weight(tiny_paired):
    eye, y = tiny_paired["eye"][:200], tiny_paired["y"][:200]
    net = TeacherClassifier(CMCRDMLP, lambda_mcc=0.0, **FAST)
    assert clone(net).get_params()["lambda_mcc"] == 0.0  # sklearn keeps it
    with pytest.warns(FutureWarning, match="use mcc_weight"):
        net.fit(eye, y)
    batch = net.history[-1, "batches", 0]
    assert "mcc_loss" not in batch  # lambda_mcc=0 overrides mcc_weight=1
    assert batch["train_loss"] == pytest.approx(batch["ce_loss"], rel=1e-6)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        TeacherClassifier(CMCRDMLP, **FAST).fit(eye, y)
    assert not [w for w in record if "lambda_mcc" in str(w.message)]


def test_the_mcc_temperature_is_the_steps(tiny_paired):
    eye, y = tiny_paired["eye"][:200], tiny_paired["y"][:200]
    losses = []
    for temperature in (1.0, 5.0):
        torch.manual_seed(0)
        net = TeacherClassifier(CMCRDMLP, mcc_temperature=temperature, **FAST)
        losses.append(net.fit(eye, y).history[0, "batches", 0, "mcc_loss"])
        assert net.step_.mcc_temperature == temperature
    assert losses[0] != pytest.approx(losses[1])


def test_load_teacher_from_saved_params(tiny_paired, tmp_path):
    eye, y = tiny_paired["eye"][:200], tiny_paired["y"][:200]
    net = TeacherClassifier(CMCRDMLP, **FAST).fit(eye, y)
    net.save_params(f_params=tmp_path / "teacher.pt")
    fresh = CMCRDMLP(n_outputs=5, n_chans=33, n_times=1, hidden_size=16)
    teacher = load_teacher(fresh, tmp_path / "teacher.pt")
    assert not teacher.training
    x = torch.as_tensor(eye[:8])
    torch.testing.assert_close(teacher(x), net.module_.eval()(x))
    assert load_teacher(net) is net.module_
    wrong = CMCRDMLP(
        n_outputs=5, n_chans=33, n_times=1, hidden_size=16, n_hidden_layers=3
    )
    with pytest.raises(ValueError, match="do not match"):
        load_teacher(wrong, tmp_path / "teacher.pt")


def test_mcc_on_unlabelled_batches(tiny_paired):
    eye, y = tiny_paired["eye"][:200], tiny_paired["y"][:200]
    unlabeled = tiny_paired["eye"][200:260]
    net = TeacherClassifier(CMCRDMLP, mcc_unlabeled=unlabeled, **FAST).fit(eye, y)
    batch = net.history[-1, "batches", 0]
    assert batch["train_loss"] == pytest.approx(
        batch["ce_loss"] + batch["mcc_loss"], rel=1e-5
    )
    # the MCC term differs from MCC on the labelled batch it came with
    seen = []
    original = net.module_.forward

    def spy(x):
        seen.append(x.shape[0])
        return original(x)

    net.module_.forward = spy
    net.partial_fit(eye, y)
    assert 32 in seen and len(seen) >= 2 * (200 // 32)  # labelled + unlabelled forwards


def test_plain_feature_matrices_are_read_as_channels(tiny_paired):
    from cmcrd_plugin.models.dgcnn import SEEDDGCNN
    from cmcrd_plugin.training import CMCRDClassifier

    fast = {k: v for k, v in FAST.items() if k != "module__hidden_size"}
    eye2d = tiny_paired["eye"][:200]  # (n, 33): no trailing axis
    eeg, y = tiny_paired["eeg"][:200], tiny_paired["y"][:200]
    teacher = TeacherClassifier(SEEDDGCNN, **fast).fit(eye2d, y)
    assert teacher.module_.n_chans == 33 and teacher.module_.n_times == 1
    assert teacher.predict(eye2d).shape == y.shape
    # the same 2-D eye matrix as the teacher input, and as a student input
    net = CMCRDClassifier(
        SEEDDGCNN, teacher=teacher.module_, distiller__n_negatives=32, **fast
    ).fit({"eeg": eeg, "eye": eye2d}, y)
    assert net.predict(eeg).shape == y.shape
    eye_student = CMCRDClassifier(
        SEEDDGCNN,
        teacher=net.module_,
        student_key="eye",
        teacher_key="eeg",
        distiller__n_negatives=32,
        **fast,
    ).fit({"eye": eye2d, "eeg": eeg}, y)
    assert eye_student.module_.n_chans == 33
    assert eye_student.predict(eye2d).shape == y.shape
