"""
A temporal CNN student on raw EEG windows
=========================================

The students need not read differential-entropy features. SEED-IV ships raw
EEG at 200 Hz; ``load_seed_iv(raw=True)`` cuts every trial into the same
4-second windows as the features (62 channels x 800 samples), each paired
with the eye-movement vector of that window. braindecode's temporal
networks, here ``ShallowFBCSPNet``, then train as CMCRD students of an eye
teacher; the distilled feature is the input of the network's
``final_layer``.

The data are one synthetic SEED-IV subject and session with raw EEG,
written in the real layout: the numbers below exercise the pipeline, they
are not results on real EEG.
"""

# %%
# Raw windows, paired with eye features
# -------------------------------------
# SEED-IV's within-subject protocol trains on the first 16 trials of a
# session and tests on the last 8 (``seed_iv_split``).
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
from braindecode.models import ShallowFBCSPNet

from cmcrd_plugin.data import FeatureScaler, load_seed_iv, seed_iv_split
from cmcrd_plugin.models import CMCRDMLP
from cmcrd_plugin.synthetic import write_seed_iv
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier

folder = Path(tempfile.mkdtemp())
root = write_seed_iv(
    folder / "SEED_IV",
    subjects=[1],
    sessions=[1],
    window_fraction=0.25,
    raw=True,
    progress=False,
)
windows = load_seed_iv(root, raw=True)
split = seed_iv_split(windows)
train, test = windows.subset(split.train), windows.subset(split.test)
print(
    f"{len(train)} training and {len(test)} test windows of EEG {train.eeg.shape[1:]}"
)

# one scale for every channel and sample, from the training windows
scale = float(train.eeg.std())
eeg_train, eeg_test = train.eeg / scale, test.eeg / scale
eye_scaler = FeatureScaler().fit(train.eye)
X_train = {"eeg": eeg_train, "eye": eye_scaler.transform(train.eye)}

# %%
# One window of five channels
# ---------------------------
seconds = np.arange(train.eeg.shape[2]) / 200
fig, ax = plt.subplots(figsize=(7, 3))
for channel in range(5):
    ax.plot(seconds, eeg_train[0, channel] + 4 * channel, linewidth=0.6)
ax.set_xlabel("time (s)")
ax.set_yticks([])
ax.set_title("A raw 4-s window, 5 of 62 channels (SYNTHETIC DATA)")
fig.tight_layout()

# %%
# The eye teacher and the ``ShallowFBCSPNet`` student
# ---------------------------------------------------
# braindecode infers ``n_chans=62`` and ``n_times=800`` from the student's
# windows, as ``EEGClassifier`` does. Temporal CNNs on raw windows cost far
# more per window than the MLP on DE features, so this example trains a few
# epochs on about a hundred windows: it shows the pipeline, not what the
# student can reach (here it scores near or below chance, 0.25).
# ``cmcrd bench --dataset seed_iv --raw --archs ShallowFBCSPNet`` compares it
# with EEG-only training over subjects, folds and seeds.
settings = dict(
    optimizer=torch.optim.AdamW,
    lr=1e-3,
    batch_size=32,
    train_split=None,
    verbose=0,
)
torch.manual_seed(0)
teacher = TeacherClassifier(CMCRDMLP, max_epochs=20, **settings)
teacher.fit(X_train, train.label)

torch.manual_seed(0)
student = CMCRDClassifier(
    ShallowFBCSPNet,
    teacher=teacher.module_,
    distiller__n_negatives=64,
    max_epochs=5,
    **settings,
).fit(X_train, train.label)
print(
    f"distilled features: {student.distiller_.student_dim} values "
    f"(ShallowFBCSPNet's head input), {student.distiller_.teacher_dim} (eye MLP)"
)

# %%
# Test accuracy, from raw EEG alone
# ---------------------------------
scores = {
    "eye teacher": teacher.score(eye_scaler.transform(test.eye), test.label),
    "CMCRD student": student.score(eeg_test, test.label),
}
for name, accuracy in scores.items():
    print(f"SYNTHETIC DATA  {name:>13}: test accuracy {accuracy:.3f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(student.history[:, "ce_loss"], marker="o", label="ce_loss")
ax.plot(student.history[:, "distill_loss"], marker="o", label="distill_loss")
ax.set_xlabel("epoch")
ax.set_ylabel("loss")
ax.set_title("ShallowFBCSPNet student on raw windows (SYNTHETIC DATA)")
ax.legend()
fig.tight_layout()
