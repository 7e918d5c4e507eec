"""Built-in TorchEEG datasets (kind ``dataset``), registered in code as the
plugin ``cmcrd_plugin.datasets``.

Each is constructed as ``cls(root_path, io_path=..., online_transform=...,
...)``; looking one up needs TorchEEG installed.
"""

from __future__ import annotations

from ..registry import hookimpl


@hookimpl
def cmcrd_datasets() -> dict[str, str]:
    return {
        "seed": "cmcrd_plugin.torcheeg_datasets.seed:PairedSEED",
        "seed_iv": "cmcrd_plugin.torcheeg_datasets.seed_iv:PairedSEEDIV",
        "seed_iv_raw": "cmcrd_plugin.torcheeg_datasets.seed_iv:PairedSEEDIVRaw",
        "seed_v": "cmcrd_plugin.torcheeg_datasets.seed_v:PairedSEEDV",
    }
