"""
Swapped roles: an eye-movement student from an EEG teacher
==========================================================

Nothing in CMCRD is specific to EEG: data are keyed by modality, and
``student_key`` and ``teacher_key`` decide the roles. With
``teacher_key="eeg"`` the teacher is trained on EEG features, and with
``student_key="eye"`` the student reads the eye-movement vector alone at
test time: a deployment with an eye tracker and no EEG cap.

The data are one synthetic SEED-V subject, written in the real layout: the
numbers below exercise the pipeline, they are not results on real EEG.
"""

# %%
# Data
# ----
# The eye vectors (33 values per window) are read as (33, 1), so braindecode
# infers ``n_chans=33, n_times=1`` for the student.
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import torch

from cmcrd_plugin.data import FeatureScaler, load_seed_v, seed_v_folds
from cmcrd_plugin.models import CMCRDMLP
from cmcrd_plugin.synthetic import write_seed_v
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier

folder = Path(tempfile.mkdtemp())
root = write_seed_v(
    folder / "SEED-V", subjects=[1], window_fraction=0.5, progress=False
)
windows = load_seed_v(root, subjects=[1])
split = seed_v_folds(windows)[0]
train, test = windows.subset(split.train), windows.subset(split.test)
eeg_scaler = FeatureScaler().fit(train.eeg)
eye_scaler = FeatureScaler().fit(train.eye)
X_train = {
    "eeg": eeg_scaler.transform(train.eeg),
    "eye": eye_scaler.transform(train.eye),
}
eye_test = eye_scaler.transform(test.eye)

settings = dict(
    optimizer=torch.optim.AdamW,
    lr=1e-3,
    max_epochs=15,
    batch_size=32,
    train_split=None,
    verbose=0,
)

# %%
# The EEG teacher, and the eye student
# ------------------------------------
torch.manual_seed(0)
eeg_teacher = TeacherClassifier(CMCRDMLP, teacher_key="eeg", **settings)
eeg_teacher.fit(X_train, train.label)

torch.manual_seed(0)
eye_student = CMCRDClassifier(
    CMCRDMLP,
    teacher=eeg_teacher.module_,
    student_key="eye",
    teacher_key="eeg",
    distiller__n_negatives=256,
    **settings,
).fit(X_train, train.label)

# the same student network without a teacher: cross-entropy on eye alone
torch.manual_seed(0)
eye_only = CMCRDClassifier(
    CMCRDMLP, distiller="none", student_key="eye", teacher_key="eeg", **settings
).fit(X_train, train.label)

# %%
# Test accuracy: the student reads eye features alone
# ---------------------------------------------------
scores = {
    "EEG teacher": eeg_teacher.score(eeg_scaler.transform(test.eeg), test.label),
    "eye only": eye_only.score(eye_test, test.label),
    "eye student": eye_student.score(eye_test, test.label),
}
for name, accuracy in scores.items():
    print(f"SYNTHETIC DATA  {name:>11}: test accuracy {accuracy:.3f}")

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.bar(list(scores), list(scores.values()), color=["tab:green", "grey", "tab:red"])
ax.set_ylabel("test accuracy")
ax.set_ylim(0, 1)
ax.set_title("An eye student of an EEG teacher (SYNTHETIC DATA)")
fig.tight_layout()
