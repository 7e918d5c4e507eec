import pickle
import shutil

import numpy as np
import pytest

from cmcrd_plugin.data import DatasetFormatError, load_seed
from cmcrd_plugin.formats.seed import (
    DEFAULT_LANGUAGE,
    EEG_FOLDER,
    EYE_FOLDER,
    RELEASE_FOLDER,
    eeg_file,
    eye_file,
)
from cmcrd_plugin.synthetic.seed import WINDOW_COUNTS, write_seed

pytestmark = pytest.mark.timeout(20)  # a hang fails the test


@pytest.fixture(scope="module")
def seed_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("seed")
    write_seed(
        root, subjects=[1, 2], sessions=[1, 2], window_fraction=0.2, progress=False
    )
    return root


@pytest.fixture
def copy_root(seed_root, tmp_path):
    shutil.copytree(seed_root, tmp_path / "r")
    return tmp_path / "r"


def base(root):
    return root / RELEASE_FOLDER / DEFAULT_LANGUAGE


def test_band_major_features_and_clip_trials(seed_root):
    w = load_seed(seed_root)
    assert w.eeg.shape[1:] == (62, 5) and w.eye.shape[1] == 33
    assert set(w.label) == {0, 1, 2}
    one = w.subset((w.subject == 1) & (w.session == 0))
    counts = [max(2, round(n * 0.2)) for n in WINDOW_COUNTS]
    # clips 3 and 4 (both negative, adjacent) share trial id 2; the others are exact
    expected = {0: counts[0], 1: counts[1], 2: counts[2] + counts[3]}
    expected.update({c: counts[c] for c in range(4, 15)})
    assert {t: int((one.trial == t).sum()) for t in np.unique(one.trial)} == expected
    # the band-major 310-vector becomes (62, 5): band b of channel c
    with np.load(base(seed_root) / EEG_FOLDER / eeg_file(1, 1)) as f:
        bands = pickle.loads(f["train_data"].item())
    np.testing.assert_allclose(one.eeg[3, 10, 2], bands["alpha"][3, 10], rtol=1e-6)


def test_mat_eye_variant(tmp_path):
    write_seed(
        tmp_path,
        subjects=[3],
        sessions=[2],
        window_fraction=0.1,
        eye_format="mat",
        progress=False,
    )
    w = load_seed(tmp_path)
    assert set(w.subject) == {3} and set(w.session) == {1}


def test_subject_without_eye_data_is_reported(copy_root):
    (base(copy_root) / EYE_FOLDER / eye_file(2, 2)).unlink()
    with pytest.warns(UserWarning, match="no eye-tracking file for 2_2"):
        w = load_seed(copy_root)
    assert not ((w.subject == 2) & (w.session == 1)).any()


@pytest.mark.parametrize(
    "member, value, match",
    [
        (
            "train_data",
            pickle.dumps({"delta": np.zeros((3, 62))}),
            r"\[train_data\]: expected keys",
        ),
        ("test_label", None, "member 'test_label' missing"),
        ("train_data", np.zeros(3), "0-d bytes array"),
    ],
)
def test_bad_eeg_npz(copy_root, member, value, match):
    path = base(copy_root) / EEG_FOLDER / eeg_file(1, 1)
    with np.load(path) as f:
        members = {k: f[k] for k in f.files}
    if value is None:
        members.pop(member)
    else:
        members[member] = value
    np.savez(path, **members)
    with pytest.raises(DatasetFormatError, match=match):
        load_seed(copy_root)


def test_bad_eye_pickle(copy_root):
    path = base(copy_root) / EYE_FOLDER / eye_file(1, 1)
    eye = pickle.loads(path.read_bytes())
    path.write_bytes(
        pickle.dumps({**eye, "test_data_eye": eye["test_data_eye"][:, :31]})
    )
    with pytest.raises(DatasetFormatError, match=r"test_data_eye.*\(n_windows, 33\)"):
        load_seed(copy_root)
    path.write_bytes(pickle.dumps({"train_data_eye": eye["train_data_eye"]}))
    with pytest.raises(DatasetFormatError, match="'test_data_eye' missing"):
        load_seed(copy_root)


