"""braindecode augmentation on data keyed by modality.

braindecode's :class:`~braindecode.augmentation.AugmentedDataLoader` applies
its transforms to the collated batch ``(X, y)``; with ``X`` a dict of
modalities (``{"eeg": ..., "eye": ..., "index": ...}``) that fails
(``Could not infer dtype of dict``). The estimators give such a loader the
collate of :class:`ModalityAugmentation`: the transforms apply to the
estimator's own modality alone (the student's EEG), the other members (the
teacher's eye features, each window's row) pass through clean.
"""

from __future__ import annotations

from typing import Any

from braindecode.augmentation import AugmentedDataLoader
from torch.utils.data import default_collate


class ModalityAugmentation:
    """A collate that augments one member of batches keyed by modality.

    Parameters
    ----------
    loader : AugmentedDataLoader
        The loader whose transform (and device) to apply; its
        ``n_augmentation`` must be 0 (augmented copies in place of the clean
        ones: every window keeps its one row of the memory banks).
    key : str
        The modality to augment.
    """

    def __init__(self, loader: AugmentedDataLoader, key: str) -> None:
        augmentation = loader.collated_tr
        if augmentation.n_augmentation:
            raise ValueError(
                "AugmentedDataLoader(n_augmentation > 0) grows each batch with "
                "copies of its windows; with data keyed by modality use "
                "n_augmentation=0 (the transforms then apply in place)"
            )
        self.transform, self.device, self.key = (
            augmentation.transform,
            augmentation.device,
            key,
        )

    def __call__(self, batch: list) -> tuple[dict[str, Any], Any]:
        X, y = default_collate(batch)[:2]
        x = X[self.key]
        if self.device is not None:
            x, y = x.to(self.device), y.to(self.device)
        x, y = self.transform(x, y)
        return {**X, self.key: x}, y


def augments(loader: object) -> bool:
    """Whether ``loader`` is a braindecode ``AugmentedDataLoader``."""
    return isinstance(loader, AugmentedDataLoader)
