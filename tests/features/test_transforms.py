import numpy as np
import pytest
from eye_recordings import make_eye_raw

from cmcrd_plugin.features import (
    DifferentialEntropy,
    DifferentialEntropyTransform,
    EyeFeatureTransform,
    differential_entropy,
)

X = np.random.default_rng(0).normal(size=(4, 3, 800))


def test_braindecode_style_callable_on_one_window_and_on_arrays():
    de = DifferentialEntropy(200.0)
    np.testing.assert_array_equal(de(X), differential_entropy(X, 200.0))
    one = de(X[0].astype(np.float32))
    assert one.shape == (3, 5) and one.dtype == np.float32
    np.testing.assert_allclose(one, de(X)[0], atol=1e-4)
    assert "alpha" in repr(de)
    with pytest.raises(ValueError, match="Nyquist"):
        DifferentialEntropy(60.0)


def test_torch_tensors_are_accepted():
    torch = pytest.importorskip("torch")
    out = DifferentialEntropy(200.0)(torch.from_numpy(X[0]))
    assert out.shape == (3, 5)


def test_torcheeg_call_convention():
    t = DifferentialEntropyTransform(200.0)
    out = t(eeg=X[0], y=3, baseline=None)
    assert set(out) == {"eeg", "y"} and out["y"] == 3
    assert out["eeg"].shape == (3, 5)
    with pytest.raises(KeyError):
        t(X[0])
    both = DifferentialEntropyTransform(200.0, apply_to_baseline=True)
    assert both(eeg=X[0], baseline=X[1])["baseline"].shape == (3, 5)


def test_composes_with_torcheeg():
    transforms = pytest.importorskip("torcheeg.transforms")
    pipeline = transforms.Compose(
        [DifferentialEntropyTransform(200.0), transforms.ToTensor()]
    )
    assert tuple(pipeline(eeg=X[0])["eeg"].shape) == (3, 5)


def test_eye_transform_on_raw_and_epochs():
    import mne

    raw = make_eye_raw()
    t = EyeFeatureTransform(window=2.0)
    assert t(raw).features.shape == (10, 25)
    epochs = mne.make_fixed_length_epochs(raw, 4.0, preload=True, verbose=False)
    assert t(epochs).features.shape == (5, 25)
