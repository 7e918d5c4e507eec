"""The 62-channel montage and frequency bands of the SEED family."""

from __future__ import annotations

SEED_CHANNELS: tuple[str, ...] = tuple(
    """FP1 FPZ FP2 AF3 AF4 F7 F5 F3 F1 FZ F2 F4 F6 F8 FT7 FC5 FC3 FC1 FCZ FC2 FC4 FC6
    FT8 T7 C5 C3 C1 CZ C2 C4 C6 T8 TP7 CP5 CP3 CP1 CPZ CP2 CP4 CP6 TP8 P7 P5 P3 P1 PZ
    P2 P4 P6 P8 PO7 PO5 PO3 POZ PO4 PO6 PO8 CB1 O1 OZ O2 CB2""".split()
)
"""Channel order of every SEED-family EEG file (TorchEEG's SEED_IV_CHANNEL_LIST)."""

BANDS: tuple[str, ...] = ("delta", "theta", "alpha", "beta", "gamma")
"""Differential-entropy bands: 1-4, 4-8, 8-14, 14-31, 31-50 Hz."""

N_CHANNELS = len(SEED_CHANNELS)
N_BANDS = len(BANDS)

# SEED's cerebellar electrodes are not in the 10-05 system: nearest 10-05 sites.
_CEREBELLAR = {"CB1": "I1", "CB2": "I2"}


def seed_channel_positions() -> dict[str, tuple[float, float, float]]:
    """Head positions (m) of SEED's 62 channels, by name, in SEED's order.

    Positions come from MNE's template 10-05 montage (``colin27_1005``, called
    ``standard_1005`` before MNE 1.13), matched case-insensitively; CB1 and CB2
    take the positions of I1 and I2 (below O1, O2).
    """
    import mne  # imported here: the channel names stay importable without MNE

    name = (
        "colin27_1005"
        if "colin27_1005" in mne.channels.get_builtin_montages()
        else "standard_1005"
    )
    positions = mne.channels.make_standard_montage(name).get_positions()
    by_name = {k.upper(): v for k, v in positions["ch_pos"].items()}
    return {
        channel: tuple(float(v) for v in by_name[_CEREBELLAR.get(channel, channel)])
        for channel in SEED_CHANNELS
    }
