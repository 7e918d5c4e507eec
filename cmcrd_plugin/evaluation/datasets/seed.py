"""SEED: 15 subjects with eye movements, 3 emotions, one split by clip."""

from ...data.channels import N_BANDS, N_CHANNELS
from ...data.protocols import seed_split
from ...formats import seed
from ...synthetic import write_seed
from .description import DatasetDescription

SEED = DatasetDescription(
    name="seed",
    n_classes=seed.N_CLASSES,
    subjects=tuple(seed.SUBJECTS_WITH_EYE),
    eeg_shape=(N_CHANNELS, N_BANDS),
    fold_names=("fold1",),
    within_subject=lambda windows: [seed_split(windows)],
    write_synthetic=write_seed,
)
