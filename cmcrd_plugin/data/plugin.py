"""Built-in numpy loaders (kind ``loader``), registered in code as the plugin
``cmcrd_plugin.loaders``.

Each is called as ``loader(root, subjects=None, **options)`` and returns a
:class:`~cmcrd_plugin.data.PairedWindows`.
"""

from __future__ import annotations

from ..registry import hookimpl


@hookimpl
def cmcrd_loaders() -> dict[str, str]:
    return {
        "paired_npz": "cmcrd_plugin.data.paired_npz:load_paired_npz",
        "seed": "cmcrd_plugin.data.seed:load_seed",
        "seed_iv": "cmcrd_plugin.data.seed_iv:load_seed_iv",
        "seed_v": "cmcrd_plugin.data.seed_v:load_seed_v",
    }
