"""Backbones (braindecode models) and feature extraction."""

from .features import capture_head_input, forward_with_features, head_of

__all__ = ["capture_head_input", "forward_with_features", "head_of"]
