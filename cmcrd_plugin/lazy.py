"""Lazy package exports, so that ``import cmcrd_plugin.<pkg>.plugin`` stays cheap.

Entry-point plugin modules live inside subpackages; importing them runs the
subpackage ``__init__``. Subpackages that export torch/braindecode classes
resolve those names on first attribute access instead.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``exports[name]`` on first use."""

    def __getattr__(name: str) -> Any:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(exports[name], package), name)

    return __getattr__
