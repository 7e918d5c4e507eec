import math
import pickle

import numpy as np
import pytest
import torch
from braindecode import EEGClassifier
from sklearn.base import clone
from skorch.callbacks import Callback, Checkpoint, LoadInitState, LRScheduler

from cmcrd_plugin.models.mlp import CMCRDMLP
from cmcrd_plugin.training import WarmupCosineLR
from cmcrd_plugin.training.schedule import warmup_cosine

LR = 0.01
BATCH_SIZE = 16


def test_warmup_then_half_cosine_to_zero():
    # 2 warm-up epochs of 5 batches: 10 warm-up steps, 40 in all for 8 epochs
    factor = LRScheduler(warmup_cosine, warmup_steps=10, total_steps=40).simulate(
        41, initial_lr=1.0
    )
    assert factor[0] == pytest.approx(0.1)
    assert factor[9] == pytest.approx(1.0)
    assert factor[10] == pytest.approx(1.0)
    assert factor[25] == pytest.approx(0.5 * (1 + math.cos(math.pi * 15 / 30)))
    assert factor[40] == pytest.approx(0.0)


def closed_form(max_epochs, warmup_epochs, batches_per_epoch):
    """The authors' per-iteration learning rates, as the issue writes them."""
    total = max_epochs * batches_per_epoch
    warmup = min(warmup_epochs * batches_per_epoch, total - 1)
    return [
        LR * (i + 1) / warmup
        if i < warmup
        else LR * 0.5 * (1 + math.cos(math.pi * (i - warmup) / (total - warmup)))
        for i in range(total)
    ]


class RecordLR(Callback):
    """Records each training batch's learning rate in the history ("batch_lr").

    Placed after the schedule, it reads the rate the batch trains with.
    """

    def on_batch_begin(self, net, training=False, **kwargs):
        if training:
            net.history.record_batch("batch_lr", net.optimizer_.param_groups[0]["lr"])


def batch_lrs(net):
    return [b["batch_lr"] for epoch in net.history for b in epoch["batches"]]


@pytest.fixture(scope="module")
def xy():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(50, 4, 3, generator=gen)
    y = torch.randint(0, 3, (50,), generator=gen)
    return X, y


def make_net(max_epochs, warmup_epochs=2, drop_last=False, callbacks=()):
    torch.manual_seed(0)
    return EEGClassifier(
        CMCRDMLP,
        module__hidden_size=8,
        optimizer=torch.optim.AdamW,
        lr=LR,
        batch_size=BATCH_SIZE,
        max_epochs=max_epochs,
        train_split=None,
        iterator_train__shuffle=False,
        iterator_train__drop_last=drop_last,
        callbacks=[("sched", WarmupCosineLR(warmup_epochs)), RecordLR(), *callbacks],
        verbose=0,
    )


@pytest.mark.parametrize(
    ("max_epochs", "warmup_epochs", "drop_last", "batches_per_epoch"),
    [
        (4, 1, False, 4),  # 50 windows in batches of 16: 4 batches, the last of 2
        (5, 2, True, 3),  # the last, short batch dropped
        (3, 5, True, 3),  # warm-up longer than training: capped at 8 of 9 steps
        (3, 0, False, 4),  # no warm-up
    ],
)
def test_fit_follows_the_closed_form_every_batch(
    xy, max_epochs, warmup_epochs, drop_last, batches_per_epoch
):
    net = make_net(max_epochs, warmup_epochs, drop_last).fit(*xy)
    expected = closed_form(max_epochs, warmup_epochs, batches_per_epoch)
    np.testing.assert_allclose(batch_lrs(net), expected, rtol=1e-12, atol=0)
    # skorch's LRScheduler records the same rate as event_lr
    events = [b["event_lr"] for epoch in net.history for b in epoch["batches"]]
    assert events == batch_lrs(net)


@pytest.fixture(scope="module")
def uninterrupted(xy):
    return make_net(max_epochs=5).fit(*xy)


def assert_same_as_uninterrupted(net, uninterrupted, xy):
    assert batch_lrs(net) == batch_lrs(uninterrupted)
    torch.testing.assert_close(
        net.predict_proba(xy[0]), uninterrupted.predict_proba(xy[0]), rtol=0, atol=0
    )


def test_partial_fit_resumes_the_schedule(xy, uninterrupted):
    net = make_net(max_epochs=5).fit(*xy, epochs=2)
    net.partial_fit(*xy, epochs=3)
    assert len(net.history) == 5
    assert_same_as_uninterrupted(net, uninterrupted, xy)


def test_fresh_net_resumes_the_schedule_from_a_checkpoint(xy, uninterrupted, tmp_path):
    checkpoint = Checkpoint(monitor=None, dirname=str(tmp_path))
    make_net(max_epochs=5, callbacks=[checkpoint]).fit(*xy, epochs=2)
    # LoadInitState after the schedule: its on_train_begin runs later
    fresh = make_net(max_epochs=5, callbacks=[LoadInitState(checkpoint)])
    fresh.fit(*xy, epochs=3)
    assert len(fresh.history) == 5
    assert_same_as_uninterrupted(fresh, uninterrupted, xy)


def test_clone_and_pickle_keep_the_settings(xy):
    sched = WarmupCosineLR(3, event_name=None)
    assert clone(sched).get_params() == {"warmup_epochs": 3, "event_name": None}
    net = make_net(max_epochs=2).fit(*xy)
    copy = clone(net.set_params(callbacks__sched__warmup_epochs=1))
    assert copy.get_params()["callbacks__sched__warmup_epochs"] == 1
    restored = pickle.loads(pickle.dumps(net))
    restored.partial_fit(*xy, epochs=1)  # the schedule rebuilt on the net it has
    assert len(batch_lrs(restored)) == 3 * 4


def test_the_rate_stays_zero_after_the_schedule_ends():
    for warmup in (0, 3):
        param = torch.nn.Parameter(torch.zeros(1))
        optimizer = torch.optim.SGD([param], lr=1.0)
        scheduler = warmup_cosine(optimizer, warmup_steps=warmup, total_steps=10)
        rates = []
        for _ in range(25):
            rates.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step()
        assert rates[9] > 0 and rates[10:] == [0.0] * 15
