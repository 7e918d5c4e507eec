import hashlib

import numpy as np
import pytest
from sklearn.feature_selection import f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from cmcrd_plugin.data import load_paired_npz, load_seed_v, seed_v_folds
from cmcrd_plugin.data.channels import SEED_CHANNELS
from cmcrd_plugin.data.seed_v import read_pickled_member
from cmcrd_plugin.formats.seed_v import (
    DATA_MEMBER,
    EEG_FOLDER,
    EYE_DIM,
    EYE_FOLDER,
    LABEL_MEMBER,
    N_CLASSES,
    SESSION_LABELS,
    subject_file,
)
from cmcrd_plugin.synthetic import (
    PrivilegedEyeGenerator,
    write_positive_control_seed_v,
    write_seed_v,
    write_wide_positive_control,
)
from cmcrd_plugin.synthetic.controls import INFORMATIVE_CHANNELS
from cmcrd_plugin.synthetic.seed_v import WINDOW_COUNTS

INFORMATIVE = np.isin(SEED_CHANNELS, INFORMATIVE_CHANNELS)


@pytest.fixture(scope="module")
def control_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("positive_control")
    return write_positive_control_seed_v(
        root, subjects=[1, 2], window_fraction=0.25, progress=False
    )


@pytest.fixture(scope="module")
def wide_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("wide") / "wide_positive_control.npz"
    return write_wide_positive_control(
        path, subjects=[1, 2], window_fraction=0.25, progress=False
    )


def held_out_accuracy(windows, features):
    """Logistic regression, SEED-V fold 1 (trials 0-4 of every session held out)."""
    split = seed_v_folds(windows)[0]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, C=0.1))
    model.fit(features[split.train], windows.label[split.train])
    return model.score(features[split.test], windows.label[split.test])


def trial_mean_f(windows, features):
    """Per-feature ANOVA F of the class on trial means, centred per subject-session.

    Trial means, not windows: windows of a trial are correlated, so a
    window-level F would be inflated for class-free features too.
    """
    keys = np.stack([windows.subject, windows.session, windows.trial], axis=1)
    trials, trial_of = np.unique(keys, axis=0, return_inverse=True)
    trial_of = trial_of.reshape(-1)
    means = np.stack([features[trial_of == t].mean(0) for t in range(len(trials))])
    labels = np.array([windows.label[trial_of == t][0] for t in range(len(trials))])
    for group in np.unique(trials[:, :2], axis=0):
        rows = (trials[:, :2] == group).all(axis=1)
        means[rows] -= means[rows].mean(axis=0)
    return f_classif(means, labels)[0]


def test_positive_control_has_the_real_seed_v_layout(control_root):
    for folder in (EEG_FOLDER, EYE_FOLDER):
        assert sorted(p.name for p in (control_root / folder).iterdir()) == [
            subject_file(1),
            subject_file(2),
        ]
    windows = load_seed_v(control_root)
    assert windows.eeg.shape[1:] == (62, 5) and windows.eye.shape[1:] == (EYE_DIM,)
    one = windows.subset(windows.subject == 1)
    for session in range(3):
        for trial in range(15):
            rows = (one.session == session) & (one.trial == trial)
            assert set(one.label[rows]) == {SESSION_LABELS[session][trial]}
            assert rows.sum() == max(4, round(WINDOW_COUNTS[session * 15 + trial] / 4))


def test_only_the_informative_channels_depend_on_the_label():
    generator = PrivilegedEyeGenerator(N_CLASSES, EYE_DIM, seed=3)
    # the same random streams, two different labels
    eeg_a, eye_a = generator.subject(1, 3).trial(0, 0, 20)
    eeg_b, eye_b = generator.subject(1, 3).trial(0, 4, 20)
    differs = (eeg_a != eeg_b).reshape(20, 62, 5).any(axis=(0, 2))
    np.testing.assert_array_equal(differs, INFORMATIVE)
    assert INFORMATIVE.sum() == 12
    assert (eye_a != eye_b).all()


def test_only_the_informative_channels_separate_the_classes(control_root):
    windows = load_seed_v(control_root)
    f = trial_mean_f(windows, windows.eeg.reshape(len(windows), -1))
    per_channel = f.reshape(62, 5).mean(axis=1)
    informative, other = per_channel[INFORMATIVE], per_channel[~INFORMATIVE]
    assert 0.8 < other.mean() < 1.2  # class-free: F near its null mean of 1
    assert informative.mean() > 1.6 * other.mean()


def test_eye_separates_the_classes_better_than_the_eeg(control_root):
    windows = load_seed_v(control_root)
    for subject in (1, 2):
        one = windows.subset(windows.subject == subject)
        eye = held_out_accuracy(one, one.eye)
        eeg = held_out_accuracy(one, one.eeg.reshape(len(one), -1))
        assert eye > 0.7 and eye > eeg + 0.4


