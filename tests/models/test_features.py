import pytest
import torch
from torch import nn

from cmcrd_plugin.models import forward_with_features


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


def test_a_container_head_names_its_members():
    model = _WindowHeads()
    with pytest.raises(RuntimeError, match=r"ModuleList.*'final_layer\.0'"):
        forward_with_features(model, torch.randn(2, 6))
    logits, feature = forward_with_features(model, torch.randn(2, 6), "final_layer.1")
    assert logits.shape == (2, 3) and feature.shape == (2, 4)


def test_the_hook_is_removed_after_the_call():
    model = _WindowHeads()
    forward_with_features(model, torch.randn(2, 6), "final_layer.0")
    assert not model.final_layer[0]._forward_pre_hooks
