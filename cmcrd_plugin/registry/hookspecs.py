"""Hook specifications: the component kinds a plugin can contribute.

A plugin is any importable object (usually a module) with functions marked by
:data:`hookimpl`, exposed through an entry point in the ``cmcrd_plugin`` group.
Each hook returns a mapping from a component name to either the component
itself (a class or factory callable) or a lazy ``"module:attribute"`` string
that is imported only when the component is looked up, so that ``cmcrd list``
stays fast.

Example
-------
In a third-party package ``my_losses``::

    # my_losses/plugin.py
    from cmcrd_plugin.registry import hookimpl

    @hookimpl
    def cmcrd_losses():
        return {"my_loss": "my_losses.loss:MyLoss"}

and in its ``pyproject.toml``::

    [project.entry-points.cmcrd_plugin]
    my_losses = "my_losses.plugin"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pluggy

PROJECT_NAME = "cmcrd_plugin"
ENTRY_POINT_GROUP = "cmcrd_plugin"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

Target = str | Callable
"""A component: an object, or ``"module:attribute"`` imported on lookup."""

#: component kind -> name of the hook that contributes components of that kind
KIND_HOOKS: dict[str, str] = {
    "dataset": "cmcrd_datasets",
    "loss": "cmcrd_losses",
    "model": "cmcrd_models",
    "trainer": "cmcrd_trainers",
}


@hookspec
def cmcrd_datasets() -> Mapping[str, Target]:
    """Paired EEG + eye-movement dataset loaders, by name."""


@hookspec
def cmcrd_losses() -> Mapping[str, Target]:
    """Losses (distillation and teacher losses), by name."""


@hookspec
def cmcrd_models() -> Mapping[str, Target]:
    """Backbone model classes or factories, by name."""


@hookspec
def cmcrd_trainers() -> Mapping[str, Target]:
    """Estimators (skorch/braindecode compatible trainers), by name."""
