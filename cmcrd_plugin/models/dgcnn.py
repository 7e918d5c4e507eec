"""braindecode's DGCNN on SEED-family DE maps, with electrode positions filled in."""

from __future__ import annotations

import numpy as np
from braindecode.models import DGCNN

from ..data.channels import SEED_CHANNELS, seed_channel_positions


def seed_chs_info() -> list[dict]:
    """MNE-style ``chs_info`` (names and 3-D positions) of SEED's 62 channels.

    Positions from :func:`~cmcrd_plugin.data.channels.seed_channel_positions`
    (MNE's 10-05 template; CB1 and CB2 at I1 and I2).
    """
    chs = []
    for name, position in seed_channel_positions().items():
        loc = np.zeros(12)
        loc[:3] = position
        chs.append({"ch_name": name, "loc": loc, "kind": 2})
    return chs


def ring_chs_info(n_nodes: int) -> list[dict]:
    """Evenly spaced positions on a circle, for inputs without electrode positions.

    Used for eye-movement feature vectors fed to DGCNN as ``n_nodes`` graph
    nodes; the initial graph then links neighbouring features and DGCNN learns
    the adjacency from there.
    """
    angles = 2 * np.pi * np.arange(n_nodes) / max(n_nodes, 1)
    chs = []
    for i, a in enumerate(angles):
        loc = np.zeros(12)
        loc[:3] = (0.1 * np.cos(a), 0.1 * np.sin(a), 0.0)
        chs.append({"ch_name": f"F{i}", "loc": loc, "kind": 2})
    return chs


class SEEDDGCNN(DGCNN):
    """:class:`braindecode.models.DGCNN` with ``chs_info`` filled in for SEED data.

    With 62 channels and no ``chs_info`` the SEED montage is used
    (:func:`seed_chs_info`); with any other number of nodes (for example 33
    eye features fed as (33, 1)) a ring layout (:func:`ring_chs_info`).
    All other parameters are DGCNN's.
    """

    def __init__(
        self,
        n_outputs: int | None = None,
        n_chans: int | None = None,
        chs_info: list[dict] | None = None,
        n_times: int | None = None,
        input_window_seconds: float | None = None,
        sfreq: float | None = None,
        **kwargs,
    ) -> None:
        if chs_info is None and n_chans is not None:
            chs_info = (
                seed_chs_info()
                if n_chans == len(SEED_CHANNELS)
                else ring_chs_info(n_chans)
            )
        super().__init__(
            n_outputs=n_outputs,
            n_chans=n_chans,
            chs_info=chs_info,
            n_times=n_times,
            input_window_seconds=input_window_seconds,
            sfreq=sfreq,
            **kwargs,
        )
