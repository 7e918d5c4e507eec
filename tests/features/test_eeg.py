import numpy as np
import pytest

from cmcrd_plugin.data.channels import BANDS
from cmcrd_plugin.features.eeg import (
    EEG_BANDS,
    differential_entropy,
    gaussian_differential_entropy,
)

SFREQ = 200.0
T = np.arange(800) / SFREQ  # one 4-s window


def test_bands_are_seeds():
    assert [name for name, _, _ in EEG_BANDS] == list(BANDS)
    assert [(lo, hi) for _, lo, hi in EEG_BANDS] == [
        (1, 4),
        (4, 8),
        (8, 14),
        (14, 31),
        (31, 50),
    ]


@pytest.mark.parametrize(("band", "freq"), [(0, 2.5), (2, 10.0), (3, 20.0), (4, 40.0)])
def test_de_of_a_sine_is_the_gaussian_formula_of_its_variance(band, freq):
    amplitude = 3.0
    x = amplitude * np.sin(2 * np.pi * freq * T)[None, None]
    de = differential_entropy(x, SFREQ)
    expected = 0.5 * np.log(2 * np.pi * np.e * amplitude**2 / 2)
    assert de[0, 0, band] == pytest.approx(expected, abs=0.02)
    assert gaussian_differential_entropy(amplitude**2 / 2) == pytest.approx(expected)
    others = np.delete(de[0, 0], band)
    assert (others < expected - 5).all()


def test_de_of_white_noise_matches_band_variance():
    rng = np.random.default_rng(0)
    x = rng.normal(scale=2.0, size=(50, 1, 800))
    de = differential_entropy(x, SFREQ).mean(axis=0)[0]
    # white noise of variance 4 spread over 0-100 Hz: variance 4 * width / 100
    widths = np.array([hi - lo for _, lo, hi in EEG_BANDS])
    expected = 0.5 * np.log(2 * np.pi * np.e * 4 * widths / 100)
    assert de == pytest.approx(expected, abs=0.1)


def test_alpha_channel_has_higher_alpha_de_shapes_dtype_finite():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(7, 3, 800))
    x[:, 1] += 5 * np.sin(2 * np.pi * 10 * T)
    de = differential_entropy(x, SFREQ)
    assert de.shape == (7, 3, 5) and de.dtype == np.float32
    assert np.isfinite(de).all()
    assert (de[:, 1, 2] > de[:, 0, 2] + 1).all()
    assert (de[:, 1, 2] > de[:, 2, 2] + 1).all()


def test_any_montage_and_sfreq_and_flat_channel_stays_finite():
    x = np.zeros((2, 4, 500))
    x[:, 0] = np.sin(2 * np.pi * 10 * np.arange(500) / 250.0)
    de = differential_entropy(x, 250.0)
    assert de.shape == (2, 4, 5) and np.isfinite(de).all()
    assert (de[:, 1:] < de[:, :1, 2:3]).all()


def test_segments_agree_with_the_whole_window():
    x = 2.0 * np.sin(2 * np.pi * 10 * T)[None, None]
    whole = differential_entropy(x, SFREQ)[0, 0, 2]
    welch = differential_entropy(x, SFREQ, segment_seconds=1.0)[0, 0, 2]
    assert welch == pytest.approx(whole, abs=0.05)


def test_too_low_sfreq_nan_and_bad_segment_raise():
    with pytest.raises(ValueError, match="Nyquist"):
        differential_entropy(np.zeros((1, 1, 400)), 80.0)
    with pytest.raises(ValueError, match="NaN"):
        differential_entropy(np.full((1, 1, 800), np.nan), SFREQ)
    with pytest.raises(ValueError, match="segment_seconds"):
        differential_entropy(np.zeros((1, 1, 800)), SFREQ, segment_seconds=10.0)
