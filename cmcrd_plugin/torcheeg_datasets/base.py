"""A TorchEEG ``BaseDataset`` of paired EEG + eye-movement windows.

Works with TorchEEG 1.1.3 from PyPI (``process_record(file=...)``) and with
its GitHub HEAD API (``read_record(record=...)`` then
``process_record(record=...)``).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from torcheeg.datasets.module.base_dataset import BaseDataset

from ..cache_dir import default_cache_dir
from ..data.paired import PairedWindows
from ..data.safe_pickle import safe_loads
from .cache import (
    CacheMismatchError,
    build_atomically,
    describe_mismatch,
    make_manifest,
    read_manifest,
)

#: what a cached sample holds; part of the cache manifest, so caches written
#: with an older layout are rebuilt
SAMPLE_LAYOUT = "modality-keyed: {'eeg': eeg, 'eye': (n_eye,) vector}"


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
    """``$CMCRD_CACHE/torcheeg/<name>-<digest>`` (default ``~/.cache/cmcrd_plugin``)."""
    return default_cache_dir() / "torcheeg" / f"{name}-{digest[:16]}"


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

    Caching: ``io_path`` (default: a folder under ``$CMCRD_CACHE/torcheeg``
    named by a digest of the arguments) is reused only if its manifest
    matches the class, the arguments and the source files; otherwise it is
    rebuilt (``on_cache_mismatch="rebuild"``, with a warning) or refused
    (``"error"``). Builds go to a temporary folder moved into place on
    success. Cached samples are read with the restricted unpickler.

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
        **reader_kwargs: Any,
    ) -> None:
        if on_cache_mismatch not in ("rebuild", "error"):
            raise ValueError("on_cache_mismatch must be 'rebuild' or 'error'")
        root_path = Path(root_path)
        records = self.find_records(root_path, **reader_kwargs)
        arguments = {
            "root_path": root_path.resolve(),
            "offline_transform": offline_transform,
            "eye_offline_transform": eye_offline_transform,
            "sample_layout": SAMPLE_LAYOUT,
            **reader_kwargs,
        }
        manifest = make_manifest(
            type(self).__name__, arguments, self.source_files(root_path, records)
        )
        io_path = (
            Path(io_path)
            if io_path
            else default_io_path(type(self).__name__, manifest["digest"])
        )
        self.online_transform = online_transform
        self.offline_transform = offline_transform
        self.label_transform = label_transform
        self.eye_transform = eye_transform
        self.eye_offline_transform = eye_offline_transform
        self.root_path = str(root_path)
        self.reader_kwargs = reader_kwargs
        io_mode = resolve_io_mode(io_mode)
        build_kwargs = dict(
            records=records,
            reader=self.reader(root_path, **reader_kwargs),
            offline_transform=offline_transform,
            eye_offline_transform=eye_offline_transform,
            trials_per_session=self.trials_per_session,
        )

        needs_build = not io_path.exists()
        if io_mode == "memory":
            needs_build = False  # built in memory by TorchEEG itself
        elif not needs_build:
            existing = read_manifest(io_path)
            if existing is None or existing.get("digest") != manifest["digest"]:
                reason = describe_mismatch(existing, manifest)
                if on_cache_mismatch == "error":
                    raise CacheMismatchError(
                        f"cache {io_path} does not match: {reason}"
                    )
                warnings.warn(
                    f"cache {io_path} does not match ({reason}); rebuilding",
                    stacklevel=2,
                )
                needs_build = True
        if needs_build:

            def build(tmp: Path) -> None:
                # TorchEEG's INFO logs would name the temporary folder as io_path
                log = logging.getLogger("torcheeg")
                level = log.level
                log.setLevel(max(level, logging.WARNING))
                try:
                    BaseDataset.__init__(
                        self,
                        io_path=str(tmp),
                        io_size=io_size,
                        io_mode=io_mode,
                        num_worker=num_worker,
                        verbose=verbose,
                        **build_kwargs,
                    )
                finally:
                    log.setLevel(level)
                self.eeg_io_router = {}  # close the build's storage before the move

            build_atomically(io_path, manifest, build)
        super().__init__(
            io_path=str(io_path),
            io_size=io_size,
            io_mode=io_mode,
            num_worker=num_worker,
            verbose=verbose,
            **build_kwargs,
        )

    # -- to implement ----------------------------------------------------
    @classmethod
    def find_records(cls, root_path: Path, **reader_kwargs) -> list:
        """The records (picklable) to process; raises DatasetFormatError early."""
        raise NotImplementedError

    @classmethod
    def source_files(cls, root_path: Path, records: Sequence) -> list[Path]:
        """Files whose size and time make the cache stale when they change."""
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
            yield {
                "eeg": {"eeg": eeg, "eye": eye},
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
