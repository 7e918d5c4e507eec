import os
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

pytest.importorskip("torcheeg")

from torcheeg import transforms  # noqa: E402
from torcheeg.model_selection import (  # noqa: E402
    KFoldPerSubjectCrossTrial,
    KFoldPerSubjectGroupbyTrial,
    LeaveOneSubjectOut,
)

from cmcrd_plugin.data import UnsafePickleError, load_seed_iv, load_seed_v  # noqa: E402
from cmcrd_plugin.torcheeg_datasets import (  # noqa: E402
    CacheMismatchError,
    PairedSEEDIV,
    PairedSEEDIVRaw,
    PairedSEEDV,
    to_paired_windows,
)
from cmcrd_plugin.torcheeg_datasets.base import resolve_io_mode  # noqa: E402
from cmcrd_plugin.torcheeg_datasets.cache import POINTER  # noqa: E402
from cmcrd_plugin.torcheeg_datasets.manifest import MANIFEST  # noqa: E402

QUIET = dict(verbose=False)


def manifest_file(io_path):
    """The manifest of the cache version ``io_path`` currently points to."""
    return io_path / (io_path / POINTER).read_text() / MANIFEST


@pytest.fixture
def iv(seed_iv_root, tmp_path):
    return PairedSEEDIV(seed_iv_root, io_path=tmp_path / "cache", **QUIET)


def test_samples_pair_both_modalities_like_the_loader(iv, seed_iv_root):
    sample, label = iv[0]
    assert sample["eeg"].shape == (62, 5) and sample["eye"].shape == (31,)
    assert isinstance(label, int)
    windows = load_seed_iv(seed_iv_root)
    assert len(iv) == len(windows)
    for i in (0, 17, len(iv) - 1):
        (s, y), row = iv[i], iv.info.iloc[i]
        match = np.flatnonzero(
            (windows.subject == row.subject_id)
            & (windows.session == row.session_id)
            & (windows.trial == row.trial_in_session)
            & (windows.window == row.window_id)
        )
        np.testing.assert_array_equal(s["eeg"], windows.eeg[match[0]])
        np.testing.assert_array_equal(s["eye"], windows.eye[match[0]])
        assert y == windows.label[match[0]]
    assert {
        "subject_id",
        "session_id",
        "trial_id",
        "trial_in_session",
        "window_id",
        "emotion",
        "clip_id",
    } <= set(iv.info.columns)
    # trial ids are unique across sessions
    per_trial = iv.info.groupby(["subject_id", "trial_id"]).session_id.nunique()
    assert (per_trial == 1).all()
    np.testing.assert_array_equal(iv.targets, iv.info.emotion.to_numpy())


def test_transforms_apply_per_modality(seed_iv_root, tmp_path):
    ds = PairedSEEDIV(
        seed_iv_root,
        io_path=tmp_path / "c",
        features=["de_LDS", "psd_LDS"],
        online_transform=transforms.ToTensor(),
        eye_transform=transforms.Lambda(lambda x: x * 0),
        label_transform=transforms.Select("emotion"),
        **QUIET,
    )
    sample, label = ds[3]
    assert isinstance(sample["eeg"], torch.Tensor) and sample["eeg"].shape == (62, 10)
    assert not sample["eye"].any() and label == ds.info.emotion[3]
    offline = PairedSEEDIV(
        seed_iv_root,
        io_path=tmp_path / "d",
        offline_transform=transforms.MeanStdNormalize(axis=None),
        **QUIET,
    )
    assert abs(float(offline[0][0]["eeg"].mean())) < 1e-5


