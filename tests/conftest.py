"""Shared fixtures: tiny synthetic SEED-V data written by our own writer."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="session")
def seed_v_root(tmp_path_factory):
    """Two subjects of synthetic SEED-V, a quarter of the real window counts."""
    from cmcrd_plugin.synthetic import write_seed_v

    root = tmp_path_factory.mktemp("seed_v")
    write_seed_v(root, subjects=[1, 2], seed=0, window_fraction=0.25, progress=False)
    return root


@pytest.fixture(scope="session")
def tiny_paired(seed_v_root):
    """Standardised EEG (n, 62, 5), eye (n, 33), labels of subject 1, fold 1."""
    from cmcrd_plugin.data import FeatureScaler, load_seed_v, seed_v_folds

    windows = load_seed_v(seed_v_root, subjects=[1])
    split = seed_v_folds(windows)[0]
    eeg = FeatureScaler().fit(windows.eeg[split.train]).transform(windows.eeg)
    eye = FeatureScaler().fit(windows.eye[split.train]).transform(windows.eye)
    return {
        "eeg": eeg,
        "eye": eye,
        "y": windows.label.astype(np.int64),
        "split": split,
    }


@pytest.fixture(scope="session")
def seed_iv_root(tmp_path_factory):
    """Two subjects x two sessions of synthetic SEED-IV (features, eye, raw)."""
    from cmcrd_plugin.synthetic.seed_iv import write_seed_iv

    root = tmp_path_factory.mktemp("seed_iv")
    write_seed_iv(
        root,
        subjects=[1, 2],
        sessions=[1, 2],
        window_fraction=0.15,
        raw=True,
        progress=False,
    )
    return root


@pytest.fixture(scope="session")
def torcheeg_split(seed_v_root, tmp_path_factory):
    """The first (train, test) split of a paired TorchEEG SEED-V dataset, cut by
    TorchEEG's ``KFoldPerSubjectCrossTrial``; samples are tensors."""
    pytest.importorskip("torcheeg")
    from torcheeg import transforms
    from torcheeg.model_selection import KFoldPerSubjectCrossTrial

    from cmcrd_plugin.torcheeg_datasets import PairedSEEDV

    cache = tmp_path_factory.mktemp("torcheeg")
    ds = PairedSEEDV(
        seed_v_root,
        io_path=cache / "io",
        online_transform=transforms.ToTensor(),
        eye_transform=transforms.ToTensor(),
        verbose=False,
    )
    folds = KFoldPerSubjectCrossTrial(n_splits=3, split_path=str(cache / "k"))
    return next(iter(folds.split(ds)))
