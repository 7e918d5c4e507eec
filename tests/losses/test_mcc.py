import math

import pytest
import torch

from cmcrd_plugin.losses import MCCLoss
from cmcrd_plugin.losses.entropy import confidence_weights
from cmcrd_plugin.losses.mcc import class_confusion


def test_mcc_golden_value():
    logits = torch.tensor([[1.0, 0.0], [0.0, 2.0], [0.5, 0.5]], dtype=torch.float64)
    T = 2.5
    # p = softmax(z / T), row by row
    p = []
    for z in ([1.0, 0.0], [0.0, 2.0], [0.5, 0.5]):
        e = [math.exp(v / T) for v in z]
        p.append([v / sum(e) for v in e])
    # H_i = -sum p log(p + 1e-5); w_i = 1 + exp(-H_i), normalised to mean 1
    H = [-sum(v * math.log(v + 1e-5) for v in row) for row in p]
    w = [1 + math.exp(-h) for h in H]
    w = [3 * v / sum(w) for v in w]
    # Cm[a][b] = sum_i w_i p_ia p_ib, rows normalised to sum 1
    Cm = [
        [sum(w[i] * p[i][a] * p[i][b] for i in range(3)) for b in range(2)]
        for a in range(2)
    ]
    Cm = [[v / sum(row) for v in row] for row in Cm]
    expected = (sum(map(sum, Cm)) - (Cm[0][0] + Cm[1][1])) / 2
    assert MCCLoss(T)(logits).item() == pytest.approx(expected, rel=1e-10)


def test_mcc_is_lower_for_confident_separated_predictions():
    confident = torch.tensor([[10.0, 0.0], [0.0, 10.0]])
    confused = torch.tensor([[0.1, 0.0], [0.0, 0.1]])
    assert MCCLoss()(confident) < MCCLoss()(confused)


def test_mcc_gradcheck_with_constant_entropy_weights():
    torch.manual_seed(0)
    logits = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)
    weights = confidence_weights(torch.softmax(logits / 2.5, 1)).detach()

    def mcc_fixed_weights(z):
        return class_confusion(torch.softmax(z / 2.5, dim=1), weights)

    assert torch.autograd.gradcheck(mcc_fixed_weights, (logits,))
    # MCCLoss's gradient is that of the fixed-weight function at the same point
    (grad,) = torch.autograd.grad(MCCLoss()(logits), logits)
    (expected,) = torch.autograd.grad(mcc_fixed_weights(logits), logits)
    torch.testing.assert_close(grad, expected)
