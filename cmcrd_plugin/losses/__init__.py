"""Losses: CMCRD for the student, MCC for the teacher."""

from ..lazy import lazy_exports

__all__ = ["CMCRDLoss", "ClassAwareSampler", "MCCLoss", "confidence_weights"]
__getattr__ = lazy_exports(
    __name__,
    {
        "CMCRDLoss": ".cmcrd",
        "ClassAwareSampler": ".negatives",
        "MCCLoss": ".mcc",
        "confidence_weights": ".entropy",
    },
)
