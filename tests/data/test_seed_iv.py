import shutil

import numpy as np
import pytest
import scipy.io

from cmcrd_plugin.data import DatasetFormatError
from cmcrd_plugin.data.seed_iv import load_seed_iv
from cmcrd_plugin.formats.seed_iv import (
    EEG_FEATURE_FOLDER,
    EEG_RAW_FOLDER,
    EYE_FOLDER,
    SESSION_LABELS,
    WINDOW_SAMPLES,
    SEEDIVRecord,
)
from cmcrd_plugin.synthetic.seed_iv import WINDOW_COUNTS

pytestmark = pytest.mark.timeout(20)  # a hang fails the test


@pytest.fixture
def copy_root(seed_iv_root, tmp_path):
    root = tmp_path / "SEED_IV"
    shutil.copytree(seed_iv_root, root)
    return root


def eeg_file(root, session=1, subject=1, folder=EEG_FEATURE_FOLDER):
    return SEEDIVRecord.at(root, subject, session, folder).eeg_path


def edit_mat(path, **changes):
    content = {
        k: v for k, v in scipy.io.loadmat(path).items() if not k.startswith("__")
    }
    for key, value in changes.items():
        if value is None:
            content.pop(key)
        else:
            content[key] = value
    scipy.io.savemat(path, content)


def test_features_pair_with_eye_and_carry_real_labels(seed_iv_root):
    w = load_seed_iv(seed_iv_root, features=["de_LDS", "psd_movingAve"])
    assert w.eeg.shape[1:] == (62, 10) and w.eye.shape[1] == 31
    one = w.subset((w.subject == 1) & (w.session == 0))  # folder "1"
    for t in range(24):
        rows = one.trial == t
        assert set(one.label[rows]) == {SESSION_LABELS[0][t]}
        assert rows.sum() == max(2, round(WINDOW_COUNTS[0][t] * 0.15))
    # EEG window w of trial t is column w of the (62, W, 5) array in the file
    content = scipy.io.loadmat(eeg_file(seed_iv_root))
    rows = np.flatnonzero(one.trial == 4)
    np.testing.assert_allclose(
        one.eeg[rows[1], :, :5], content["de_LDS5"][:, 1, :], rtol=1e-6
    )
    eye = scipy.io.loadmat(eeg_file(seed_iv_root, folder=EYE_FOLDER))["eye_5"]
    np.testing.assert_allclose(one.eye[rows[1]], eye[:, 1], rtol=1e-6)


def test_raw_windows_align_exactly_with_eye_windows(seed_iv_root):
    raw = load_seed_iv(seed_iv_root, raw=True, subjects=[2])
    feats = load_seed_iv(seed_iv_root, subjects=[2])
    assert raw.eeg.shape[1:] == (62, WINDOW_SAMPLES)
    np.testing.assert_array_equal(raw.eye, feats.eye)  # same windows, same order
    content = scipy.io.loadmat(eeg_file(seed_iv_root, subject=2, folder=EEG_RAW_FOLDER))
    signal = next(v for k, v in content.items() if k.endswith("_eeg7"))
    rows = np.flatnonzero((raw.session == 0) & (raw.trial == 6))
    for w, row in enumerate(rows):
        np.testing.assert_allclose(
            raw.eeg[row],
            signal[:, w * WINDOW_SAMPLES : (w + 1) * WINDOW_SAMPLES],
            rtol=1e-6,
        )


def test_eye_folder_may_be_flat_and_stray_files_are_ignored(copy_root):
    eye_dir = copy_root / EYE_FOLDER
    for path in list(eye_dir.rglob("*.mat")):
        if path.parent.name == "2":
            path.unlink()  # the flat variant only has one session here
            continue
        path.rename(eye_dir / path.name)
    shutil.rmtree(eye_dir / "2")
    shutil.rmtree(eye_dir / "1")
    shutil.rmtree(copy_root / EEG_FEATURE_FOLDER / "2")
    (copy_root / EEG_FEATURE_FOLDER / "1" / ".DS_Store").write_text("x")
    (copy_root / EEG_FEATURE_FOLDER / "1" / "notes.txt").write_text("x")
    w = load_seed_iv(copy_root)
    assert set(w.session) == {0}


def test_missing_eye_file_names_the_eeg_file(copy_root):
    eeg_file(copy_root, folder=EYE_FOLDER).unlink()
    with pytest.raises(DatasetFormatError, match="no eye-feature file.*1_20160518.mat"):
        load_seed_iv(copy_root)


def test_missing_folder(copy_root):
    shutil.rmtree(copy_root / EEG_FEATURE_FOLDER)
    with pytest.raises(DatasetFormatError, match=EEG_FEATURE_FOLDER):
        load_seed_iv(copy_root)


