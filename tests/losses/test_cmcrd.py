import math
import warnings

import pytest
import torch
from torch.nn import functional as F

from cmcrd_plugin.losses import ClassAwareSampler, CMCRDLoss
from cmcrd_plugin.losses.reference import gather_rows_cmcrd_loss

# A tiny fixed problem: 4 training windows of classes 0,1,0,1, d = 2, K = 2.
LABELS = torch.tensor([0, 1, 0, 1])
M_S = [[0.0, 1.0], [1.0, 0.0], [0.0, -1.0], [-1.0, 0.0]]
M_T = [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]]
F_S = [[1.0, 0.0], [0.0, 1.0]]  # already unit norm: z_s = f_s
F_T = [[0.6, 0.8], [0.8, -0.6]]  # unit norm: z_t = f_t
O_S = [[2.0, 0.0], [0.0, 1.0]]  # student right on both windows
O_T = [[2.0, 0.0], [1.0, 0.0]]  # teacher right on window 0, wrong on window 1
Y = [0, 1]
INDEX = [0, 1]
NEG = [[1, 3], [0, 2]]  # other-class windows
TAU = 0.5


def make_loss(dtype=torch.float64, **kwargs):
    loss = CMCRDLoss(2, 2, LABELS, feat_dim=2, n_negatives=2, temperature=TAU, **kwargs)
    loss = loss.to(dtype)
    with torch.no_grad():
        for head in (loss.embed_s, loss.embed_t):
            head.weight.copy_(torch.eye(2))
            head.bias.zero_()
    loss.memory_s = torch.tensor(M_S, dtype=dtype)
    loss.memory_t = torch.tensor(M_T, dtype=dtype)
    return loss


def call(loss, f_s=None, o_s=O_S, o_t=O_T, dtype=torch.float64, reference=False):
    """``loss`` on the tiny problem, or the gather-rows reference with its state."""
    t = lambda v: torch.tensor(v, dtype=dtype)  # noqa: E731
    args = (
        t(F_S) if f_s is None else f_s,
        t(F_T),
        t(o_s),
        t(o_t),
        torch.tensor(Y),
        torch.tensor(INDEX),
    )
    if reference:
        return gather_rows_cmcrd_loss(loss, *args, torch.tensor(NEG))
    return loss(*args, negatives=torch.tensor(NEG))


def dot(a, b):
    return sum(x * y for x, y in zip(a, b, strict=True))


def expected_loss(weighted=True, gated_sign=True):
    """The published formula, written out by hand with Python floats."""
    n_data, K = 4, 2
    k_pn = K / n_data
    eps = 1e-7
    # teacher-confidence weights from softmax(o_t)
    w = []
    for o in O_T:
        e = [math.exp(v) for v in o]
        q = [v / sum(e) for v in e]
        H = -sum(v * math.log(v + 1e-5) for v in q)
        w.append(1 + math.exp(-H))
    w = [2 * v / sum(w) for v in w] if weighted else [1.0, 1.0]
    # sign: +1 where the teacher is right
    m = [1.0, -1.0] if gated_sign else [1.0, 1.0]
    cands = [[INDEX[i], *NEG[i]] for i in range(2)]
    # student anchor scored on teacher memory, teacher anchor on student memory
    exp_s = [[math.exp(dot(F_S[i], M_T[j]) / TAU) for j in cands[i]] for i in range(2)]
    exp_t = [[math.exp(dot(F_T[i], M_S[j]) / TAU) for j in cands[i]] for i in range(2)]
    Z_s = sum(map(sum, exp_s)) / 6 * n_data  # mean over B x (K+1), times n_data
    Z_t = sum(map(sum, exp_t)) / 6 * n_data
    total = 0.0
    for exps, Z in ((exp_s, Z_s), (exp_t, Z_t)):
        view = 0.0
        for i in range(2):
            P = [w[i] * e / Z for e in exps[i]]
            term = math.log(P[0] / (P[0] + k_pn + eps))
            term += sum(math.log(k_pn / (p + k_pn + eps)) for p in P[1:])
            view += m[i] * term
        total += -view / 2
    return total


def test_cmcrd_golden_value():
    loss = make_loss()
    assert call(loss).item() == pytest.approx(expected_loss(), rel=1e-12)


