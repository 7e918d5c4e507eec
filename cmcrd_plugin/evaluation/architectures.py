"""Student architectures of a run, from the toolkits' own registries.

``archs`` names registered models (``mlp``, ``dgcnn``), braindecode model
classes or TorchEEG models (``torcheeg.DGCNN``, see
:mod:`~cmcrd_plugin.evaluation.torcheeg_models`); the token ``braindecode``
stands for every braindecode model (every ``EEGModuleMixin`` subclass in
``braindecode.models``), the token ``torcheeg`` for every TorchEEG model the
grid knows how to feed. Before the
grid runs, each architecture is built for the dataset's input shape and run
once on zeros; the ones that do not build (they need channel positions,
longer windows, a download, ...) are skipped, each with its reason, and the
report lists them.
"""

from __future__ import annotations

import warnings

import braindecode.models as bm
import numpy as np
import torch
from braindecode.models.base import EEGModuleMixin

from ..models.features import forward_with_features
from . import torcheeg_models
from .students import build_student

BRAINDECODE = "braindecode"


def braindecode_models() -> list[str]:
    """Names of every braindecode model class."""
    return sorted(
        name
        for name in dir(bm)
        if isinstance(getattr(bm, name), type)
        and issubclass(getattr(bm, name), EEGModuleMixin)
        and getattr(bm, name) is not EEGModuleMixin
    )


def expand(archs: tuple[str, ...]) -> list[str]:
    """``archs`` with the ``braindecode`` and ``torcheeg`` tokens replaced by
    every model of that toolkit."""
    tokens = {
        BRAINDECODE: braindecode_models,
        torcheeg_models.TOKEN: torcheeg_models.names,
    }
    names: list[str] = []
    for arch in archs:
        for name in tokens[arch]() if arch in tokens else [arch]:
            if name not in names:
                names.append(name)
    return names


def check(arch: str, n_chans: int, n_times: int, n_outputs: int) -> str | None:
    """``None`` if ``arch`` builds and runs on zeros of this shape, else why not."""
    zeros = np.zeros((2, n_chans, n_times), dtype=np.float32)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            model, inputs, layer = build_student(arch, zeros, n_outputs)
            if isinstance(model, type):  # sized by the estimator in the grid
                model = model(n_chans=n_chans, n_times=n_times, n_outputs=n_outputs)
            logits, _ = forward_with_features(
                model.eval(), torch.as_tensor(inputs), layer
            )
        if tuple(logits.shape) != (2, n_outputs):
            return f"outputs of shape {tuple(logits.shape)}, not (2, {n_outputs})"
    except Exception as exc:  # noqa: BLE001 - a survey: report, go on
        return f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
    return None


def survey(
    archs: tuple[str, ...], n_chans: int, n_times: int, n_outputs: int
) -> tuple[list[str], list[dict]]:
    """The architectures that build, and ``{"arch", "reason"}`` for the others."""
    built, skipped = [], []
    for arch in expand(archs):
        reason = check(arch, n_chans, n_times, n_outputs)
        if reason is None:
            built.append(arch)
        else:
            skipped.append({"arch": arch, "reason": reason})
    return built, skipped
