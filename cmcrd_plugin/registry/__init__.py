"""The pluggy-based component registry: the package's own plugins, registered in
code, and third-party ones from the ``cmcrd_plugin`` entry-point group."""

from .builtin_plugins import BUILTIN_PLUGINS
from .hookspecs import ENTRY_POINT_GROUP, KIND_HOOKS, hookimpl, hookspec
from .manager import (
    Component,
    PluginFailure,
    PluginLoadWarning,
    Registry,
    RegistryError,
)

__all__ = [
    "BUILTIN_PLUGINS",
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
