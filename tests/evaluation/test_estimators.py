"""What guards every benchmark (and own-data) fit: sizes and interruptions."""

import numpy as np
import pytest
from braindecode import EEGClassifier
from skorch.callbacks import Callback

from cmcrd_plugin.evaluation.estimators import (
    check_training_size,
    fit_to_the_end,
    sized,
)
from cmcrd_plugin.models.mlp import CMCRDMLP


class CtrlC(Callback):
    """Ctrl-C in the middle of epoch ``epoch`` (after its first batch)."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


def data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(40, 6, 1)).astype(np.float32), np.arange(40) % 3


def test_an_interrupted_braindecode_fit_is_interrupted_here_too():
    X, y = data()
    settings = dict(train_split=None, batch_size=8, verbose=0, max_epochs=4)
    for epoch in (2, 4):  # the last epoch too: its history row exists
        net = EEGClassifier(CMCRDMLP, callbacks=[CtrlC(epoch)], **settings)
        with pytest.raises(KeyboardInterrupt, match=f"in epoch {epoch} of 4"):
            fit_to_the_end(net, X, y)
    assert fit_to_the_end(EEGClassifier(CMCRDMLP, **settings), X, y).initialized_


def test_a_training_set_smaller_than_a_batch_is_refused():
    check_training_size(32, 32, "fold1")
    with pytest.raises(
        ValueError, match="fold1: 31 training windows, fewer than batch"
    ):
        check_training_size(31, 32, "fold1")


def test_model_classes_get_the_datasets_class_count():
    X, y = data()  # classes 0..2 only
    net = EEGClassifier(
        CMCRDMLP, **sized(CMCRDMLP, 5), train_split=None, max_epochs=1, verbose=0
    )
    net.fit(X, y)
    assert net.predict_proba(X).shape == (40, 5)
    assert sized(CMCRDMLP(n_chans=6, n_times=1, n_outputs=5), 5) == {}