def test_gather_rows_reference_golden_value():
    loss = make_loss().eval()  # eval: the banks stay as set
    call(loss)  # fixes the normalising constants the reference reads
    value = call(loss, reference=True)
    assert value.item() == pytest.approx(expected_loss(), rel=1e-12)


def test_plain_crd_golden_value():
    loss = make_loss(weighted=False, gated=False, signed=False)
    assert call(loss).item() == pytest.approx(expected_loss(False, False), rel=1e-12)


def test_normalising_constants_fixed_from_first_batch():
    loss = make_loss()
    call(loss)
    z_s, z_t = loss.norm_s.item(), loss.norm_t.item()
    assert z_s > 0 and z_t > 0
    call(loss)  # memory changed, constants do not
    assert (loss.norm_s.item(), loss.norm_t.item()) == (z_s, z_t)


def test_memory_update_matches_formula_and_only_touches_batch_rows():
    loss = make_loss(momentum=0.3)
    old_s, old_t = loss.memory_s.clone(), loss.memory_t.clone()
    call(loss)
    z_s = torch.tensor(F_S, dtype=torch.float64)
    z_t = torch.tensor(F_T, dtype=torch.float64)
    for new, old, z in ((loss.memory_s, old_s, z_s), (loss.memory_t, old_t, z_t)):
        expected = F.normalize(0.3 * old[INDEX] + 0.7 * z, dim=1)
        torch.testing.assert_close(new[INDEX], expected)
        torch.testing.assert_close(new[2:], old[2:])


def test_no_memory_update_in_eval_mode():
    loss = make_loss().eval()
    before = loss.memory_s.clone()
    call(loss)
    torch.testing.assert_close(loss.memory_s, before)


def _embedding_grads(loss, **kwargs):
    """Per-window gradients of the student and teacher embeddings u_s, u_t.

    The heads are the identity (``make_loss``), so u_s's gradient is f_s's;
    F_T's rows are orthonormal, so u_t's row i is ``dL/dW_t @ f_t,i``.
    """
    # off the symmetric point, where some gradients vanish by coincidence
    f_s = torch.tensor(F_S, dtype=torch.float64) + torch.tensor(
        [[0.0, 0.3], [0.2, 0.0]]
    )
    f_s.requires_grad_(True)
    call(loss, f_s=f_s, **kwargs).backward()
    grad_w_t = loss.embed_t.weight.grad
    return f_s.grad, torch.tensor(F_T, dtype=torch.float64) @ grad_w_t.T


def test_gating_detaches_exactly_the_documented_rows():
    # window 0: both right -> both keep gradients
    # window 1: student right, teacher wrong -> z_s,1 detached, z_t,1 keeps it
    g_s, g_t = _embedding_grads(make_loss())
    assert g_s[0].abs().sum() > 0
    assert torch.equal(g_s[1], torch.zeros(2, dtype=torch.float64))
    assert g_t[0].abs().sum() > 1e-3 and g_t[1].abs().sum() > 1e-3
    # the mirror case on window 1: teacher right, student wrong -> z_t,1 detached
    g_s, g_t = _embedding_grads(
        make_loss(), o_s=[[2.0, 0.0], [1.0, 0.0]], o_t=[[2.0, 0.0], [0.0, 1.0]]
    )
    assert g_t[1].abs().max() < 1e-12  # exact zero up to the recovery's round-off
    assert g_s[1].abs().sum() > 0 and g_t[0].abs().sum() > 1e-3
    # without gating every row keeps its gradient
    g_s, _ = _embedding_grads(make_loss(gated=False))
    assert g_s[1].abs().sum() > 0


def _random_problem(n_data, k, batch=32, d=128, seed=0):
    gen = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 5, (n_data,), generator=gen)
    y_idx = torch.randperm(n_data, generator=gen)[:batch]
    return dict(
        labels=labels,
        f_s=torch.randn(batch, 64, generator=gen, dtype=torch.float64),
        f_t=torch.randn(batch, 32, generator=gen, dtype=torch.float64),
        o_s=torch.randn(batch, 5, generator=gen, dtype=torch.float64),
        o_t=torch.randn(batch, 5, generator=gen, dtype=torch.float64),
        y=labels[y_idx],
        index=y_idx,
    )


