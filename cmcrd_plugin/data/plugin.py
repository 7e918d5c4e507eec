"""Built-in dataset components, registered through the entry point
``cmcrd_plugin.datasets`` like any third-party plugin."""

from __future__ import annotations

from ..registry import hookimpl


@hookimpl
def cmcrd_datasets() -> dict[str, str]:
    return {"seed_v": "cmcrd_plugin.data.seed_v:load_seed_v"}
