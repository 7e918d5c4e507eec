"""Built-in trainers, registered in code as the plugin ``cmcrd_plugin.trainers``."""

from __future__ import annotations

from ..registry import hookimpl


@hookimpl
def cmcrd_trainers() -> dict[str, str]:
    return {
        "cmcrd": "cmcrd_plugin.training.cmcrd_classifier:CMCRDClassifier",
        "teacher": "cmcrd_plugin.training.teacher:TeacherClassifier",
        "eeg_only": "braindecode:EEGClassifier",
        # TorchEEG-style (Lightning); needs TorchEEG and pytorch-lightning
        "lightning": "cmcrd_plugin.torcheeg_trainers.cmcrd_trainer:CMCRDTrainer",
    }
