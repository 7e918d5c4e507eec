"""Read a model's penultimate feature: the input of its classifier head."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn


def head_of(model: nn.Module, layer: str = "final_layer") -> nn.Module:
    """The submodule named ``layer`` (dotted path), with a clear error if absent."""
    try:
        return model.get_submodule(layer)
    except AttributeError as exc:
        raise AttributeError(
            f"{type(model).__name__} has no submodule {layer!r}; braindecode models "
            "name their classifier head 'final_layer'. Pass the name of the head "
            "whose input is the feature to distil."
        ) from exc


class _InputRecorder:
    def __init__(self) -> None:
        self.value: torch.Tensor | None = None

    def __call__(self, module: nn.Module, args: tuple) -> None:
        self.value = args[0]


@contextmanager
def capture_head_input(
    model: nn.Module, layer: str = "final_layer"
) -> Iterator[_InputRecorder]:
    """Record the input of ``model.<layer>`` during the forward passes in the block.

    The hook is removed on exit, so nothing stays attached to the model (it
    pickles and clones as before). ``recorder.value`` holds the last input.
    """
    recorder = _InputRecorder()
    handle = head_of(model, layer).register_forward_pre_hook(recorder)
    try:
        yield recorder
    finally:
        handle.remove()


def forward_with_features(
    model: nn.Module, x: torch.Tensor, layer: str = "final_layer"
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(logits, feature)`` where feature is the flattened input of the head."""
    with capture_head_input(model, layer) as recorder:
        logits = model(x)
    if recorder.value is None:
        head = head_of(model, layer)
        hint = ""
        if isinstance(head, nn.ModuleList | nn.ModuleDict):
            first = next(iter(dict(head.named_children())), "0")
            hint = (
                f" It is a {type(head).__name__} of several heads, which forward "
                "calls one by one; pass feature_layer naming the one whose input "
                f"is the feature to distil, for example '{layer}.{first}'."
            )
        raise RuntimeError(
            f"{type(model).__name__}.{layer} was not called in forward; its input "
            f"cannot serve as the distilled feature.{hint}"
        )
    return logits, recorder.value.flatten(1)
