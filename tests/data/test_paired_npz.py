from dataclasses import fields

import numpy as np
import pytest

import cmcrd_plugin
from cmcrd_plugin.data import (
    DatasetFormatError,
    PairedWindows,
    load_paired_npz,
    load_seed_v,
    seed_v_folds,
    write_paired_npz,
)
from cmcrd_plugin.data.paired_npz import window_ids

pytestmark = pytest.mark.timeout(20)  # a hang fails the test


def make_windows(eeg_shape=(7,), n_per_trial=3, subjects=(1, 2), seed=0):
    """Two sessions x two trials per subject, ``n_per_trial`` windows each."""
    rng = np.random.default_rng(seed)
    ids = np.array(
        [
            (s, session, trial, w)
            for s in subjects
            for session in range(2)
            for trial in range(2)
            for w in range(n_per_trial)
        ]
    )
    n = len(ids)
    return PairedWindows(
        eeg=rng.normal(size=(n, *eeg_shape)).astype(np.float32),
        eye=rng.normal(size=(n, 4)).astype(np.float32),
        label=(ids[:, 2] + 2 * ids[:, 1]).astype(np.int64),
        subject=ids[:, 0].astype(np.int64),
        session=ids[:, 1].astype(np.int64),
        trial=ids[:, 2].astype(np.int64),
        window=ids[:, 3].astype(np.int64),
    )


def assert_windows_equal(a: PairedWindows, b: PairedWindows) -> None:
    for f in fields(PairedWindows):
        x, y = getattr(a, f.name), getattr(b, f.name)
        assert x.dtype == y.dtype, f.name
        np.testing.assert_array_equal(x, y, err_msg=f.name)


def save(path, windows=None, drop=(), **replace):
    """Write a paired NPZ by hand with ``np.savez``, as a lab would."""
    windows = windows or make_windows()
    arrays = {f.name: getattr(windows, f.name) for f in fields(PairedWindows)}
    arrays.update(replace)
    for name in drop:
        del arrays[name]
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize("eeg_shape", [(1550,), (62, 5), (62, 800)])
def test_round_trip_keeps_every_array_for_any_feature_shape(tmp_path, eeg_shape):
    windows = make_windows(eeg_shape)
    path = write_paired_npz(tmp_path / "mine.npz", windows)
    loaded = load_paired_npz(path)
    assert loaded.eeg.shape == (len(windows), *eeg_shape)
    assert_windows_equal(loaded, windows)


def test_writer_is_atomic_and_needs_the_npz_suffix(tmp_path):
    write_paired_npz(tmp_path / "a.npz", make_windows())
    assert [p.name for p in tmp_path.iterdir()] == ["a.npz"]  # no temporary left
    with pytest.raises(ValueError, match=r"\.npz"):
        write_paired_npz(tmp_path / "a.bin", make_windows())


def test_writer_stores_float32_features_and_int64_ids(tmp_path):
    windows = make_windows()
    wide = PairedWindows(
        **{f.name: getattr(windows, f.name) for f in fields(PairedWindows)}
        | {"eeg": windows.eeg.astype(np.float64), "label": windows.label.astype(int)}
    )
    with np.load(write_paired_npz(tmp_path / "a.npz", wide)) as archive:
        assert archive["eeg"].dtype == np.float32
        assert archive["label"].dtype == np.int64


def test_subjects_filter(tmp_path):
    path = write_paired_npz(tmp_path / "a.npz", make_windows(subjects=(1, 2, 5)))
    assert set(load_paired_npz(path, subjects=[5, 1]).subject) == {1, 5}
    with pytest.raises(DatasetFormatError, match=r"subjects \[3\] not found"):
        load_paired_npz(path, subjects=[3])


