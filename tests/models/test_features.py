import pytest
import torch
from torch import nn

from cmcrd_plugin.models import declared_feature_size, forward_with_features


class _WindowHeads(nn.Module):
    """Like braindecode's ATCNet: one head per sub-window, outputs averaged."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Linear(6, 8)
        self.final_layer = nn.ModuleList([nn.Linear(4, 3), nn.Linear(4, 3)])

    def forward(self, x):
        h = self.body(x)
        return (self.final_layer[0](h[:, :4]) + self.final_layer[1](h[:, 4:])) / 2


def test_missing_head_is_a_clear_error():
    with pytest.raises(AttributeError, match="final_layer"):
        forward_with_features(nn.Linear(3, 2), torch.randn(1, 3))
    # a model that names its head otherwise (as TorchEEG's do)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    with pytest.raises(AttributeError, match="Its last nn.Linear is '2'"):
        forward_with_features(model, torch.randn(1, 3))
    logits, feature = forward_with_features(model, torch.randn(5, 3), "2")
    assert feature.shape == (5, 4)


def test_a_container_head_gives_its_members_inputs_concatenated():
    model = _WindowHeads()
    x = torch.randn(2, 6)
    logits, feature = forward_with_features(model, x)
    assert logits.shape == (2, 3)
    torch.testing.assert_close(feature, model.body(x))  # window 1 then window 2
    logits, feature = forward_with_features(model, x, "final_layer.1")
    torch.testing.assert_close(feature, model.body(x)[:, 4:])


def test_a_head_never_called_is_a_clear_error():
    model = _WindowHeads()
    model.final_layer.append(nn.Linear(4, 3))  # a member forward never calls
    with pytest.raises(RuntimeError, match=r"_WindowHeads.final_layer.2 was not"):
        forward_with_features(model, torch.randn(2, 6), "final_layer.2")
    model.forward = lambda x: model.body(x)  # no head called at all
    with pytest.raises(RuntimeError, match="neither _WindowHeads.final_layer nor"):
        forward_with_features(model, torch.randn(2, 6))


def test_the_hooks_are_removed_after_the_call():
    model = _WindowHeads()
    forward_with_features(model, torch.randn(2, 6))
    assert not any(m._forward_pre_hooks for m in model.modules())


@pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")  # ATCNet's
def test_braindecode_atcnet_feature_is_every_sub_window_feature():
    from braindecode.models import ATCNet

    model = ATCNet(n_chans=4, n_outputs=3, n_times=1000, sfreq=250).eval()
    logits, feature = forward_with_features(model, torch.randn(2, 4, 1000))
    heads = list(model.final_layer)
    assert len(heads) > 1 and logits.shape == (2, 3)
    assert feature.shape == (2, sum(h.in_features for h in heads))


def test_declared_feature_size_without_data():
    from braindecode.models import ShallowFBCSPNet

    assert declared_feature_size(nn.Sequential(nn.Linear(3, 5)), "0") == 3
    assert declared_feature_size(_WindowHeads()) is None  # declares no input shape
    model = ShallowFBCSPNet(n_chans=4, n_outputs=3, n_times=200)  # a conv head
    assert not isinstance(model.final_layer, nn.Linear)
    model.train()
    rng = torch.get_rng_state()
    size = declared_feature_size(model)
    assert model.training and torch.equal(torch.get_rng_state(), rng)
    _, feature = forward_with_features(model.eval(), torch.randn(3, 4, 200))
    assert size == feature.shape[1]
