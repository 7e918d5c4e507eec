r"""Differential entropy (DE) of EEG windows per channel and frequency band.

For a band-limited signal that is Gaussian with variance :math:`\sigma^2`,
the differential entropy is

.. math:: h = \tfrac12 \log\left(2 \pi e \, \sigma^2\right) \quad \text{(nats)}.

The variance of a window's signal within a band is its band power: the
one-sided power spectral density integrated over the band. The PSD comes
from :func:`mne.time_frequency.psd_array_welch` (Hann window, the DC removed;
by default one segment spanning the whole window, i.e. a Hann periodogram;
zero-padded so that every band holds at least four frequency bins), and the
band power is ``psd[f_lo <= f < f_hi].sum() * df``. All windows and channels
are computed in one call: there is no Python loop over windows.

The bands are SEED's (:data:`EEG_BANDS`): delta 1-4, theta 4-8, alpha
8-14, beta 14-31 and gamma 31-50 Hz, in the order of
:data:`cmcrd_plugin.data.channels.BANDS`. A band with zero power (a flat
channel) is given the power :data:`POWER_FLOOR`, so that its DE is finite
(and very low) instead of ``-inf``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from mne.time_frequency import psd_array_welch

from ..data.channels import BANDS

Band = tuple[str, float, float]

EEG_BANDS: tuple[Band, ...] = tuple(
    zip(BANDS, (1.0, 4.0, 8.0, 14.0, 31.0), (4.0, 8.0, 14.0, 31.0, 50.0), strict=True)
)
"""SEED's five bands ``(name, low Hz, high Hz)``; a band holds ``low <= f < high``."""

POWER_FLOOR = 1e-30
"""Band power (signal unit squared) below which a band's power is raised."""

_MIN_BINS_PER_BAND = 4


def check_bands(bands: Sequence[Band], sfreq: float) -> None:
    """Raise ``ValueError`` unless every band lies in ``(0, sfreq / 2]``."""
    if not bands:
        raise ValueError("no frequency bands given")
    for name, low, high in bands:
        if not 0 <= low < high:
            raise ValueError(f"band {name!r}: need 0 <= low < high, got {low}-{high}")
        if high > sfreq / 2:
            raise ValueError(
                f"band {name!r} reaches {high} Hz, above the Nyquist frequency "
                f"{sfreq / 2} Hz of sfreq={sfreq}: sample at {2 * high} Hz or more"
            )


def band_power(
    windows: np.ndarray,
    sfreq: float,
    bands: Sequence[Band] = EEG_BANDS,
    *,
    segment_seconds: float | None = None,
) -> np.ndarray:
    """Power in each band of each window and channel (signal unit squared).

    Parameters
    ----------
    windows : array, shape (..., n_times)
        Finite samples; any leading shape (windows, channels).
    sfreq : float
        Sampling frequency in Hz.
    bands : sequence of (name, low, high)
        Frequency bands in Hz, each ``low <= f < high``.
    segment_seconds : float, optional
        Length of Welch's segments (50 % overlap). Default: one segment the
        length of the window.

    Returns
    -------
    ndarray, shape (..., n_bands), float64
    """
    x = np.asarray(windows, dtype=np.float64)
    if x.ndim < 1 or x.shape[-1] < 2:
        raise ValueError(f"windows need a time axis of 2 or more samples: {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("windows contain NaN or Inf samples")
    check_bands(bands, sfreq)
    n_times = x.shape[-1]
    n_per_seg = n_times
    if segment_seconds is not None:
        n_per_seg = int(round(segment_seconds * sfreq))
        if not 2 <= n_per_seg <= n_times:
            raise ValueError(
                f"segment_seconds={segment_seconds} gives {n_per_seg} samples; "
                f"need 2 to {n_times} (the window)"
            )
    narrowest = min(high - low for _, low, high in bands)
    n_fft = max(n_per_seg, math.ceil(_MIN_BINS_PER_BAND * sfreq / narrowest))
    psd, freqs = psd_array_welch(
        x,
        sfreq,
        fmin=0.0,
        fmax=sfreq / 2,
        n_fft=n_fft,
        n_per_seg=n_per_seg,
        n_overlap=n_per_seg // 2 if n_per_seg < n_times else 0,
        window="hann",
        verbose=False,
    )
    df = sfreq / n_fft
    power = np.stack(
        [
            psd[..., (freqs >= low) & (freqs < high)].sum(-1) * df
            for _, low, high in bands
        ],
        axis=-1,
    )
    return np.maximum(power, POWER_FLOOR)


def gaussian_differential_entropy(variance: np.ndarray) -> np.ndarray:
    """``0.5 * log(2 * pi * e * variance)``: the DE of a Gaussian, in nats."""
    return 0.5 * np.log(2 * np.pi * np.e * np.asarray(variance))


def differential_entropy(
    windows: np.ndarray,
    sfreq: float,
    bands: Sequence[Band] = EEG_BANDS,
    *,
    segment_seconds: float | None = None,
) -> np.ndarray:
    """Differential entropy per window, channel and band.

    Parameters
    ----------
    windows : array, shape (n_windows, n_channels, n_times)
        Raw EEG windows of any montage (any leading shape works).
    sfreq : float
        Sampling frequency in Hz; above twice the top band (100 Hz for
        SEED's bands).
    bands : sequence of (name, low, high)
        Default :data:`EEG_BANDS`, SEED's five.
    segment_seconds : float, optional
        Welch segment length; default the whole window.

    Returns
    -------
    ndarray, shape (n_windows, n_channels, n_bands), float32
        ``0.5 * log(2 * pi * e * band_power)`` in nats.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(3, 62, 800))
    >>> differential_entropy(x, 200.0).shape
    (3, 62, 5)
    """
    power = band_power(windows, sfreq, bands, segment_seconds=segment_seconds)
    return gaussian_differential_entropy(power).astype(np.float32)
