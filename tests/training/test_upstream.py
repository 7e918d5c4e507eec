"""The upstream behaviours that training/base.py works around, pinned.

If one of these starts to fail after an upgrade of braindecode or skorch, the
upstream behaviour changed: revisit the matching workaround in
``cmcrd_plugin/training/base.py`` (its module docstring numbers them).
"""

import numpy as np
import pytest
import torch
from braindecode import EEGClassifier
from skorch import NeuralNetClassifier
from skorch.dataset import Dataset
from skorch.utils import _infer_predict_nonlinearity

from cmcrd_plugin.models.mlp import CMCRDMLP

SETTINGS = dict(max_epochs=1, batch_size=16, verbose=0, train_split=None)


def _arrays(n=40, chans=6, times=1):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, chans, times)).astype(np.float32), np.arange(n) % 3


def test_1_braindecode_infers_signal_args_from_the_last_two_axes_and_y():
    X, y = _arrays(chans=6, times=1)
    net = EEGClassifier(CMCRDMLP, **SETTINGS).fit(X, y)
    assert (net.module_.n_chans, net.module_.n_times, net.module_.n_outputs) == (
        6,
        1,
        3,
    )
    # a 2-D matrix of feature vectors is read as n_chans = n_windows
    with pytest.raises(RuntimeError):
        EEGClassifier(CMCRDMLP, **SETTINGS).fit(X[:, :, 0], y)
    # a dict is not looked into
    with pytest.raises(ValueError, match="n_chans could not be inferred"):
        EEGClassifier(CMCRDMLP, **SETTINGS).fit({"eeg": X}, y)


def test_2_braindecode_partial_fit_recreates_an_initialised_module():
    X, y = _arrays()
    shape = dict(module__n_chans=6, module__n_times=1, module__n_outputs=3)
    net = EEGClassifier(CMCRDMLP, **SETTINGS, **shape).initialize()
    module = net.module_
    assert net.signal_args_set_ is False
    net.partial_fit(X, y)
    assert net.module_ is not module  # what was loaded or set by hand is gone


def test_3_braindecode_warns_about_dropped_batches_with_the_text_we_copy():
    from cmcrd_plugin.training import TeacherClassifier

    X, y = _arrays(n=10)
    big = {**SETTINGS, "batch_size": 32}
    with pytest.warns(UserWarning) as theirs:
        EEGClassifier(CMCRDMLP, **big).fit(X, y)
    with pytest.warns(UserWarning) as ours:
        TeacherClassifier(CMCRDMLP, **big).fit(X, y)  # whole-batch reads

    def dropped(record):
        return [str(w.message) for w in record if "smaller than" in str(w.message)]

    assert dropped(theirs) == dropped(ours) and len(dropped(ours)) == 1


def test_4_skorch_set_training_toggles_every_registered_module():
    X, y = _arrays()

    class TwoModules(NeuralNetClassifier):
        def initialize_module(self):
            super().initialize_module()
            self.other_ = torch.nn.Dropout()
            return self

    net = TwoModules(
        torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(6, 3)),
        criterion=torch.nn.CrossEntropyLoss,
        **SETTINGS,
    ).initialize()
    net.other_.eval()
    net._set_training(True)
    assert net.other_.training


def test_5_braindecode_loaders_read_x_of_dict_batches():
    X, y = _arrays()
    net = EEGClassifier(CMCRDMLP, **SETTINGS)
    loader = net.get_iterator(Dataset({"eeg": X}, y))
    with pytest.raises(KeyError, match="'x'"):
        next(iter(loader))
    batch, _ = next(iter(net.get_iterator(Dataset({"eeg": X}, y), drop_index=False)))
    assert set(batch) == {"eeg"}


def test_6_skorch_registers_a_module_only_when_its_name_is_not_a_known_prefix():
    X, y = _arrays()

    class Known(NeuralNetClassifier):
        prefixes_ = [*NeuralNetClassifier.prefixes_, "extra"]

        def initialize_module(self):
            super().initialize_module()
            self.extra_ = torch.nn.Linear(2, 2)  # known prefix: not registered
            self.other_ = torch.nn.Linear(2, 2)  # registered
            assert self.init_context_ == "module"
            self.late_ = torch.nn.Linear(2, 2)
            self._register_attribute("late", self.late_, prefixes=False)
            return self

    net = Known(
        torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(6, 3)),
        criterion=torch.nn.CrossEntropyLoss,
        **SETTINGS,
    ).initialize()
    assert "extra" not in net._modules and "other" in net._modules
    assert "late" in net._modules and "late_" in net.cuda_dependent_attributes_
    with net._current_init_context("module"):
        assert net.init_context_ == "module"
    assert net.init_context_ is None  # reset on exit, not restored


def test_skorch_softmax_is_inferred_only_for_a_single_criterion():
    """Why the distiller is registered as a module, not as a second criterion."""
    X, y = _arrays()

    class TwoCriteria(NeuralNetClassifier):
        def initialize_criterion(self):
            super().initialize_criterion()
            self.other_criterion_ = torch.nn.MSELoss()
            return self

    module = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(6, 3))
    ce = dict(criterion=torch.nn.CrossEntropyLoss, **SETTINGS)
    one = NeuralNetClassifier(module, **ce).initialize()
    two = TwoCriteria(module, **ce).initialize()
    assert _infer_predict_nonlinearity(one) is not _infer_predict_nonlinearity(two)
    logits = torch.tensor([[1.0, 2.0, 3.0]])
    torch.testing.assert_close(_infer_predict_nonlinearity(two)(logits), logits)
