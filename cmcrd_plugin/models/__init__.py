"""Backbones (braindecode models) and feature extraction."""

from ..lazy import lazy_exports

__all__ = [
    "CMCRDMLP",
    "SEEDDGCNN",
    "capture_head_input",
    "declared_feature_size",
    "forward_with_features",
    "head_of",
]
__getattr__ = lazy_exports(
    __name__,
    {
        "CMCRDMLP": ".mlp",
        "SEEDDGCNN": ".dgcnn",
        "capture_head_input": ".features",
        "declared_feature_size": ".features",
        "forward_with_features": ".features",
        "head_of": ".features",
    },
)
