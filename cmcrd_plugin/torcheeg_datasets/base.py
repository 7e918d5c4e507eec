"""A TorchEEG ``BaseDataset`` of paired EEG + eye-movement windows.

Works with TorchEEG 1.1.3 from PyPI (``process_record(file=...)``) and with
its GitHub HEAD API (``read_record(record=...)`` then
``process_record(record=...)``).
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from torcheeg.datasets.module.base_dataset import BaseDataset
from torcheeg.io import EEGSignalIO, MetaInfoIO

from ..cache_dir import default_cache_dir
from ..data.paired import PairedWindows
from ..data.safe_pickle import safe_loads
from .cache import CacheMismatchError, VersionedCache
from .manifest import (
    describe,
    describe_mismatch,
    fingerprint_files,
    make_manifest,
    manifest_key,
    offline_transform_keys,
)

#: what a cached sample holds; part of the cache manifest, so caches written
#: with an older layout are rebuilt
SAMPLE_LAYOUT = "modality-keyed: {'eeg': eeg, 'eye': (n_eye,) vector}"


#: samples written per lmdb transaction when a cache is built
LMDB_BATCH = 1024


def _write_lmdb_batch(eeg_io: EEGSignalIO, info_io: MetaInfoIO, batch: list) -> None:
    """Write TorchEEG ``process_record`` outputs in one lmdb transaction."""
    import lmdb

    items = [
        (obj["key"].encode(), pickle.dumps(obj["eeg"]))
        for obj in batch
        if obj and "eeg" in obj and "key" in obj
    ]
    io = eeg_io._io  # TorchEEG 1.1.3's LMDBEEGSignalIO
    while True:
        try:
            with io._env.begin(write=True) as txn:
                for key, value in items:
                    txn.put(key, value)
            break
        except lmdb.MapFullError:  # grow the map as TorchEEG does, then retry
            io.io_size *= 2
            io._env.set_mapsize(io.io_size)
    eeg_io.io_size = io.io_size
    for obj in batch:
        if obj and "info" in obj:
            info_io.write_info(obj["info"])


def resolve_io_mode(io_mode: str) -> str:
    """``"auto"`` -> ``"lmdb"`` with lmdb < 2, else ``"pickle"``.

    With lmdb >= 2 TorchEEG's lmdb storage breaks every
    ``torcheeg.model_selection`` splitter ("environment already open"), so an
    explicit ``"lmdb"`` is switched to ``"pickle"`` with a warning.
    """
    if io_mode not in ("auto", "lmdb", "pickle", "memory"):
        raise ValueError(
            f"io_mode must be 'auto', 'lmdb', 'pickle' or 'memory', got {io_mode!r}"
        )
    if io_mode not in ("auto", "lmdb"):
        return io_mode
    try:
        import lmdb

        lmdb_ok = int(lmdb.__version__.split(".")[0]) < 2
    except ImportError:
        lmdb_ok = False
    if lmdb_ok:
        return "lmdb"
    if io_mode == "lmdb":
        warnings.warn(
            "io_mode='lmdb' needs lmdb<2 (TorchEEG's splitters fail with lmdb>=2: "
            "'environment already open'); using io_mode='pickle'",
            stacklevel=3,
        )
    return "pickle"


def default_io_path(name: str, digest: str) -> Path:
    """``<cache>/torcheeg/<name>-<digest>``, under :func:`default_cache_dir`."""
    return default_cache_dir() / "torcheeg" / f"{name}-{digest[:16]}"


class UnstorableSampleError(TypeError):
    """An offline transform outputs something the cache cannot store and read back."""


def check_storable(sample: dict, record: Any) -> None:
    """Raise :class:`UnstorableSampleError` unless ``sample`` survives the cache.

    Cached samples are pickled and read back with the restricted unpickler,
    which admits numpy arrays, numbers, strings and plain containers only.
    """
    try:
        safe_loads(pickle.dumps(sample), source=f"the first sample of {record}")
    except Exception as exc:  # noqa: BLE001 - any failure means it cannot be cached
        kinds = {key: type(value).__qualname__ for key, value in sample.items()}
        raise UnstorableSampleError(
            f"offline_transform / eye_offline_transform output cannot be cached: "
            f"the first sample of {record} holds {kinds}, which does not read back "
            f"({exc}). Offline transforms must output numpy arrays; apply "
            "transforms such as ToTensor() as online_transform / eye_transform"
        ) from exc


class PairedEEGEyeDataset(BaseDataset):
    """Base class: a TorchEEG dataset whose samples pair EEG with eye features.

    A sample is keyed by modality, ``({"eeg": eeg, "eye": eye}, label)``:
    ``eeg`` as stored (after ``offline_transform``) and after
    ``online_transform``, ``eye`` the window's eye-movement vector,
    ``(n_eye,)`` (after ``eye_offline_transform`` / ``eye_transform``), and
    ``label`` the emotion class as an int, or ``label_transform(y=info)["y"]``
    when a ``label_transform`` is given (TorchEEG convention, for example
    ``transforms.Select("emotion")``). The trainers fit on these samples
    directly, and choose which modality is the student's and which the
    teacher's (``student_key`` / ``teacher_key``).

    ``info`` rows carry ``subject_id``, ``session_id``, ``trial_id`` (unique
    across sessions: ``session_id * trials_per_session + trial_in_session``),
    ``trial_in_session``, ``window_id``, ``emotion`` and ``clip_id``, so the
    ``torcheeg.model_selection`` splitters group trials correctly.

    Caching: ``io_path`` (default: a folder, named by a digest of the
    arguments, under ``torcheeg`` in ``$CMCRD_CACHE`` or the user cache
    folder) holds versions of the cache (see
    :mod:`cmcrd_plugin.torcheeg_datasets.cache`). The current version is
    reused only if its manifest matches the class, ``io_mode``, the arguments
    and the content of the source files; otherwise a new version is built
    (``on_cache_mismatch="rebuild"``, with a warning) or the cache is refused
    (``"error"``). Offline transforms enter the manifest as their class's
    qualified name and a hash of their attributes; one holding a function
    (``Lambda``, a closure) cannot be described and needs ``cache_key``, a
    name that stands for both offline transforms (change it whenever they
    change). A rebuild never changes or removes a version an open dataset
    reads: each dataset object reads one version from start to end, and old
    versions are removed once no dataset holds them. Cached samples are read
    with the restricted unpickler; the first sample of each record is checked
    to read back before the rest is built.

    Subclasses set ``trials_per_session`` and implement :meth:`find_records`
    and :meth:`reader`.
    """

    trials_per_session: ClassVar[int]

    def __init__(
        self,
        root_path: str | Path,
        io_path: str | Path | None = None,
        online_transform: Callable | None = None,
        offline_transform: Callable | None = None,
        label_transform: Callable | None = None,
        eye_transform: Callable | None = None,
        eye_offline_transform: Callable | None = None,
        io_size: int = 1048576,
        io_mode: str = "auto",
        num_worker: int = 0,
        verbose: bool = True,
        on_cache_mismatch: str = "rebuild",
        cache_key: str | None = None,
        **reader_kwargs: Any,
    ) -> None:
        if on_cache_mismatch not in ("rebuild", "error"):
            raise ValueError("on_cache_mismatch must be 'rebuild' or 'error'")
        root_path = Path(root_path)
        records = self.find_records(root_path, **reader_kwargs)
        io_mode = resolve_io_mode(io_mode)
        arguments = {
            "root_path": str(root_path.resolve()),
            "sample_layout": SAMPLE_LAYOUT,
            **offline_transform_keys(
                offline_transform, eye_offline_transform, cache_key
            ),
            **{key: describe(value, key) for key, value in reader_kwargs.items()},
        }
        name = type(self).__name__
        io_path = (
            Path(io_path)
            if io_path
            else default_io_path(name, manifest_key(name, io_mode, arguments))
        )
        self.online_transform = online_transform
        self.offline_transform = offline_transform
        self.label_transform = label_transform
        self.eye_transform = eye_transform
        self.eye_offline_transform = eye_offline_transform
        self.root_path = str(root_path)
        self.reader_kwargs = reader_kwargs
        build_kwargs = dict(
            records=records,
            reader=self.reader(root_path, **reader_kwargs),
            offline_transform=offline_transform,
            eye_offline_transform=eye_offline_transform,
            trials_per_session=self.trials_per_session,
        )
        torcheeg_kwargs = dict(
            io_size=io_size, io_mode=io_mode, num_worker=num_worker, verbose=verbose
        )
        if io_mode == "memory":  # built in memory by TorchEEG, nothing to reuse
            self._cache_lease = None
            with tempfile.TemporaryDirectory() as tmp:  # TorchEEG's info tables
                super().__init__(
                    io_path=str(Path(tmp) / "io"), **torcheeg_kwargs, **build_kwargs
                )
            self.io_path = None
            return

        def build(folder: Path) -> None:
            # TorchEEG's INFO logs would name the build folder as io_path
            log = logging.getLogger("torcheeg")
            level = log.level
            log.setLevel(max(level, logging.WARNING))
            try:
                BaseDataset.__init__(
                    self, io_path=str(folder), **torcheeg_kwargs, **build_kwargs
                )
            finally:
                log.setLevel(level)
            self.eeg_io_router = {}  # close the build's storage

        store = VersionedCache(io_path)
        lease = store.open_current()
        known = lease.manifest.get("files") if lease is not None else None
        manifest = make_manifest(
            name,
            io_mode,
            arguments,
            fingerprint_files(self.source_files(root_path, records), known),
        )
        if lease is not None and lease.manifest.get("digest") == manifest["digest"]:
            store.collect_garbage()
        else:
            stale, stale_manifest = store.stale_content()
            if lease is not None or stale:
                reason = describe_mismatch(
                    lease.manifest if lease is not None else stale_manifest, manifest
                )
                if lease is not None:
                    lease.release()
                if on_cache_mismatch == "error":
                    raise CacheMismatchError(
                        f"cache {io_path} does not match: {reason}"
                    )
                warnings.warn(
                    f"cache {io_path} does not match ({reason}); rebuilding",
                    stacklevel=2,
                )
            lease = store.build(manifest, build)
        #: the hold on the version read, shared by copies and splits
        self._cache_lease = lease
        super().__init__(io_path=str(lease.path), **torcheeg_kwargs, **build_kwargs)
        self.io_path = str(io_path)

    @property
    def cache_path(self) -> Path | None:
        """The cache version this dataset reads (None with ``io_mode="memory"``)."""
        return None if self._cache_lease is None else self._cache_lease.path

    # -- to implement ----------------------------------------------------
    @classmethod
    def find_records(cls, root_path: Path, **reader_kwargs) -> list:
        """The records (picklable) to process; raises DatasetFormatError early."""
        raise NotImplementedError

    @classmethod
    def source_files(cls, root_path: Path, records: Sequence) -> list[Path]:
        """Files whose content makes the cache stale when it changes."""
        raise NotImplementedError

    @classmethod
    def reader(cls, root_path: Path, **reader_kwargs) -> Callable[[Any], PairedWindows]:
        """A picklable function ``record -> PairedWindows``."""
        raise NotImplementedError

    # -- TorchEEG protocol -------------------------------------------------
    def set_records(self, records=None, **kwargs):
        return list(records)

    def read_record(self, record, **kwargs) -> dict:
        """TorchEEG HEAD API: reading happens in :meth:`process_record`."""
        return {}

    @staticmethod
    def save_record(**kwargs) -> dict:
        """TorchEEG's ``save_record``, with lmdb writes batched.

        TorchEEG 1.1.3 commits (and syncs) one lmdb transaction per sample;
        here one transaction holds up to :data:`LMDB_BATCH` samples. Other
        storage modes, and other TorchEEG versions' protocols, go to
        TorchEEG's own ``save_record``.
        """
        if kwargs.get("io_mode") != "lmdb" or "file_id" not in kwargs:
            return BaseDataset.save_record(**kwargs)
        record = f"_record_{kwargs['file_id']}"
        folder = os.path.join(kwargs["io_path"], record)
        info_io = MetaInfoIO(os.path.join(folder, "info.csv"))
        eeg_io = EEGSignalIO(
            os.path.join(folder, "eeg"),
            io_size=kwargs.get("io_size", 1048576),
            io_mode="lmdb",
        )
        passed = {
            k: v
            for k, v in kwargs.items()
            if k not in ("io_path", "io_size", "io_mode", "file_id", "verbose")
        }
        process_record = passed.pop("process_record")
        batch = []
        for obj in process_record(**passed):
            batch.append(obj)
            if len(batch) == LMDB_BATCH:
                _write_lmdb_batch(eeg_io, info_io, batch)
                batch = []
        _write_lmdb_batch(eeg_io, info_io, batch)
        return {"eeg_io": eeg_io, "info_io": info_io, "record": record}

    @staticmethod
    def process_record(
        file=None,
        record=None,
        reader=None,
        offline_transform=None,
        eye_offline_transform=None,
        trials_per_session=1,
        **kwargs,
    ):
        windows: PairedWindows = reader(record if record is not None else file)
        for i in range(len(windows)):
            subject, session = int(windows.subject[i]), int(windows.session[i])
            trial, window = int(windows.trial[i]), int(windows.window[i])
            clip_id = f"{subject}_{session}_{trial}_{window}"
            eeg = windows.eeg[i]
            if offline_transform is not None:
                eeg = offline_transform(eeg=eeg)["eeg"]
            eye = windows.eye[i]
            if eye_offline_transform is not None:
                eye = eye_offline_transform(eeg=eye)["eeg"]
            sample = {"eeg": eeg, "eye": eye}
            if i == 0:
                check_storable(sample, record if record is not None else file)
            yield {
                "eeg": sample,
                "key": clip_id,
                "info": {
                    "clip_id": clip_id,
                    "subject_id": subject,
                    "session_id": session,
                    "trial_id": session * trials_per_session + trial,
                    "trial_in_session": trial,
                    "window_id": window,
                    "emotion": int(windows.label[i]),
                },
            }

    def read_eeg(self, record: str, key: str) -> Any:
        """Read a cached sample with the restricted unpickler (never plain pickle)."""
        io = self.eeg_io_router[record]._io  # TorchEEG 1.1.3 storage backends
        if hasattr(io, "_env"):  # lmdb
            with io._env.begin(write=False) as txn:
                raw = txn.get(key.encode())
            if raw is None:
                raise KeyError(f"{io.io_path}: no cached sample {key!r}")
            return safe_loads(raw, source=f"{io.io_path}[{key}]")
        if type(io).__name__ == "PickleEEGSignalIO":
            path = Path(io.io_path) / key
            return safe_loads(path.read_bytes(), source=str(path))
        return io.read_eeg(key)  # memory: no pickling involved

    def __getitem__(self, index: int):
        info = self.read_info(index)
        sample = self.read_eeg(str(info["_record_id"]), str(info["clip_id"]))
        eeg, eye = sample["eeg"], sample["eye"]
        if self.online_transform is not None:
            eeg = self.online_transform(eeg=eeg)["eeg"]
        if self.eye_transform is not None:
            eye = self.eye_transform(eeg=eye)["eeg"]
        if self.label_transform is not None:
            label = self.label_transform(y=info)["y"]
        else:
            label = int(info["emotion"])
        return {"eeg": eeg, "eye": eye}, label

    @property
    def targets(self) -> np.ndarray:
        """The label of every sample, without reading any EEG."""
        if self.label_transform is None:
            return self.info["emotion"].to_numpy().astype(np.int64)
        rows = self.info.to_dict("records")
        return np.asarray([self.label_transform(y=row)["y"] for row in rows])

    @property
    def repr_body(self) -> dict:
        return {"root_path": self.root_path, **self.reader_kwargs, **super().repr_body}