def test_whole_bank_scoring_equals_gather_rows_values_and_gradients():
    # a first training step: the constants are fixed from it, the banks updated
    import copy

    p = _random_problem(1200, 1000)
    torch.manual_seed(1)
    loss = CMCRDLoss(64, 32, p["labels"], n_negatives=1000).double()
    gather = copy.deepcopy(loss)  # the same heads and banks, scored by gathering
    negatives = ClassAwareSampler(p["labels"])(
        p["y"], 1000, torch.Generator().manual_seed(3)
    )
    args = (p["f_t"], p["o_s"], p["o_t"], p["y"], p["index"])
    results = []
    f_s = p["f_s"].clone().requires_grad_(True)
    value = loss(f_s, *args, negatives=negatives)
    value.backward()
    results.append(
        (value.detach(), f_s.grad, *(q.grad for q in loss.parameters()), loss.memory_s)
    )
    gather.norm_s.copy_(loss.norm_s)  # the reference reads fixed constants
    gather.norm_t.copy_(loss.norm_t)
    f_s = p["f_s"].clone().requires_grad_(True)
    value = gather_rows_cmcrd_loss(gather, f_s, *args, negatives)
    value.backward()
    mu, index = loss.momentum, p["index"]
    with torch.no_grad():
        z_s = F.normalize(gather.embed_s(f_s), dim=1)
        rows = F.normalize(mu * gather.memory_s[index] + (1 - mu) * z_s, dim=1)
    updated = gather.memory_s.index_copy(0, index, rows)
    results.append(
        (value.detach(), f_s.grad, *(q.grad for q in gather.parameters()), updated)
    )
    for a, b in zip(*results, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-10)


def test_cmcrd_gradcheck_and_gradgradcheck():
    # gating detaches rows on purpose (numerical and analytical gradients then
    # differ by design); it is covered by the gating test above
    loss = make_loss(gated=False).eval()  # eval: no memory update between calls
    call(loss)  # fixes the normalising constants

    def f(f_s):
        return call(loss, f_s=f_s)

    f_s = torch.tensor(F_S, dtype=torch.float64) + 0.1
    assert torch.autograd.gradcheck(f, (f_s.requires_grad_(True),))
    assert torch.autograd.gradgradcheck(f, (f_s,))


def test_negatives_are_other_class_distinct_when_possible():
    labels = torch.tensor([0] * 10 + [1] * 30 + [2] * 5)
    sampler = ClassAwareSampler(labels)
    y = torch.tensor([0, 1, 2, 2])
    neg = sampler(y, 15, torch.Generator().manual_seed(0))
    assert neg.shape == (4, 15)
    assert not (labels[neg] == y[:, None]).any()
    # pools: class 0 -> 35, class 1 -> 15, class 2 -> 40; all >= 15: distinct
    for row in neg:
        assert len(set(row.tolist())) == 15
    # K larger than class 1's pool (15): with replacement for that row
    neg = sampler(torch.tensor([1]), 20, torch.Generator().manual_seed(0))
    assert not (labels[neg] == 1).any()
    assert len(set(neg[0].tolist())) < 20


def test_banks_are_sized_from_labels_and_k_clamped():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loss = CMCRDLoss(8, 8, torch.tensor([0, 1, 0, 1, 1]), n_negatives=1000)
    assert loss.memory_s.shape == (5, 128) and loss.memory_t.shape == (5, 128)
    assert loss.n_negatives == 4
    assert any("n_negatives=1000" in str(w.message) for w in caught)
    stdv = 1 / math.sqrt(128 / 3)
    assert loss.memory_s.abs().max() <= stdv


def test_forward_without_banks_is_a_clear_error():
    loss = CMCRDLoss(2, 2)
    with pytest.raises(RuntimeError, match="set_training_labels"):
        call(loss.double())


def test_state_dict_round_trip_restores_banks_of_another_size():
    trained = make_loss()
    call(trained)
    fresh = CMCRDLoss(2, 2, torch.tensor([0, 1]), feat_dim=2, n_negatives=1).double()
    fresh.load_state_dict(trained.state_dict())
    torch.testing.assert_close(fresh.memory_s, trained.memory_s)
    assert fresh.norm_s == trained.norm_s and fresh.n_data == 4


