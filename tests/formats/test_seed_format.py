"""SEED multimodal's format module: real values, and the writer and readers agreeing."""

import pickle
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from cmcrd_plugin.data.safe_pickle import safe_load_file
from cmcrd_plugin.data.seed import find_records, language_folder
from cmcrd_plugin.formats import seed
from cmcrd_plugin.formats.seed import SEEDRecord
from cmcrd_plugin.synthetic import write_seed
from cmcrd_plugin.synthetic.folder import settings_file


def test_names_and_labels_are_those_of_the_release():
    assert seed.EEG_FOLDER == Path("02-EEG-DE-feature/eeg_used_4s")
    assert seed.EYE_FOLDER == Path("04-Eye-tracking-feature/eye_tracking_feature")
    assert seed.RELEASE_FOLDER == "SEED_Multimodal"
    assert seed.DEFAULT_LANGUAGE == "Chinese"
    assert seed.CLIP_LABELS == (1, 0, -1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 0, 1, -1)
    assert Counter(seed.CLIP_LABELS) == {-1: 5, 0: 5, 1: 5}
    assert seed.SUBJECTS_WITH_EYE == (1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14)
    assert seed.EYE_DIM == 33 and seed.N_TRIALS == 15


def test_parts_split_the_clips_nine_and_six():
    assert seed.PARTS == ("train", "test")
    assert list(seed.PART_CLIPS["train"]) == list(range(9))
    assert list(seed.PART_CLIPS["test"]) == list(range(9, 15))
    assert (seed.eeg_data_member("train"), seed.eeg_label_member("test")) == (
        "train_data",
        "test_label",
    )
    assert seed.eye_data_key("test") == "test_data_eye"


def test_file_names():
    assert seed.eeg_file(2, 3) == "2_3.npz"
    assert seed.eye_file(2, 3) == "2_3"
    assert seed.eye_file(2, 3, "mat") == "2_3.mat"
    match = seed.EEG_FILE_PATTERN.match(seed.eeg_file(12, 2))
    assert match and match.groups() == ("12", "2")
    assert not seed.EEG_FILE_PATTERN.match(".DS_Store")
    with pytest.raises(ValueError, match="eye_format must be 'pickle' or 'mat'"):
        seed.eye_file(2, 3, "csv")


@pytest.mark.parametrize("eye_format", ["pickle", "mat"])
def test_writer_writes_exactly_the_records_the_reader_finds(tmp_path, eye_format):
    write_seed(
        tmp_path,
        subjects=[1, 8],
        sessions=[1, 3],
        window_fraction=0.1,
        eye_format=eye_format,
        progress=False,
    )
    base = tmp_path / seed.RELEASE_FOLDER / seed.DEFAULT_LANGUAGE
    assert language_folder(tmp_path) == base
    expected = {
        SEEDRecord.at(base, subject, session, eye_format)
        for subject in (1, 8)
        for session in (1, 3)
    }
    assert set(find_records(tmp_path)) == expected
    written_files = {p for p in tmp_path.rglob("*") if p.is_file()}
    data_files = {p for r in expected for p in (r.eeg_path, r.eye_path)}
    assert written_files == data_files | {settings_file(tmp_path, "seed")}


def test_writer_uses_the_member_names(tmp_path):
    write_seed(
        tmp_path, subjects=[2], sessions=[1], window_fraction=0.1, progress=False
    )
    record = SEEDRecord.at(tmp_path / seed.RELEASE_FOLDER / seed.DEFAULT_LANGUAGE, 2, 1)
    with np.load(record.eeg_path) as archive:
        assert set(archive.files) == {
            name(part)
            for part in seed.PARTS
            for name in (seed.eeg_data_member, seed.eeg_label_member)
        }
    assert set(safe_load_file(record.eye_path)) == {
        seed.eye_data_key(p) for p in seed.PARTS
    }


def test_record_round_trips():
    record = SEEDRecord.at("root", 4, 2, "mat")
    assert pickle.loads(pickle.dumps(record)) == record
    assert record.eye_path == Path("root") / seed.EYE_FOLDER / "4_2.mat"
    assert str(record) == "4_2.npz"
