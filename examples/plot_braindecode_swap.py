"""
From ``EEGClassifier`` to ``CMCRDClassifier`` in a braindecode script
=====================================================================

A braindecode script that trains ``EEGClassifier`` on EEG features becomes a
CMCRD script with two changes: train an eye-movement teacher, then replace
``EEGClassifier`` with ``CMCRDClassifier(teacher=...)`` and fit it on the
paired data ``{"eeg": ..., "eye": ...}``. Everything else (the module, the
optimiser, the skorch settings, ``predict`` and ``score``) stays as it was.

The data are one synthetic SEED-V subject, written by
:func:`cmcrd_plugin.synthetic.write_seed_v` in the real on-disk layout: the
numbers below exercise the pipeline, they are not results on real EEG.
"""

# %%
# Data: one SEED-V subject, its first fold
# ----------------------------------------
# ``load_seed_v`` reads the real layout; point it at a licensed copy instead
# of the synthetic folder. Features are standardised with training
# statistics only.
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from braindecode import EEGClassifier

from cmcrd_plugin.data import FeatureScaler, load_seed_v, seed_v_folds
from cmcrd_plugin.models import CMCRDMLP
from cmcrd_plugin.synthetic import write_seed_v
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier

torch.manual_seed(0)
folder = Path(tempfile.mkdtemp())
root = write_seed_v(
    folder / "SEED-V", subjects=[1], window_fraction=0.5, progress=False
)
windows = load_seed_v(root, subjects=[1])
split = seed_v_folds(windows)[0]
train, test = windows.subset(split.train), windows.subset(split.test)
eeg_scaler = FeatureScaler().fit(train.eeg)
eye_scaler = FeatureScaler().fit(train.eye)
eeg_train, eeg_test = eeg_scaler.transform(train.eeg), eeg_scaler.transform(test.eeg)
X_train = {"eeg": eeg_train, "eye": eye_scaler.transform(train.eye)}
print(f"{len(train)} training and {len(test)} test windows, EEG {train.eeg.shape[1:]}")

# %%
# The braindecode script as it was
# --------------------------------
settings = dict(
    optimizer=torch.optim.AdamW,
    lr=1e-3,
    max_epochs=15,
    batch_size=32,
    train_split=None,
    verbose=0,
)
eeg_only = EEGClassifier(CMCRDMLP, **settings)
eeg_only.fit(eeg_train, train.label)

# %%
# The CMCRD script
# ----------------
# The teacher reads the eye features (``teacher_key="eye"``) of the paired
# data; the student reads the EEG (``student_key="eeg"``). The teacher is
# copied and frozen inside the student's estimator.
teacher = TeacherClassifier(CMCRDMLP, **settings).fit(X_train, train.label)
student = CMCRDClassifier(CMCRDMLP, teacher=teacher.module_, **settings)  # the change
student.fit(X_train, train.label)

# %%
# Only EEG is needed at test time
# -------------------------------
scores = {
    "eye teacher": teacher.score(eye_scaler.transform(test.eye), test.label),
    "EEGClassifier": eeg_only.score(eeg_test, test.label),
    "CMCRD student": student.score(eeg_test, test.label),
}
for name, accuracy in scores.items():
    print(f"SYNTHETIC DATA  {name:>14}: test accuracy {accuracy:.3f}")

# %%
# The student's loss has two parts
# --------------------------------
# ``history`` records the cross-entropy and the distillation term per epoch:
# the training loss is ``ce_loss + beta * distill_loss``.
history = student.history
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(history[:, "ce_loss"], label="ce_loss")
ax.plot(history[:, "distill_loss"], label="distill_loss (CMCRD)")
ax.set_xlabel("epoch")
ax.set_ylabel("loss")
ax.set_title("CMCRD student on one subject (SYNTHETIC DATA)")
ax.legend()
fig.tight_layout()
