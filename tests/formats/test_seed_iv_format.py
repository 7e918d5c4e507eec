"""SEED-IV's format module: real values, and the writer and readers agreeing on it."""

import pickle
from collections import Counter
from pathlib import Path

import pytest
import scipy.io

from cmcrd_plugin.data.seed_iv import find_records
from cmcrd_plugin.formats import seed_iv
from cmcrd_plugin.formats.seed_iv import (
    EEG_FEATURE_FOLDER,
    EEG_RAW_FOLDER,
    EYE_FOLDER,
    SEEDIVRecord,
)
from cmcrd_plugin.synthetic.folder import settings_file


def test_labels_and_counts_are_those_of_the_release():
    assert seed_iv.SESSION_LABELS[0] == (
        1, 2, 3, 0, 2, 0, 0, 1, 0, 1, 2, 1, 1, 1, 2, 3, 2, 2, 3, 3, 0, 3, 0, 3,
    )  # fmt: skip
    assert seed_iv.SESSION_LABELS[2][:6] == (1, 2, 2, 1, 3, 3)
    for labels in seed_iv.SESSION_LABELS:  # 6 trials of every class per session
        assert Counter(labels) == dict.fromkeys(range(seed_iv.N_CLASSES), 6)
    assert seed_iv.CLASS_NAMES == ("neutral", "sad", "fear", "happy")
    assert len(seed_iv.SESSION1_WINDOW_COUNTS) == seed_iv.N_TRIALS == 24
    assert seed_iv.SESSION1_WINDOW_COUNTS[:4] == (42, 23, 49, 32)
    assert sum(seed_iv.SESSION1_WINDOW_COUNTS) == 851
    assert (seed_iv.SFREQ, seed_iv.WINDOW_SAMPLES, seed_iv.EYE_DIM) == (200, 800, 31)
    assert seed_iv.N_TRAIN_TRIALS == 16


def test_file_names_are_the_real_ones():
    assert (EEG_FEATURE_FOLDER, EEG_RAW_FOLDER, EYE_FOLDER) == (
        "eeg_feature_smooth",
        "eeg_raw_data",
        "eye_feature_smooth",
    )
    assert seed_iv.file_name(1, 1) == "1_20160518.mat"
    assert seed_iv.file_name(15, 3) == "15_20150527.mat"
    assert seed_iv.file_name(13, 3) == "13_20161130.mat"
    for session in seed_iv.SESSIONS:
        for subject in seed_iv.SUBJECTS:
            match = seed_iv.FILE_PATTERN.match(seed_iv.file_name(subject, session))
            assert match and int(match.group(1)) == subject
    for subject, session in ((16, 1), (0, 1), (1, 4)):
        with pytest.raises(ValueError, match=f"subject {subject}, session {session}"):
            seed_iv.file_name(subject, session)


def test_key_names_match_the_reader_patterns():
    key = seed_iv.feature_key("de_LDS", 3)
    assert key == "de_LDS3"
    assert seed_iv.feature_key_pattern("de_LDS").match(key).group(1) == "3"
    for other in ("psd_LDS3", "de_LDS", "de_movingAve3", "xde_LDS3"):
        assert not seed_iv.feature_key_pattern("de_LDS").match(other)
    assert seed_iv.EYE_KEY_PATTERN.match(seed_iv.eye_key(24)).group(1) == "24"
    assert seed_iv.raw_key(3, 7) == "hql_eeg7"
    assert seed_iv.RAW_KEY_PATTERN.match(seed_iv.raw_key(15, 12)).group(1) == "12"


def test_writer_writes_exactly_the_records_the_reader_finds(seed_iv_root):
    # seed_iv_root (tests/conftest.py): subjects 1, 2 x sessions 1, 2, with raw EEG
    pairs = [(subject, session) for subject in (1, 2) for session in (1, 2)]
    features = {SEEDIVRecord.at(seed_iv_root, *pair) for pair in pairs}
    raw = {SEEDIVRecord.at(seed_iv_root, *pair, EEG_RAW_FOLDER) for pair in pairs}
    assert set(find_records(seed_iv_root)) == features
    assert set(find_records(seed_iv_root, EEG_RAW_FOLDER)) == raw
    written_files = {p for p in seed_iv_root.rglob("*") if p.is_file()}
    paths = {p for r in features | raw for p in (r.eeg_path, r.eye_path)}
    assert written_files == paths | {settings_file(seed_iv_root, "seed_iv")}


def test_writer_uses_the_key_names(seed_iv_root):
    record = SEEDIVRecord.at(seed_iv_root, 2, 2)
    trials = range(1, seed_iv.N_TRIALS + 1)

    def keys(path):
        return {k for k in scipy.io.loadmat(path) if not k.startswith("__")}

    assert keys(record.eeg_path) == {
        seed_iv.feature_key(f, t) for f in seed_iv.FEATURES for t in trials
    }
    assert keys(record.eye_path) == {seed_iv.eye_key(t) for t in trials}
    raw_path = SEEDIVRecord.at(seed_iv_root, 2, 2, EEG_RAW_FOLDER).eeg_path
    assert keys(raw_path) == {seed_iv.raw_key(2, t) for t in trials}


def test_record_round_trips():
    record = SEEDIVRecord.at("root", 1, 2)
    assert pickle.loads(pickle.dumps(record)) == record
    assert str(record) == "session 2/1_20161125.mat"
    assert record.eeg_path == Path("root/eeg_feature_smooth/2/1_20161125.mat")
    assert record.eye_path == Path("root/eye_feature_smooth/2/1_20161125.mat")


def test_key_trial_reads_the_trial_number_of_matching_keys():
    pattern = seed_iv.feature_key_pattern("de_LDS")
    assert seed_iv.key_trial(pattern, "de_LDS7") == 7
    assert seed_iv.key_trial(pattern, "de_LDS07") == 7  # readers refuse both at once
    assert seed_iv.key_trial(pattern, "psd_LDS7") is None
    assert seed_iv.key_trial(seed_iv.RAW_KEY_PATTERN, "cz_eeg24") == 24
    assert seed_iv.TRIALS == range(1, seed_iv.N_TRIALS + 1)
