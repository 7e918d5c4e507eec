"""Training settings the trainer tests share: small, quick fits on the CPU.

Imported by the test modules of this folder (pytest puts it on ``sys.path``).
Read-only; a test that needs other values merges them in:
``{**FAST, "max_epochs": 1}``.
"""

from types import MappingProxyType

import torch

FAST = MappingProxyType(
    dict(
        max_epochs=2,
        batch_size=32,
        lr=5e-3,
        optimizer=torch.optim.AdamW,
        verbose=0,
        train_split=None,
        module__hidden_size=16,
    )
)
