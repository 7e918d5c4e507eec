"""Paired EEG + eye-movement data: loaders, protocols and normalisation."""

from .errors import DatasetFormatError, UnsafePickleError
from .normalization import FeatureScaler
from .paired import PairedWindows
from .paired_npz import load_paired_npz, write_paired_npz
from .protocols import (
    Split,
    leave_one_subject_out,
    seed_iv_split,
    seed_split,
    seed_v_folds,
    split_by_test_mask,
    validation_trials,
)
from .safe_pickle import safe_load_file, safe_loads
from .seed import load_seed
from .seed_iv import load_seed_iv
from .seed_v import load_seed_v, load_seed_v_subject, seed_v_subjects

__all__ = [
    "DatasetFormatError",
    "FeatureScaler",
    "PairedWindows",
    "Split",
    "UnsafePickleError",
    "leave_one_subject_out",
    "load_paired_npz",
    "load_seed",
    "load_seed_iv",
    "load_seed_v",
    "load_seed_v_subject",
    "safe_load_file",
    "safe_loads",
    "seed_iv_split",
    "seed_split",
    "seed_v_folds",
    "split_by_test_mask",
    "seed_v_subjects",
    "validation_trials",
    "write_paired_npz",
]