def test_folder_of_files_is_read_in_name_order_skipping_hidden_files(tmp_path):
    one, two = make_windows(subjects=(1,), seed=1), make_windows(subjects=(2,), seed=2)
    write_paired_npz(tmp_path / "b_subject2.npz", two)
    write_paired_npz(tmp_path / "a_subject1.npz", one)
    (tmp_path / ".a_subject1.npz.123.tmp").write_bytes(b"half a file")
    (tmp_path / ".hidden.npz").write_bytes(b"not an archive")
    (tmp_path / "notes.txt").write_text("stray file")
    assert_windows_equal(
        load_paired_npz(tmp_path), PairedWindows.concatenate([one, two])
    )


def test_folder_files_must_share_feature_shapes(tmp_path):
    write_paired_npz(tmp_path / "a.npz", make_windows((7,), subjects=(1,)))
    write_paired_npz(tmp_path / "b.npz", make_windows((8,), subjects=(2,)))
    with pytest.raises(DatasetFormatError, match=r"b\.npz\['eeg'\].*\(8,\).*a\.npz"):
        load_paired_npz(tmp_path)


def test_missing_file_folder_or_empty_folder(tmp_path):
    with pytest.raises(DatasetFormatError, match="not found"):
        load_paired_npz(tmp_path / "absent.npz")
    with pytest.raises(DatasetFormatError, match="no .npz files"):
        load_paired_npz(tmp_path)


def test_missing_array_is_named_with_the_file(tmp_path):
    path = save(tmp_path / "lab.npz", drop=("session",))
    with pytest.raises(DatasetFormatError, match=r"lab\.npz: arrays \['session'\]"):
        load_paired_npz(path)


def test_length_mismatch_names_file_and_array(tmp_path):
    windows = make_windows()
    path = save(tmp_path / "lab.npz", eye=windows.eye[:-1])
    with pytest.raises(DatasetFormatError, match=r"lab\.npz\['eye'\]: 23 rows"):
        load_paired_npz(path)


def test_non_integer_labels_and_ids_are_errors(tmp_path):
    windows = make_windows()
    label = windows.label.astype(float)
    label[5] = 1.5
    with pytest.raises(
        DatasetFormatError, match=r"\['label'\]: expected integers.*row 5"
    ):
        load_paired_npz(save(tmp_path / "a.npz", label=label))
    trial = windows.trial.astype(str)
    with pytest.raises(DatasetFormatError, match=r"\['trial'\]: expected numbers"):
        load_paired_npz(save(tmp_path / "b.npz", trial=trial))
    with pytest.raises(DatasetFormatError, match=r"\['label'\]: labels must be"):
        load_paired_npz(save(tmp_path / "c.npz", label=windows.label - 1))


def test_whole_number_floats_are_accepted_as_ids(tmp_path):
    windows = make_windows()
    path = save(tmp_path / "matlab.npz", label=windows.label.astype(np.float64))
    loaded = load_paired_npz(path)
    assert loaded.label.dtype == np.int64
    np.testing.assert_array_equal(loaded.label, windows.label)


