import json

import numpy as np
import pytest

import cmcrd_plugin.synthetic.seed_v as seed_v_writer
from cmcrd_plugin.data import load_seed_v
from cmcrd_plugin.formats.seed_v import SEEDVRecord
from cmcrd_plugin.synthetic import (
    write_positive_control_seed_v,
    write_seed,
    write_seed_iv,
    write_seed_v,
)
from cmcrd_plugin.synthetic.folder import SyntheticDataError, settings_file

QUICK = dict(window_fraction=0.1, progress=False)


@pytest.mark.parametrize(
    "write, kwargs, message",
    [
        (write_seed_v, {"subjects": [0]}, r"seed_v subjects \[0\] are not in"),
        (write_seed_v, {"subjects": [2, 17]}, r"seed_v subjects \[17\]"),
        (write_seed_v, {"subjects": [1.0]}, r"seed_v subjects \[1.0\]"),
        (write_seed_iv, {"subjects": [16]}, r"seed_iv subjects \[16\]"),
        (write_seed_iv, {"subjects": [1], "sessions": [0, 4]}, r"sessions \[0, 4\]"),
        (write_seed, {"subjects": [-5]}, r"seed subjects \[-5\]"),
        (write_seed, {"subjects": [1], "sessions": [4]}, r"seed sessions \[4\]"),
    ],
)
def test_ids_outside_the_dataset_are_refused_before_writing(
    write, kwargs, message, tmp_path
):
    with pytest.raises(SyntheticDataError, match=message):
        write(tmp_path / "out", **kwargs, **QUICK)
    assert not (tmp_path / "out").exists()


def test_same_settings_keep_the_files_and_add_subjects(tmp_path):
    write_seed_v(tmp_path, subjects=[1], **QUICK)
    path = SEEDVRecord.at(tmp_path, 1).eeg_path
    before = path.stat().st_mtime_ns
    write_seed_v(tmp_path, subjects=[1, 2], **QUICK)
    assert path.stat().st_mtime_ns == before  # kept, not rewritten
    manifest = json.loads(settings_file(tmp_path, "seed_v").read_text())
    assert manifest["files"] == [
        "EEG_DE_features/1_123.npz",
        "EEG_DE_features/2_123.npz",
        "Eye_movement_features/1_123.npz",
        "Eye_movement_features/2_123.npz",
    ]
    assert manifest["settings"]["window_fraction"] == 0.1
    assert manifest["settings"]["generator"]["seed"] == 0


def test_the_generator_is_a_setting(tmp_path):
    write_seed_v(tmp_path, subjects=[1], **QUICK)
    with pytest.raises(SyntheticDataError, match="class .*LatentEmotionGenerator"):
        write_positive_control_seed_v(tmp_path, subjects=[1], **QUICK)


def test_other_settings_with_overwrite_replace_the_whole_dataset(tmp_path):
    write_seed_v(tmp_path, subjects=[1, 2], **QUICK)
    with pytest.raises(SyntheticDataError, match="window_fraction 0.1 -> 0.2"):
        write_seed_v(tmp_path, subjects=[1], window_fraction=0.2, progress=False)
    write_seed_v(
        tmp_path, subjects=[1], window_fraction=0.2, overwrite=True, progress=False
    )
    assert not SEEDVRecord.at(tmp_path, 2).eeg_path.exists()
    fresh = write_seed_v(
        tmp_path / "fresh", subjects=[1], window_fraction=0.2, progress=False
    )
    np.testing.assert_array_equal(load_seed_v(tmp_path).eeg, load_seed_v(fresh).eeg)


def test_a_killed_writer_leaves_a_settings_file_listing_what_it_wrote(
    tmp_path, monkeypatch
):
    calls = []
    real = seed_v_writer.write_npz

    def fails_on_the_third(path, **members):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        real(path, **members)

    monkeypatch.setattr(seed_v_writer, "write_npz", fails_on_the_third)
    with pytest.raises(OSError, match="disk full"):
        write_seed_v(tmp_path, subjects=[1, 2], **QUICK)
    manifest = json.loads(settings_file(tmp_path, "seed_v").read_text())
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.npz")}
    assert set(manifest["files"]) == written and len(written) == 2
    monkeypatch.setattr(seed_v_writer, "write_npz", real)
    write_seed_v(tmp_path, subjects=[1, 2], **QUICK)  # the same settings finish it
    assert set(load_seed_v(tmp_path).subject) == {1, 2}


def test_overwrite_removes_only_listed_files_inside_the_folder(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside.npz"
    outside.write_bytes(b"keep")
    write_seed_v(root, subjects=[1], **QUICK)
    path = settings_file(root, "seed_v")
    manifest = json.loads(path.read_text())
    manifest["files"].append("../outside.npz")
    path.write_text(json.dumps(manifest))
    write_seed_v(root, subjects=[1], seed=1, overwrite=True, **QUICK)
    assert outside.read_bytes() == b"keep"


def test_folders_that_cannot_be_claimed_are_named(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(SyntheticDataError, match=f"{a_file} is not a folder"):
        write_seed_v(a_file, subjects=[1], **QUICK)
    path = settings_file(tmp_path / "bad", "seed")
    path.parent.mkdir()
    path.write_text("{not json")
    with pytest.raises(SyntheticDataError, match="unreadable settings file"):
        write_seed(tmp_path / "bad", subjects=[1], sessions=[1], **QUICK)


def test_files_of_another_origin_are_replaced_only_with_overwrite(tmp_path):
    eye = tmp_path / "eye_feature_smooth" / "1" / "1_20160518.mat"
    eye.parent.mkdir(parents=True)
    eye.write_bytes(b"a real recording")
    with pytest.raises(SyntheticDataError, match="no cmcrd-synthetic-seed_iv.json"):
        write_seed_iv(tmp_path, subjects=[1], sessions=[1], **QUICK)
    assert eye.read_bytes() == b"a real recording"
    write_seed_iv(tmp_path, subjects=[1], sessions=[1], overwrite=True, **QUICK)
    assert eye.read_bytes() != b"a real recording"
