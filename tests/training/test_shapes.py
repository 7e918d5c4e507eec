import numpy as np
import pytest
import torch

from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier
from cmcrd_plugin.training.shapes import features_as_channels


def test_feature_matrices_get_a_trailing_axis():
    X = {"x": np.zeros((4, 3)), "eye": torch.zeros(4, 2, 5), "n": [1, 2]}
    out = features_as_channels(X)
    assert out["x"].shape == (4, 3, 1) and out["eye"].shape == (4, 2, 5)
    assert out["n"] == [1, 2]
    assert features_as_channels(np.zeros((4, 3))).shape == (4, 3, 1)


@pytest.mark.parametrize(
    "trainer, extra, inputs",
    [(CMCRDClassifier, {"distiller": "none"}, "X"), (TeacherClassifier, {}, "eye")],
)
def test_cropped_decoding_is_refused_by_name(trainer, extra, inputs, data):
    net = trainer(CMCRDMLP, cropped=True, max_epochs=1, verbose=0, **extra)
    with pytest.raises(ValueError, match=f"{trainer.__name__}.*cropped=True"):
        net.fit(data[inputs], data["y"])
