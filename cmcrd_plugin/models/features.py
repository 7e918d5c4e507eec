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
        linears = [n for n, m in model.named_modules() if isinstance(m, nn.Linear)]
        hint = ""
        if linears:  # TorchEEG models, for example, name their heads otherwise
            hint = f" Its last nn.Linear is {linears[-1]!r}."
        raise AttributeError(
            f"{type(model).__name__} has no submodule {layer!r}; braindecode models "
            "name their classifier head 'final_layer'. Pass the name of the head "
            f"whose input is the feature to distil (feature_layer=...).{hint}"
        ) from exc


class _InputRecorder:
    """The inputs the head, or each member of a container of heads, received."""

    def __init__(self, container: bool = False) -> None:
        self.container = container
        self.values: list[torch.Tensor] = []

    def __call__(self, module: nn.Module, args: tuple) -> None:
        self.values.append(args[0])

    def feature(self) -> torch.Tensor | None:
        """The distilled feature, (batch, size), or ``None`` if nothing was recorded.

        The flattened last input of a single head; for a container of heads,
        the flattened inputs of its members concatenated in call order.
        """
        if not self.values:
            return None
        if not self.container:
            return self.values[-1].flatten(1)
        return torch.cat([v.flatten(1) for v in self.values], dim=1)


_CONTAINERS = (nn.ModuleList, nn.ModuleDict)


@contextmanager
def capture_head_input(
    model: nn.Module, layer: str = "final_layer"
) -> Iterator[_InputRecorder]:
    """Record the input of ``model.<layer>`` during the forward passes in the block.

    When ``layer`` is an ``nn.ModuleList`` or ``nn.ModuleDict`` of heads
    (braindecode's ATCNet has one head per sub-window, each called on its
    window's feature), the input of every member is recorded instead;
    ``recorder.feature()`` concatenates them. The hooks are removed on exit,
    so nothing stays attached to the model (it pickles and clones as
    before). ``recorder.values`` holds the inputs in call order.
    """
    head = head_of(model, layer)
    container = isinstance(head, _CONTAINERS)
    recorder = _InputRecorder(container)
    hooked = list(head.children()) if container else [head]
    handles = [m.register_forward_pre_hook(recorder) for m in hooked]
    try:
        yield recorder
    finally:
        for handle in handles:
            handle.remove()


def forward_with_features(
    model: nn.Module, x: torch.Tensor, layer: str = "final_layer"
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(logits, feature)``: the feature is the flattened input of the head.

    For a container of heads (see :func:`capture_head_input`) it is the
    flattened inputs of its members, concatenated in call order.
    """
    with capture_head_input(model, layer) as recorder:
        logits = model(x)
    feature = recorder.feature()
    if feature is None:
        head = f"{type(model).__name__}.{layer}"
        what = f"{head} was not called in forward"
        if recorder.container:
            what = f"neither {head} nor any of its members was called in forward"
        raise RuntimeError(
            f"{what}, so there is no input to serve as the distilled feature; pass "
            "feature_layer naming the module whose input is the feature to distil"
        )
    return logits, feature


def declared_input_shape(model: nn.Module) -> tuple[int, int] | None:
    """``(n_chans, n_times)`` a braindecode model declares, or ``None``."""
    try:
        return (int(model.n_chans), int(model.n_times))
    except (AttributeError, TypeError, ValueError):  # not declared, or unknown
        return None


def declared_feature_size(model: nn.Module, layer: str = "final_layer") -> int | None:
    """The feature size of ``model`` without data, or ``None`` when unknown.

    For a ``nn.Linear`` head, its ``in_features``. Otherwise one forward pass
    in eval mode, without gradient, on zeros of the input shape a braindecode
    model declares (``n_chans`` x ``n_times``; braindecode's
    ``get_output_shape`` does the same). The random stream and the model's
    train/eval mode are left as they were. Models that declare no input
    shape (TorchEEG's, plain modules), or whose pass fails, give ``None``.
    """
    head = head_of(model, layer)
    if isinstance(head, nn.Linear):
        return head.in_features
    shape = declared_input_shape(model)
    if shape is None:
        return None
    reference = next(model.parameters(), None)
    device = reference.device if reference is not None else torch.device("cpu")
    dtype = reference.dtype if reference is not None else torch.get_default_dtype()
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad(), torch.random.fork_rng(devices=[]):
            zeros = torch.zeros(2, *shape, device=device, dtype=dtype)
            _, feature = forward_with_features(model, zeros, layer)
    except Exception:  # any model-specific failure: size it from data later
        return None
    finally:
        model.train(was_training)
    return feature.shape[1]
