"""Trainers: the CMCRD student classifier, the teacher classifier, the schedule."""

from .cmcrd_classifier import CMCRDClassifier
from .schedule import WarmupCosineLR
from .teacher import TeacherClassifier, load_teacher

__all__ = ["CMCRDClassifier", "TeacherClassifier", "WarmupCosineLR", "load_teacher"]