def test_crd_is_cmcrd_without_weights_gating_and_signs():
    from cmcrd_plugin.losses import CRDLoss

    loss = CRDLoss(2, 2, LABELS, feat_dim=2, n_negatives=2, temperature=TAU).double()
    with torch.no_grad():
        for head in (loss.embed_s, loss.embed_t):
            head.weight.copy_(torch.eye(2))
            head.bias.zero_()
    loss.memory_s = torch.tensor(M_S, dtype=torch.float64)
    loss.memory_t = torch.tensor(M_T, dtype=torch.float64)
    assert call(loss).item() == pytest.approx(expected_loss(False, False), rel=1e-12)
    with pytest.raises(ValueError, match="use CMCRDLoss"):
        CRDLoss(2, 2, gated=True)


@pytest.mark.parametrize("n_data, k", [(1200, 1000), (300, 50)])
def test_bank_scoring_matches_the_op_by_op_gather_reference(n_data, k):
    p = _random_problem(n_data, k)
    loss = CMCRDLoss(64, 32, p["labels"], n_negatives=k).double().eval()
    negatives = ClassAwareSampler(p["labels"])(
        p["y"], k, torch.Generator().manual_seed(3)
    )
    args = (p["f_t"], p["o_s"], p["o_t"], p["y"], p["index"])
    f_s = p["f_s"].clone().requires_grad_(True)
    ours = loss(f_s, *args, negatives=negatives)
    (g_ours,) = torch.autograd.grad(ours, f_s)
    heads_ours = torch.autograd.grad(
        loss(f_s, *args, negatives=negatives), list(loss.parameters())
    )
    ref = gather_rows_cmcrd_loss(loss, f_s, *args, negatives)
    (g_ref,) = torch.autograd.grad(ref, f_s)
    heads_ref = torch.autograd.grad(
        gather_rows_cmcrd_loss(loss, f_s, *args, negatives), list(loss.parameters())
    )
    torch.testing.assert_close(ours, ref, rtol=1e-5, atol=0)
    torch.testing.assert_close(g_ours, g_ref, rtol=1e-5, atol=1e-12)
    for a, b in zip(heads_ours, heads_ref, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-12)


def test_training_step_gradient_uses_the_banks_before_their_update():
    # the banks are updated in training mode, before backward; the gradient of
    # the batch must still be the one of the banks the loss was scored against
    import copy

    p = _random_problem(300, 50)
    loss = CMCRDLoss(64, 32, p["labels"], n_negatives=50).double()
    negatives = ClassAwareSampler(p["labels"])(
        p["y"], 50, torch.Generator().manual_seed(3)
    )
    args = (p["f_t"], p["o_s"], p["o_t"], p["y"], p["index"])
    loss.eval()
    loss(p["f_s"], *args, negatives=negatives)  # fixes the normalising constants
    before = copy.deepcopy(loss)
    loss.train()
    f_s = p["f_s"].clone().requires_grad_(True)
    value = loss(f_s, *args, negatives=negatives)
    assert not torch.equal(loss.memory_s, before.memory_s)  # updated
    value.backward()
    f_ref = p["f_s"].clone().requires_grad_(True)
    ref = gather_rows_cmcrd_loss(before, f_ref, *args, negatives)
    ref.backward()
    torch.testing.assert_close(value, ref, rtol=1e-10, atol=0)
    torch.testing.assert_close(f_s.grad, f_ref.grad, rtol=1e-8, atol=1e-12)
    for a, b in zip(loss.parameters(), before.parameters(), strict=True):
        torch.testing.assert_close(a.grad, b.grad, rtol=1e-8, atol=1e-12)


def test_assigning_a_bank_checks_its_shape_and_keeps_its_dtype():
    loss = make_loss()
    loss.memory_t = torch.tensor(M_S, dtype=torch.float32)
    assert loss.memory_t.dtype == torch.float64
    torch.testing.assert_close(loss.memory_t, torch.tensor(M_S, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"memory_s has shape \(4, 2\).*got \(3, 2\)"):
        loss.memory_s = torch.zeros(3, 2)


def test_state_dict_holds_the_heads_banks_constants_and_labels():
    assert set(make_loss().state_dict()) == {
        "embed_s.weight",
        "embed_s.bias",
        "embed_t.weight",
        "embed_t.bias",
        "memory",  # (2, n_data, d): memory_s, memory_t
        "norm_s",
        "norm_t",
        "train_labels",
    }
