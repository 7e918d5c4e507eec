"""Caches that are what they claim: keyed on what they hold, versioned, and
never changed under an open reader."""

import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

pytest.importorskip("torcheeg")

from torcheeg import transforms  # noqa: E402
from torcheeg.model_selection import KFoldPerSubjectCrossTrial  # noqa: E402

from cmcrd_plugin.data import load_seed_iv, load_seed_v  # noqa: E402
from cmcrd_plugin.torcheeg_datasets import (  # noqa: E402
    CacheKeyError,
    CacheMismatchError,
    PairedSEEDIV,
    PairedSEEDV,
    UnstorableSampleError,
)
from cmcrd_plugin.torcheeg_datasets.base import resolve_io_mode  # noqa: E402
from cmcrd_plugin.torcheeg_datasets.cache import POINTER  # noqa: E402

QUIET = dict(verbose=False)
IO_MODES = ["pickle", "lmdb"]


def needs_lmdb(io_mode):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if resolve_io_mode(io_mode) != io_mode:
            pytest.skip("io_mode='lmdb' needs lmdb<2")


def loader_row(windows, row):
    """The loader's window for one ``info`` row of a paired dataset."""
    match = np.flatnonzero(
        (windows.subject == row.subject_id)
        & (windows.session == row.session_id)
        & (windows.trial == row.trial_in_session)
        & (windows.window == row.window_id)
    )
    assert len(match) == 1
    return match[0]


def versions(io_path):
    return sorted(p.name for p in io_path.iterdir() if p.name.startswith("v-"))


def test_an_offline_transform_with_other_list_contents_rebuilds(seed_iv_root, tmp_path):
    io_path = tmp_path / "cache"
    first = PairedSEEDIV(
        seed_iv_root,
        io_path=io_path,
        offline_transform=transforms.PickElectrode(list(range(10))),
        **QUIET,
    )
    with pytest.warns(UserWarning, match="argument offline_transform.*rebuilding"):
        second = PairedSEEDIV(
            seed_iv_root,
            io_path=io_path,
            offline_transform=transforms.PickElectrode(list(range(10, 20))),
            **QUIET,
        )
    windows = load_seed_iv(seed_iv_root)
    for ds, channels in ((first, slice(0, 10)), (second, slice(10, 20))):
        i = loader_row(windows, ds.info.iloc[7])
        np.testing.assert_array_equal(ds[7][0]["eeg"], windows.eeg[i][channels])


