"""Whole-batch reads of in-memory training arrays.

skorch's default loader reads a batch sample by sample and collates the
pieces: a Python loop over the samples of every batch. When the training
data are arrays held in memory (``fit({"eeg": eeg, "eye": eye}, y)`` or
``fit(eye, y)``) the trainers read each batch instead with one fancy index
per array, through a standard :class:`torch.utils.data.DataLoader` with
``batch_size=None`` over a :class:`~torch.utils.data.BatchSampler`
(PyTorch's documented pattern for bulk reads). Shuffling draws from the same
random stream as skorch's loader. The trainers' side of it is in
:class:`~cmcrd_plugin.training.base.PairedEEGClassifier`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from skorch.dataset import Dataset as SkorchDataset
from torch.utils.data import (
    BatchSampler,
    DataLoader,
    RandomSampler,
    SequentialSampler,
    Subset,
)

# iterator_train__* settings the batch loader honours; any other setting (or
# a custom iterator_train) keeps skorch's per-sample DataLoader
BATCH_LOADER_OPTIONS = frozenset({"batch_size", "shuffle", "drop_last", "generator"})


def _rows(array, rows: np.ndarray) -> torch.Tensor:
    if isinstance(array, torch.Tensor):
        return array[torch.from_numpy(rows).to(array.device)]
    return torch.from_numpy(np.ascontiguousarray(array[rows]))


_ARRAYS = (np.ndarray, torch.Tensor)


class ArrayBatches(torch.utils.data.Dataset):
    """Training windows held in memory, read a whole batch per call.

    With ``keys``, ``batches[positions]`` returns ``({key: Tensor, ...,
    "index": LongTensor}, y)`` for a sequence of positions in the training
    set; ``"index"`` is the position itself (a window's row in the memory
    banks). With ``keys=None``, ``X`` is one array and ``batches[positions]``
    returns ``(Tensor, y)``.

    Parameters
    ----------
    X : array or mapping of str to array
        The arrays (NumPy or torch, first axis = windows).
    y : array
        Labels.
    keys : sequence of str or None
        The members of ``X`` read per batch; ``None`` when ``X`` is an array.
    rows : array of int, optional
        The rows of ``X`` and ``y`` that make up the training set (a subset
        cut by skorch's ``train_split``); all rows by default.
    """

    def __init__(
        self,
        X: Mapping | np.ndarray | torch.Tensor,
        y,
        keys: Sequence[str] | None,
        rows: np.ndarray | None = None,
    ) -> None:
        # one array is stored under the key None (keys=None)
        self.arrays = {None: X} if keys is None else {key: X[key] for key in keys}
        self.y = y
        self.rows = None if rows is None else np.asarray(rows, dtype=np.int64)

    @classmethod
    def from_dataset(
        cls, dataset, keys: Sequence[str] | None = None
    ) -> ArrayBatches | None:
        """Batch reads of a skorch ``Dataset`` over arrays (or a Subset of one).

        ``keys`` names the members of a dict ``X`` to read; ``None`` expects
        ``X`` to be one array. Returns ``None`` for anything else (a custom
        dataset may transform its samples, so it is read sample by sample as
        usual).
        """
        rows = None
        if isinstance(dataset, Subset):
            rows, dataset = np.asarray(dataset.indices), dataset.dataset
        if type(dataset) is not SkorchDataset or not isinstance(dataset.y, _ARRAYS):
            return None
        X = dataset.X
        if keys is None:
            readable = isinstance(X, _ARRAYS)
        else:
            readable = isinstance(X, Mapping) and all(
                key in X and isinstance(X[key], _ARRAYS) for key in keys
            )
        return cls(X, dataset.y, keys, rows) if readable else None

    @property
    def targets(self) -> np.ndarray:
        """The label of every training window, in order."""
        y = self.y.cpu().numpy() if isinstance(self.y, torch.Tensor) else self.y
        y = np.asarray(y)
        return y if self.rows is None else y[self.rows]

    def __len__(self) -> int:
        return len(self.y) if self.rows is None else len(self.rows)

    def __getitem__(self, positions):
        scalar = np.ndim(positions) == 0
        positions = np.atleast_1d(np.asarray(positions, dtype=np.int64))
        rows = positions if self.rows is None else self.rows[positions]
        y = _rows(self.y, rows)
        if None in self.arrays:
            X = _rows(self.arrays[None], rows)
            return (X[0], y[0]) if scalar else (X, y)
        X = {key: _rows(array, rows) for key, array in self.arrays.items()}
        X["index"] = torch.from_numpy(positions)
        if scalar:
            return {key: value[0] for key, value in X.items()}, y[0]
        return X, y


def batch_loader(
    batches: ArrayBatches,
    batch_size: int,
    shuffle: bool = False,
    drop_last: bool = False,
    generator: torch.Generator | None = None,
) -> DataLoader:
    """A ``DataLoader`` yielding whole batches read by ``batches[positions]``."""
    order = (
        RandomSampler(batches, generator=generator)
        if shuffle
        else SequentialSampler(batches)
    )
    return DataLoader(
        batches,
        batch_size=None,
        sampler=BatchSampler(order, batch_size=batch_size, drop_last=drop_last),
    )
