import math

import pytest
import torch

from cmcrd_plugin.losses import ClassAwareSampler
from cmcrd_plugin.losses.heads import PackedLinearHeads


def test_heads_compute_and_initialise_like_nn_linear():
    torch.manual_seed(0)
    heads = PackedLinearHeads([6, 3], 4)
    assert heads.flat.shape == (4 * 7 + 4 * 4,)
    assert len(list(heads.parameters())) == 1  # one tensor for the optimiser
    xs = [torch.randn(5, 6), torch.randn(5, 3)]
    outputs = heads.apply_heads(xs)
    for i, (d, x) in enumerate(zip((6, 3), xs, strict=True)):
        head = heads.head(i)
        assert head.weight.shape == (4, d) and head.bias.shape == (4,)
        bound = 1 / math.sqrt(d)
        assert head.weight.abs().max() <= bound and head.bias.abs().max() <= bound
        linear = torch.nn.Linear(d, 4)
        with torch.no_grad():
            linear.weight.copy_(head.weight)
            linear.bias.copy_(head.bias)
        torch.testing.assert_close(head(x), linear(x))
        torch.testing.assert_close(outputs[i], linear(x).detach())


def test_parameter_gradient_equals_autograd():
    torch.manual_seed(0)
    heads = PackedLinearHeads([6, 3], 4).double()
    xs = [torch.randn(5, d, dtype=torch.float64) for d in (6, 3)]
    gs = [torch.randn(5, 4, dtype=torch.float64) for _ in xs]
    loss = sum(
        (heads.head(i)(x) * g).sum()
        for i, (x, g) in enumerate(zip(xs, gs, strict=True))
    )
    (expected,) = torch.autograd.grad(loss, heads.flat)
    torch.testing.assert_close(heads.parameter_gradient(xs, gs), expected)
    only_first = heads.parameter_gradient(xs, [gs[0], None])
    weight, bias = heads.split(only_first, 1)
    assert not weight.any() and not bias.any()
    torch.testing.assert_close(heads.split(only_first, 0)[0], gs[0].T @ xs[0])


def test_sampler_needs_two_classes():
    with pytest.raises(ValueError, match="at least 2 classes"):
        ClassAwareSampler(torch.tensor([1, 1, 1]))
