import numpy as np
import pytest
import torch

from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier
from cmcrd_plugin.training.shapes import with_time_axis


def test_feature_vectors_get_a_time_axis():
    assert with_time_axis(np.zeros((4, 3))).shape == (4, 3, 1)
    assert with_time_axis(torch.zeros(4, 3)).shape == (4, 3, 1)
    assert with_time_axis(torch.zeros(4, 2, 5)).shape == (4, 2, 5)
    assert with_time_axis(np.zeros(3), batched=False).shape == (3, 1)
    assert with_time_axis(np.zeros((2, 5)), batched=False).shape == (2, 5)
    assert with_time_axis([1, 2]) == [1, 2]


@pytest.mark.parametrize(
    "trainer, extra, inputs",
    [(CMCRDClassifier, {"distiller": "none"}, "X"), (TeacherClassifier, {}, "eye")],
)
def test_cropped_decoding_is_refused_by_name(trainer, extra, inputs, data):
    net = trainer(CMCRDMLP, cropped=True, max_epochs=1, verbose=0, **extra)
    with pytest.raises(ValueError, match=f"{trainer.__name__}.*cropped=True"):
        net.fit(data[inputs], data["y"])
