"""Golden values of every distiller, derived by hand from the published formulas."""

import math

import pytest
import torch

from cmcrd_plugin.losses.base import Distiller, DistillResult
from cmcrd_plugin.losses.fitnet import FitNetLoss
from cmcrd_plugin.losses.kd import KDLoss
from cmcrd_plugin.losses.none import NoDistillation
from cmcrd_plugin.losses.nst import NSTLoss
from cmcrd_plugin.losses.pkt import PKTLoss
from cmcrd_plugin.losses.rkd import RKDLoss
from cmcrd_plugin.losses.sp import SPLoss

FS = [[1.0, 2.0], [0.5, -1.0], [-1.5, 0.0]]  # student features, B = 3, d_s = 2
FT = [[0.2, 1.0, -0.5], [1.0, 0.0, 0.3], [-0.4, 0.6, 1.2]]  # teacher, d_t = 3
OS = [[1.0, 0.0, -1.0], [0.5, 0.5, 0.0], [0.0, 2.0, 1.0]]
OT = [[2.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 3.0]]


def t(v):
    return torch.tensor(v, dtype=torch.float64)


def run(distiller, fs=None):
    out = distiller(
        t(FS) if fs is None else fs,
        t(FT),
        t(OS),
        t(OT),
        torch.tensor([0, 1, 2]),
        torch.tensor([0, 1, 2]),
    )
    return out.loss if isinstance(out, DistillResult) else out


def softmax(row, T=1.0):
    e = [math.exp(v / T) for v in row]
    return [v / sum(e) for v in e]


def dot(a, b):
    return sum(x * y for x, y in zip(a, b, strict=True))


def norm(a):
    return math.sqrt(dot(a, a))


def smooth_l1(x):
    return 0.5 * x * x if abs(x) < 1 else abs(x) - 0.5


def test_kd_golden():
    T = 4.0
    expected = 0.0
    for s, te in zip(OS, OT, strict=True):
        p_s, p_t = softmax(s, T), softmax(te, T)
        expected += sum(pt * math.log(pt / ps) for pt, ps in zip(p_t, p_s, strict=True))
    expected = expected / 3 * T**2
    assert run(KDLoss(2, 3).double()).item() == pytest.approx(expected, rel=1e-12)


def test_fitnet_golden():
    loss = FitNetLoss(2, 3).double()
    W = [[0.5, -1.0], [0.0, 2.0], [1.0, 1.0]]
    b = [0.1, -0.2, 0.0]
    with torch.no_grad():
        loss.regressor.weight.copy_(t(W))
        loss.regressor.bias.copy_(t(b))
    sq = [(dot(W[k], FS[i]) + b[k] - FT[i][k]) ** 2 for i in range(3) for k in range(3)]
    assert run(loss).item() == pytest.approx(sum(sq) / 9, rel=1e-12)


def test_nst_golden():
    # one pattern per neuron: its activations over the batch, l2-normalised
    def patterns(F):
        cols = [[row[k] for row in F] for k in range(len(F[0]))]
        return [[v / norm(c) for v in c] for c in cols]

    s, te = patterns(FS), patterns(FT)

    def mean_k(a, b):
        return sum(dot(x, y) ** 2 for x in a for y in b) / (len(a) * len(b))

    expected = mean_k(te, te) + mean_k(s, s) - 2 * mean_k(s, te)
    assert run(NSTLoss(2, 3).double()).item() == pytest.approx(expected, rel=1e-12)


def test_sp_golden():
    def gram(F):
        G = [[dot(a, b) for b in F] for a in F]
        return [[v / norm(row) for v in row] for row in G]

    gs, gt = gram(FS), gram(FT)
    expected = sum((gs[i][j] - gt[i][j]) ** 2 for i in range(3) for j in range(3)) / 9
    assert run(SPLoss(2, 3).double()).item() == pytest.approx(expected, rel=1e-12)


def test_rkd_golden():
    def dist(F):
        D = [[norm([x - y for x, y in zip(a, b, strict=True)]) for b in F] for a in F]
        mean = sum(D[i][j] for i in range(3) for j in range(3) if i != j) / 6
        return [[v / mean for v in row] for row in D]

    def angles(F):
        out = []
        for j in range(3):  # vertex
            e = []
            for i in range(3):
                d = [x - y for x, y in zip(F[i], F[j], strict=True)]
                n = norm(d)
                e.append([v / n for v in d] if n > 0 else [0.0] * len(d))
            out += [dot(e[i], e[k]) for i in range(3) for k in range(3)]
        return out

    ds, dt = dist(FS), dist(FT)
    l_d = sum(smooth_l1(ds[i][j] - dt[i][j]) for i in range(3) for j in range(3)) / 9
    as_, at = angles(FS), angles(FT)
    l_a = sum(smooth_l1(x - y) for x, y in zip(as_, at, strict=True)) / 27
    out = RKDLoss(2, 3).double()(t(FS), t(FT), t(OS), t(OT), None, None)
    assert out.parts["distance"].item() == pytest.approx(l_d, rel=1e-10)
    assert out.parts["angle"].item() == pytest.approx(l_a, rel=1e-10)
    assert out.loss.item() == pytest.approx(25 * l_d + 50 * l_a, rel=1e-10)


def test_pkt_golden():
    eps = 1e-7

    def probs(F):
        U = [[v / (norm(a) + eps) for v in a] for a in F]
        S = [[(dot(a, b) + 1) / 2 for b in U] for a in U]
        return [[v / sum(row) for v in row] for row in S]

    ps, pt = probs(FS), probs(FT)
    expected = (
        sum(
            pt[i][j] * math.log((pt[i][j] + eps) / (ps[i][j] + eps))
            for i in range(3)
            for j in range(3)
        )
        / 9
    )
    assert run(PKTLoss(2, 3).double()).item() == pytest.approx(expected, rel=1e-10)


def test_none_is_zero_and_needs_no_teacher():
    assert run(NoDistillation(2, 3)).item() == 0.0
    assert not NoDistillation.needs_teacher and NoDistillation.default_weight == 0


@pytest.mark.parametrize(
    "cls, weight",
    [
        (KDLoss, 10),
        (FitNetLoss, 1),
        (NSTLoss, 10),
        (SPLoss, 100),
        (RKDLoss, 1),
        (PKTLoss, 1000),
    ],
)
def test_gradcheck_and_default_weights(cls, weight):
    assert cls.default_weight == weight and issubclass(cls, Distiller)
    distiller = cls(2, 3).double()
    fs = (t(FS) + 0.01).requires_grad_(True)
    logits = t(OS).requires_grad_(True)

    def f(fs, logits):
        out = distiller(fs, t(FT), logits, t(OT), None, None)
        return out.loss if isinstance(out, DistillResult) else out

    assert torch.autograd.gradcheck(f, (fs, logits))
