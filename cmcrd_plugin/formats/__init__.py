"""The on-disk formats of the SEED family, one module per release.

Each module owns everything a reader, a writer or a TorchEEG dataset needs to
know about its release: folder and file names, keys and members, label
sequences, window and trial counts, the eye-feature size and the record type
(one unit of files the readers process). ``docs/data-formats.md`` describes
the layouts in prose. These modules import only the standard library.

* :mod:`~cmcrd_plugin.formats.seed`: the SEED multimodal release.
* :mod:`~cmcrd_plugin.formats.seed_iv`: SEED-IV.
* :mod:`~cmcrd_plugin.formats.seed_v`: the SEED-V feature release.
"""

from . import seed, seed_iv, seed_v

__all__ = ["seed", "seed_iv", "seed_v"]
