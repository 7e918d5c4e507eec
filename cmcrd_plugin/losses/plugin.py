"""Built-in losses, registered in code as the plugin ``cmcrd_plugin.losses``."""

from __future__ import annotations

from ..registry import hookimpl


@hookimpl
def cmcrd_losses() -> dict[str, str]:
    return {
        # distillers (cmcrd_plugin.losses.base.Distiller subclasses)
        "cmcrd": "cmcrd_plugin.losses.cmcrd:CMCRDLoss",
        "crd": "cmcrd_plugin.losses.cmcrd:CRDLoss",
        "kd": "cmcrd_plugin.losses.kd:KDLoss",
        "fitnet": "cmcrd_plugin.losses.fitnet:FitNetLoss",
        "nst": "cmcrd_plugin.losses.nst:NSTLoss",
        "sp": "cmcrd_plugin.losses.sp:SPLoss",
        "rkd": "cmcrd_plugin.losses.rkd:RKDLoss",
        "pkt": "cmcrd_plugin.losses.pkt:PKTLoss",
        "none": "cmcrd_plugin.losses.none:NoDistillation",
        # teacher loss
        "mcc": "cmcrd_plugin.losses.mcc:MCCLoss",
    }
