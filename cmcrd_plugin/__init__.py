"""Cross-modal contrastive representation distillation for braindecode and TorchEEG.

Components (loaders, datasets, losses, models, trainers) are looked up by name
through the pluggy registry. The package's own components are registered in
code (they work from a source checkout); third-party ones come in through the
``cmcrd_plugin`` entry-point group::

    import cmcrd_plugin
    cmcrd_plugin.available("loss")          # ['cmcrd', 'crd', ...]
    CMCRDClassifier = cmcrd_plugin.get_trainer("cmcrd")
    windows = cmcrd_plugin.get_loader("seed_v")("path/to/SEED-V")

Importing this package is cheap: torch and braindecode are imported only when
a component that needs them is looked up.
"""

from __future__ import annotations

from typing import Any

from .registry import Registry, RegistryError

__version__ = "0.1.0"

_REGISTRY: Registry | None = None


def get_registry(reload: bool = False) -> Registry:
    """Return the process-wide registry, built on first use.

    Parameters
    ----------
    reload : bool
        Discard the cached registry and build it again, entry points included
        (for example after installing a plugin in a running session).
    """
    global _REGISTRY
    if _REGISTRY is None or reload:
        _REGISTRY = Registry()
    return _REGISTRY


def available(kind: str) -> list[str]:
    """Names of the registered components of ``kind``.

    Parameters
    ----------
    kind : str
        One of the keys of :data:`~cmcrd_plugin.registry.KIND_HOOKS`:

        - ``"loader"``: numpy loaders, ``loader(root, subjects=None,
          **options) -> PairedWindows`` (see :func:`get_loader`);
        - ``"dataset"``: TorchEEG dataset classes, ``cls(root_path,
          io_path=None, online_transform=None, ...)`` (see :func:`get_dataset`);
        - ``"loss"``, ``"model"``, ``"trainer"``.
    """
    return get_registry().available(kind)


def get_loader(name: str) -> Any:
    """The numpy loader registered as ``name`` (for example ``"seed_v"``).

    Called as ``loader(root, subjects=None, **options)``, it returns a
    :class:`~cmcrd_plugin.data.PairedWindows`.
    """
    return get_registry().get("loader", name)


def get_dataset(name: str) -> Any:
    """The TorchEEG dataset class registered as ``name`` (for example ``"seed_v"``).

    Constructed as ``cls(root_path, io_path=None, online_transform=None, ...)``,
    like TorchEEG's own datasets; needs TorchEEG installed.
    """
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
    "get_loader",
    "get_loss",
    "get_model",
    "get_registry",
    "get_trainer",
]
