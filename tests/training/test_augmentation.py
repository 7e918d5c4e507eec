"""braindecode's AugmentedDataLoader trains a CMCRD student: the transforms
apply to the student's modality, the teacher sees clean data."""

import numpy as np
import pytest
import torch
from braindecode.augmentation import AugmentedDataLoader, GaussianNoise
from quick_fit import FAST

from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier
from cmcrd_plugin.training.augmentation import ModalityAugmentation


class _Recorder(GaussianNoise):
    """Gaussian noise that records the batches it saw."""

    seen: list = []

    def forward(self, X, y=None):
        _Recorder.seen.append(X.shape)
        return super().forward(X, y)


def test_augmentation_applies_to_the_students_modality(data):
    teacher = TeacherClassifier(CMCRDMLP, **FAST).fit(data["eye"], data["y"])
    _Recorder.seen = []
    net = CMCRDClassifier(
        CMCRDMLP,
        teacher=teacher.module_,
        iterator_train=AugmentedDataLoader,
        iterator_train__transforms=[_Recorder(probability=1.0, std=0.1)],
        distiller__n_negatives=10,
        **FAST,
    ).fit(data["X"], data["y"])
    assert len(net.history) == FAST["max_epochs"]
    assert _Recorder.seen and all(
        s[1:] == data["eeg"].shape[1:] for s in _Recorder.seen
    )
    assert "distill_loss" in net.history[-1, "batches", 0]


def test_the_collate_leaves_the_other_members_clean():
    class Loader:  # what ModalityAugmentation reads of an AugmentedDataLoader
        class collated_tr:  # noqa: N801
            n_augmentation, device = 0, None

            @staticmethod
            def transform(x, y):
                return x + 1, y

    collate = ModalityAugmentation(Loader(), "eeg")
    batch = [
        ({"eeg": np.zeros(3), "eye": np.zeros(2), "index": i}, 0) for i in range(4)
    ]
    X, y = collate(batch)
    assert torch.equal(X["eeg"], torch.ones(4, 3, dtype=torch.float64))
    assert torch.equal(X["eye"], torch.zeros(4, 2, dtype=torch.float64))
    assert X["index"].tolist() == [0, 1, 2, 3]
    Loader.collated_tr.n_augmentation = 2
    with pytest.raises(ValueError, match="n_augmentation=0"):
        ModalityAugmentation(Loader(), "eeg")
