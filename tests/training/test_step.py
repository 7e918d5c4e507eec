"""DistillationStep: the loss of one training batch, shared by every trainer."""

import copy
import pickle

import pytest
import torch
from quick_fit import FAST

from cmcrd_plugin.losses.kd import kd_loss
from cmcrd_plugin.losses.mcc import MCCLoss
from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier
from cmcrd_plugin.training.step import DistillationStep

N, B = 40, 16


def models():
    torch.manual_seed(0)
    student = CMCRDMLP(n_chans=62, n_times=5, n_outputs=5, hidden_size=16)
    teacher = CMCRDMLP(n_chans=33, n_times=1, n_outputs=5, hidden_size=8)
    return student, teacher


def batch():
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(B, 62, 5, generator=generator)
    x_teacher = torch.randn(B, 33, 1, generator=generator)
    y = torch.arange(B) % 5
    return x, x_teacher, y, torch.arange(B)


def step(**kwargs) -> DistillationStep:
    student, teacher = models()
    params = {"distiller_kwargs": {"n_negatives": 8}, **kwargs}
    out = DistillationStep(student, teacher, **params)
    if out.distiller is not None:
        out.set_training_labels(torch.arange(N) % 5)
    return out


def test_forward_returns_the_logits_and_the_named_parts_of_the_loss():
    x, x_teacher, y, index = batch()
    rkd = step(distiller="rkd", distiller_kwargs={}, beta=0.5, kd_weight=2.0)
    logits, losses = rkd(x, y, index, x_teacher=x_teacher)
    assert logits.shape == (B, 5)
    assert set(losses) == {
        "ce_loss",
        "distill_loss",
        "distill_distance",
        "distill_angle",
        "kd_loss",
        "loss",
    }
    expected = (
        torch.nn.functional.cross_entropy(logits, y)
        + 0.5 * losses["distill_loss"]
        + 2.0 * kd_loss(logits, rkd.teacher(x_teacher), 4.0)
    )
    torch.testing.assert_close(losses["loss"], expected)
    ce = torch.nn.functional.cross_entropy(logits, y)
    torch.testing.assert_close(losses["ce_loss"], ce)
    assert step().beta == 0.02  # the distiller's own weight by default


def test_the_teacher_is_a_frozen_copy_kept_in_eval_mode_without_gradient():
    x, x_teacher, y, index = batch()
    cmcrd = step()
    student, teacher = models()
    assert cmcrd.teacher is not None and teacher.training
    cmcrd.train()
    assert cmcrd.student.training and cmcrd.distiller.training
    assert not cmcrd.teacher.training
    _, losses = cmcrd(x, y, index, x_teacher=x_teacher)
    losses["loss"].backward()
    assert all(
        p.grad is None and not p.requires_grad for p in cmcrd.teacher.parameters()
    )
    assert all(p.grad is not None for p in cmcrd.student.parameters())
    assert all(p.requires_grad for p in teacher.parameters())  # the caller's


def test_mcc_reads_the_unlabelled_batch_when_given_else_the_training_logits():
    x, _, y, _ = batch()
    unlabeled = torch.randn(24, 62, 5, generator=torch.Generator().manual_seed(2))
    teacher_mode = DistillationStep(models()[0], distiller=None, mcc_weight=0.7)
    teacher_mode.eval()  # batch norm reads its running statistics: repeatable
    logits, own = teacher_mode(x, y)
    torch.testing.assert_close(own["mcc_loss"], MCCLoss(2.5)(logits))
    _, other = teacher_mode(x, y, x_unlabeled=unlabeled)
    mcc = MCCLoss(2.5)(teacher_mode.student(unlabeled))
    torch.testing.assert_close(other["mcc_loss"], mcc)
    assert other["mcc_loss"].item() != pytest.approx(own["mcc_loss"].item())
    torch.testing.assert_close(other["loss"], other["ce_loss"] + 0.7 * mcc)
    assert set(other) == {"ce_loss", "mcc_loss", "loss"}  # no distillation term


def test_the_mcc_temperature_is_used_and_weight_zero_switches_mcc_off():
    x, _, y, _ = batch()
    student = models()[0].eval()
    losses = {}
    for temperature in (1.0, 5.0):
        mcc = DistillationStep(
            student, distiller=None, mcc_weight=1.0, mcc_temperature=temperature
        )
        logits, losses[temperature] = mcc(x, y)
        expected = MCCLoss(temperature)(logits)
        torch.testing.assert_close(losses[temperature]["mcc_loss"], expected)
    assert losses[1.0]["mcc_loss"].item() != pytest.approx(
        losses[5.0]["mcc_loss"].item()
    )
    _, off = DistillationStep(student, distiller=None)(x, y)
    assert set(off) == {"ce_loss", "loss"}
    torch.testing.assert_close(off["loss"], off["ce_loss"])


def test_precomputed_teacher_outputs_replace_the_teacher_pass():
    x, x_teacher, y, index = batch()
    cmcrd = step(kd_weight=1.0).eval()
    calls = []
    cmcrd.teacher.register_forward_hook(lambda *args: calls.append(1))
    torch.manual_seed(7)  # the same negatives
    _, computed = cmcrd(x, y, index, x_teacher=x_teacher)
    assert len(calls) == 1
    outputs = cmcrd.teacher_outputs(x_teacher)
    calls.clear()
    torch.manual_seed(7)
    _, cached = cmcrd(x, y, index, teacher_outputs=outputs)
    assert not calls
    for name, value in computed.items():
        torch.testing.assert_close(cached[name], value, msg=name)