def test_informative_channels_and_eye_are_the_demos(control_root, tmp_path):
    control = load_seed_v(control_root, subjects=[1])
    demo = load_seed_v(
        write_seed_v(tmp_path, subjects=[1], window_fraction=0.25, progress=False)
    )
    np.testing.assert_array_equal(control.eye, demo.eye)
    np.testing.assert_array_equal(control.eeg[:, INFORMATIVE], demo.eeg[:, INFORMATIVE])
    assert not np.allclose(control.eeg[:, ~INFORMATIVE], demo.eeg[:, ~INFORMATIVE])


def test_positive_control_is_deterministic_and_seeded(tmp_path, control_root):
    again = write_positive_control_seed_v(
        tmp_path / "a", subjects=[1], window_fraction=0.25, progress=False
    )
    other = write_positive_control_seed_v(
        tmp_path / "b", subjects=[1], seed=1, window_fraction=0.25, progress=False
    )
    first = load_seed_v(control_root, subjects=[1])
    np.testing.assert_array_equal(load_seed_v(again).eeg, first.eeg)
    assert not np.allclose(load_seed_v(other).eeg, first.eeg)


def test_wide_control_has_1550_eeg_features_in_the_paired_npz_format(wide_path):
    windows = load_paired_npz(wide_path)
    assert windows.eeg.shape[1:] == (1550,) and windows.eye.shape[1:] == (EYE_DIM,)
    assert set(windows.subject) == {1, 2}
    assert len(seed_v_folds(windows)) == 3


def test_wide_control_is_the_demo_followed_by_class_free_features(wide_path, tmp_path):
    wide = load_paired_npz(wide_path, subjects=[1])
    demo = load_seed_v(
        write_seed_v(tmp_path, subjects=[1], window_fraction=0.25, progress=False)
    )
    np.testing.assert_array_equal(wide.eeg[:, :310], demo.eeg.reshape(len(demo), -1))
    np.testing.assert_array_equal(wide.eye, demo.eye)
    np.testing.assert_array_equal(wide.label, demo.label)
    np.testing.assert_array_equal(wide.window, demo.window)
    generator = PrivilegedEyeGenerator(
        N_CLASSES, EYE_DIM, informative_channels=SEED_CHANNELS, n_nuisance_features=1240
    )
    eeg_a, _ = generator.subject(1, 3).trial(0, 0, 10)
    eeg_b, _ = generator.subject(1, 3).trial(0, 2, 10)
    assert (eeg_a[:, :310] != eeg_b[:, :310]).all()
    np.testing.assert_array_equal(eeg_a[:, 310:], eeg_b[:, 310:])


def test_wide_control_nuisance_count_and_eye_advantage(tmp_path, wide_path):
    small = load_paired_npz(
        write_wide_positive_control(
            tmp_path / "small.npz",
            subjects=[1],
            n_nuisance=100,
            window_fraction=0.1,
            progress=False,
        )
    )
    assert small.eeg.shape[1:] == (410,)
    one = load_paired_npz(wide_path, subjects=[1])
    assert held_out_accuracy(one, one.eye) > held_out_accuracy(one, one.eeg) + 0.4


def test_wide_control_keeps_an_existing_file_unless_overwrite(tmp_path):
    path = tmp_path / "wide.npz"
    path.write_bytes(b"kept")
    write_wide_positive_control(path, subjects=[1], window_fraction=0.1, progress=False)
    assert path.read_bytes() == b"kept"
    write_wide_positive_control(
        path, subjects=[1], window_fraction=0.1, overwrite=True, progress=False
    )
    assert len(load_paired_npz(path)) > 0


def test_generator_arguments_are_checked():
    with pytest.raises(ValueError, match=r"\['XYZ'\] are not SEED channel names"):
        PrivilegedEyeGenerator(5, 33, informative_channels=("T7", "XYZ"))
    with pytest.raises(ValueError, match="seed"):
        PrivilegedEyeGenerator(5, 33, seed=-1)
    with pytest.raises(ValueError, match="n_nuisance_features"):
        PrivilegedEyeGenerator(5, 33, n_nuisance_features=-1)


# Digest of the demo's data: write_seed_v with every default, each trial's
# arrays rounded to 4 decimals (robust to last-bit differences between BLAS
# builds). The controls must not change it; neither may anything else
# without a deliberate update of this value.
DEMO_DIGEST = "3c31fdc16eec87f1e7c3dd2277fbbd7f7194a8dd5bba4c1d8335f61ae201725d"


def test_default_demo_data_are_unchanged(tmp_path):
    root = write_seed_v(tmp_path, progress=False)
    digest = hashlib.sha256()
    for folder in (EEG_FOLDER, EYE_FOLDER):
        for path in sorted((root / folder).iterdir(), key=lambda p: p.name):
            digest.update(path.name.encode())
            for member in (DATA_MEMBER, LABEL_MEMBER):
                table = read_pickled_member(path, member)
                for key in sorted(table):
                    # + 0.0 turns -0.0 into 0.0
                    digest.update((np.round(table[key], 4) + 0.0).tobytes())
    assert digest.hexdigest() == DEMO_DIGEST
