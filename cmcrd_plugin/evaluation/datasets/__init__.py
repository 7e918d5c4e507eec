"""Datasets as the evaluation core sees them: one description per dataset.

A description (:class:`DatasetDescription`) holds the classes, subjects,
window shapes, within-subject folds and synthetic writer of one dataset.
The built-ins are registered in code; a third-party package registers its
own through the ``cmcrd_dataset_descriptions`` hook, beside its loader (the
``cmcrd_loaders`` hook, under the same name)::

    description = cmcrd_plugin.get_registry().get("dataset_description", "seed_v")
"""

from __future__ import annotations

from ... import available, get_registry
from .description import DatasetDescription


def describe(name: str) -> DatasetDescription:
    """The registered description of dataset ``name`` (``"seed_v"``, ...)."""
    return get_registry().get("dataset_description", name)


def dataset_names() -> list[str]:
    """Names of the registered dataset descriptions."""
    return available("dataset_description")


__all__ = ["DatasetDescription", "dataset_names", "describe"]
