import numpy as np
import pytest
import torch
from skorch.helper import SliceDict

from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier
from cmcrd_plugin.training.shapes import as_windows


def test_feature_vectors_get_a_time_axis_and_4d_windows_lose_theirs():
    assert as_windows(np.zeros((4, 3))).shape == (4, 3, 1)
    assert as_windows(torch.zeros(4, 3)).shape == (4, 3, 1)
    assert as_windows(torch.zeros(4, 2, 5)).shape == (4, 2, 5)
    assert as_windows(np.zeros(3), batched=False).shape == (3, 1)
    assert as_windows(np.zeros((2, 5)), batched=False).shape == (2, 5)
    assert as_windows([1, 2]) == [1, 2]
    # braindecode's 4-D layout (n, n_chans, n_times, 1)
    assert as_windows(np.zeros((4, 2, 5, 1))).shape == (4, 2, 5)
    assert as_windows(torch.zeros(2, 5, 1), batched=False).shape == (2, 5)
    assert as_windows(np.zeros((4, 2, 5, 3))).shape == (4, 2, 5, 3)


def test_4d_windows_fit_and_predict(data):
    """braindecode's (n, C, T, 1) windows: what fit trains on, predict reads."""
    four_d = SliceDict(eeg=data["eeg"][..., None], eye=data["eye"])  # (n, 62, 5, 1)
    y = data["y"]
    net = CMCRDClassifier(
        CMCRDMLP,
        distiller="none",
        max_epochs=2,
        batch_size=16,
        verbose=0,
        train_split=None,
    ).fit(four_d, y)
    assert len(net.history) == 2
    assert net.predict(four_d["eeg"]).shape == (len(y),)
    assert net.predict(four_d).shape == (len(y),)
    three_d = net.predict(four_d["eeg"][..., 0])
    assert (three_d == net.predict(four_d["eeg"])).all()  # the same windows


@pytest.mark.parametrize(
    "trainer, extra, inputs",
    [(CMCRDClassifier, {"distiller": "none"}, "X"), (TeacherClassifier, {}, "eye")],
)
def test_cropped_decoding_is_refused_by_name(trainer, extra, inputs, data):
    net = trainer(CMCRDMLP, cropped=True, max_epochs=1, verbose=0, **extra)
    with pytest.raises(ValueError, match=f"{trainer.__name__}.*cropped=True"):
        net.fit(data[inputs], data["y"])
