import numpy as np
import pytest

from cmcrd_plugin.data import FeatureScaler


def test_scaler_uses_training_statistics_only():
    rng = np.random.default_rng(0)
    train = rng.normal(5.0, 2.0, size=(500, 62, 5))
    test = rng.normal(8.0, 2.0, size=(100, 62, 5))
    scaler = FeatureScaler().fit(train)
    z_train, z_test = scaler.transform(train), scaler.transform(test)
    assert abs(z_train.mean()) < 1e-6 and z_train.dtype == np.float32
    assert z_test.mean() == pytest.approx(1.5, abs=0.1)  # (8 - 5) / 2: not re-centred


def test_scaler_errors():
    with pytest.raises(RuntimeError, match="not fitted"):
        FeatureScaler().transform(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="fitted on features of shape"):
        FeatureScaler().fit(np.zeros((2, 3))).transform(np.zeros((2, 4)))
