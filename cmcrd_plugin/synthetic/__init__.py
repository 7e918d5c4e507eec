"""Synthetic datasets written in the real SEED-family on-disk layouts."""

from .latent import LatentEmotionGenerator
from .seed_v import write_seed_v

__all__ = ["LatentEmotionGenerator", "write_seed_v"]
