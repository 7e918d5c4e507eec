"""SEED-IV: 15 subjects, 4 emotions, DE features or raw EEG, one split by trial."""

from ...data.channels import N_BANDS, N_CHANNELS
from ...data.protocols import seed_iv_split
from ...formats import seed_iv
from ...synthetic import write_seed_iv
from .description import DatasetDescription

SEED_IV = DatasetDescription(
    name="seed_iv",
    n_classes=seed_iv.N_CLASSES,
    subjects=tuple(seed_iv.SUBJECTS),
    eeg_shape=(N_CHANNELS, N_BANDS),
    raw_eeg_shape=(N_CHANNELS, seed_iv.WINDOW_SAMPLES),
    fold_names=("fold1",),
    within_subject=lambda windows: [seed_iv_split(windows)],
    write_synthetic=write_seed_iv,
)
