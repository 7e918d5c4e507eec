import pickle

import numpy as np
import pytest

from cmcrd_plugin.data import DatasetFormatError, UnsafePickleError, load_seed_v
from cmcrd_plugin.formats.seed_v import (
    EEG_FOLDER,
    EYE_FOLDER,
    SESSION_LABELS,
    SEEDVRecord,
)
from cmcrd_plugin.synthetic import write_seed_v
from cmcrd_plugin.synthetic.seed_v import WINDOW_COUNTS

pytestmark = pytest.mark.timeout(20)  # a hang fails the test
RNG = np.random.default_rng(0)


def write_raw(root, subject=1, eeg=None, eye=None, labels=None, eye_labels=None, n=3):
    """Write one SEED-V subject by hand, exactly in the documented format."""
    keys = range(45)
    eeg = eeg if eeg is not None else {k: RNG.random((n, 310)) for k in keys}
    eye = eye if eye is not None else {k: RNG.random((n, 33)) for k in keys}
    labels = (
        labels
        if labels is not None
        else {k: np.full(n, float(SESSION_LABELS[k // 15][k % 15])) for k in keys}
    )
    record = SEEDVRecord.at(root, subject)
    for path, data in ((record.eeg_path, eeg), (record.eye_path, eye)):
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            path,
            data=pickle.dumps(data),
            label=pickle.dumps(labels if eye_labels is None else eye_labels),
        )
    return root


def test_writer_files_load_with_real_layout_and_labels(seed_v_root):
    windows = load_seed_v(seed_v_root)
    assert windows.eeg.shape[1:] == (62, 5) and windows.eye.shape[1] == 33
    assert windows.eeg.dtype == np.float32 and windows.label.dtype == np.int64
    assert set(windows.subject) == {1, 2}
    one = windows.subset(windows.subject == 1)
    for session in range(3):
        for trial in range(15):
            rows = (one.session == session) & (one.trial == trial)
            assert set(one.label[rows]) == {SESSION_LABELS[session][trial]}
            expected = max(4, round(WINDOW_COUNTS[session * 15 + trial] * 0.25))
            assert rows.sum() == expected
            np.testing.assert_array_equal(one.window[rows], np.arange(expected))


def test_eeg_rows_are_channel_major(tmp_path):
    row = np.arange(310.0)
    write_raw(tmp_path, eeg={k: np.tile(row, (3, 1)) for k in range(45)})
    eeg = load_seed_v(tmp_path).eeg
    # (channel, band) = row[channel * 5 + band]
    assert eeg[0, 7, 3] == 7 * 5 + 3 and eeg[0, 61, 4] == 309


def test_missing_folder_names_it(tmp_path):
    write_raw(tmp_path)
    SEEDVRecord.at(tmp_path, 1).eye_path.unlink()
    (tmp_path / EYE_FOLDER).rmdir()
    with pytest.raises(DatasetFormatError, match=EYE_FOLDER):
        load_seed_v(tmp_path)


def test_subject_with_only_eeg_is_reported(tmp_path):
    write_raw(tmp_path, subject=1)
    write_raw(tmp_path / "other", subject=2)
    SEEDVRecord.at(tmp_path / "other", 2).eeg_path.rename(
        SEEDVRecord.at(tmp_path, 2).eeg_path
    )
    (tmp_path / EEG_FOLDER / ".DS_Store").write_text("stray")
    with pytest.warns(UserWarning, match=r"subjects \[2\]"):
        windows = load_seed_v(tmp_path)
    assert set(windows.subject) == {1}
    with (
        pytest.raises(DatasetFormatError, match=r"subjects \[2\] not found"),
        pytest.warns(UserWarning),
    ):
        load_seed_v(tmp_path, subjects=[2])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (
            dict(eeg={k: RNG.random((3, 300)) for k in range(45)}),
            r"\[data\]\[0\].*310",
        ),
        (
            dict(eye={k: RNG.random(3) for k in range(45)}),
            r"Eye_movement.*\[data\]\[0\]",
        ),
        (
            dict(eeg={k: RNG.random((3, 310)) for k in range(44)}),
            r"trial keys \[44\] missing",
        ),
        (
            dict(
                eeg={k: np.full((3, 310), np.nan if k == 5 else 1.0) for k in range(45)}
            ),
            r"\[data\]\[5\]: contains NaN",
        ),
        (dict(eeg={k: RNG.random((0, 310)) for k in range(45)}), "no windows"),
    ],
)
def test_bad_content_names_file_and_key(tmp_path, kwargs, match):
    write_raw(tmp_path, **kwargs)
    with pytest.raises(DatasetFormatError, match=match):
        load_seed_v(tmp_path)


def test_missing_member_and_non_pickle_member(tmp_path):
    write_raw(tmp_path)
    path = SEEDVRecord.at(tmp_path, 1).eeg_path
    np.savez(path, data=pickle.dumps({}))
    with pytest.raises(DatasetFormatError, match="member 'label' missing"):
        load_seed_v(tmp_path)
    np.savez(path, data=np.zeros(3), label=np.zeros(3))
    with pytest.raises(DatasetFormatError, match="0-d bytes array"):
        load_seed_v(tmp_path)


def test_window_count_mismatch_warns_and_uses_the_shorter(tmp_path):
    eye = {k: RNG.random((2 if k == 0 else 3, 33)) for k in range(45)}
    write_raw(tmp_path, eye=eye)
    with pytest.warns(UserWarning, match="trial key 0: EEG has 3, eye has 2"):
        windows = load_seed_v(tmp_path)
    assert ((windows.session == 0) & (windows.trial == 0)).sum() == 2


def test_hostile_pickle_inside_npz_is_refused(tmp_path):
    import os

    marker = tmp_path / "pwned"

    class Hostile:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    write_raw(tmp_path, eeg={0: Hostile()})
    with pytest.raises(UnsafePickleError, match=EEG_FOLDER):
        load_seed_v(tmp_path)
    assert not marker.exists()


def test_writer_is_atomic(tmp_path, monkeypatch):
    import cmcrd_plugin.synthetic.seed_v as writer

    def failing_savez(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(writer.np, "savez", failing_savez)
    with pytest.raises(OSError, match="disk full"):
        write_seed_v(tmp_path, subjects=[1], window_fraction=0.1, progress=False)
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert leftovers == []


def test_label_table_must_match_the_trial_count(tmp_path):
    labels = {k: np.full(3, float(SESSION_LABELS[k // 15][k % 15])) for k in range(44)}
    write_raw(tmp_path, labels=labels)
    with pytest.raises(
        DatasetFormatError, match=r"\['label'\]: trial keys \[44\] missing"
    ):
        load_seed_v(tmp_path)


def labels_of(value=None, key=0):
    """The real label table, with ``value`` as the labels of trial ``key``."""
    table = {k: np.full(3, float(SESSION_LABELS[k // 15][k % 15])) for k in range(45)}
    if value is not None:
        table[key] = np.asarray(value, dtype=float)
    return table


def trials():
    """45 well-formed EEG trials keyed 0..44."""
    return {k: RNG.random((3, 310)) for k in range(45)}


@pytest.mark.parametrize(
    "eeg, match",
    [
        ({**trials(), "0": RNG.random((3, 310))}, r"keys 0 and '0' both name trial 0"),
        ({**trials(), 45: RNG.random((3, 310))}, r"key 45 names trial 45, outside"),
        ({**trials(), -1: RNG.random((3, 310))}, r"key -1 names trial -1, outside"),
        ({**trials(), 0.5: RNG.random((3, 310))}, r"key 0.5 is not a trial number"),
    ],
    ids=["0 and '0'", "45", "-1", "0.5"],
)
def test_duplicate_and_extra_trial_keys_are_refused(tmp_path, eeg, match):
    write_raw(tmp_path, eeg=eeg)
    with pytest.raises(DatasetFormatError, match=rf"{EEG_FOLDER}/1_123.npz.*{match}"):
        load_seed_v(tmp_path)


@pytest.mark.parametrize(
    "value, match",
    [
        ([7, 7, 7], "label 7 at row 0 is outside 0..4"),
        ([-1, -1, -1], "label -1 at row 0 is outside 0..4"),
        ([1e12, 1e12, 1e12], "label 1000000000000 at row 0 is outside 0..4"),
        ([2.5, 2.5, 2.5], r"expected integers, got .*2\.5"),
        ([1, 1, 2], r"labels \[1, 2\] within one trial"),
    ],
    ids=["7", "-1", "10**12", "2.5", "mixed"],
)
def test_labels_are_class_ids_constant_within_a_trial(tmp_path, value, match):
    write_raw(tmp_path, labels=labels_of(value, key=4))
    with pytest.raises(DatasetFormatError, match=rf"\[label\]\[4\]: {match}"):
        load_seed_v(tmp_path)


@pytest.mark.parametrize(
    "value, match",
    [
        (
            RNG.random((3, 310)) + 1j,
            r"expected numbers \(integers or floats\), got dtype complex128",
        ),
        (
            np.full((3, 310), "1.0"),
            r"expected numbers \(integers or floats\), got dtype <U3",
        ),
        (
            np.ones((3, 310), dtype=bool),
            r"expected numbers \(integers or floats\), got dtype bool",
        ),
        (np.float64(1.0), "expected a numeric array, got float64"),
    ],
    ids=["complex", "text", "bool", "scalar"],
)
def test_a_trial_must_be_a_real_numeric_array(tmp_path, value, match):
    write_raw(tmp_path, eeg=trials() | {9: value})
    with pytest.raises(DatasetFormatError, match=rf"\[data\]\[9\]: {match}"):
        load_seed_v(tmp_path)


@pytest.mark.timeout(20)
@pytest.mark.usefixtures("hard_timeout")  # np.asarray of it never returns
def test_a_nested_list_trial_is_refused_without_converting_it(tmp_path):
    nested: list = [[0.0] * 310]
    for _ in range(40):
        nested = [nested, nested]  # 2**40 rows in a few hundred bytes
    write_raw(tmp_path, eye={k: RNG.random((3, 33)) for k in range(44)} | {44: nested})
    with pytest.raises(
        UnsafePickleError, match=rf"{EYE_FOLDER}.*\[44\]: refusing a list"
    ):
        load_seed_v(tmp_path)


@pytest.mark.parametrize(
    "kind, phrase",
    [
        ("directory", "is a directory, not a regular file"),
        ("symlink loop", "symbolic link loop"),
        ("link to /dev/zero", "is a character device, not a regular file"),
    ],
)
def test_a_subject_file_that_is_not_a_regular_file_is_named(tmp_path, kind, phrase):
    # it used to be skipped: "subjects [1] not found (available: [])"
    write_raw(tmp_path)
    path = SEEDVRecord.at(tmp_path, 1).eeg_path
    path.unlink()
    if kind == "directory":
        path.mkdir()
    elif kind == "symlink loop":
        path.symlink_to(path.name)
    else:
        path.symlink_to("/dev/zero")
    with pytest.raises(DatasetFormatError, match=rf"{path}: {phrase}"):
        load_seed_v(tmp_path, subjects=[1])