def test_the_distiller_is_built_from_declared_or_measured_sizes():
    student, teacher = models()
    declared = DistillationStep(student, teacher, distiller="fitnet")
    assert declared.declared_sizes() == (16, 8)
    assert declared.distiller.student_dim == 16
    # a model that declares no input shape, nor a linear head: sized from data
    plain = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(33, 4))
    plain.add_module("final_layer", torch.nn.ReLU())
    late = DistillationStep(student, plain, distiller="fitnet")
    assert late.distiller is None and late.declared_sizes() == (16, None)
    x, x_teacher, y, index = batch()
    with pytest.raises(RuntimeError, match="not built"):
        late(x, y, index, x_teacher=x_teacher)
    sizes = late.feature_sizes(x[:1], x_teacher[:1])
    assert sizes == (16, 4) and late.student.training
    late.build_distiller(sizes)
    _, losses = late(x, y, index, x_teacher=x_teacher)
    assert losses["loss"].isfinite()


def test_the_classifiers_modules_are_the_steps_also_after_pickling(data):
    torch.manual_seed(0)
    teacher = CMCRDMLP(n_chans=33, n_times=1, n_outputs=5, hidden_size=8)
    net = CMCRDClassifier(
        CMCRDMLP, teacher=teacher, distiller__n_negatives=16, **FAST
    ).fit(data["X"], data["y"])
    for restored in (net, pickle.loads(pickle.dumps(net))):
        assert restored.step_.student is restored.module_
        assert restored.step_.teacher is restored.teacher_
        assert restored.step_.distiller is restored.distiller_
        assert restored.step_.criterion is restored.criterion_
    assert "step" not in net._modules  # not a module of its own: no f_step


def test_the_same_loss_through_cmcrd_classifier_and_cmcrd_trainer(torcheeg_split):
    from torch.utils.data import DataLoader

    from cmcrd_plugin.torcheeg_trainers import CMCRDTrainer

    train, _ = torcheeg_split
    torch.manual_seed(0)
    teacher = CMCRDMLP(n_chans=33, n_times=1, n_outputs=5, hidden_size=16)
    lightning = CMCRDTrainer(
        CMCRDMLP(n_chans=62, n_times=5, n_outputs=5, hidden_size=16),
        teacher=teacher,
        distiller_kwargs={"n_negatives": 32},
        kd_weight=0.5,
        mcc_weight=0.3,
    )
    lightning.prepare_training_set(train)
    assert not any(key.startswith("step.") for key in lightning.state_dict())
    X, y = next(iter(DataLoader(train, batch_size=16)))
    X = {**X, "index": torch.arange(16)}
    net = CMCRDClassifier(
        CMCRDMLP,
        teacher=teacher,
        module__hidden_size=16,
        distiller__n_negatives=32,
        kd_weight=0.5,
        mcc_weight=0.3,
        train_split=None,
        max_epochs=1,
        verbose=0,
    ).fit(train)  # built and sized for the same training set
    net.module_.load_state_dict(lightning.model.state_dict())
    net.distiller_.load_state_dict(lightning.distiller.state_dict())
    direct = copy.deepcopy(lightning.step)  # banks and constants as they are now
    losses = []
    for train_step in (
        lambda: lightning.training_step((X, y), 0),
        lambda: net.train_step_single((X, y))["loss"],
        lambda: direct(
            X["eeg"].float(),
            y.long(),
            X["index"],
            x_teacher=X["eye"].float()[..., None],
        )[1]["loss"],
    ):
        torch.manual_seed(7)  # the same negatives
        losses.append(train_step().item())
    assert losses[0] > 0
    assert losses[1] == pytest.approx(losses[0], rel=1e-6)
    assert losses[2] == pytest.approx(losses[0], rel=1e-6)


class _NoHead(torch.nn.Module):
    """A student without ``final_layer`` (braindecode's name for the head)."""

    def __init__(self, n_inputs: int = 62 * 5, n_classes: int = 5) -> None:
        super().__init__()
        self.layers = torch.nn.Sequential(
            torch.nn.Flatten(), torch.nn.Linear(n_inputs, n_classes)
        )

    def forward(self, x):
        return self.layers(x)


def test_distillers_of_logits_need_no_feature_layer(data):
    from cmcrd_plugin.training import CMCRDClassifier

    net = CMCRDClassifier(
        _NoHead(), distiller="none", max_epochs=1, batch_size=16, verbose=0
    )
    net.fit(data["X"], data["y"])
    assert len(net.history) == 1 and "ce_loss" in net.history[-1, "batches", 0]
    step = DistillationStep(_NoHead(), None, "none")
    assert (step.reads_features, step.declared_sizes()) == (False, (0, 0))
    with pytest.raises(Exception, match="final_layer"):
        DistillationStep(_NoHead(), _NoHead(), "cmcrd").feature_sizes(
            torch.zeros(2, 62, 5), torch.zeros(2, 62, 5)
        )