def test_splitters(iv, tmp_path):
    key = ["subject_id", "trial_id"]
    # cross-trial folds: unique trial ids keep session 1's trial 3 apart from
    # session 2's trial 3, so no window of a test trial is trained on
    splitter = KFoldPerSubjectCrossTrial(n_splits=3, split_path=str(tmp_path / "c"))
    for train, test in splitter.split(iv):
        tr = set(map(tuple, train.info[key].to_numpy()))
        te = set(map(tuple, test.info[key].to_numpy()))
        assert tr and te and not tr & te
        assert train[0][0]["eeg"].shape == (62, 5)
    splitter = KFoldPerSubjectGroupbyTrial(n_splits=2, split_path=str(tmp_path / "k"))
    for train, test in splitter.split(iv):
        assert len(train) + len(test) == len(
            iv.info[iv.info.subject_id == train.info.subject_id.iloc[0]]
        )
    for train, test in LeaveOneSubjectOut(split_path=str(tmp_path / "l")).split(iv):
        assert set(train.info.subject_id).isdisjoint(set(test.info.subject_id))
        assert len(train) + len(test) == len(iv)


def test_seed_v_and_raw_datasets(seed_v_root, seed_iv_root, tmp_path):
    v = PairedSEEDV(seed_v_root, io_path=tmp_path / "v", **QUIET)
    assert len(v) == len(load_seed_v(seed_v_root))
    assert v[0][0]["eeg"].shape == (62, 5) and v[0][0]["eye"].shape == (33,)
    raw = PairedSEEDIVRaw(seed_iv_root, io_path=tmp_path / "raw", **QUIET)
    windows = load_seed_iv(seed_iv_root, raw=True)
    sample, _ = raw[5]
    row = raw.info.iloc[5]
    match = np.flatnonzero(
        (windows.subject == row.subject_id)
        & (windows.session == row.session_id)
        & (windows.trial == row.trial_in_session)
        & (windows.window == row.window_id)
    )
    np.testing.assert_array_equal(sample["eeg"], windows.eeg[match[0]])
    assert sample["eeg"].shape == (62, 800)


def test_cache_is_reused_only_when_it_matches(seed_iv_root, tmp_path):
    io_path = tmp_path / "cache"
    PairedSEEDIV(seed_iv_root, io_path=io_path, **QUIET)
    stamp = manifest_file(io_path).stat().st_mtime_ns
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reuse: no rebuild warning
        PairedSEEDIV(seed_iv_root, io_path=io_path, **QUIET)
    assert manifest_file(io_path).stat().st_mtime_ns == stamp
    with pytest.raises(CacheMismatchError, match="argument features"):
        PairedSEEDIV(
            seed_iv_root,
            io_path=io_path,
            features=["psd_LDS"],
            on_cache_mismatch="error",
            **QUIET,
        )
    with pytest.warns(UserWarning, match="does not match.*features.*rebuilding"):
        ds = PairedSEEDIV(seed_iv_root, io_path=io_path, features=["psd_LDS"], **QUIET)
    assert ds[0][0]["eeg"].shape == (62, 5)


def test_changed_source_files_and_foreign_caches_are_rebuilt(seed_iv_root, tmp_path):
    from cmcrd_plugin.formats.seed_iv import EYE_FOLDER

    root = tmp_path / "SEED_IV"
    shutil.copytree(seed_iv_root, root)
    io_path = tmp_path / "cache"
    PairedSEEDIV(root, io_path=io_path, **QUIET)
    # caches are keyed on content: a change of content (here another
    # subject's file of the same session) rebuilds, whatever the file's times
    victim, donor = sorted((root / EYE_FOLDER / "1").glob("*.mat"))[:2]
    victim.write_bytes(donor.read_bytes())
    with pytest.warns(UserWarning, match="source files changed"):
        PairedSEEDIV(root, io_path=io_path, **QUIET)
    manifest_file(io_path).unlink()  # a damaged cache
    with pytest.warns(UserWarning, match="no valid cmcrd manifest"):
        PairedSEEDIV(root, io_path=io_path, **QUIET)
    shutil.rmtree(io_path)
    (io_path / "_record_0").mkdir(parents=True)  # like a cache TorchEEG built
    with pytest.warns(UserWarning, match="no valid cmcrd manifest"):
        PairedSEEDIV(root, io_path=io_path, **QUIET)
    assert not (io_path / "_record_0").exists()


