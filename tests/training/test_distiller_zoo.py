"""Every distiller trains a student by name, in both directions."""

import numpy as np
import pytest
import torch
from quick_fit import FAST as QUICK_FIT
from skorch.callbacks import Callback, Checkpoint, LoadInitState
from skorch.helper import SliceDict

from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier

DISTILLERS = ["cmcrd", "crd", "kd", "fitnet", "nst", "sp", "rkd", "pkt", "none"]
FAST = {**QUICK_FIT, "max_epochs": 1}


@pytest.fixture(scope="module")
def zoo(data):
    """The training data plus an eye teacher and an EEG teacher."""
    eeg, eye, y = data["eeg"], data["eye"], data["y"]
    torch.manual_seed(0)
    eye_teacher = TeacherClassifier(CMCRDMLP, **FAST).fit(eye, y).module_
    eeg_teacher = TeacherClassifier(CMCRDMLP, **FAST).fit(eeg, y).module_
    return dict(eeg=eeg, eye=eye, y=y, eye_teacher=eye_teacher, eeg_teacher=eeg_teacher)


@pytest.mark.parametrize("direction", ["eye->eeg", "eeg->eye"])
@pytest.mark.parametrize("name", DISTILLERS)
def test_every_distiller_trains_in_both_directions(zoo, name, direction):
    if direction == "eye->eeg":
        X = SliceDict(eeg=zoo["eeg"], eye=zoo["eye"])
        net = CMCRDClassifier(
            CMCRDMLP, teacher=zoo["eye_teacher"], distiller=name, **FAST
        )
        test_input = zoo["eeg"]
    else:
        X = SliceDict(eeg=zoo["eeg"], eye=zoo["eye"])
        net = CMCRDClassifier(
            CMCRDMLP,
            teacher=zoo["eeg_teacher"],
            student_key="eye",
            teacher_key="eeg",
            distiller=name,
            **FAST,
        )
        test_input = zoo["eye"]
    if name in ("cmcrd", "crd"):
        net.set_params(distiller__n_negatives=64)
    net.fit(X, zoo["y"])
    batch = net.history[-1, "batches", 0]
    weight = net.distill_weight
    expected = batch["ce_loss"] + weight * batch["distill_loss"]
    assert batch["train_loss"] == pytest.approx(expected, rel=1e-4, abs=1e-6)
    assert np.isfinite(batch["distill_loss"])
    assert net.predict(test_input).shape == zoo["y"].shape


def test_default_weights_follow_the_authors(zoo):
    weights = {
        name: CMCRDClassifier(CMCRDMLP, distiller=name).distill_weight
        for name in DISTILLERS
    }
    assert weights == {
        "cmcrd": 0.02,
        "crd": 0.02,
        "kd": 10,
        "fitnet": 1,
        "nst": 10,
        "sp": 100,
        "rkd": 1,
        "pkt": 1000,
        "none": 0,
    }
    assert CMCRDClassifier(CMCRDMLP, distiller="kd", beta=3.0).distill_weight == 3.0


def test_rkd_parts_are_recorded(zoo):
    X = SliceDict(eeg=zoo["eeg"], eye=zoo["eye"])
    net = CMCRDClassifier(CMCRDMLP, teacher=zoo["eye_teacher"], distiller="rkd", **FAST)
    batch = net.fit(X, zoo["y"]).history[-1, "batches", 0]
    assert batch["distill_loss"] == pytest.approx(
        25 * batch["distill_distance"] + 50 * batch["distill_angle"], rel=1e-5
    )


def test_none_needs_no_teacher_but_others_do(zoo):
    net = CMCRDClassifier(CMCRDMLP, distiller="none", **FAST)
    net.fit(SliceDict(eeg=zoo["eeg"]), zoo["y"])
    assert net.teacher_ is None
    with pytest.raises(ValueError, match="needs teacher="):
        CMCRDClassifier(CMCRDMLP, distiller="kd", **FAST).fit(
            SliceDict(eeg=zoo["eeg"], eye=zoo["eye"]), zoo["y"]
        )
    with pytest.raises(
        TypeError, match="not a cmcrd_plugin.losses.base.Distiller"
    ) as e:
        CMCRDClassifier(
            CMCRDMLP, distiller="mcc", teacher=zoo["eye_teacher"], **FAST
        ).fit(SliceDict(eeg=zoo["eeg"], eye=zoo["eye"]), zoo["y"])
    message = str(e.value)
    assert "loss 'mcc' (MCCLoss) is registered" in message
    assert "distillers: cmcrd, crd, fitnet, kd, none, nst, pkt, rkd, sp." in message
    assert "mcc_weight" in message
    with pytest.raises(TypeError, match="distiller <class 'dict'> is not"):
        CMCRDClassifier(CMCRDMLP, distiller=dict, **FAST).fit(
            SliceDict(eeg=zoo["eeg"]), zoo["y"]
        )


