"""The pluggy-based component registry (entry-point group ``cmcrd_plugin``)."""

from .hookspecs import ENTRY_POINT_GROUP, KIND_HOOKS, hookimpl, hookspec
from .manager import (
    Component,
    PluginFailure,
    PluginLoadWarning,
    Registry,
    RegistryError,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "KIND_HOOKS",
    "Component",
    "PluginFailure",
    "PluginLoadWarning",
    "Registry",
    "RegistryError",
    "hookimpl",
    "hookspec",
]
