"""Shared tiny training data for trainer tests."""

import pytest
from skorch.helper import SliceDict


@pytest.fixture(scope="session")
def data(tiny_paired):
    """Training windows of subject 1, fold 1: EEG, eye, labels and the paired dict."""
    tr = tiny_paired["split"].train
    eeg, eye = tiny_paired["eeg"][tr], tiny_paired["eye"][tr]
    return {
        "X": SliceDict(eeg=eeg, eye=eye),
        "eeg": eeg,
        "eye": eye,
        "y": tiny_paired["y"][tr],
    }
