"""Cross-modal contrastive representation distillation for braindecode and TorchEEG.

Components (datasets, losses, models, trainers) are looked up by name through
the pluggy registry, which loads the ``cmcrd_plugin`` entry-point group::

    import cmcrd_plugin
    cmcrd_plugin.available("loss")          # ['cmcrd', 'mcc', ...]
    CMCRDClassifier = cmcrd_plugin.get_trainer("cmcrd")

Importing this package is cheap: torch and braindecode are imported only when
a component that needs them is looked up.
"""

from __future__ import annotations

from typing import Any

from .registry import Registry, RegistryError

__version__ = "0.1.0"

_REGISTRY: Registry | None = None


def get_registry(reload: bool = False) -> Registry:
    """Return the process-wide registry, loading entry points on first use.

    Parameters
    ----------
    reload : bool
        Discard the cached registry and load the entry points again (for
        example after installing a plugin in a running session).
    """
    global _REGISTRY
    if _REGISTRY is None or reload:
        _REGISTRY = Registry()
    return _REGISTRY


def available(kind: str) -> list[str]:
    """Names of the registered components of ``kind``.

    ``kind`` is one of ``"dataset"``, ``"loss"``, ``"model"``, ``"trainer"``.
    """
    return get_registry().available(kind)


def get_dataset(name: str) -> Any:
    """The dataset loader registered as ``name`` (for example ``"seed_v"``)."""
    return get_registry().get("dataset", name)


def get_loss(name: str) -> Any:
    """The loss registered as ``name`` (for example ``"cmcrd"``)."""
    return get_registry().get("loss", name)


def get_model(name: str) -> Any:
    """The backbone registered as ``name`` (for example ``"mlp"``)."""
    return get_registry().get("model", name)


def get_trainer(name: str) -> Any:
    """The estimator registered as ``name`` (for example ``"cmcrd"``)."""
    return get_registry().get("trainer", name)


__all__ = [
    "Registry",
    "RegistryError",
    "__version__",
    "available",
    "get_dataset",
    "get_loss",
    "get_model",
    "get_registry",
    "get_trainer",
]
