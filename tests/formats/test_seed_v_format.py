"""SEED-V's format module: real values, and the writer and readers agreeing on it."""

import dataclasses
import pickle
from collections import Counter

import numpy as np
import pytest

from cmcrd_plugin.data.seed_v import (
    find_records,
    load_seed_v_record,
    load_seed_v_subject,
)
from cmcrd_plugin.formats import seed_v
from cmcrd_plugin.formats.seed_v import SEEDVRecord
from cmcrd_plugin.synthetic import write_seed_v
from cmcrd_plugin.synthetic.folder import settings_file


def test_names_and_labels_are_those_of_the_release():
    assert (seed_v.EEG_FOLDER, seed_v.EYE_FOLDER) == (
        "EEG_DE_features",
        "Eye_movement_features",
    )
    assert seed_v.subject_file(7) == "7_123.npz"
    assert (seed_v.DATA_MEMBER, seed_v.LABEL_MEMBER) == ("data", "label")
    assert seed_v.SESSION_LABELS == (
        (4, 1, 3, 2, 0, 4, 1, 3, 2, 0, 4, 1, 3, 2, 0),
        (2, 1, 3, 0, 4, 4, 0, 3, 2, 1, 3, 4, 1, 2, 0),
        (2, 1, 3, 0, 4, 4, 0, 3, 2, 1, 3, 4, 1, 2, 0),
    )
    for labels in seed_v.SESSION_LABELS:  # 3 trials of every class per session
        assert Counter(labels) == dict.fromkeys(range(seed_v.N_CLASSES), 3)
    assert seed_v.CLASS_NAMES == ("disgust", "fear", "sad", "neutral", "happy")
    assert seed_v.SUBJECTS == tuple(range(1, 17)) and seed_v.EYE_DIM == 33
    assert seed_v.N_KEYS == 45 == seed_v.N_FOLDS * seed_v.TRIALS_PER_FOLD * 3


def test_keys_map_to_session_and_trial():
    assert seed_v.session_and_trial(0) == (0, 0)
    assert seed_v.session_and_trial(14) == (0, 14)
    assert seed_v.session_and_trial(15) == (1, 0)
    assert seed_v.session_and_trial(44) == (2, 14)


def test_file_pattern_reads_back_the_subject():
    for subject in (1, 16, 123):
        match = seed_v.FILE_PATTERN.match(seed_v.subject_file(subject))
        assert match and int(match.group(1)) == subject
    for stray in ("1_12.npz", "1_123.npz.tmp", ".DS_Store", "a_123.npz"):
        assert not seed_v.FILE_PATTERN.match(stray)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("seed_v_format")
    write_seed_v(root, subjects=[2, 5], window_fraction=0.1, progress=False)
    return root


def test_writer_writes_exactly_the_records_the_reader_finds(written):
    expected = [SEEDVRecord.at(written, s) for s in (2, 5)]
    written_files = {p for p in written.rglob("*") if p.is_file()}
    data_files = {p for r in expected for p in (r.eeg_path, r.eye_path)}
    assert written_files == data_files | {settings_file(written, "seed_v")}
    assert find_records(written) == expected
    with np.load(expected[0].eeg_path) as archive:
        assert sorted(archive.files) == [seed_v.DATA_MEMBER, seed_v.LABEL_MEMBER]


def test_record_round_trips_and_reads_like_the_subject(written):
    record = SEEDVRecord.at(written, 5)
    assert pickle.loads(pickle.dumps(record)) == record  # TorchEEG workers
    assert str(record) == "5_123.npz"
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.subject = 6
    by_record, by_subject = load_seed_v_record(record), load_seed_v_subject(written, 5)
    for field in ("eeg", "eye", "label", "subject", "session", "trial", "window"):
        np.testing.assert_array_equal(
            getattr(by_record, field), getattr(by_subject, field)
        )
    assert set(by_record.subject) == {5}


def test_key_numbers_are_integers_or_their_digits():
    assert [seed_v.key_number(k) for k in (0, "0", np.int64(44), -1, "45")] == [
        0,
        0,
        44,
        -1,
        45,
    ]
    for key in (0.5, 1.0, True, np.True_, "x", "1\n", None):
        with pytest.raises(ValueError, match="is not a trial number 0..44"):
            seed_v.key_number(key)
    assert seed_v.KEYS == range(seed_v.N_KEYS)