@pytest.mark.parametrize("name", ["eeg", "eye"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_features_name_file_and_array(tmp_path, name, bad):
    values = getattr(make_windows(), name).copy()
    values[3, 0] = bad
    path = save(tmp_path / "lab.npz", **{name: values})
    with pytest.raises(DatasetFormatError, match=rf"lab\.npz\['{name}'\].*NaN or Inf"):
        load_paired_npz(path)


@pytest.mark.parametrize("name", ["eeg", "eye"])
def test_features_beyond_float32_are_refused_not_read_as_inf(tmp_path, name):
    values = getattr(make_windows(), name).astype(np.float64) * 1e40
    path = save(tmp_path / "lab.npz", **{name: values})
    with pytest.raises(DatasetFormatError, match=rf"\['{name}'\].*float32's range"):
        load_paired_npz(path)


def test_wrong_shapes_are_errors(tmp_path):
    windows = make_windows()
    with pytest.raises(DatasetFormatError, match=r"\['eye'\]: expected shape"):
        load_paired_npz(save(tmp_path / "a.npz", eye=windows.eye[:, 0]))
    with pytest.raises(DatasetFormatError, match=r"\['subject'\]: expected shape"):
        load_paired_npz(save(tmp_path / "b.npz", subject=windows.subject[:, None]))
    empty = {f.name: getattr(windows, f.name)[:0] for f in fields(PairedWindows)}
    with pytest.raises(DatasetFormatError, match="no windows"):
        load_paired_npz(save(tmp_path / "c.npz", **empty))


def test_pickled_object_arrays_are_refused(tmp_path):
    windows = make_windows()
    eeg = np.empty(len(windows), dtype=object)
    eeg[:] = list(windows.eeg)
    path = save(tmp_path / "lab.npz", eeg=eeg)
    with pytest.raises(DatasetFormatError, match=r"lab\.npz\['eeg'\]: cannot read"):
        load_paired_npz(path)


def test_not_an_archive(tmp_path):
    (tmp_path / "junk.npz").write_bytes(b"no zip here")
    with pytest.raises(DatasetFormatError, match=r"junk\.npz: cannot read"):
        load_paired_npz(tmp_path / "junk.npz")
    np.save(tmp_path / "array.npy", np.zeros(3))
    with pytest.raises(DatasetFormatError, match=r"array\.npy: expected an \.npz"):
        load_paired_npz(tmp_path / "array.npy")


def test_window_ids_are_numbered_per_trial_when_absent(tmp_path):
    windows = make_windows()
    order = np.random.default_rng(0).permutation(len(windows))
    shuffled = windows.subset(order)
    loaded = load_paired_npz(save(tmp_path / "lab.npz", shuffled, drop=("window",)))
    for key in {tuple(k) for k in np.stack([loaded.subject, loaded.trial], 1)}:
        for session in (0, 1):
            rows = (
                (loaded.subject == key[0])
                & (loaded.trial == key[1])
                & (loaded.session == session)
            )
            np.testing.assert_array_equal(loaded.window[rows], np.arange(rows.sum()))


def test_window_ids_follow_file_order():
    subject = np.array([1, 1, 2, 1, 2])
    zeros = np.zeros(5, dtype=int)
    np.testing.assert_array_equal(window_ids(subject, zeros, zeros), [0, 1, 0, 2, 1])


def test_repeated_window_ids_are_errors(tmp_path):
    windows = make_windows()
    path = save(tmp_path / "lab.npz", window=np.zeros(len(windows), dtype=int))
    with pytest.raises(DatasetFormatError, match=r"\['window'\]: some .* more than"):
        load_paired_npz(path)


def test_registered_as_loader_paired_npz(tmp_path):
    windows = make_windows()
    path = write_paired_npz(tmp_path / "a.npz", windows)
    assert cmcrd_plugin.get_loader("paired_npz") is load_paired_npz
    assert_windows_equal(cmcrd_plugin.get_loader("paired_npz")(path), windows)


def test_seed_v_windows_survive_the_round_trip_and_its_protocol(tmp_path, seed_v_root):
    windows = load_seed_v(seed_v_root)
    loaded = load_paired_npz(write_paired_npz(tmp_path / "seed_v.npz", windows))
    assert_windows_equal(loaded, windows)
    for a, b in zip(seed_v_folds(loaded), seed_v_folds(windows), strict=True):
        np.testing.assert_array_equal(a.test, b.test)


@pytest.mark.parametrize("name", ["eeg", "label"])
def test_complex_values_are_refused(tmp_path, name):
    windows = make_windows()
    value = getattr(windows, name) * (1 + 1j)
    with pytest.raises(DatasetFormatError, match=rf"\['{name}'\]: .*dtype complex"):
        load_paired_npz(save(tmp_path / "a.npz", **{name: value}))


def test_a_folder_entry_that_is_not_a_regular_file_is_named(tmp_path):
    write_paired_npz(tmp_path / "a.npz", make_windows(subjects=(1,)))
    (tmp_path / "b.npz").mkdir()
    with pytest.raises(DatasetFormatError, match=r"b\.npz: is a directory"):
        load_paired_npz(tmp_path, subjects=[1])
