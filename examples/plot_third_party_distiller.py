"""
Writing and registering a third-party distiller
===============================================

A distiller is a small :class:`torch.nn.Module`: a subclass of
:class:`cmcrd_plugin.losses.Distiller`, built as
``cls(student_dim, teacher_dim, **params)`` and called once per training
batch as ``distiller(f_s, f_t, logits_s, logits_t, y, index)``. Registered
under a name through the ``cmcrd_losses`` hook, it is selected like the
built-ins, ``CMCRDClassifier(distiller="centre")``, and its options are
``distiller__<option>``.

This example writes one (pull the student's projected features towards
running class centres of the teacher's features), registers it, trains a
student with it, and saves and restores its state. The data are synthetic,
written in the real SEED-V layout: the numbers exercise the pipeline, they
are not results on real EEG.
"""

# %%
# The distiller
# -------------
# Trainable parameters (here ``proj``) are optimised with the student;
# state (here the class centres) lives in buffers, so it is saved with
# ``f_distiller`` and restored by ``load_params``.
# ``set_training_labels`` is called once the training set is known;
# ``default_weight`` is the weight used when ``beta=None``.
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

import cmcrd_plugin
from cmcrd_plugin.data import FeatureScaler, load_seed_v, seed_v_folds
from cmcrd_plugin.losses import Distiller, DistillResult
from cmcrd_plugin.models import CMCRDMLP
from cmcrd_plugin.registry import hookimpl
from cmcrd_plugin.synthetic import write_seed_v
from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier


class CentreDistiller(Distiller):
    """Pull projected student features to running class centres of the teacher."""

    default_weight = 0.5

    def __init__(self, student_dim, teacher_dim, momentum=0.9):
        super().__init__(student_dim, teacher_dim)
        self.momentum = momentum
        self.proj = nn.Linear(student_dim, teacher_dim)
        self.register_buffer("centres", torch.zeros(0, teacher_dim))

    def set_training_labels(self, labels):
        super().set_training_labels(labels)
        self.centres = torch.zeros(int(labels.max()) + 1, self.teacher_dim)

    def forward(self, f_s, f_t, logits_s, logits_t, y, index):
        gap = ((self.proj(f_s) - self.centres[y]) ** 2).mean()
        if self.training:  # move the centres of this batch's classes
            with torch.no_grad():
                sums = torch.zeros_like(self.centres).index_add_(0, y, f_t)
                counts = torch.bincount(y, minlength=len(self.centres))
                seen = counts > 0
                means = sums[seen] / counts[seen, None]
                m = self.momentum
                self.centres[seen] = m * self.centres[seen] + (1 - m) * means
        # the parts are recorded in history as distill_<part>
        return DistillResult(gap, {"gap": gap.detach()})


# %%
# Registering it
# --------------
# A third-party package puts the hook in a module of its own and names that
# module in its ``pyproject.toml``; the registry finds it when the package
# is installed::
#
#     # my_package/plugin.py
#     from cmcrd_plugin.registry import hookimpl
#
#     @hookimpl
#     def cmcrd_losses():
#         return {"centre": "my_package.losses:CentreDistiller"}
#
# .. code-block:: toml
#
#     [project.entry-points.cmcrd_plugin]
#     my_package = "my_package.plugin"
#
# In a script or a notebook, the same hook can be registered in code:


class CentrePlugin:
    """A plugin object: its ``cmcrd_losses`` hook contributes the distiller."""

    @hookimpl
    def cmcrd_losses(self):
        return {"centre": CentreDistiller}


cmcrd_plugin.get_registry().register(CentrePlugin(), name="centre-example")
print("registered losses:", cmcrd_plugin.available("loss"))
component = cmcrd_plugin.get_registry().component("loss", "centre")
print("'centre' comes from plugin", component.plugin)

# %%
# Training a student with it, by name
# -----------------------------------
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
eeg_test = eeg_scaler.transform(test.eeg)

settings = dict(
    optimizer=torch.optim.AdamW,
    lr=1e-3,
    max_epochs=12,
    batch_size=32,
    train_split=None,
    verbose=0,
)
torch.manual_seed(0)
teacher = TeacherClassifier(CMCRDMLP, **settings).fit(X_train, train.label)
student = CMCRDClassifier(
    CMCRDMLP,
    teacher=teacher.module_,
    distiller="centre",
    distiller__momentum=0.8,
    **settings,
)
student.fit(X_train, train.label)
print("weight of the distillation term:", student.distill_weight)
print(f"SYNTHETIC DATA  test accuracy {student.score(eeg_test, test.label):.3f}")

# %%
# Its state is saved and restored with the student
# ------------------------------------------------
saved = {"f_params": str(folder / "student.pt"), "f_distiller": str(folder / "d.pt")}
student.save_params(**saved)
shape = dict(module__n_chans=62, module__n_times=5, module__n_outputs=5)
restored = CMCRDClassifier(
    CMCRDMLP, teacher=teacher.module_, distiller="centre", **shape, **settings
).initialize()
restored.load_params(**saved)
assert torch.equal(restored.distiller_.centres, student.distiller_.centres)
print("class centres restored:", tuple(restored.distiller_.centres.shape))

# %%
# The loss parts in ``history``
# -----------------------------
# Parts are recorded per batch; their epoch means are drawn here.
gap = [np.mean(epoch) for epoch in student.history[:, "batches", :, "distill_gap"]]
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(student.history[:, "ce_loss"], label="ce_loss")
ax.plot(gap, label="distill_gap (its part)")
ax.set_xlabel("epoch")
ax.set_ylabel("loss")
ax.set_title("A student of the 'centre' distiller (SYNTHETIC DATA)")
ax.legend()
fig.tight_layout()
