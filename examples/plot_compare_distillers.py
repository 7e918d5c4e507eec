"""
The distillers compared on one subject
======================================

Every registered distiller plugs into the same
:class:`~cmcrd_plugin.training.CMCRDClassifier` through ``distiller=``, with
the authors' default weight (``beta=None``). This example trains one EEG
student per distiller from the same frozen eye teacher, on the first SEED-V
fold of one subject, and plots their test accuracies beside the EEG-only
baseline (``distiller="none"``: cross-entropy alone).

One subject, one fold and one seed say nothing about which distiller is
better: the benchmark (``cmcrd bench``) repeats this over subjects, folds
and seeds, with paired statistics. The data are synthetic, written in the
real SEED-V layout; the numbers exercise the pipeline, they are not results
on real EEG.
"""

# %%
# Data and the eye teacher
# ------------------------
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import torch

import cmcrd_plugin
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

# %%
# One student per distiller
# -------------------------
# Each name is looked up in the registry, where a third-party distiller
# installed as a plugin appears beside the built-ins (``available("loss")``
# also lists ``mcc``, the teacher's extra term, which is not a distiller).
# The memory-bank distillers (``cmcrd``, ``crd``) draw their negatives from
# the training windows of other classes.
print("registered losses:", cmcrd_plugin.available("loss"))
distillers = ["none", "cmcrd", "crd", "kd", "fitnet", "nst", "sp", "rkd", "pkt"]
accuracy = {}
for name in distillers:
    torch.manual_seed(0)  # the same initialisation and batch order for each
    options = {"distiller__n_negatives": 256} if name in ("cmcrd", "crd") else {}
    net = CMCRDClassifier(
        CMCRDMLP, teacher=teacher.module_, distiller=name, **options, **settings
    )
    net.fit(X_train, train.label)
    accuracy[name] = net.score(eeg_test, test.label)
    print(
        f"SYNTHETIC DATA  {name:>6} (beta {net.distill_weight:g}): "
        f"test accuracy {accuracy[name]:.3f}"
    )

# %%
# The plot
# --------
fig, ax = plt.subplots(figsize=(7, 3.5))
colours = ["grey" if name == "none" else "tab:blue" for name in accuracy]
colours[list(accuracy).index("cmcrd")] = "tab:red"
ax.bar(list(accuracy), list(accuracy.values()), color=colours)
ax.axhline(accuracy["none"], color="grey", linestyle="--", label="EEG only")
ax.set_ylabel("test accuracy")
ax.set_ylim(0, 1)
ax.set_title("EEG students of one eye teacher, one subject (SYNTHETIC DATA)")
ax.legend(loc="lower right")
fig.tight_layout()
