"""Losses: the distillers (CMCRD and its competitors) and MCC for the teacher."""

from ..lazy import lazy_exports

__all__ = [
    "CMCRDLoss",
    "CRDLoss",
    "ClassAwareSampler",
    "DistillResult",
    "Distiller",
    "FitNetLoss",
    "KDLoss",
    "MCCLoss",
    "NSTLoss",
    "NoDistillation",
    "PKTLoss",
    "RKDLoss",
    "SPLoss",
    "confidence_weights",
]
__getattr__ = lazy_exports(
    __name__,
    {
        "CMCRDLoss": ".cmcrd",
        "CRDLoss": ".cmcrd",
        "ClassAwareSampler": ".negatives",
        "DistillResult": ".base",
        "Distiller": ".base",
        "FitNetLoss": ".fitnet",
        "KDLoss": ".kd",
        "MCCLoss": ".mcc",
        "NSTLoss": ".nst",
        "NoDistillation": ".none",
        "PKTLoss": ".pkt",
        "RKDLoss": ".rkd",
        "SPLoss": ".sp",
        "confidence_weights": ".entropy",
    },
)
