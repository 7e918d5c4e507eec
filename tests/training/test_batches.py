import numpy as np
import pytest
import torch
from skorch.dataset import Dataset
from torch.utils.data import DataLoader, Subset

from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier
from cmcrd_plugin.training.batches import ArrayBatches, batch_loader
from cmcrd_plugin.training.datasets import IndexedDataset


def _arrays(n=50):
    rng = np.random.default_rng(0)
    X = {
        "x": rng.normal(size=(n, 4, 3)).astype(np.float32),
        "eye": torch.randn(n, 6, 1),
    }
    return X, rng.integers(0, 3, n)


def test_batch_reads_equal_skorchs_per_sample_batches_in_the_same_order():
    X, y = _arrays()
    dataset = Dataset(X, y)
    batches = ArrayBatches.from_dataset(dataset, ["x", "eye"])
    torch.manual_seed(5)
    ours = list(batch_loader(batches, 8, shuffle=True, drop_last=True))
    torch.manual_seed(5)
    skorch_way = list(
        DataLoader(IndexedDataset(dataset), batch_size=8, shuffle=True, drop_last=True)
    )
    assert len(ours) == len(skorch_way) == 50 // 8
    for (xa, ya), (xb, yb) in zip(ours, skorch_way, strict=True):
        assert set(xa) == {"x", "eye", "index"}
        for key in xa:
            torch.testing.assert_close(xa[key], torch.as_tensor(xb[key]))
        torch.testing.assert_close(ya, torch.as_tensor(yb))


def test_batch_reads_of_one_array_equal_skorchs_batches():
    X, y = _arrays()
    dataset = Dataset(X["x"], y)
    batches = ArrayBatches.from_dataset(dataset)
    torch.manual_seed(3)
    ours = list(batch_loader(batches, 16, shuffle=True))
    torch.manual_seed(3)
    skorch_way = list(DataLoader(dataset, batch_size=16, shuffle=True))
    assert [len(yb) for _, yb in ours] == [16, 16, 16, 2]
    for (xa, ya), (xb, yb) in zip(ours, skorch_way, strict=True):
        torch.testing.assert_close(xa, xb)
        torch.testing.assert_close(ya, yb)
    x_one, y_one = batches[4]
    torch.testing.assert_close(x_one, torch.from_numpy(X["x"][4]))
    assert y_one == y[4]


def test_subset_positions_are_rows_of_the_training_subset():
    X, y = _arrays()
    rows = np.array([7, 3, 40, 11])
    batches = ArrayBatches.from_dataset(Subset(Dataset(X, y), rows), ["x"])
    assert len(batches) == 4
    Xb, yb = batches[[2, 0]]
    torch.testing.assert_close(Xb["index"], torch.tensor([2, 0]))
    torch.testing.assert_close(Xb["x"], torch.from_numpy(X["x"][[40, 7]]))
    torch.testing.assert_close(yb, torch.from_numpy(y[[40, 7]]))
    single_X, single_y = batches[1]  # one position: one sample
    assert single_X["index"] == 1 and single_y == y[3]


def test_only_plain_in_memory_datasets_are_read_in_batches():
    X, y = _arrays()

    class Transformed(Dataset):
        pass

    assert ArrayBatches.from_dataset(Transformed(X, y), ["x"]) is None
    assert ArrayBatches.from_dataset(Dataset(X["x"], y), ["x"]) is None  # no dict
    assert ArrayBatches.from_dataset(Dataset(X, y)) is None  # a dict, no keys
    assert ArrayBatches.from_dataset(Dataset(X, y), ["x", "other"]) is None
    assert ArrayBatches.from_dataset(Dataset(X, None), ["x"]) is None


# small fits: batches of 16, no validation split
SMALL = dict(batch_size=16, train_split=None, verbose=0, module__hidden_size=8)


def _eeg_only(data, **extra):
    net = CMCRDClassifier(CMCRDMLP, distiller="none", max_epochs=1, **SMALL, **extra)
    return net.fit(data["X"], data["y"])


@pytest.mark.parametrize(
    "extra, batched",
    [({}, True), ({"iterator_train__num_workers": 0}, False)],
)
def test_trainer_reads_batches_unless_the_loader_is_customised(data, extra, batched):
    net = _eeg_only(data, **extra)
    train, _ = net.get_split_datasets(data["X"], data["y"])
    assert isinstance(train, ArrayBatches) is batched
    assert isinstance(train, IndexedDataset) is not batched


def test_inference_over_the_training_set_uses_iterator_valid(data):
    net = _eeg_only(data, iterator_valid__num_workers=0)
    train, _ = net.get_split_datasets(data["X"], data["y"])
    assert isinstance(train, ArrayBatches)
    loader = net.get_iterator(train, training=False)
    # braindecode wraps iterator_valid; it collates samples read one by one
    # (the batch loader has batch_size=None)
    assert getattr(loader, "loader", loader).batch_size == 16
    X, y = next(iter(loader))
    torch.testing.assert_close(X["index"], torch.arange(16))
    torch.testing.assert_close(X["eeg"], torch.as_tensor(data["eeg"][:16]))
    assert net.predict_proba(train).shape == (len(train), 5)


def _teacher(data, **extra):
    torch.manual_seed(11)
    net = TeacherClassifier(CMCRDMLP, max_epochs=2, **SMALL, **extra)
    return net.fit(data["eye"], data["y"])


def test_teacher_trains_the_same_with_batch_reads(data):
    batched = _teacher(data)
    per_sample = _teacher(data, iterator_train__num_workers=0)
    train, _ = batched.get_split_datasets(data["eye"], data["y"])
    assert isinstance(train, ArrayBatches)
    train, _ = per_sample.get_split_datasets(data["eye"], data["y"])
    assert not isinstance(train, ArrayBatches)
    for a, b in zip(
        batched.module_.parameters(), per_sample.module_.parameters(), strict=True
    ):
        torch.testing.assert_close(a, b)
    assert batched.history[-1, "train_loss"] == pytest.approx(
        per_sample.history[-1, "train_loss"], rel=1e-6
    )


def test_batch_reads_warn_when_drop_last_drops_every_batch(data):
    net = TeacherClassifier(CMCRDMLP, max_epochs=1, **{**SMALL, "batch_size": 64})
    with pytest.warns(UserWarning, match="smaller than batch_size=64"):
        net.fit(data["eye"][:20], data["y"][:20])
    assert len(net.history[-1, "batches"]) == 0
