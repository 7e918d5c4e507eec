import numpy as np
from sklearn.linear_model import LogisticRegression

from cmcrd_plugin.data import FeatureScaler, load_seed_v, seed_v_folds
from cmcrd_plugin.synthetic import write_seed_v


def test_same_seed_same_data_other_seed_other_data(tmp_path):
    a = load_seed_v(
        write_seed_v(
            tmp_path / "a", subjects=[2], seed=5, window_fraction=0.1, progress=False
        )
    )
    b = load_seed_v(
        write_seed_v(
            tmp_path / "b", subjects=[2], seed=5, window_fraction=0.1, progress=False
        )
    )
    c = load_seed_v(
        write_seed_v(
            tmp_path / "c", subjects=[2], seed=6, window_fraction=0.1, progress=False
        )
    )
    np.testing.assert_array_equal(a.eeg, b.eeg)
    np.testing.assert_array_equal(a.eye, b.eye)
    assert not np.allclose(a.eeg, c.eeg)


def _test_accuracy(windows, features):
    split = seed_v_folds(windows)[0]
    scaler = FeatureScaler().fit(features[split.train])
    model = LogisticRegression(max_iter=1000, C=0.1)
    model.fit(scaler.transform(features[split.train]), windows.label[split.train])
    return model.score(
        scaler.transform(features[split.test]), windows.label[split.test]
    )


def test_eye_carries_more_label_information_than_eeg(seed_v_root):
    windows = load_seed_v(seed_v_root, subjects=[1])
    eye_acc = _test_accuracy(windows, windows.eye)
    eeg_acc = _test_accuracy(windows, windows.eeg.reshape(len(windows), -1))
    assert eye_acc > eeg_acc + 0.1
    assert eeg_acc > 0.3  # well above chance (0.2): EEG is informative too


def test_windows_are_autocorrelated_within_trials(seed_v_root):
    w = load_seed_v(seed_v_root, subjects=[1])
    x = w.eye[:, 0]
    same_trial = (w.trial[1:] == w.trial[:-1]) & (w.session[1:] == w.session[:-1])
    within = np.corrcoef(x[1:][same_trial], x[:-1][same_trial])[0, 1]
    shuffled = np.random.default_rng(0).permutation(len(x))
    baseline = np.corrcoef(x[shuffled][1:], x[shuffled][:-1])[0, 1]
    assert within > 0.5 and abs(baseline) < 0.2


def test_subjects_and_sessions_are_shifted(seed_v_root):
    w = load_seed_v(seed_v_root)
    flat = w.eeg.reshape(len(w), -1)
    # per-feature means differ between subjects by far more than sampling noise
    diff = flat[w.subject == 1].mean(0) - flat[w.subject == 2].mean(0)
    assert np.abs(diff).mean() > 0.5
    one = w.subset(w.subject == 1)
    flat1 = one.eeg.reshape(len(one), -1)
    session_diff = flat1[one.session == 0].mean(0) - flat1[one.session == 1].mean(0)
    assert np.abs(session_diff).mean() > 0.2
