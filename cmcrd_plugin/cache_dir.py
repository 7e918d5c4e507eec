"""Where cmcrd-plugin keeps generated files (synthetic data, dataset caches)."""

from __future__ import annotations

import os
from pathlib import Path


def default_cache_dir() -> Path:
    """``$CMCRD_CACHE`` or ``~/.cache/cmcrd_plugin``."""
    env = os.environ.get("CMCRD_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "cmcrd_plugin"
