import math

import pytest

from cmcrd_plugin.training import WarmupCosineLR


def test_warmup_then_half_cosine_to_zero():
    sched = WarmupCosineLR(warmup_epochs=2).initialize()
    sched.batches_per_epoch_ = 5  # 10 warm-up steps, 40 in all for 8 epochs
    assert sched.factor(0, 8) == pytest.approx(0.1)
    assert sched.factor(9, 8) == pytest.approx(1.0)
    assert sched.factor(10, 8) == pytest.approx(1.0)
    assert sched.factor(25, 8) == pytest.approx(0.5 * (1 + math.cos(math.pi * 15 / 30)))
    assert sched.factor(40, 8) == pytest.approx(0.0)
