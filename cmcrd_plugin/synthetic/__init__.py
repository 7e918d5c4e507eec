"""Synthetic datasets written in the real SEED-family on-disk layouts.

:mod:`~cmcrd_plugin.synthetic.controls` adds the benchmark's positive
controls: named synthetic scenarios, not the demo's data.
"""

from .controls import (
    PrivilegedEyeGenerator,
    write_positive_control_seed_v,
    write_wide_positive_control,
)
from .latent import LatentEmotionGenerator
from .seed import write_seed
from .seed_iv import write_seed_iv
from .seed_v import write_seed_v

__all__ = [
    "LatentEmotionGenerator",
    "PrivilegedEyeGenerator",
    "write_positive_control_seed_v",
    "write_seed",
    "write_seed_iv",
    "write_seed_v",
    "write_wide_positive_control",
]
