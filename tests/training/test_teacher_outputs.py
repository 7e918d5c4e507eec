import pickle

import pytest
import torch
from quick_fit import FAST as QUICK_FIT
from skorch.callbacks import Callback
from torch.utils.data import Dataset

from cmcrd_plugin.models.features import forward_with_features
from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier
from cmcrd_plugin.training.batches import ArrayBatches
from cmcrd_plugin.training.teacher_outputs import compute_teacher_outputs

FAST = {**QUICK_FIT, "distiller__n_negatives": 64}


class DictWindows(Dataset):
    """A dataset yielding ({"eeg", "eye"}, label), like the paired TorchEEG ones."""

    def __init__(self, data):
        self.data = data

    def __len__(self):
        return len(self.data["y"])

    def __getitem__(self, i):
        X = {"eeg": self.data["eeg"][i], "eye": self.data["eye"][i]}
        return X, self.data["y"][i]


class CacheSpy(Callback):
    def on_train_begin(self, net, **kwargs):
        self.cached = []

    def on_batch_end(self, net, training=False, **kwargs):
        if training:
            self.cached.append(net.teacher_outputs_ is not None)


def test_cached_outputs_equal_the_teacher_forward(data):
    teacher = TeacherClassifier(CMCRDMLP, max_epochs=1, verbose=0, train_split=None)
    teacher = teacher.fit(data["eye"], data["y"]).module_.eval()
    eye = torch.as_tensor(data["eye"]).float()[:, :, None]
    cached = compute_teacher_outputs(teacher, eye.split(7))
    with torch.no_grad():
        logits, features = forward_with_features(teacher, eye)
    torch.testing.assert_close(cached.logits, logits)
    torch.testing.assert_close(cached.features, features)
    index = torch.tensor([5, 0, 5])
    torch.testing.assert_close(cached.take(index)[1], features[index])


def _fit(data, teacher, X, **kwargs):
    spy = CacheSpy()
    torch.manual_seed(1)
    net = CMCRDClassifier(
        CMCRDMLP,
        teacher=teacher,
        callbacks=[("spy", spy)],
        module__n_outputs=5,
        **{**FAST, **kwargs},
    )
    y = None if isinstance(X, Dataset) else data["y"]
    return net.fit(X, y), spy


def _assert_same_training(a, b):
    """Same batches, same losses batch by batch (up to float round-off).

    Parameters are not compared: Adam turns round-off in near-zero gradients
    into steps of size ~lr, so they drift apart while the losses do not.
    """
    for name in ("ce_loss", "distill_loss"):
        losses = [
            torch.tensor([batch[name] for batch in net.history[:, "batches"][e]])
            for net in (a, b)
            for e in range(len(net.history))
        ]
        half = len(losses) // 2
        torch.testing.assert_close(
            torch.cat(losses[:half]), torch.cat(losses[half:]), rtol=1e-4, atol=1e-5
        )


def test_training_with_the_cache_matches_training_without(data):
    torch.manual_seed(0)
    teacher = TeacherClassifier(CMCRDMLP, max_epochs=2, verbose=0, train_split=None)
    teacher = teacher.fit(data["eye"], data["y"]).module_
    cached, spy = _fit(data, teacher, data["X"])
    assert spy.cached and all(spy.cached)
    plain, spy = _fit(data, teacher, data["X"], teacher_cache=False)
    assert spy.cached and not any(spy.cached)
    _assert_same_training(cached, plain)
    # the cache lives for one fit: not kept on the estimator, not pickled
    assert cached.teacher_outputs_ is None
    assert pickle.loads(pickle.dumps(cached)).teacher_outputs_ is None


def test_auto_does_not_cache_for_a_dataset_but_true_does(data):
    teacher = TeacherClassifier(CMCRDMLP, max_epochs=1, verbose=0, train_split=None)
    teacher = teacher.fit(data["eye"], data["y"]).module_
    dataset = DictWindows(data)
    net, spy = _fit(data, teacher, dataset)
    assert not any(spy.cached)  # a dataset's inputs may carry random transforms
    train, _ = net.get_split_datasets(dataset, None)
    assert not isinstance(train, ArrayBatches)
    forced, spy = _fit(data, teacher, dataset, teacher_cache=True)
    assert spy.cached and all(spy.cached)
    _assert_same_training(net, forced)


def test_unknown_teacher_cache_mode_is_a_clear_error(data):
    teacher = TeacherClassifier(CMCRDMLP, max_epochs=1, verbose=0, train_split=None)
    teacher = teacher.fit(data["eye"], data["y"]).module_
    net = CMCRDClassifier(CMCRDMLP, teacher=teacher, teacher_cache="always", **FAST)
    with pytest.raises(ValueError, match="teacher_cache must be True, False or 'auto'"):
        net.fit(data["X"], data["y"])
