"""CMCRDTrainer: TorchEEG-style Lightning training on paired TorchEEG datasets."""

import numpy as np
import pytest
import torch

pytest.importorskip("torcheeg")

from pytorch_lightning.callbacks import ModelCheckpoint  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402

from cmcrd_plugin import get_trainer  # noqa: E402
from cmcrd_plugin.models.mlp import CMCRDMLP  # noqa: E402
from cmcrd_plugin.torcheeg_trainers import CMCRDTrainer  # noqa: E402

QUIET = dict(
    logger=False,
    enable_checkpointing=False,
    enable_progress_bar=False,
    enable_model_summary=False,
)


def mlp(n_chans: int, n_times: int = 1) -> CMCRDMLP:
    return CMCRDMLP(n_chans=n_chans, n_times=n_times, n_outputs=5, hidden_size=16)


@pytest.fixture(scope="module")
def split(torcheeg_split):
    return torcheeg_split


@pytest.fixture(scope="module")
def teacher(split):
    train, _ = split
    torch.manual_seed(0)
    net = CMCRDTrainer(mlp(33), distiller="none", student_key="eye", mcc_weight=1.0)
    net.fit(DataLoader(train, batch_size=32, shuffle=True), max_epochs=2, **QUIET)
    return net.model


def student(teacher, **kwargs) -> CMCRDTrainer:
    params = dict(distiller_kwargs={"n_negatives": 32}, metrics=["accuracy", "f1score"])
    return CMCRDTrainer(mlp(62, 5), teacher=teacher, **{**params, **kwargs})


def test_a_student_trains_on_a_torcheeg_split_and_tests_and_predicts(split, teacher):
    train, test = split
    torch.manual_seed(0)
    net = student(teacher)
    net.fit(
        DataLoader(train, batch_size=32, shuffle=True),
        DataLoader(test, batch_size=64),
        max_epochs=2,
        **QUIET,
    )
    assert net.distiller.memory.shape[1] == len(train)
    assert not net.teacher.training and net.model.training
    assert not any(p.requires_grad for p in net.teacher.parameters())
    logged = net.trainer.logged_metrics
    for name in ("train_ce_loss", "train_distill_loss", "val_accuracy", "val_f1score"):
        assert name in logged, name
    metrics = net.test(DataLoader(test, batch_size=64), **QUIET)[0]
    assert 0 <= metrics["test_accuracy"] <= 1 and "test_f1score" in metrics
    logits = net.predict(DataLoader(test, batch_size=64), **QUIET)
    assert torch.cat(logits).shape == (len(test), 5)
    assert get_trainer("lightning") is CMCRDTrainer


def test_a_resumed_fit_equals_an_uninterrupted_one(split, teacher, tmp_path):
    train, test = split

    def run(epochs, **kwargs):
        torch.manual_seed(0)
        net = student(teacher)
        checkpoint = ModelCheckpoint(dirpath=tmp_path, filename="last")
        net.fit(
            DataLoader(train, batch_size=32, shuffle=True),
            DataLoader(test, batch_size=64),
            max_epochs=epochs,
            callbacks=[checkpoint],
            logger=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            **kwargs,
        )
        return net.state_dict()

    whole = run(3)
    run(2)  # interrupted after 2 epochs, checkpoint at tmp_path/last.ckpt
    torch.manual_seed(123)  # whatever the random state when resuming
    resumed = run(3, ckpt_path=str(tmp_path / "last.ckpt"))
    assert set(whole) == set(resumed)
    for name in whole:
        torch.testing.assert_close(resumed[name], whole[name], msg=name)
    assert resumed["distiller.norm_s"] > 0


def test_clear_errors(split, teacher):
    train, _ = split
    with pytest.raises(ValueError, match="needs teacher"):
        CMCRDTrainer(mlp(62, 5))
    with pytest.raises(ValueError, match="both 'eeg'"):
        CMCRDTrainer(mlp(62, 5), teacher=teacher, teacher_key="eeg")
    net = student(teacher, student_key="emg")
    with pytest.raises(KeyError, match="no 'emg'"):
        net.prepare_training_set(train)
    images = torch.utils.data.TensorDataset(torch.zeros(4, 62, 5), torch.zeros(4))
    with pytest.raises(TypeError, match="keyed by modality"):
        student(teacher).prepare_training_set(images)
    assert np.isfinite(student(teacher).beta)
    net = student(teacher, mcc_weight=0.5, mcc_temperature=3.0)
    assert (net.step.mcc_weight, net.step.mcc_temperature) == (0.5, 3.0)
    net.beta = 0.1  # the loss weights are the step's
    assert net.step.beta == 0.1


def test_the_users_sampler_is_kept_and_plain_models_read_vectors(split, teacher):
    from torch import nn
    from torch.utils.data import BatchSampler, SubsetRandomSampler

    from cmcrd_plugin.torcheeg_trainers import indexed_loader

    train, _ = split
    rows = list(range(16))
    loader = DataLoader(train, batch_size=8, sampler=SubsetRandomSampler(rows))
    seen = torch.cat([X["index"] for X, _ in indexed_loader(loader)])
    assert sorted(seen.tolist()) == rows
    batches = BatchSampler(range(10), batch_size=5, drop_last=False)
    loader = DataLoader(train, batch_sampler=batches)
    assert [len(y) for _, y in indexed_loader(loader)] == [5, 5]
    # a plain PyTorch teacher reads eye vectors (n, 33) as they are
    plain = nn.Sequential(nn.Linear(33, 16), nn.ReLU(), nn.Linear(16, 5))
    net = student(plain, teacher_feature_layer="2")
    net.fit(DataLoader(train, batch_size=32), max_epochs=1, **QUIET)
    assert net.distiller.memory.shape[1] == len(train)


def test_resuming_on_another_training_set_is_refused(split, teacher, tmp_path):
    train, test = split
    checkpoint = ModelCheckpoint(dirpath=tmp_path, filename="last")
    settings = dict(logger=False, enable_progress_bar=False, enable_model_summary=False)
    student(teacher).fit(
        DataLoader(train, batch_size=32),
        max_epochs=1,
        callbacks=[checkpoint],
        **settings,
    )
    smaller = torch.utils.data.Subset(train, range(len(train) // 2))
    with pytest.raises(ValueError, match="resume on the same training set"):
        student(teacher).fit(
            DataLoader(smaller, batch_size=32),
            max_epochs=2,
            ckpt_path=str(tmp_path / "last.ckpt"),
            **settings,
        )


def test_a_checkpoint_loads_for_prediction_with_the_same_arguments(
    split, teacher, tmp_path
):
    train, test = split
    torch.manual_seed(0)
    trained = student(teacher)
    trained.fit(
        DataLoader(train, batch_size=32, shuffle=True),
        max_epochs=1,
        callbacks=[ModelCheckpoint(dirpath=tmp_path, filename="last")],
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    loaded = CMCRDTrainer.load_from_checkpoint(
        tmp_path / "last.ckpt",
        model=mlp(62, 5),  # freshly initialised: the checkpoint fills it
        teacher=teacher,
        distiller_kwargs={"n_negatives": 32},
    )
    for name, value in trained.state_dict().items():
        torch.testing.assert_close(loaded.state_dict()[name], value, msg=name)
    loader = DataLoader(test, batch_size=64)
    ours = torch.cat(loaded.predict(loader, **QUIET))
    theirs = torch.cat(trained.predict(loader, **QUIET))
    torch.testing.assert_close(ours, theirs)