def test_kd_on_top_of_another_distiller_and_student_mcc(zoo):
    X = SliceDict(eeg=zoo["eeg"], eye=zoo["eye"])
    net = CMCRDClassifier(
        CMCRDMLP,
        teacher=zoo["eye_teacher"],
        distiller="sp",
        kd_weight=2.0,
        mcc_weight=0.5,
        mcc_unlabeled=zoo["eeg"][:50],
        **FAST,
    ).fit(X, zoo["y"])
    b = net.history[-1, "batches", 0]
    expected = (
        b["ce_loss"] + 100 * b["distill_loss"] + 2 * b["kd_loss"] + 0.5 * b["mcc_loss"]
    )
    assert b["train_loss"] == pytest.approx(expected, rel=1e-4)
    # without mcc_unlabeled, MCC reads the training batch's logits
    net = CMCRDClassifier(
        CMCRDMLP,
        teacher=zoo["eye_teacher"],
        distiller="none",
        mcc_weight=1.0,
        mcc_temperature=3.0,
        **FAST,
    ).fit(X, zoo["y"])
    b = net.history[-1, "batches", 0]
    assert 0 < b["mcc_loss"] < 1
    assert b["train_loss"] == pytest.approx(b["ce_loss"] + b["mcc_loss"], rel=1e-5)
    assert net.step_.mcc_temperature == 3.0


def test_checkpoint_resume_restores_banks_and_constants(zoo, tmp_path):
    X = SliceDict(eeg=zoo["eeg"], eye=zoo["eye"])
    params = dict(teacher=zoo["eye_teacher"], distiller__n_negatives=64, **FAST)
    checkpoint = Checkpoint(
        dirname=str(tmp_path), monitor=None, f_distiller="distiller.pt"
    )
    net = CMCRDClassifier(CMCRDMLP, callbacks=[("ckpt", checkpoint)], **params)
    net.fit(X, zoo["y"])
    assert (tmp_path / "distiller.pt").exists()
    saved = {k: v.clone() for k, v in net.distiller_.state_dict().items()}

    # skorch's resume pattern: LoadInitState loads the checkpoint at train begin
    seen = {}

    class Spy(Callback):
        def on_train_begin(self, net, **kwargs):
            seen.update({k: v.clone() for k, v in net.distiller_.state_dict().items()})

    resumed = CMCRDClassifier(
        CMCRDMLP,
        callbacks=[("load", LoadInitState(checkpoint)), ("spy", Spy())],
        **params,
    )
    resumed.fit(X, zoo["y"])
    assert seen.keys() == saved.keys()
    for name, value in saved.items():  # banks, labels, constants, heads restored
        torch.testing.assert_close(seen[name], value)
    # the constants stay fixed across the resumed epoch; the banks were updated
    assert resumed.distiller_.norm_s == saved["norm_s"]
    assert not torch.equal(resumed.distiller_.memory_s, saved["memory"][0])


def test_initialize_then_load_params_resumes_a_student_without_a_linear_head(
    zoo, tmp_path
):
    """skorch's other resume pattern, for a braindecode model with a conv head."""
    from braindecode.models import ShallowFBCSPNet

    rng = np.random.default_rng(1)
    raw = rng.normal(size=(len(zoo["y"]), 4, 200)).astype(np.float32)
    X = SliceDict(eeg=raw, eye=zoo["eye"])
    params = dict(
        teacher=zoo["eye_teacher"],
        distiller__n_negatives=64,
        **{k: v for k, v in FAST.items() if not k.startswith("module__")},
    )
    net = CMCRDClassifier(ShallowFBCSPNet, **params).fit(X, zoo["y"])
    files = {
        f"f_{part}": tmp_path / f"{part}.pt"
        for part in ("params", "optimizer", "distiller", "history")
    }
    net.save_params(**files)
    shape = dict(module__n_chans=4, module__n_times=200, module__n_outputs=5)
    resumed = CMCRDClassifier(ShallowFBCSPNet, **params, **shape).initialize()
    resumed.load_params(**files)  # the distiller exists before any data is seen
    for name, value in net.distiller_.state_dict().items():
        torch.testing.assert_close(resumed.distiller_.state_dict()[name], value)
    opt, opt_resumed = net.optimizer_.state_dict(), resumed.optimizer_.state_dict()
    assert len(opt_resumed["state"]) == len(opt["state"]) > 0
    loaded = (resumed.module_, resumed.distiller_, resumed.optimizer_)
    # braindecode's first partial_fit would build a fresh module, distiller and
    # optimiser here (its signal-argument inference); ours trains the loaded ones
    resumed.partial_fit(X, zoo["y"])
    assert (resumed.module_, resumed.distiller_, resumed.optimizer_) == loaded
    assert resumed.history[-1, "epoch"] == 2


def test_loading_a_distiller_that_cannot_be_sized_yet_says_what_to_do(zoo, tmp_path):
    net = CMCRDClassifier(
        # a head that is not nn.Linear, in a model that declares no input shape
        torch.nn.Sequential(
            torch.nn.Flatten(), torch.nn.Linear(310, 5), torch.nn.Identity()
        ),
        teacher=zoo["eye_teacher"],
        feature_layer="2",
        **{k: v for k, v in FAST.items() if not k.startswith("module__")},
    )
    net.initialize()
    with pytest.raises(ValueError, match="LoadInitState"):
        net.load_params(f_distiller=tmp_path / "d.pt")
