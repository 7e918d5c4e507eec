"""The plugin manager: built-in plugins, installed ones, components by name."""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pluggy

from . import hookspecs
from .builtin_plugins import BUILTIN_PLUGINS, DISTRIBUTION
from .hookspecs import ENTRY_POINT_GROUP, KIND_HOOKS, PROJECT_NAME, Target


class RegistryError(LookupError):
    """A component could not be found, resolved or loaded."""


class PluginLoadWarning(UserWarning):
    """A plugin failed to load; it is skipped and the others keep working."""


@dataclass(frozen=True)
class Component:
    """One registered component.

    Attributes
    ----------
    kind : str
        One of :data:`~cmcrd_plugin.registry.hookspecs.KIND_HOOKS`.
    name : str
        The name users select it by.
    target : object or str
        The component, or ``"module:attribute"`` imported by :meth:`load`.
    plugin : str
        Name of the plugin that registered it (for a third-party plugin, its
        entry point name).
    distribution : str or None
        The distribution that provides the plugin, if known.
    builtin : bool
        Whether the plugin is one of this package's own, registered in code.
    """

    kind: str
    name: str
    target: Target
    plugin: str
    distribution: str | None
    builtin: bool = False

    @property
    def source(self) -> str:
        """The distribution, marked ``(built-in)`` for this package's own."""
        if self.builtin:
            return f"{self.distribution} (built-in)"
        return self.distribution or "unknown distribution"

    @property
    def target_path(self) -> str:
        """Dotted import path of the target, for display."""
        if isinstance(self.target, str):
            return self.target
        module = getattr(self.target, "__module__", "?")
        return f"{module}:{getattr(self.target, '__qualname__', repr(self.target))}"

    def load(self) -> Any:
        """Return the component object, importing it if it is lazy."""
        if not isinstance(self.target, str):
            return self.target
        module_name, _, attr_path = self.target.partition(":")
        try:
            obj: Any = importlib.import_module(module_name)
            for attr in filter(None, attr_path.split(".")):
                obj = getattr(obj, attr)
        except Exception as exc:  # noqa: BLE001 - reported with context
            raise RegistryError(
                f"{self.kind} {self.name!r} registered by plugin {self.plugin!r} "
                f"({self.source}) points to "
                f"{self.target!r}, which cannot be imported: {exc!r}"
            ) from exc
        return obj


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that could not be loaded or whose hook raised."""

    plugin: str
    distribution: str | None
    error: str


def _dist_name(dist: importlib.metadata.Distribution) -> str | None:
    try:
        return dist.metadata["Name"]
    except Exception:  # noqa: BLE001 - broken metadata must not break lookups
        return None


class Registry:
    """Components contributed by the built-in plugins and by installed ones.

    Parameters
    ----------
    group : str
        Entry-point group to load third-party plugins from.
    load_entry_points : bool
        Load the installed third-party plugins now.
    load_builtins : bool
        Register the package's own plugins
        (:data:`~cmcrd_plugin.registry.builtin_plugins.BUILTIN_PLUGINS`) now.
        With both ``False`` the registry is empty; plugins can be added with
        :meth:`register` (useful in tests).

    Notes
    -----
    As pytest does with its own plugins, the built-ins are imported by module
    name and registered in code, so they need no installed metadata (they work
    from a source checkout). Entry points come next. An entry point that
    names a built-in module (left by an older install, which registered the
    built-ins through entry points) is skipped, not registered twice.

    Each entry point is loaded on its own with
    :meth:`pluggy.PluginManager.load_setuptools_entrypoints` (``name=``), so a
    plugin that fails to import is reported with a :class:`PluginLoadWarning`
    naming it and its distribution, and every other plugin stays usable.
    """

    def __init__(
        self,
        group: str = ENTRY_POINT_GROUP,
        load_entry_points: bool = True,
        load_builtins: bool = True,
    ) -> None:
        self.group = group
        self.manager = pluggy.PluginManager(PROJECT_NAME)
        self.manager.add_hookspecs(hookspecs)
        self.failures: list[PluginFailure] = []
        self._distributions: dict[str, str | None] = {}
        self._builtins: set[str] = set()
        self._components: dict[str, dict[str, list[Component]]] | None = None
        if load_builtins:
            self._load_builtins()
        if load_entry_points:
            self._load_entry_points()

    # -- loading ---------------------------------------------------------
    def _record_failure(self, plugin: str, dist: str | None, error: str) -> None:
        self.failures.append(PluginFailure(plugin, dist, error))
        warnings.warn(
            f"cmcrd_plugin: plugin {plugin!r} from distribution "
            f"{dist or 'unknown'!r} failed and is skipped: {error}",
            PluginLoadWarning,
            stacklevel=3,
        )

    def _load_builtins(self) -> None:
        for name, module_name in BUILTIN_PLUGINS.items():
            module = importlib.import_module(module_name)
            self.register(module, name=name, distribution=DISTRIBUTION)
            self._builtins.add(name)

    def _load_entry_points(self) -> None:
        builtin_modules = set(BUILTIN_PLUGINS.values())
        for dist in importlib.metadata.distributions():
            for ep in dist.entry_points:
                if ep.group != self.group or ep.module in builtin_modules:
                    continue
                dist_name = _dist_name(dist)
                if ep.name in self._builtins:
                    self._record_failure(
                        ep.name,
                        dist_name,
                        f"entry point {ep.name} = {ep.value} is named like a "
                        "built-in plugin; give it another name",
                    )
                    continue
                if self.manager.has_plugin(ep.name) or self.manager.is_blocked(ep.name):
                    continue
                try:
                    self.manager.load_setuptools_entrypoints(self.group, name=ep.name)
                except Exception as exc:  # noqa: BLE001 - isolate broken plugins
                    if self.manager.has_plugin(ep.name):
                        self.manager.unregister(name=ep.name)
                    self.manager.set_blocked(ep.name)
                    self._record_failure(ep.name, dist_name, repr(exc))
                    continue
                self._distributions[ep.name] = dist_name

    def register(
        self, plugin: object, name: str | None = None, distribution: str | None = None
    ) -> str:
        """Register a plugin object directly (without an entry point).

        Returns the name it was registered under.
        """
        registered = self.manager.register(plugin, name=name)
        if registered is None:
            raise RegistryError(f"plugin {name!r} is blocked or already registered")
        self._distributions[registered] = distribution
        self._components = None
        return registered

    # -- lookup ----------------------------------------------------------
    def _collect(self) -> dict[str, dict[str, list[Component]]]:
        if self._components is not None:
            return self._components
        table: dict[str, dict[str, list[Component]]] = {k: {} for k in KIND_HOOKS}
        for kind, hook_name in KIND_HOOKS.items():
            hook = getattr(self.manager.hook, hook_name)
            for impl in hook.get_hookimpls():
                dist = self._distributions.get(impl.plugin_name)
                builtin = impl.plugin_name in self._builtins
                try:
                    contributed = impl.function()
                    if contributed is None:
                        continue
                    if not isinstance(contributed, Mapping) or not all(
                        isinstance(k, str) for k in contributed
                    ):
                        raise TypeError(
                            f"hook {hook_name} must return a mapping of str names, "
                            f"got {type(contributed).__name__}"
                        )
                except Exception as exc:  # noqa: BLE001 - isolate broken plugins
                    self._record_failure(impl.plugin_name, dist, repr(exc))
                    continue
                for name, target in contributed.items():
                    table[kind].setdefault(name, []).append(
                        Component(kind, name, target, impl.plugin_name, dist, builtin)
                    )
        self._components = table
        return table

    def _check_kind(self, kind: str) -> None:
        if kind not in KIND_HOOKS:
            raise RegistryError(
                f"unknown component kind {kind!r}; valid kinds: "
                f"{', '.join(sorted(KIND_HOOKS))}"
            )

    def components(self, kind: str) -> list[Component]:
        """All registered components of ``kind`` (duplicates included)."""
        self._check_kind(kind)
        return [c for group in self._collect()[kind].values() for c in group]

    def available(self, kind: str) -> list[str]:
        """Sorted names of the components of ``kind``."""
        self._check_kind(kind)
        return sorted(self._collect()[kind])

    def component(self, kind: str, name: str) -> Component:
        """The :class:`Component` registered as ``name``."""
        self._check_kind(kind)
        table = self._collect()[kind]
        if name not in table:
            valid = sorted(table)
            msg = f"no {kind} named {name!r}; valid names: {', '.join(valid) or '-'}"
            close = difflib.get_close_matches(name, valid, n=1)
            if close:
                msg += f". Did you mean {close[0]!r}?"
            if self.failures:
                broken = ", ".join(f"{f.plugin!r}" for f in self.failures)
                msg += f". Plugins that failed to load: {broken}"
            raise RegistryError(msg)
        found = table[name]
        if len(found) > 1:
            sources = ", ".join(f"{c.plugin} ({c.source})" for c in found)
            raise RegistryError(
                f"{kind} name {name!r} is registered by several plugins: {sources}"
            )
        return found[0]

    def get(self, kind: str, name: str) -> Any:
        """Return the component object registered as ``name``."""
        return self.component(kind, name).load()