@pytest.mark.parametrize(
    "folder, changes, match",
    [
        (
            EEG_FEATURE_FOLDER,
            {"de_LDS3": None},
            r"de_LDS\{t\} for trials \[3\] missing",
        ),
        (
            EEG_FEATURE_FOLDER,
            {"de_LDS3": np.zeros((62, 4))},
            r"\[.de_LDS3.\].*\(62, n, 5\)",
        ),
        (
            EEG_FEATURE_FOLDER,
            {"de_LDS3": np.full((62, 4, 5), np.nan)},
            r"\['de_LDS3'\].*NaN",
        ),
        (
            EYE_FOLDER,
            {"eye_2": np.zeros((33, 5))},
            r"\[.eye_2.\].*\(31, n\)",
        ),
        (
            EYE_FOLDER,
            {"eye_9": None, "eye9": np.zeros((31, 5))},
            r"eye_\{t\} for trials \[9\]",
        ),
        (
            EEG_FEATURE_FOLDER,
            {"de_LDS1": np.zeros((62, 0, 5))},
            "trial 1: trial has no windows",
        ),
        (
            EYE_FOLDER,
            {"eye_4": np.full((31, 3), np.inf)},
            r"\['eye_4'\].*Inf",
        ),
    ],
)
def test_bad_content_names_file_and_key(copy_root, folder, changes, match):
    edit_mat(eeg_file(copy_root, folder=folder), **changes)
    with pytest.raises(DatasetFormatError, match=match):
        load_seed_iv(copy_root)


def test_window_count_mismatch_warns_and_uses_the_shorter(copy_root):
    path = eeg_file(copy_root, folder=EYE_FOLDER)
    eye = scipy.io.loadmat(path)["eye_1"]
    edit_mat(path, eye_1=eye[:, :-1])
    with pytest.warns(UserWarning, match="trial 1: EEG has .*, eye has"):
        w = load_seed_iv(copy_root, subjects=[1])
    assert ((w.session == 0) & (w.trial == 0)).sum() == eye.shape[1] - 1


def test_unreadable_mat_and_bad_arguments(copy_root):
    eeg_file(copy_root).write_bytes(b"garbage")
    with pytest.raises(DatasetFormatError, match="not a readable MATLAB file"):
        load_seed_iv(copy_root)
    with pytest.raises(ValueError, match="features must be"):
        load_seed_iv(copy_root, features=["de"])
    with pytest.raises(DatasetFormatError, match=r"subjects \[9\] not found"):
        load_seed_iv(copy_root, subjects=[9])


def test_missing_session_is_reported(copy_root):
    eeg_file(copy_root, session=2, subject=2).unlink()
    with pytest.warns(UserWarning, match=r"subject 2 has no files for sessions \[2\]"):
        w = load_seed_iv(copy_root)
    assert set(w.session[w.subject == 2]) == {0}


def trial_copy(path, key):
    return scipy.io.loadmat(path)[key]


@pytest.mark.parametrize(
    "folder, changes, match",
    [
        (EEG_FEATURE_FOLDER, {"de_LDS01": "de_LDS1"}, "'de_LDS1' and 'de_LDS01'"),
        (EYE_FOLDER, {"eye_01": "eye_1"}, "'eye_1' and 'eye_01'"),
        (EEG_RAW_FOLDER, {"xx_eeg7": "cz_eeg7"}, "'cz_eeg7' and 'xx_eeg7'"),
    ],
    ids=["de_LDS1 and de_LDS01", "eye_1 and eye_01", "two raw keys for trial 7"],
)
def test_two_keys_for_one_trial_are_refused_naming_both(
    copy_root, folder, changes, match
):
    path = eeg_file(copy_root, folder=folder)
    edit_mat(path, **{new: trial_copy(path, old) for new, old in changes.items()})
    with pytest.raises(DatasetFormatError, match=rf"{path}: keys {match} both name"):
        load_seed_iv(copy_root, raw=folder == EEG_RAW_FOLDER)


@pytest.mark.parametrize("key", ["de_LDS25", "de_LDS0"])
def test_keys_outside_trials_1_to_24_are_refused(copy_root, key):
    path = eeg_file(copy_root)
    edit_mat(path, **{key: trial_copy(path, "de_LDS1")})
    with pytest.raises(DatasetFormatError, match=rf"key '{key}' names trial .*outside"):
        load_seed_iv(copy_root)


@pytest.mark.parametrize(
    "folder, key", [(EEG_FEATURE_FOLDER, "de_LDS2"), (EYE_FOLDER, "eye_2")]
)
def test_complex_values_are_refused(copy_root, folder, key):
    path = eeg_file(copy_root, folder=folder)
    edit_mat(path, **{key: trial_copy(path, key) * (1 + 1j)})
    with pytest.raises(DatasetFormatError, match=rf"\['{key}'\]: .*dtype complex128"):
        load_seed_iv(copy_root)