def test_failed_build_leaves_nothing_behind(seed_iv_root, tmp_path, monkeypatch):
    import cmcrd_plugin.data.seed_iv as reader

    calls = {"n": 0}
    original = reader.load_seed_iv_record

    def flaky(record, features):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk vanished")
        return original(record, features)

    monkeypatch.setattr(reader, "load_seed_iv_record", flaky)
    with pytest.raises(OSError, match="disk vanished"):
        PairedSEEDIV(seed_iv_root, io_path=tmp_path / "cache", **QUIET)
    assert list(tmp_path.iterdir()) == []  # no io_path, no temporary folder


def test_cached_samples_are_read_with_the_restricted_unpickler(seed_iv_root, tmp_path):
    ds = PairedSEEDIV(
        seed_iv_root, io_path=tmp_path / "cache", io_mode="pickle", **QUIET
    )
    info = ds.info.iloc[0]
    marker = tmp_path / "pwned"

    class Hostile:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    import pickle

    sample_file = ds.cache_path / info["_record_id"] / "eeg" / info["clip_id"]
    sample_file.write_bytes(pickle.dumps(Hostile()))
    with pytest.raises(UnsafePickleError):
        ds[0]
    assert not marker.exists()


def test_lmdb_2_is_worked_around(monkeypatch):
    import lmdb

    monkeypatch.setattr(lmdb, "__version__", "2.1.0")
    assert resolve_io_mode("auto") == "pickle"
    with pytest.warns(UserWarning, match="lmdb<2"):
        assert resolve_io_mode("lmdb") == "pickle"
    monkeypatch.setattr(lmdb, "__version__", "1.8.1")
    assert resolve_io_mode("auto") == "lmdb"
    with pytest.raises(ValueError, match="io_mode"):
        resolve_io_mode("hdf5")


