"""Losses: CMCRD for the student, MCC for the teacher."""

from .cmcrd import CMCRDLoss
from .entropy import confidence_weights
from .mcc import MCCLoss
from .negatives import ClassAwareSampler

__all__ = ["CMCRDLoss", "ClassAwareSampler", "MCCLoss", "confidence_weights"]
