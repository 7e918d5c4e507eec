"""
A paired TorchEEG dataset, a TorchEEG splitter and ``CMCRDTrainer``
===================================================================

TorchEEG users keep their way of working: a dataset with transforms and an
``io_path`` cache, a splitter from ``torcheeg.model_selection``, and a
PyTorch Lightning trainer with ``fit``, ``test`` and ``predict``.
:class:`~cmcrd_plugin.torcheeg_datasets.PairedSEEDIV` pairs every EEG
window with its eye-movement vector, and
:class:`~cmcrd_plugin.torcheeg_trainers.CMCRDTrainer` trains, first the eye
teacher (teacher mode), then the EEG student of that frozen teacher.

The data are one synthetic SEED-IV subject and session, written in the real
layout: the numbers below exercise the pipeline, they are not results on
real EEG.
"""

# %%
# The paired dataset, with TorchEEG transforms
# --------------------------------------------
# ``online_transform`` applies to the EEG (62 channels x 5 bands of
# ``de_LDS``), ``eye_transform`` to the eye vector (31 values). A sample is
# ``({"eeg": eeg, "eye": eye}, label)``.
import logging
import tempfile
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from sklearn.metrics import ConfusionMatrixDisplay
from torch.utils.data import DataLoader
from torcheeg import transforms
from torcheeg.model_selection import KFoldPerSubjectCrossTrial

from cmcrd_plugin.models import CMCRDMLP
from cmcrd_plugin.synthetic import write_seed_iv
from cmcrd_plugin.torcheeg_datasets import PairedSEEDIV
from cmcrd_plugin.torcheeg_trainers import CMCRDTrainer

# Lightning's and TorchEEG's log lines and advice off, to keep the page short
for name in ("pytorch_lightning", "lightning.pytorch", "torcheeg"):
    logging.getLogger(name).setLevel(logging.ERROR)
warnings.filterwarnings("ignore", module="pytorch_lightning")
torch.manual_seed(0)
folder = Path(tempfile.mkdtemp())
root = write_seed_iv(
    folder / "SEED_IV", subjects=[1], sessions=[1], window_fraction=0.5, progress=False
)
dataset = PairedSEEDIV(
    root,
    features=["de_LDS"],
    io_path=str(folder / "SEED_IV-cache"),
    online_transform=transforms.Compose(
        [transforms.MeanStdNormalize(), transforms.ToTensor()]
    ),
    eye_transform=transforms.ToTensor(),
    verbose=False,
)
sample, label = dataset[0]
print({key: tuple(value.shape) for key, value in sample.items()}, "label", label)

# %%
# A TorchEEG splitter
# -------------------
# ``KFoldPerSubjectCrossTrial`` keeps the trials of the training and test
# sets apart (the windows of one trial are neighbours in time).
folds = KFoldPerSubjectCrossTrial(n_splits=3, split_path=str(folder / "splits"))
train_set, test_set = next(iter(folds.split(dataset)))
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
test_loader = DataLoader(test_set, batch_size=256)
print(f"{len(train_set)} training and {len(test_set)} test windows")

# %%
# The eye teacher, in teacher mode
# --------------------------------
# Without a teacher and with ``distiller="none"``, ``CMCRDTrainer`` trains
# the teacher itself on ``student_key="eye"``, with cross-entropy plus MCC.
quiet = dict(logger=False, enable_progress_bar=False, enable_model_summary=False)
eye_trainer = CMCRDTrainer(
    CMCRDMLP(n_chans=31, n_times=1, n_outputs=4),
    distiller="none",
    student_key="eye",
    mcc_weight=1.0,
)
eye_trainer.fit(train_loader, max_epochs=15, enable_checkpointing=False, **quiet)

# %%
# The EEG student of the frozen teacher
# -------------------------------------
student_trainer = CMCRDTrainer(
    CMCRDMLP(n_chans=62, n_times=5, n_outputs=4),
    teacher=eye_trainer.model,
    distiller="cmcrd",
    distiller_kwargs={"n_negatives": 200},
    metrics=["accuracy", "f1score"],
)
student_trainer.fit(
    train_loader, test_loader, max_epochs=15, enable_checkpointing=False, **quiet
)
metrics = student_trainer.test(test_loader, **quiet)[0]
for name, value in metrics.items():
    print(f"SYNTHETIC DATA  student {name}: {value:.3f}")

# %%
# Predictions
# -----------
# ``predict`` returns the student's logits, one tensor per batch; the
# student reads the EEG alone.
logits = torch.cat(student_trainer.predict(test_loader, **quiet))
predicted = logits.argmax(dim=1).numpy()
display = ConfusionMatrixDisplay.from_predictions(
    test_set.targets, predicted, display_labels=["neutral", "sad", "fear", "happy"]
)
display.ax_.set_title("CMCRD student, test trials (SYNTHETIC DATA)")
plt.tight_layout()