def test_concurrent_builds_and_readers_are_safe(seed_v_root, tmp_path):
    script = (
        "import sys, warnings; warnings.simplefilter('ignore');"
        "from cmcrd_plugin.torcheeg_datasets import PairedSEEDV;"
        f"ds = PairedSEEDV({str(seed_v_root)!r}, io_path={str(tmp_path / 'c')!r},"
        " verbose=False);"
        "print(len(ds), float(ds[len(ds) - 1][0]['eeg'].sum()))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert len({out for out, _ in outputs}) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]  # no leftovers


def test_bad_root_is_reported_before_any_cache_is_made(tmp_path):
    from cmcrd_plugin.data import DatasetFormatError
    from cmcrd_plugin.formats.seed_iv import EEG_FEATURE_FOLDER

    with pytest.raises(DatasetFormatError, match=EEG_FEATURE_FOLDER):
        PairedSEEDIV(tmp_path / "nowhere", io_path=tmp_path / "cache", **QUIET)
    assert not (tmp_path / "cache").exists()


def test_feeds_cmcrd_classifier_end_to_end(seed_iv_root, tmp_path):
    from cmcrd_plugin.models.mlp import CMCRDMLP
    from cmcrd_plugin.training import CMCRDClassifier, TeacherClassifier

    ds = PairedSEEDIV(
        seed_iv_root,
        io_path=tmp_path / "c",
        online_transform=transforms.MeanStdNormalize(axis=None),
        **QUIET,
    )
    train, test = next(
        iter(
            KFoldPerSubjectCrossTrial(n_splits=3, split_path=str(tmp_path / "k")).split(
                ds
            )
        )
    )
    windows = to_paired_windows(train)
    fast = dict(
        max_epochs=1,
        batch_size=32,
        verbose=0,
        train_split=None,
        optimizer=torch.optim.AdamW,
    )
    teacher = TeacherClassifier(CMCRDMLP, **fast).fit(windows.eye, windows.label)
    net = CMCRDClassifier(
        CMCRDMLP,
        teacher=teacher.module_,
        distiller__n_negatives=32,
        module__n_outputs=4,
        **fast,
    )
    net.fit(train, None)  # the TorchEEG split itself is the training set
    assert net.distiller_.n_data == len(train)
    proba = net.predict_proba(to_paired_windows(test).eeg)
    assert proba.shape == (len(test), 4)


def test_seed_multimodal_dataset(tmp_path):
    from cmcrd_plugin.data import load_seed
    from cmcrd_plugin.formats.seed import DEFAULT_LANGUAGE, RELEASE_FOLDER, SEEDRecord
    from cmcrd_plugin.synthetic import write_seed
    from cmcrd_plugin.torcheeg_datasets import PairedSEED

    root = write_seed(
        tmp_path / "s",
        subjects=[1, 6],
        sessions=[1],
        window_fraction=0.1,
        progress=False,
    )
    # subject 6 has no eye data in the real release: reported, not dropped silently
    SEEDRecord.at(root / RELEASE_FOLDER / DEFAULT_LANGUAGE, 6, 1).eye_path.unlink()
    with pytest.warns(UserWarning, match="no eye-tracking file for 6_1"):
        ds = PairedSEED(root, io_path=tmp_path / "c", **QUIET)
    assert set(ds.info.subject_id) == {1}
    with pytest.warns(UserWarning):
        assert len(ds) == len(load_seed(root))
    assert ds[0][0]["eeg"].shape == (62, 5) and ds[0][0]["eye"].shape == (33,)


def test_torcheeg_head_record_protocol(seed_iv_root, tmp_path):
    """GitHub HEAD calls read_record(record=...) then process_record(record=...)."""
    ds = PairedSEEDIV(seed_iv_root, io_path=tmp_path / "c", **QUIET)
    records = ds.set_records(records=PairedSEEDIV.find_records(seed_iv_root))
    assert ds.read_record(records[0]) == {}
    yielded = list(
        PairedSEEDIV.process_record(
            record=records[0],
            reader=PairedSEEDIV.reader(seed_iv_root),
            trials_per_session=24,
        )
    )
    from_file = list(
        PairedSEEDIV.process_record(
            file=records[0],
            reader=PairedSEEDIV.reader(seed_iv_root),
            trials_per_session=24,
        )
    )
    assert [y["key"] for y in yielded] == [y["key"] for y in from_file]
    first = yielded[0]
    assert (
        set(first["eeg"]) == {"eeg", "eye"} and first["info"]["clip_id"] == first["key"]
    )


def test_raw_windows_train_a_temporal_braindecode_student(seed_iv_root, tmp_path):
    from braindecode.models import ShallowFBCSPNet
    from torch.utils.data import Subset

    from cmcrd_plugin.models.mlp import CMCRDMLP
    from cmcrd_plugin.training import CMCRDClassifier

    raw = PairedSEEDIVRaw(seed_iv_root, io_path=tmp_path / "raw", **QUIET)
    teacher = CMCRDMLP(n_outputs=4, n_chans=31, n_times=1, hidden_size=16).eval()
    subset = Subset(raw, list(range(0, len(raw), 4)))
    net = CMCRDClassifier(
        ShallowFBCSPNet,
        teacher=teacher,
        module__n_outputs=4,
        max_epochs=1,
        batch_size=32,
        verbose=0,
        train_split=None,
        optimizer=torch.optim.AdamW,
        distiller__n_negatives=16,
    ).fit(subset, None)
    # ShallowFBCSPNet's head is not a Linear layer: the feature size came from a
    # dry run, and the banks hold one row per training window
    assert net.distiller_.n_data == len(subset)
    assert net.module_.n_times == 800 and net.module_.n_chans == 62
    x = np.stack([raw[i][0]["eeg"] for i in range(3)]).astype(np.float32)
    assert net.predict(x).shape == (3,)


def test_seed_v_root_without_subject_files(tmp_path):
    from cmcrd_plugin.data import DatasetFormatError
    from cmcrd_plugin.formats.seed_v import EEG_FOLDER, EYE_FOLDER

    for folder in (EEG_FOLDER, EYE_FOLDER):
        (tmp_path / "SEED-V" / folder).mkdir(parents=True)
    with pytest.raises(
        DatasetFormatError, match="SEED-V at .*: no subject files found"
    ):
        PairedSEEDV(tmp_path / "SEED-V", io_path=tmp_path / "cache", **QUIET)
    assert not (tmp_path / "cache").exists()
