"""TorchEEG's classifiers in the benchmark grid: how each is built, fed and distilled.

An architecture ``torcheeg.<Name>`` (``torcheeg.DGCNN``, ``torcheeg.CCNN``,
...) is a model class of ``torcheeg.models``; the token ``torcheeg`` stands
for every model of :data:`MODELS`. Each entry says how the model is built
for the run's EEG windows ``(n_chans, n_times)``, how those windows are laid
out for it, and the head whose input is its distilled feature (the
``feature_layer`` that ``benchmarks/check_torcheeg_models.py`` found):

- ``as_is``: the windows as they are (DE features ``(62, 5)`` for DGCNN,
  GRU, LSTM; raw ``(62, 800)`` for the transformers);
- ``channel_axis``: with a leading axis of one, ``(1, n_chans, n_times)``,
  as TorchEEG's temporal CNNs read them (EEGNet, TSCeption, Conformer,
  LMDA);
- ``grid``: TorchEEG's ``ToGrid`` with its SEED electrode positions,
  ``(n_times, 9, 9)`` (CCNN, FBCCNN on DE bands; STNet on raw samples).

Which models build on which windows is not listed: the grid's survey builds
each on the run's shape and reports the others as skipped, with the error.
TorchEEG's filter-bank models (FBCNet, FBMSNet), SSTEmotionNet and TSLANet
need inputs the SEED windows do not give, and RGNN needs ``torch_scatter``;
they are not in :data:`MODELS`.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from torch import nn

from ..formats import seed_iv

PREFIX = "torcheeg."
TOKEN = "torcheeg"
GRID_SIZE = (9, 9)


@dataclass(frozen=True)
class TorchEEGModel:
    """How the grid builds, feeds and distils one TorchEEG model."""

    kwargs: Callable[[int, int, int], dict]
    """``(n_chans, n_times, n_classes)`` -> the constructor's keyword arguments."""
    layout: str
    """``"as_is"``, ``"channel_axis"`` or ``"grid"`` (see the module docstring)."""
    feature_layer: str
    """The head whose input is the distilled feature."""


def _electrodes(c: int, t: int, k: int) -> dict:
    return {"num_electrodes": c, "num_classes": k}


def _electrodes_chunk(c: int, t: int, k: int) -> dict:
    return {"num_electrodes": c, "chunk_size": t, "num_classes": k}


def _electrodes_rate(c: int, t: int, k: int) -> dict:
    return {"num_electrodes": c, "sampling_rate": seed_iv.SFREQ, "num_classes": k}


def _grid_channels(c: int, t: int, k: int) -> dict:
    return {"in_channels": t, "grid_size": GRID_SIZE, "num_classes": k}


MODELS: dict[str, TorchEEGModel] = {
    "DGCNN": TorchEEGModel(
        lambda c, t, k: {"in_channels": t, "num_electrodes": c, "num_classes": k},
        "as_is",
        "fc2.linear",
    ),
    "GRU": TorchEEGModel(_electrodes, "as_is", "out"),
    "LSTM": TorchEEGModel(_electrodes, "as_is", "out"),
    "CCNN": TorchEEGModel(_grid_channels, "grid", "lin2"),
    "FBCCNN": TorchEEGModel(_grid_channels, "grid", "lin3"),
    "EEGNet": TorchEEGModel(_electrodes_chunk, "channel_axis", "lin"),
    "TSCeption": TorchEEGModel(_electrodes_rate, "channel_axis", "fc.3"),
    "Conformer": TorchEEGModel(_electrodes_rate, "channel_axis", "cls.fc.6"),
    "LMDA": TorchEEGModel(_electrodes_chunk, "channel_axis", "classifier"),
    "ArjunViT": TorchEEGModel(_electrodes_chunk, "as_is", "mlp_head.1"),
    "VanillaTransformer": TorchEEGModel(_electrodes_chunk, "as_is", "linear_head.1"),
    "STNet": TorchEEGModel(
        lambda c, t, k: {"chunk_size": t, "grid_size": GRID_SIZE, "num_classes": k},
        "grid",
        "lin2",
    ),
}


def is_torcheeg(arch: str) -> bool:
    """Whether ``arch`` names a TorchEEG model (``torcheeg.<Name>``)."""
    return arch.startswith(PREFIX)


def names() -> list[str]:
    """Every TorchEEG architecture of the grid, as ``torcheeg.<Name>``."""
    return [PREFIX + name for name in MODELS]


def spec(arch: str) -> TorchEEGModel:
    """The entry of :data:`MODELS` for ``torcheeg.<Name>``."""
    name = arch.removeprefix(PREFIX)
    if name not in MODELS:
        raise ValueError(
            f"architecture {arch!r}: the benchmark knows the TorchEEG models "
            f"{', '.join(names())}"
        )
    return MODELS[name]


def torcheeg_models() -> types.ModuleType:
    """``torcheeg.models``, importable without ``torch_scatter``.

    Workaround for TorchEEG 1.1.3: ``torcheeg/models/__init__.py`` imports
    every model, and RGNN imports ``torch_scatter`` at module level (PyPI has
    only an sdist to compile). Without it, a stand-in module lets the other
    models import; it is removed from ``sys.modules`` afterwards. RGNN,
    which the grid does not use, stays unusable.
    Pinned by ``tests/benchmark/test_torcheeg_models.py``.
    """
    if "torcheeg.models" in sys.modules:
        return sys.modules["torcheeg.models"]
    try:
        import torch_scatter  # noqa: F401
    except ImportError:
        # a stand-in for the import only: nothing else should find it later
        sys.modules["torch_scatter"] = types.SimpleNamespace(scatter_add=None)
        try:
            import torcheeg.models
        finally:
            del sys.modules["torch_scatter"]
    import torcheeg.models

    return torcheeg.models


def build(arch: str, n_chans: int, n_times: int, n_classes: int) -> nn.Module:
    """The TorchEEG model ``arch`` for windows ``(n_chans, n_times)``."""
    kwargs = spec(arch).kwargs(n_chans, n_times, n_classes)
    return getattr(torcheeg_models(), arch.removeprefix(PREFIX))(**kwargs)


def lay_out(arch: str, windows: np.ndarray) -> np.ndarray:
    """The EEG windows ``(n, n_chans, n_times)`` in the layout ``arch`` reads."""
    layout = spec(arch).layout
    if layout == "as_is":
        return windows
    if layout == "channel_axis":
        return windows[:, None]
    from torcheeg.datasets.constants import SEED_CHANNEL_LOCATION_DICT
    from torcheeg.transforms import ToGrid

    if windows.shape[1] != len(SEED_CHANNEL_LOCATION_DICT):
        raise ValueError(
            f"{arch} reads a 9 x 9 grid of the 62 SEED electrodes; the windows "
            f"have {windows.shape[1]} channels"
        )
    to_grid = ToGrid(SEED_CHANNEL_LOCATION_DICT)
    return np.stack([to_grid(eeg=window)["eeg"] for window in windows]).astype(
        windows.dtype, copy=False
    )
