"""What the commands on one's own data read: a data folder and its selection.

Light on purpose: the options of ``cmcrd teacher``, ``train`` and
``evaluate`` are built from it without importing the training stack, which
:mod:`~cmcrd_plugin.commands.own_data` imports when a command runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: the seed of initialisation and batch order when none is given
DEFAULT_SEED = 2022


class OwnDataError(ValueError):
    """A command on one's own data refused, said in one line."""


@dataclass(frozen=True)
class DataSelection:
    """Which windows a command reads.

    Attributes
    ----------
    dataset : str
        The folder's layout: a registered dataset description (``seed``,
        ``seed_iv``, ``seed_v``, ``paired_npz``).
    root : Path
        The folder (for ``paired_npz``, the ``.npz`` file).
    raw : bool
        Raw EEG windows instead of DE features, for datasets that have
        them (SEED-IV: 62 x 800).
    subjects : tuple of int
        The subjects to read; empty means every subject in the folder.
    protocol : {"within_subject", "loso"}
        The folds (ignored by ``cmcrd evaluate``).
    """

    dataset: str
    root: Path
    raw: bool = False
    subjects: tuple[int, ...] = ()
    protocol: str = "within_subject"
