"""Synthetic datasets written in the real SEED-family on-disk layouts."""

from .latent import LatentEmotionGenerator
from .seed import write_seed
from .seed_iv import write_seed_iv
from .seed_v import write_seed_v

__all__ = ["LatentEmotionGenerator", "write_seed", "write_seed_iv", "write_seed_v"]
