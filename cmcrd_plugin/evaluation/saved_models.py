"""Trained models on disk: parameters and scaler statistics, and a settings file.

What ``cmcrd teacher`` and ``cmcrd train`` write, and ``cmcrd train`` and
``cmcrd evaluate`` read. A saved file ``NAME.pt`` holds one or more models
under string keys (a teacher file one per fold of its protocol, a student
file one, ``"student"``)::

    {key: {"state_dict": {...}, "mean": Tensor, "scale": Tensor}}

``mean`` and ``scale`` are the :class:`~cmcrd_plugin.data.FeatureScaler`
statistics fitted on the model's training windows, which standardise its
inputs. The file holds tensors only and is read with ``weights_only=True``:
no code runs from it. Beside it, ``NAME.json`` holds the settings needed to
rebuild the models and to know what they were trained on: ``kind``
(``"teacher"`` or ``"student"``), the package version, the architecture
and its sizes, the data and training settings, and per key what the model
was trained on and how it scored (``models``). Both files are written
atomically (a temporary file, then ``os.replace``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..data.normalization import FeatureScaler
from ..files import write_atomic


class SavedModelError(ValueError):
    """A saved model file that is missing, of the other kind, or damaged."""


@dataclass
class SavedModels:
    """Models read from one saved file.

    Attributes
    ----------
    states : dict of str to dict
        The ``state_dict`` of each model, by key.
    scalers : dict of str to FeatureScaler
        The fitted input standardisation of each model, by key.
    settings : dict
        The settings file (``NAME.json``).
    path : Path
        The parameters file the models were read from.
    """

    states: dict[str, dict[str, torch.Tensor]]
    scalers: dict[str, FeatureScaler]
    settings: dict[str, Any]
    path: Path


def settings_path(path: str | Path) -> Path:
    """The settings file beside the parameters file ``path`` (``NAME.json``)."""
    return Path(path).with_suffix(".json")


def save_models(
    path: str | Path,
    states: dict[str, dict[str, torch.Tensor]],
    scalers: dict[str, FeatureScaler],
    settings: dict[str, Any],
) -> Path:
    """Write ``states`` and ``scalers`` to ``path`` and ``settings`` beside it.

    Parameters
    ----------
    path : path
        The parameters file (``.pt``); the settings go to ``NAME.json``.
    states, scalers : dict
        A ``state_dict`` and a fitted scaler per key (the same keys).
    settings : dict
        JSON-serialisable settings; must hold ``kind``.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    if set(states) != set(scalers):
        raise ValueError(f"states {sorted(states)} and scalers {sorted(scalers)}")
    payload = {
        key: {
            "state_dict": {k: v.detach().cpu() for k, v in state.items()},
            "mean": torch.as_tensor(scalers[key].mean_),
            "scale": torch.as_tensor(scalers[key].scale_),
        }
        for key, state in states.items()
    }
    text = json.dumps(settings, indent=1, sort_keys=True) + "\n"
    write_atomic(path, lambda tmp: torch.save(payload, tmp))
    write_atomic(settings_path(path), lambda tmp: tmp.write_text(text))
    return path


def load_models(path: str | Path, kind: str) -> SavedModels:
    """Read a file written by :func:`save_models` whose settings say ``kind``.

    Raises
    ------
    SavedModelError
        Naming the file that is missing, unreadable, of another kind, or
        whose keys differ from its settings file's.
    """
    path = Path(path)
    if path.suffix == ".json":
        raise SavedModelError(
            f"{path}: the settings of a saved {kind}; give its parameters file, "
            f"{path.with_suffix('.pt').name}"
        )
    sidecar = settings_path(path)
    for file in (path, sidecar):
        if not file.is_file():
            raise SavedModelError(
                f"{file}: no such file (a saved {kind} is NAME.pt "
                "with NAME.json beside it)"
            )
    try:
        settings = json.loads(sidecar.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SavedModelError(f"{sidecar}: not a settings file ({exc})") from exc
    found = settings.get("kind") if isinstance(settings, dict) else None
    if found != kind:
        raise SavedModelError(f"{sidecar}: a saved {found!r}, not a {kind!r}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file, said in one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise SavedModelError(
            f"{path}: not a saved {kind} ({type(exc).__name__}: {first})"
        ) from exc
    keys = sorted(settings.get("models", {}))
    held = sorted(payload) if isinstance(payload, dict) else []
    if held != keys:
        raise SavedModelError(
            f"{path}: holds models {held}, {sidecar.name} lists {keys}"
        )
    scalers = {}
    for key, entry in payload.items():
        scaler = FeatureScaler()
        scaler.mean_ = entry["mean"].numpy().astype(np.float64)
        scaler.scale_ = entry["scale"].numpy().astype(np.float64)
        scalers[key] = scaler
    states = {key: entry["state_dict"] for key, entry in payload.items()}
    return SavedModels(states, scalers, settings, path)
