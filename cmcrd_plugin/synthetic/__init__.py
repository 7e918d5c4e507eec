"""Synthetic datasets written in the real SEED-family on-disk layouts.

:mod:`~cmcrd_plugin.synthetic.recordings` writes a session's raw recordings
instead: an EEG ``.fif`` file and an EyeLink ``.asc`` file, with the trials'
labels. :mod:`~cmcrd_plugin.synthetic.controls` adds the benchmark's positive
controls: named synthetic scenarios, not the demo's data. The writers are
imported on first use (they need scipy), so that importing
:mod:`cmcrd_plugin.synthetic.folder` for its error type stays cheap.
"""

from ..lazy import lazy_exports

__all__ = [
    "LatentEmotionGenerator",
    "PrivilegedEyeGenerator",
    "Recordings",
    "write_positive_control_seed_v",
    "write_recordings",
    "write_seed",
    "write_seed_iv",
    "write_seed_v",
    "write_wide_positive_control",
]
__getattr__ = lazy_exports(
    __name__,
    {
        "PrivilegedEyeGenerator": ".controls",
        "write_positive_control_seed_v": ".controls",
        "write_wide_positive_control": ".controls",
        "LatentEmotionGenerator": ".latent",
        "Recordings": ".recordings",
        "write_recordings": ".recordings",
        "write_seed": ".seed",
        "write_seed_iv": ".seed_iv",
        "write_seed_v": ".seed_v",
    },
)
