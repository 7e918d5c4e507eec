"""Versioned TorchEEG cache folders: a rebuild never changes what a reader reads.

TorchEEG reuses any existing ``io_path`` whatever the constructor arguments,
and a failed first build can leave a folder that later reads as "corrupted".
Here an ``io_path`` holds complete, never-modified versions of the cache and
a pointer to the current one::

    io_path/
      current                 name of the current version (replaced atomically)
      v-<digest>-<id>/        a complete TorchEEG cache and its manifest
      .building-<pid>-<id>/   a build in progress
      .build.lock             held by the one process building or cleaning up
      .readers/<version>.db   shared by every open dataset reading that version

An open dataset holds its version's readers lock (a
:class:`filelock.ReadWriteLock`) in shared mode until the last object
referring to it (splits and copies included) is gone. A build runs under the
build lock: it removes ``.building-*`` folders (their owner, who held the
lock, is gone), builds into a new ``.building-*`` folder, renames it to a new
version and replaces ``current``. Any version other than the current one is
removed, by that build or by a later open of the ``io_path``, only once its
readers lock can be taken exclusively, that is when no reader holds it.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, ReadWriteLock, Timeout

from .manifest import MANIFEST, read_manifest, write_manifest

POINTER = "current"
BUILD_LOCK = ".build.lock"
READERS = ".readers"
# the names this module gives (nothing else in io_path is ever removed)
VERSION_NAME = re.compile(r"v-[0-9a-f]{12}-[0-9a-f]{8}")
BUILDING_NAME = re.compile(r"\.building-[0-9]+-[0-9a-f]{8}")
_LEGACY_RECORD = "_record_"  # TorchEEG's records, directly in io_path before versions


class CacheMismatchError(RuntimeError):
    """An ``io_path`` was built from other arguments or other source files."""


class CacheLease:
    """A shared hold on one version of a cache, released when dropped.

    Attributes
    ----------
    path : Path
        The version folder (a complete TorchEEG ``io_path``).
    manifest : dict
        Its manifest.
    """

    def __init__(self, path: Path, manifest: dict, lock: ReadWriteLock | None):
        self.path = path
        self.manifest = manifest
        self._lock = lock
        self._pid = os.getpid()

    def release(self) -> None:
        """Let a later build or open remove this version (if not current)."""
        if self._lock is not None and self._pid == os.getpid():
            self._lock.close()
        self._lock = None

    def __del__(self) -> None:
        try:
            self.release()
        except Exception:  # noqa: BLE001, S110 - at interpreter exit the lock may be gone
            pass

    def __getstate__(self) -> dict:
        # A copy sent to a worker process does not hold the lock: the process
        # that opened the dataset does, for as long as it keeps the dataset.
        return {**self.__dict__, "_lock": None}


class VersionedCache:
    """The versions of the cache in one ``io_path`` (see the module docstring)."""

    def __init__(self, io_path: Path) -> None:
        self.io_path = Path(io_path)

    # -- reading -------------------------------------------------------------
    def current_name(self) -> str | None:
        try:
            name = (self.io_path / POINTER).read_text().strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return name if VERSION_NAME.fullmatch(name) else None

    def open_current(self) -> CacheLease | None:
        """A lease on the current version; None if there is none, or it is broken."""
        name = self.current_name()
        while name is not None:
            lease = self._lease(name)
            if lease is not None:
                return lease
            now = self.current_name()
            if now == name:
                return None  # the pointer names a version without manifest
            name = now  # a rebuild switched versions meanwhile
        return None

    def _lease(self, name: str) -> CacheLease | None:
        (self.io_path / READERS).mkdir(exist_ok=True)
        lock = ReadWriteLock(self._readers_db(name), is_singleton=False)
        lock.acquire_read()
        # a version is removed only under an exclusive hold, manifest first: with
        # the shared hold taken, a manifest that is there stays there
        manifest = read_manifest(self.io_path / name)
        if manifest is None:
            lock.close()
            return None
        return CacheLease(self.io_path / name, manifest, lock)

    def stale_content(self) -> tuple[bool, dict | None]:
        """Whether ``io_path`` holds a cache that :meth:`open_current` cannot open.

        That is a cache built by TorchEEG itself, or by an older
        cmcrd-plugin, directly in ``io_path`` (returned with its manifest, if
        any), or a current version that lost its manifest.
        """
        if not self.io_path.is_dir():
            return False, None
        if self.current_name() is not None:
            return True, None
        legacy = any(
            p.name.startswith(_LEGACY_RECORD) or p.name == MANIFEST
            for p in self.io_path.iterdir()
        )
        return legacy, read_manifest(self.io_path) if legacy else None

    # -- building ------------------------------------------------------------
    def build(self, manifest: dict, build: Callable[[Path], None]) -> CacheLease:
        """A lease on a version built by ``build(folder)`` (or an equal one).

        If, once the build lock is held, the current version already has this
        manifest's digest (another process built it meanwhile), it is used
        instead. On failure nothing of the build remains; an ``io_path``
        created for it is removed.
        """
        created = not self.io_path.exists()
        lock = self._build_lock(blocking=True)
        try:
            current = self.open_current()
            if current is not None:
                if current.manifest.get("digest") == manifest["digest"]:
                    self._collect_garbage()
                    return current
                current.release()
            self._collect_garbage()
            tmp = self.io_path / f".building-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            try:
                build(tmp)
                write_manifest(tmp, manifest)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                if created and self.current_name() is None:
                    shutil.rmtree(self.io_path, ignore_errors=True)
                raise
            name = f"v-{manifest['digest'][:12]}-{uuid.uuid4().hex[:8]}"
            os.rename(tmp, self.io_path / name)
            lease = self._lease(name)  # held before the switch: never collected
            pointer = self.io_path / f".{POINTER}-{uuid.uuid4().hex[:8]}"
            pointer.write_text(name)
            os.replace(pointer, self.io_path / POINTER)
            self._collect_garbage()
            return lease
        finally:
            lock.release()

    def collect_garbage(self) -> None:
        """Remove unused old versions, unless a build is running."""
        if self.current_name() is None:
            return
        try:
            lock = self._build_lock(blocking=False)
        except Timeout:
            return  # the builder collects when it is done
        try:
            self._collect_garbage()
        finally:
            lock.release()

    def _build_lock(self, blocking: bool) -> FileLock:
        while True:
            self.io_path.mkdir(parents=True, exist_ok=True)
            lock = FileLock(self.io_path / BUILD_LOCK)
            try:
                lock.acquire(blocking=blocking)
            except FileNotFoundError:
                continue  # a failed first build removed io_path meanwhile
            return lock

    def _collect_garbage(self) -> None:
        """Under the build lock: everything but the current version and its readers."""
        current = self.current_name()
        for path in self.io_path.iterdir():
            name = path.name
            pointer = re.fullmatch(rf"\.{POINTER}-[0-9a-f]{{8}}", name)
            if BUILDING_NAME.fullmatch(name) or pointer:
                _remove(path)  # the build lock's holder (us) owns no such thing
            elif (
                current is not None and VERSION_NAME.fullmatch(name) and name != current
            ):
                self._remove_version(name)
            elif current is not None and (
                name.startswith(_LEGACY_RECORD) or name == MANIFEST
            ):
                _remove(path)
        readers = self.io_path / READERS
        if readers.is_dir():
            for db in readers.glob("*.db"):
                if (
                    VERSION_NAME.fullmatch(db.stem)
                    and db.stem != current
                    and not (self.io_path / db.stem).exists()
                ):
                    self._remove_version(db.stem)

    def _remove_version(self, name: str) -> None:
        lock = ReadWriteLock(self._readers_db(name), is_singleton=False)
        try:
            lock.acquire_write(blocking=False)
        except Timeout:
            lock.close()
            return  # a reader holds it
        try:
            folder = self.io_path / name
            (folder / MANIFEST).unlink(missing_ok=True)  # first: readers check it
            shutil.rmtree(folder, ignore_errors=True)
            self._readers_db(name).unlink(missing_ok=True)
        finally:
            lock.close()

    def _readers_db(self, name: str) -> Path:
        return self.io_path / READERS / f"{name}.db"


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
