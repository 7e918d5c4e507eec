"""The trainers fit directly on paired TorchEEG datasets and their splits, in
both role directions, without being told the class count."""

import numpy as np
import pytest
import torch

pytest.importorskip("torcheeg")

from skorch.dataset import ValidSplit  # noqa: E402

from cmcrd_plugin.models.mlp import CMCRDMLP  # noqa: E402
from cmcrd_plugin.torcheeg_datasets import to_paired_windows  # noqa: E402
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier  # noqa: E402

FAST = dict(
    max_epochs=1,
    batch_size=32,
    verbose=0,
    train_split=None,
    optimizer=torch.optim.AdamW,
    module__hidden_size=16,
)


@pytest.fixture(scope="module")
def split(torcheeg_split):
    return torcheeg_split


@pytest.mark.parametrize(
    "student_key, teacher_key, shape",
    [("eeg", "eye", (62, 5)), ("eye", "eeg", (33, 1))],
)
def test_both_directions_train_on_a_torcheeg_split(
    split, student_key, teacher_key, shape
):
    train, test = split
    torch.manual_seed(0)
    teacher = TeacherClassifier(CMCRDMLP, teacher_key=teacher_key, **FAST).fit(train)
    net = CMCRDClassifier(
        CMCRDMLP,
        teacher=teacher.module_,
        student_key=student_key,
        teacher_key=teacher_key,
        distiller__n_negatives=32,
        **FAST,
    ).fit(train)
    assert (net.module_.n_chans, net.module_.n_times) == shape
    assert net.module_.n_outputs == 5  # read from the dataset's labels
    assert net.distiller_.n_data == len(train)
    proba = net.predict_proba(test)  # the TorchEEG test split itself
    assert proba.shape == (len(test), 5)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    windows = to_paired_windows(test)
    arrays = windows.eeg if student_key == "eeg" else windows.eye
    np.testing.assert_allclose(net.predict_proba(arrays), proba, rtol=1e-5)
    # score reads the labels of the dataset itself
    assert net.score(test) == pytest.approx(net.score(arrays, windows.label))


def test_default_validation_split_stratifies_on_the_dataset_labels(split):
    train, _ = split
    net = TeacherClassifier(CMCRDMLP, **{**FAST, "train_split": ValidSplit(5)})
    net.fit(train)  # skorch's stratified split needs y: read from the dataset
    assert "valid_loss" in net.history[-1]
