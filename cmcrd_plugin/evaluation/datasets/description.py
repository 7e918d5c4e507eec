"""What the evaluation core needs to know about a dataset, in one object."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...data.paired import PairedWindows
from ...data.protocols import Split

#: ``folds(windows_of_one_subject) -> [Split, ...]``, in the order of ``fold_names``
WithinSubjectFolds = Callable[[PairedWindows], list[Split]]


@dataclass(frozen=True)
class DatasetDescription:
    """A dataset as the evaluation core, ``cmcrd bench`` and the commands see it.

    Everything that differs between datasets lives here, so that adding a
    dataset is one module holding its description plus its registration
    (the ``cmcrd_dataset_descriptions`` hook, :mod:`cmcrd_plugin.registry`).

    Attributes
    ----------
    name : str
        The name users select it by (``--dataset``); also the name of its
        registered numpy loader (``cmcrd_plugin.get_loader(name)``).
    n_classes : int or None
        The number of emotion classes; ``None``: one more than the largest
        label in the data (one's own recordings).
    subjects : tuple of int or None
        The release's subjects; ``None``: every subject in the data.
    eeg_shape : tuple of int
        Shape of one EEG window as the loader returns it, without a raw
        option: ``(62, 5)`` differential entropy; ``()`` when it depends on
        the data.
    raw_eeg_shape : tuple of int or None
        Shape of one raw EEG window (loader option ``raw=True``); ``None``
        when the dataset has no raw EEG paired with eye movements.
    fold_names : tuple of str
        Names of the within-subject folds, known without reading data.
    within_subject : callable
        Cuts one subject's windows into those folds (train / validation /
        test rows, validation trials cut from the training trials).
    write_synthetic : callable or None
        Writes synthetic files in the dataset's real layout, called as
        ``write(root, subjects=..., seed=..., window_fraction=...,
        overwrite=..., progress=..., **options)``; ``None`` for a format of
        one's own recordings, which needs a data folder.
    """

    name: str
    n_classes: int | None
    subjects: tuple[int, ...] | None
    eeg_shape: tuple[int, ...]
    fold_names: tuple[str, ...]
    within_subject: WithinSubjectFolds
    raw_eeg_shape: tuple[int, ...] | None = None
    write_synthetic: Callable | None = None

    @property
    def has_raw(self) -> bool:
        """Whether raw EEG windows paired with eye movements exist."""
        return self.raw_eeg_shape is not None
