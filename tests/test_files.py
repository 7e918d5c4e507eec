"""Atomic writes and staged folders: permissions of a plain open, nothing
half-written on failure."""

import os
import stat

import pytest

from cmcrd_plugin.files import staged_folder, umasked, write_atomic


def test_atomic_writes_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "f.txt"
        write_atomic(path, lambda tmp: tmp.write_text("x"))
        assert stat.S_IMODE(path.stat().st_mode) == 0o644  # mkstemp gives 0600
        assert umasked(0o777) == 0o755
        os.umask(0o077)
        write_atomic(path, lambda tmp: tmp.write_text("y"))
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_a_failed_atomic_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("old")

    def fail(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_atomic(path, fail)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_atomic_write_temporaries_can_end_in_a_given_suffix(tmp_path):
    path = tmp_path / "sub-01_eeg.fif"
    seen = []
    write_atomic(path, lambda tmp: seen.append(tmp) or tmp.write_text("x"), "_eeg.fif")
    assert seen[0].name.endswith("_eeg.fif") and seen[0].parent == tmp_path
    assert path.read_text() == "x"
    assert [p.name for p in tmp_path.iterdir()] == ["sub-01_eeg.fif"]


def test_staged_folder_replaces_the_folder_only_when_complete(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "old.csv").write_text("old")
    with pytest.raises(RuntimeError), staged_folder(out) as staging:
        (staging / "new.csv").write_text("half")
        raise RuntimeError("interrupted")
    assert sorted(p.name for p in out.iterdir()) == ["old.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    with staged_folder(out) as staging:
        (staging / "new.csv").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["new.csv"]
    assert stat.S_IMODE(out.stat().st_mode) == umasked(0o777)
