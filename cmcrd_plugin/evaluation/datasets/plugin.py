"""Built-in dataset descriptions (kind ``dataset_description``), registered in
code as the plugin ``cmcrd_plugin.dataset_descriptions``."""

from __future__ import annotations

from ...registry import hookimpl


@hookimpl
def cmcrd_dataset_descriptions() -> dict[str, str]:
    return {
        "paired_npz": "cmcrd_plugin.evaluation.datasets.paired_npz:PAIRED_NPZ",
        "seed": "cmcrd_plugin.evaluation.datasets.seed:SEED",
        "seed_iv": "cmcrd_plugin.evaluation.datasets.seed_iv:SEED_IV",
        "seed_v": "cmcrd_plugin.evaluation.datasets.seed_v:SEED_V",
    }
