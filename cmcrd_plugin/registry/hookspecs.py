"""Hook specifications: the component kinds a plugin can contribute.

A plugin is any importable object (usually a module) with functions marked by
:data:`hookimpl`. The package's own hook modules are registered in code
(:mod:`cmcrd_plugin.registry.builtin_plugins`); a third-party plugin is exposed
through an entry point in the ``cmcrd_plugin`` group. Each hook returns a
mapping from a component name to either the component itself (a class or
factory callable) or a lazy ``"module:attribute"`` string that is imported only
when the component is looked up, so that ``cmcrd list`` stays fast.

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
    "dataset_description": "cmcrd_dataset_descriptions",
    "loader": "cmcrd_loaders",
    "loss": "cmcrd_losses",
    "model": "cmcrd_models",
    "trainer": "cmcrd_trainers",
}


@hookspec
def cmcrd_datasets() -> Mapping[str, Target]:
    """TorchEEG dataset classes of paired EEG + eye-movement windows, by name.

    Calling convention: ``cls(root_path, io_path=None, online_transform=None,
    offline_transform=None, label_transform=None, **options)``, as TorchEEG's
    own datasets are constructed; ``root_path`` is the release's folder on
    disk. The instance is a TorchEEG ``BaseDataset`` whose samples pair EEG with
    the window's eye-movement features (see
    :class:`~cmcrd_plugin.torcheeg_datasets.PairedEEGEyeDataset`). Looking one
    up needs TorchEEG installed.
    """


@hookspec
def cmcrd_dataset_descriptions() -> Mapping[str, Target]:
    """Dataset descriptions for the evaluation core, ``cmcrd bench`` and the
    own-data commands, by name.

    Each is a :class:`~cmcrd_plugin.evaluation.datasets.DatasetDescription`
    (classes, subjects, window shapes, within-subject folds, synthetic
    writer), registered under the name of the dataset's numpy loader
    (``cmcrd_loaders``).
    """


@hookspec
def cmcrd_loaders() -> Mapping[str, Target]:
    """Numpy loaders of paired EEG + eye-movement windows, by name.

    Calling convention: ``loader(root, subjects=None, **options)`` returns a
    :class:`~cmcrd_plugin.data.PairedWindows` (aligned numpy arrays ``eeg``,
    ``eye``, ``label``, ``subject``, ``session``, ``trial``, ``window``);
    ``root`` is the release's folder on disk and ``subjects`` selects subject
    ids (``None``: all).
    """


@hookspec
def cmcrd_losses() -> Mapping[str, Target]:
    """Losses (distillation and teacher losses), by name."""


@hookspec
def cmcrd_models() -> Mapping[str, Target]:
    """Backbone model classes or factories, by name."""


@hookspec
def cmcrd_trainers() -> Mapping[str, Target]:
    """Estimators (skorch/braindecode compatible trainers), by name."""