def test_missing_layout(tmp_path):
    with pytest.raises(DatasetFormatError, match="SEED_Multimodal/Chinese"):
        load_seed(tmp_path)


def test_seed_protocol_split_and_label_count_mismatch(seed_root, copy_root):
    from cmcrd_plugin.data import seed_split

    w = load_seed(seed_root)
    s = seed_split(w)
    assert set(w.trial[s.test]) == set(range(9, 15))
    assert set(w.trial[s.train]) | set(w.trial[s.valid]) <= set(range(9))
    assert set(w.label[s.valid]) == {0, 1, 2}
    # a label vector shorter than the windows: warn, use the shorter
    path = base(copy_root) / EEG_FOLDER / eeg_file(1, 1)
    with np.load(path) as f:
        members = {k: f[k] for k in f.files}
    members["test_label"] = members["test_label"][:-2]
    np.savez(path, **members)
    with pytest.warns(UserWarning, match="1_1.npz test: EEG has .* label has"):
        w2 = load_seed(copy_root, subjects=[1])
    assert len(w2) == len(w.subset(w.subject == 1)) - 2


def edit_eeg(root, **members):
    path = base(root) / EEG_FOLDER / eeg_file(1, 1)
    with np.load(path) as f:
        content = {k: f[k] for k in f.files}
    np.savez(path, **(content | members))
    return path


def labels_with(root, part, value):
    with np.load(base(root) / EEG_FOLDER / eeg_file(1, 1)) as f:
        labels = f[f"{part}_label"].astype(float)
    labels[-1] = value
    return labels


@pytest.mark.parametrize(
    "value, match",
    [
        (5, "label 5 at row .* is outside -1..2"),
        (2.5, r"expected integers, got .*2\.5"),
        (1e12, "label 1000000000000 at row .* is outside -1..2"),
    ],
    ids=["5", "2.5", "10**12"],
)
def test_labels_are_class_ids(copy_root, value, match):
    path = edit_eeg(copy_root, test_label=labels_with(copy_root, "test", value))
    with pytest.raises(DatasetFormatError, match=rf"{path}\[test_label\]: {match}"):
        load_seed(copy_root)


def test_clip_labels_and_class_ids_are_not_mixed(copy_root):
    # the writer stores -1/0/1; a 2 beside them is neither convention
    path = edit_eeg(copy_root, train_label=labels_with(copy_root, "train", 2))
    with pytest.raises(DatasetFormatError, match=rf"{path}\[train_label\]: label 2"):
        load_seed(copy_root)


def test_complex_values_are_refused(copy_root):
    with np.load(base(copy_root) / EEG_FOLDER / eeg_file(1, 1)) as f:
        bands = pickle.loads(f["train_data"].item())
    bands["gamma"] = bands["gamma"] * (1 + 1j)
    edit_eeg(copy_root, train_data=pickle.dumps(bands))
    with pytest.raises(DatasetFormatError, match=r"\['gamma'\]: .*complex128"):
        load_seed(copy_root)


@pytest.mark.timeout(20)
@pytest.mark.usefixtures("hard_timeout")  # np.asarray of it never returns
def test_a_nested_list_eye_pickle_is_refused_without_converting_it(copy_root):
    path = base(copy_root) / EYE_FOLDER / eye_file(1, 1)
    nested: list = [[0.0] * 33]
    for _ in range(40):
        nested = [nested, nested]
    path.write_bytes(pickle.dumps({"train_data_eye": nested, "test_data_eye": nested}))
    with pytest.raises(DatasetFormatError, match=rf"{path}.*refusing a list"):
        load_seed(copy_root)


@pytest.mark.parametrize(
    "kind, phrase",
    [
        ("directory", "is a directory"),
        ("fifo", r"is a FIFO \(named pipe\)"),
        ("broken link", "broken symbolic link"),
    ],
)
def test_an_unreadable_eye_file_is_an_error_not_a_missing_one(copy_root, kind, phrase):
    import os

    path = base(copy_root) / EYE_FOLDER / eye_file(2, 2)
    path.unlink()
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(path.parent / "gone")
    with pytest.raises(DatasetFormatError, match=rf"{path}: {phrase}"):
        load_seed(copy_root)
