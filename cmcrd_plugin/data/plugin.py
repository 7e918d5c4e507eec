"""Built-in dataset components, registered through the entry point
``cmcrd_plugin.datasets`` like any third-party plugin."""

from __future__ import annotations

from ..registry import hookimpl


@hookimpl
def cmcrd_datasets() -> dict[str, str]:
    return {
        # loaders returning PairedWindows (numpy arrays)
        "seed_v": "cmcrd_plugin.data.seed_v:load_seed_v",
        "seed_iv": "cmcrd_plugin.data.seed_iv:load_seed_iv",
        "seed": "cmcrd_plugin.data.seed:load_seed",
        # TorchEEG datasets (need TorchEEG installed)
        "torcheeg_seed": "cmcrd_plugin.torcheeg_datasets.seed:PairedSEED",
        "torcheeg_seed_v": "cmcrd_plugin.torcheeg_datasets.seed_v:PairedSEEDV",
        "torcheeg_seed_iv": "cmcrd_plugin.torcheeg_datasets.seed_iv:PairedSEEDIV",
        "torcheeg_seed_iv_raw": (
            "cmcrd_plugin.torcheeg_datasets.seed_iv:PairedSEEDIVRaw"
        ),
    }
