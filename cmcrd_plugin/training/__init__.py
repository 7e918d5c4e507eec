"""Trainers: the CMCRD student classifier, the teacher classifier, the schedule."""

from ..lazy import lazy_exports

__all__ = ["CMCRDClassifier", "TeacherClassifier", "WarmupCosineLR", "load_teacher"]
__getattr__ = lazy_exports(
    __name__,
    {
        "CMCRDClassifier": ".cmcrd_classifier",
        "TeacherClassifier": ".teacher",
        "load_teacher": ".teacher",
        "WarmupCosineLR": ".schedule",
    },
)
