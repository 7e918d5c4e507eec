"""Trainers: the CMCRD student classifier, the teacher classifier, their
training step, the schedule."""

from ..lazy import lazy_exports

__all__ = [
    "CMCRDClassifier",
    "DistillationStep",
    "TeacherClassifier",
    "WarmupCosineLR",
    "load_teacher",
]
__getattr__ = lazy_exports(
    __name__,
    {
        "CMCRDClassifier": ".cmcrd_classifier",
        "DistillationStep": ".step",
        "TeacherClassifier": ".teacher",
        "load_teacher": ".teacher",
        "WarmupCosineLR": ".schedule",
    },
)
