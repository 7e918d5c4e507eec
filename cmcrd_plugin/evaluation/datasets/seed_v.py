"""SEED-V: 16 subjects, 5 emotions, the release's 3 folds by trial."""

from ...data.channels import N_BANDS, N_CHANNELS
from ...data.protocols import seed_v_folds
from ...formats import seed_v
from ...synthetic import write_seed_v
from .description import DatasetDescription

SEED_V = DatasetDescription(
    name="seed_v",
    n_classes=seed_v.N_CLASSES,
    subjects=tuple(seed_v.SUBJECTS),
    eeg_shape=(N_CHANNELS, N_BANDS),
    fold_names=tuple(f"fold{k + 1}" for k in range(seed_v.N_FOLDS)),
    within_subject=seed_v_folds,
    write_synthetic=write_seed_v,
)
