"""TorchEEG datasets pairing EEG with eye-movement features (needs TorchEEG).

Install TorchEEG without its dependencies (its scipy pin conflicts with
braindecode): ``pip install "cmcrd-plugin[torcheeg]"`` then
``pip install --no-deps torcheeg==1.1.3``.
"""

from ..lazy import lazy_exports

__all__ = [
    "CacheMismatchError",
    "PairedEEGEyeDataset",
    "PairedSEED",
    "PairedSEEDIV",
    "PairedSEEDIVRaw",
    "PairedSEEDV",
    "to_paired_windows",
]
__getattr__ = lazy_exports(
    __name__,
    {
        "CacheMismatchError": ".cache",
        "PairedEEGEyeDataset": ".base",
        "PairedSEED": ".seed",
        "PairedSEEDIV": ".seed_iv",
        "PairedSEEDIVRaw": ".seed_iv",
        "PairedSEEDV": ".seed_v",
        "to_paired_windows": ".bridge",
    },
)
