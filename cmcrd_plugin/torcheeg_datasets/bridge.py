"""From a paired TorchEEG dataset to arrays for braindecode / CMCRDClassifier."""

from __future__ import annotations

import numpy as np

from ..data.paired import PairedWindows


def to_paired_windows(dataset) -> PairedWindows:
    """Read every sample of a paired TorchEEG dataset (or split) into arrays.

    The result carries subject, session, trial (within the session) and
    window ids from the dataset's ``info``, so the protocol functions
    (:func:`~cmcrd_plugin.data.seed_v_folds`, ...) and
    ``PairedWindows.inputs()`` (the modality-keyed dict the trainers fit on)
    apply.
    Transforms are applied as the dataset applies them; EEG must then be a
    fixed-shape array.
    """
    samples = [dataset[i] for i in range(len(dataset))]
    info = dataset.info
    return PairedWindows(
        eeg=np.stack([np.asarray(s[0]["eeg"], dtype=np.float32) for s in samples]),
        eye=np.stack(
            [np.asarray(s[0]["eye"], dtype=np.float32).reshape(-1) for s in samples]
        ),
        label=np.asarray([s[1] for s in samples], dtype=np.int64),
        subject=info["subject_id"].to_numpy(np.int64),
        session=info["session_id"].to_numpy(np.int64),
        trial=info["trial_in_session"].to_numpy(np.int64),
        window=info["window_id"].to_numpy(np.int64),
    )
