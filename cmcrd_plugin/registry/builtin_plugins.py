"""The package's own hook modules, registered in code.

As pytest registers its built-in plugins (``_pytest.config.default_plugins``,
imported by module name), the built-ins do not depend on installed metadata:
they work from a source checkout as well as from an installed wheel.
Third-party plugins come in through the ``cmcrd_plugin`` entry-point group.
"""

from __future__ import annotations

DISTRIBUTION = "cmcrd-plugin"
"""The distribution the built-in plugins belong to."""

#: stable plugin name -> hook module, registered in this order
BUILTIN_PLUGINS: dict[str, str] = {
    "cmcrd_plugin.loaders": "cmcrd_plugin.data.plugin",
    "cmcrd_plugin.datasets": "cmcrd_plugin.torcheeg_datasets.plugin",
    "cmcrd_plugin.losses": "cmcrd_plugin.losses.plugin",
    "cmcrd_plugin.models": "cmcrd_plugin.models.plugin",
    "cmcrd_plugin.trainers": "cmcrd_plugin.training.plugin",
    "cmcrd_plugin.dataset_descriptions": "cmcrd_plugin.evaluation.datasets.plugin",
}
