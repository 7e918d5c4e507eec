"""``CMCRDClassifier(beta="auto")``: the weight chosen on the validation split."""

import numpy as np
import pytest
import torch
from quick_fit import FAST
from sklearn.base import clone
from skorch.callbacks import Callback
from skorch.dataset import ValidSplit

from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier

GRID = (0.0, 0.5)


@pytest.fixture(scope="module")
def teacher(data):
    torch.manual_seed(0)
    return TeacherClassifier(CMCRDMLP, **FAST).fit(data["eye"], data["y"]).module_


def student(teacher, **kwargs):
    params = {
        **FAST,
        "max_epochs": 3,
        "train_split": ValidSplit(4, stratified=True),
        "distiller__n_negatives": 64,
        **kwargs,
    }
    return CMCRDClassifier(CMCRDMLP, teacher=teacher, **params)


def fit(net, data, seed=3):
    torch.manual_seed(seed)
    return net.fit(data["X"], data["y"])


def test_auto_keeps_the_fit_of_the_weight_best_on_validation(data, teacher):
    auto = fit(student(teacher, beta="auto", beta_grid=GRID), data)
    single = {beta: fit(student(teacher, beta=beta), data) for beta in GRID}
    for beta, net in single.items():
        # the score of the net as returned, on the validation rows
        assert auto.beta_scores_[beta] == pytest.approx(net.history[-1, "valid_acc"])
    assert max(auto.beta_scores_.values()) == auto.beta_scores_[auto.beta_]
    chosen = single[auto.beta_]
    np.testing.assert_allclose(
        auto.predict_proba(data["eeg"]), chosen.predict_proba(data["eeg"]), atol=1e-6
    )
    assert auto.history[:, "valid_acc"] == chosen.history[:, "valid_acc"]
    assert auto.get_params()["beta"] == "auto"
    assert auto.get_params()["teacher"] is teacher
    assert auto.distill_weight == auto.beta_


def test_ties_go_to_the_smaller_weight(data, teacher):
    # a weight of 1e-12 changes no prediction: the same validation score
    auto = fit(student(teacher, beta="auto", beta_grid=(1e-12, 0.0, 1e-12)), data)
    assert auto.beta_scores_[0.0] == auto.beta_scores_[1e-12]
    assert list(auto.beta_scores_) == [0.0, 1e-12]
    assert auto.beta_ == 0.0


def test_auto_net_clones_and_trains_on(data, teacher):
    auto = fit(student(teacher, beta="auto", beta_grid=GRID), data)
    fresh = clone(auto)
    assert fresh.beta == "auto" and not hasattr(fresh, "beta_")
    epochs = len(auto.history)
    auto.partial_fit(data["X"], data["y"], epochs=1)  # continues with beta_
    assert len(auto.history) == epochs + 1


def test_auto_needs_a_validation_split_and_fit_first(data, teacher):
    with pytest.raises(ValueError, match="train_split is None"):
        student(teacher, beta="auto", train_split=None).fit(data["X"], data["y"])
    with pytest.raises(ValueError, match="beta_grid"):
        student(teacher, beta="auto", beta_grid=(0.0, -1.0)).fit(data["X"], data["y"])
    with pytest.raises(ValueError, match="call fit"):
        student(teacher, beta="auto").partial_fit(data["X"], data["y"])


def test_every_weight_is_scored_on_the_same_random_split(data, teacher):
    # ValidSplit(0.25) draws its rows from numpy's global state: one draw
    split = ValidSplit(0.25, stratified=True)
    auto = fit(
        student(teacher, beta="auto", beta_grid=(0.0, 1e-12), train_split=split), data
    )
    assert auto.beta_scores_[0.0] == auto.beta_scores_[1e-12]


class InterruptSecondFit(Callback):
    """Presses Ctrl-C at epoch 2 of the second fit of a search.

    The count lives on the class: every weight's fit has its own copy of
    the net's callbacks.
    """

    fits = 0

    def on_train_begin(self, net, **kwargs):
        type(self).fits += 1

    def on_epoch_end(self, net, **kwargs):
        if type(self).fits == 2 and len(net.history) == 2:
            raise KeyboardInterrupt


def test_an_interrupt_ends_the_search_as_it_ends_a_fit(data, teacher):
    InterruptSecondFit.fits = 0
    grid = (0.0, 0.1, 0.5)
    net = student(
        teacher, beta="auto", beta_grid=grid, callbacks=[InterruptSecondFit()]
    )
    auto = fit(net, data)
    assert auto.interrupted_
    assert InterruptSecondFit.fits == 2  # the third weight never trained
    assert list(auto.beta_scores_) == [0.0]  # the weight trained to the end
    assert auto.beta_ == 0.0 and len(auto.history) == 3
    whole = fit(student(teacher, beta="auto", beta_grid=(0.0, 0.1)), data)
    assert not whole.interrupted_
