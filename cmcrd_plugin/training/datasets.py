"""Dataset wrappers the trainers use to carry extras through skorch."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from torch.utils.data import Dataset, Subset


class IndexedDataset(Dataset):
    """Add each sample's position (``"index"``) to its dict input.

    The contrastive memory banks have one row per training window; the
    position of a window in the training set is its row.
    """

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, i: int):
        X, y = self.dataset[i]
        if not isinstance(X, Mapping):
            raise TypeError(
                "distillation needs data keyed by modality such as {'eeg': eeg, "
                f"'eye': eye}}; the training set yields {type(X).__name__}"
            )
        X = dict(X)
        X["index"] = i
        return X, y

    @property
    def targets(self) -> np.ndarray:
        """The label of every sample (see :func:`dataset_labels`)."""
        return dataset_labels(self.dataset)


def dataset_labels(dataset: Dataset) -> np.ndarray:
    """Labels of every sample of a (possibly subset) skorch/torch dataset.

    Fast for :class:`skorch.dataset.Dataset`, datasets with a ``targets``
    array (the paired TorchEEG datasets) and :class:`torch.utils.data.Subset`
    of those; other datasets are read once, sample by sample (at set-up, not
    during training).
    """
    if isinstance(dataset, Subset):
        return dataset_labels(dataset.dataset)[np.asarray(dataset.indices)]
    targets = getattr(dataset, "targets", None)  # paired TorchEEG datasets
    if targets is not None:
        return np.asarray(targets).reshape(len(dataset))
    y = getattr(dataset, "y", None)
    if y is not None:
        return np.asarray(y.cpu() if isinstance(y, torch.Tensor) else y).reshape(
            len(dataset)
        )
    return np.asarray([int(dataset[i][1]) for i in range(len(dataset))])
