"""TorchEEG-style trainers (PyTorch Lightning; needs TorchEEG and pytorch-lightning).

:class:`CMCRDTrainer` trains a student of any registered distiller, or a
teacher, from loaders of the paired TorchEEG datasets.
"""

from ..lazy import lazy_exports

__all__ = ["CMCRDTrainer", "EpochShuffle", "indexed_loader"]
__getattr__ = lazy_exports(
    __name__,
    {
        "CMCRDTrainer": ".cmcrd_trainer",
        "EpochShuffle": ".cmcrd_trainer",
        "indexed_loader": ".cmcrd_trainer",
    },
)
