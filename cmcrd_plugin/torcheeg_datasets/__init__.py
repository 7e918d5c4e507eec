"""TorchEEG datasets pairing EEG with eye-movement features (needs TorchEEG).

Install TorchEEG without its dependencies (its scipy pin conflicts with
braindecode): ``pip install "cmcrd-plugin[torcheeg]"`` then
``pip install --no-deps torcheeg==1.1.3``.
"""

from ..lazy import lazy_exports

__all__ = [
    "CacheKeyError",
    "CacheMismatchError",
    "PairedEEGEyeDataset",
    "PairedSEED",
    "PairedSEEDIV",
    "PairedSEEDIVRaw",
    "PairedSEEDV",
    "UnstorableSampleError",
    "to_paired_windows",
]
__getattr__ = lazy_exports(
    __name__,
    {
        "CacheKeyError": ".manifest",
        "CacheMismatchError": ".cache",
        "PairedEEGEyeDataset": ".base",
        "PairedSEED": ".seed",
        "PairedSEEDIV": ".seed_iv",
        "PairedSEEDIVRaw": ".seed_iv",
        "PairedSEEDV": ".seed_v",
        "UnstorableSampleError": ".base",
        "to_paired_windows": ".bridge",
    },
)
