"""Built-in losses, registered through the entry point ``cmcrd_plugin.losses``."""

from __future__ import annotations

from ..registry import hookimpl


@hookimpl
def cmcrd_losses() -> dict[str, str]:
    return {
        "cmcrd": "cmcrd_plugin.losses.cmcrd:CMCRDLoss",
        "mcc": "cmcrd_plugin.losses.mcc:MCCLoss",
    }
