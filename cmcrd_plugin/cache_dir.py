"""Where cmcrd-plugin keeps generated files (synthetic data, dataset caches)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def default_cache_dir() -> Path:
    """``$CMCRD_CACHE``, or the platform's user cache folder for cmcrd_plugin.

    The latter is ``platformdirs.user_cache_path("cmcrd_plugin")``:
    ``~/.cache/cmcrd_plugin`` on Linux (``$XDG_CACHE_HOME/cmcrd_plugin`` when
    that is set), ``~/Library/Caches/cmcrd_plugin`` on macOS and
    ``%LOCALAPPDATA%\\cmcrd_plugin\\Cache`` on Windows.
    """
    env = os.environ.get("CMCRD_CACHE")
    if env:
        return Path(env)
    return platformdirs.user_cache_path("cmcrd_plugin", appauthor=False)
