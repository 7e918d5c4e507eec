"""Built-in models, registered in code as the plugin ``cmcrd_plugin.models``."""

from __future__ import annotations

from ..registry import hookimpl


@hookimpl
def cmcrd_models() -> dict[str, str]:
    return {
        "mlp": "cmcrd_plugin.models.mlp:CMCRDMLP",
        "dgcnn": "cmcrd_plugin.models.dgcnn:SEEDDGCNN",
    }