def test_a_lambda_offline_transform_is_cached_under_its_cache_key(
    seed_v_root, tmp_path
):
    io_path = tmp_path / "cache"
    with pytest.raises(CacheKeyError, match=r"offline_transform\.lambd.*cache_key"):
        PairedSEEDV(
            seed_v_root,
            io_path=io_path,
            offline_transform=transforms.Lambda(lambda x: x * 2),
            **QUIET,
        )
    assert not io_path.exists()
    windows = load_seed_v(seed_v_root)
    for factor, rebuilds in ((2, False), (3, True)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ds = PairedSEEDV(
                seed_v_root,
                io_path=io_path,
                offline_transform=transforms.Lambda(lambda x, f=factor: x * f),
                cache_key=f"times-{factor}",
                **QUIET,
            )
        messages = [str(w.message) for w in caught if "rebuilding" in str(w.message)]
        assert len(messages) == rebuilds
        if rebuilds:
            assert "argument cache_key: times-2 != times-3" in messages[0]
        i = loader_row(windows, ds.info.iloc[0])
        np.testing.assert_allclose(ds[0][0]["eeg"], windows.eeg[i] * factor)


def test_io_mode_is_part_of_the_manifest(seed_v_root, tmp_path):
    needs_lmdb("lmdb")
    io_path = tmp_path / "cache"
    PairedSEEDV(seed_v_root, io_path=io_path, io_mode="pickle", **QUIET)
    with pytest.raises(CacheMismatchError, match="io_mode pickle != lmdb"):
        PairedSEEDV(
            seed_v_root,
            io_path=io_path,
            io_mode="lmdb",
            on_cache_mismatch="error",
            **QUIET,
        )
    with pytest.warns(UserWarning, match="io_mode pickle != lmdb.*rebuilding"):
        ds = PairedSEEDV(seed_v_root, io_path=io_path, io_mode="lmdb", **QUIET)
    assert ds[len(ds) - 1][0]["eeg"].shape == (62, 5)  # no KeyError


def test_an_offline_transform_the_cache_cannot_read_back_fails_at_once(
    seed_v_root, tmp_path, monkeypatch
):
    import cmcrd_plugin.data.seed_v as reader

    original, calls = reader.load_seed_v_record, []

    def counting(record):
        calls.append(record)
        return original(record)

    monkeypatch.setattr(reader, "load_seed_v_record", counting)
    with pytest.raises(
        UnstorableSampleError, match=r"offline_transform.*'eeg': 'Tensor'.*online_"
    ):
        PairedSEEDV(
            seed_v_root,
            io_path=tmp_path / "cache",
            offline_transform=transforms.ToTensor(),
            **QUIET,
        )
    assert len(calls) == 1  # refused on the first record, not after the whole build
    assert list(tmp_path.iterdir()) == []


def test_an_edited_source_file_with_the_same_size_and_mtime_rebuilds(
    seed_iv_root, tmp_path
):
    from cmcrd_plugin.formats.seed_iv import EYE_FOLDER

    root = tmp_path / "SEED_IV"
    shutil.copytree(seed_iv_root, root)
    io_path = tmp_path / "cache"
    PairedSEEDIV(root, io_path=io_path, **QUIET)
    # subject 1's session-1 eye file gets subject 2's (same size) content
    session = root / EYE_FOLDER / "1"
    victim, donor = sorted(session.glob("1_*.mat"))[0], sorted(session.glob("2_*"))[0]
    stat = victim.stat()
    victim.write_bytes(donor.read_bytes())
    os.utime(victim, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (victim.stat().st_size, victim.stat().st_mtime_ns) == (
        stat.st_size,
        stat.st_mtime_ns,
    )
    with pytest.warns(UserWarning, match="source files changed"):
        ds = PairedSEEDIV(root, io_path=io_path, **QUIET)
    windows = load_seed_iv(root, subjects=[1])
    row = ds.info[(ds.info.subject_id == 1) & (ds.info.session_id == 1)].iloc[0]
    np.testing.assert_array_equal(
        ds[int(row.name)][0]["eye"], windows.eye[loader_row(windows, row)]
    )


def test_an_old_version_stays_while_a_dataset_or_split_reads_it(seed_v_root, tmp_path):
    io_path = tmp_path / "cache"
    old = PairedSEEDV(seed_v_root, io_path=io_path, **QUIET)
    before = [old[i][0]["eeg"].copy() for i in range(0, len(old), 50)]
    split = next(
        KFoldPerSubjectCrossTrial(n_splits=3, split_path=str(tmp_path / "k")).split(old)
    )
    normalize = dict(offline_transform=transforms.MeanStdNormalize(axis=None))
    with pytest.warns(UserWarning, match="rebuilding"):
        new = PairedSEEDV(seed_v_root, io_path=io_path, **normalize, **QUIET)
    assert new.cache_path != old.cache_path and len(versions(io_path)) == 2
    after = [old[i][0]["eeg"] for i in range(0, len(old), 50)]
    np.testing.assert_array_equal(np.stack(after), np.stack(before))  # not mixed
    del old
    gc.collect()
    PairedSEEDV(seed_v_root, io_path=io_path, **normalize, **QUIET)
    assert len(versions(io_path)) == 2  # the split still reads the old version
    assert split[0][0][0]["eeg"].shape == (62, 5)
    del split
    gc.collect()
    PairedSEEDV(seed_v_root, io_path=io_path, **normalize, **QUIET)
    assert versions(io_path) == [new.cache_path.name]


READER = """
import json, sys, time, warnings
from pathlib import Path
import numpy as np
warnings.simplefilter("ignore")
from cmcrd_plugin.torcheeg_datasets import PairedSEEDV

root, io_path, io_mode, ready, stop = sys.argv[1:]
ds = PairedSEEDV(root, io_path=io_path, io_mode=io_mode, verbose=False)
expected = [ds[i][0]["eeg"].copy() for i in range(len(ds))]
Path(ready).touch()
passes = errors = mixed = passes_after_stop = 0
messages = []
while passes_after_stop < 2:
    stopping = Path(stop).exists()
    for i in range(len(ds)):
        try:
            eeg = ds[i][0]["eeg"]
        except Exception as exc:
            errors += 1
            messages.append(repr(exc))
            continue
        mixed += not np.array_equal(eeg, expected[i])
    passes += 1
    passes_after_stop += stopping
result = dict(passes=passes, errors=errors, mixed=mixed, messages=messages[:3])
print(json.dumps(result))
"""


def wait_for(path, proc, timeout=120):
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"reader did not start: {proc.communicate()}")
        time.sleep(0.05)


@pytest.mark.parametrize("io_mode", IO_MODES)
def test_a_reader_runs_through_rebuilds_without_errors_or_mixed_data(
    seed_v_root, tmp_path, io_mode
):
    needs_lmdb(io_mode)
    io_path, ready, stop = tmp_path / "cache", tmp_path / "ready", tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(seed_v_root), str(io_path), io_mode]
        + [str(ready), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(ready, reader)
        (read_by_reader,) = versions(io_path)
        rebuilt = [
            transforms.MeanStdNormalize(axis=None),
            transforms.MinMaxNormalize(axis=None),
            transforms.MeanStdNormalize(axis=0),
        ]
        for offline in rebuilt:  # each a rebuild while the reader reads
            with pytest.warns(UserWarning, match="rebuilding"):
                ds = PairedSEEDV(
                    seed_v_root,
                    io_path=io_path,
                    io_mode=io_mode,
                    offline_transform=offline,
                    **QUIET,
                )
            np.testing.assert_allclose(
                ds[0][0]["eeg"], offline(eeg=load_seed_v(seed_v_root).eeg[0])["eeg"]
            )
        stop.touch()
        out, err = reader.communicate(timeout=120)
    finally:
        reader.kill()
    assert reader.returncode == 0, err
    result = json.loads(out)
    assert result["errors"] == 0 and result["mixed"] == 0, result
    assert result["passes"] >= 2
    # the reader's version was kept while it read, then removed by the next open
    assert read_by_reader in versions(io_path)
    gc.collect()
    PairedSEEDV(
        seed_v_root,
        io_path=io_path,
        io_mode=io_mode,
        offline_transform=rebuilt[-1],
        **QUIET,
    )
    assert versions(io_path) == [ds.cache_path.name]


SLOW_BUILD = """
import sys, time, warnings
from pathlib import Path
warnings.simplefilter("ignore")
import cmcrd_plugin.data.seed_v as reader
from torcheeg import transforms
from cmcrd_plugin.torcheeg_datasets import PairedSEEDV

def stuck(record):
    Path(sys.argv[3]).touch()
    time.sleep(600)

reader.load_seed_v_record = stuck
PairedSEEDV(sys.argv[1], io_path=sys.argv[2], verbose=False,
            offline_transform=transforms.MinMaxNormalize(axis=None))
"""


def test_a_killed_build_leaves_a_folder_the_next_build_removes(seed_v_root, tmp_path):
    io_path, started = tmp_path / "cache", tmp_path / "started"
    PairedSEEDV(seed_v_root, io_path=io_path, **QUIET)
    builder = subprocess.Popen(
        [sys.executable, "-c", SLOW_BUILD, str(seed_v_root), str(io_path)]
        + [str(started)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(started, builder)
        building = [p for p in io_path.iterdir() if p.name.startswith(".building-")]
        assert len(building) == 1
        PairedSEEDV(seed_v_root, io_path=io_path, **QUIET)  # opens, cleans up
        assert building[0].exists()  # its builder is alive
        builder.send_signal(signal.SIGKILL)
        builder.wait(timeout=60)
    finally:
        builder.kill()
    assert building[0].exists()  # a killed build cleans up nothing
    with pytest.warns(UserWarning, match="rebuilding"):
        PairedSEEDV(
            seed_v_root,
            io_path=io_path,
            offline_transform=transforms.MeanStdNormalize(axis=None),
            **QUIET,
        )
    assert not building[0].exists()
    assert not [p for p in io_path.iterdir() if p.name.startswith(".building-")]


def test_layout_and_pointer(seed_v_root, tmp_path):
    io_path = tmp_path / "cache"
    ds = PairedSEEDV(seed_v_root, io_path=io_path, **QUIET)
    assert ds.io_path == str(io_path)
    assert ds.cache_path == io_path / (io_path / POINTER).read_text()
    assert versions(io_path) == [ds.cache_path.name]


def test_lmdb_builds_in_batches_hold_what_pickle_builds_hold(seed_iv_root, tmp_path):
    """Raw windows (400 kB each) outgrow a small lmdb map many times over."""
    from cmcrd_plugin.torcheeg_datasets import PairedSEEDIVRaw

    needs_lmdb("lmdb")
    lmdb = PairedSEEDIVRaw(
        seed_iv_root, io_path=tmp_path / "l", io_mode="lmdb", io_size=65536, **QUIET
    )
    pickle = PairedSEEDIVRaw(
        seed_iv_root, io_path=tmp_path / "p", io_mode="pickle", **QUIET
    )
    assert len(lmdb) == len(pickle)
    for i in range(0, len(lmdb), 37):
        assert lmdb.info.clip_id[i] == pickle.info.clip_id[i]
        np.testing.assert_array_equal(lmdb[i][0]["eeg"], pickle[i][0]["eeg"])
        np.testing.assert_array_equal(lmdb[i][0]["eye"], pickle[i][0]["eye"])


def test_a_rebuild_removes_only_what_the_cache_made(seed_v_root, tmp_path):
    io_path = tmp_path / "mine"
    (io_path / "v-notes").mkdir(parents=True)
    (io_path / "v-notes" / "important.txt").write_text("keep me")
    (io_path / ".building-plan").mkdir()
    for offline in (None, transforms.MeanStdNormalize()):  # a build, then a rebuild
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            PairedSEEDV(
                seed_v_root, io_path=io_path, offline_transform=offline, verbose=False
            )
    assert (io_path / "v-notes" / "important.txt").read_text() == "keep me"
    assert (io_path / ".building-plan").is_dir()
